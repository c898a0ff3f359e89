/* kinmyaku — the network map (人脈マップ): draws /network/graph.json with Cytoscape.js.
   Me in the centre, my strongest ties in two columns around me, the other ties in labelled
   group bubbles (a company, or the smaller companies of an industry) further out.  Tapping
   a group opens it (its strongest members, inside the bubble); tapping a person focuses
   on them (their ties, my best path to them); "Back to my map" returns.  Labels keep the
   same size on the screen at any zoom, and the layout leaves room for them. */
(function () {
  "use strict";

  var COLORS = {
    me: "#8a6200", tie: "#0b5cad", other: "#6f6f6f", path: "#b3261e",
    edge: "#b9b4aa", label: "#1d1d1f", halo: "#fbfaf7", group: "#efe4c8", groupLine: "#8a6200"
  };
  var DARK = {
    label: "#ecebe8", halo: "#161615", edge: "#5b5852", group: "#3a3323", groupLine: "#d9b45a"
  };

  var CJK = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

  function dark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function narrow(box) { return box.clientWidth < 640; }
  function font(box) { return narrow(box) ? 12 : 13; }

  /* ---- layout: positions in screen pixels at zoom 1 ---------------------------------- */

  function column(nodes, x, top, bottom, side, bend) {
    var n = nodes.length;
    nodes.forEach(function (node, i) {
      var t = n === 1 ? 0.5 : i / (n - 1);
      var y = top + (bottom - top) * t;
      var mid = (top + bottom) / 2;
      var half = Math.max((bottom - top) / 2, 1);
      var k = (y - mid) / half;
      node.position = { x: side * (x - bend * k * k), y: y };
      node.labelSide = side > 0 ? "right" : "left";
    });
  }

  function rows(nodes, width, ys) {
    var perRow = Math.max(1, Math.ceil(nodes.length / ys.length));
    nodes.forEach(function (node, i) {
      var row = Math.floor(i / perRow);
      var inRow = Math.min(perRow, nodes.length - row * perRow);
      var col = i - row * perRow;
      var step = width / inRow;
      node.position = { x: -width / 2 + step * (col + 0.5), y: ys[row] };
      node.labelSide = "below";
    });
  }

  function split(list) {
    var right = [], left = [];
    list.forEach(function (n, i) { (i % 2 === 0 ? right : left).push(n); });
    return [right, left];
  }

  function place(box, nodes) {
    var w = Math.max(box.clientWidth, 300), h = Math.max(box.clientHeight, 320);
    var centre = nodes.filter(function (n) { return n.ring === 0; });
    var ring = nodes.filter(function (n) { return n.ring === 1 || n.ring === 2; });
    var groups = nodes.filter(function (n) { return n.ring === 3; });
    centre.forEach(function (n) { n.position = { x: 0, y: 0 }; n.labelSide = "below"; });
    var sides = split(ring);
    if (narrow(box)) {
      var up = groups.slice(0, Math.ceil(groups.length / 2));
      var down = groups.slice(up.length);
      var big = 0;
      groups.forEach(function (n) { big = Math.max(big, groupSize(n)); });
      var topY = -h / 2 + 8 + big / 2, bottomY = h / 2 - 44 - big / 2;
      if (up.length) { rows(up, w - 16, [topY]); }
      if (down.length) { rows(down, w - 16, [bottomY]); }
      var top = groups.length ? topY + big / 2 + 64 : -h / 2 + 30;
      var bottom = down.length ? bottomY - big / 2 - 22 : h / 2 - 30;
      var x = Math.min(w / 2 - 100, 90);
      column(sides[0], x, top, bottom, 1, 14);
      column(sides[1], x, top, bottom, -1, 14);
    } else {
      var outer = w / 2 - 160;
      var inner = Math.max(outer - 190, 60);
      column(sides[0], inner, -h / 2 + 30, h / 2 - 30, 1, 10);
      column(sides[1], inner, -h / 2 + 30, h / 2 - 30, -1, 10);
      var g = split(groups);
      column(g[0], outer, -h / 2 + 40, h / 2 - 50, 1, 8);
      column(g[1], outer, -h / 2 + 40, h / 2 - 50, -1, 8);
    }
  }

  function groupSize(n) { return Math.min(22 + Math.round(Math.sqrt(n.count) * 4), 56); }

  /* ---- elements and style -------------------------------------------------------------- */

  function nodeElement(n) {
    var classes = [n.kind, "lab-" + (n.labelSide || "below")];
    if (n.kind === "person" && n.strength === null) { classes.push("other"); }
    if (n.centre) { classes.push("centre"); }
    if (CJK.test(n.label)) { classes.push("cjk"); }  /* Japanese wraps anywhere, English at spaces */
    var size = n.kind === "me" ? 30 : n.kind === "group" ? groupSize(n)
      : 12 + Math.round((n.strength === null ? 0 : n.strength) / 8);
    var el = {
      group: "nodes",
      data: {
        id: n.id, person: n.person, size: size,
        label: n.kind === "group" ? n.label.replace(" · ", "\n") : n.label, kind: n.kind,
        groupKey: n.group || "", role: n.role || "", word: n.word || "", list: n.list || ""
      },
      classes: classes.join(" ")
    };
    if (n.parent) { el.data.parent = n.parent; }
    if (n.position) { el.position = n.position; }
    return el;
  }

  function elements(data) {
    var out = data.nodes.map(nodeElement);
    data.edges.forEach(function (e, i) {
      out.push({ group: "edges", data: {
        id: "e" + i, source: e.source, target: e.target, kind: e.kind, weight: e.weight
      }, classes: e.kind === "group" ? "to-group" : "" });
    });
    return out;
  }

  function style() {
    var d = dark();
    var label = d ? DARK.label : COLORS.label;
    var halo = d ? DARK.halo : COLORS.halo;
    return [
      { selector: "node", style: {
        "width": "data(size)", "height": "data(size)", "background-color": COLORS.tie,
        "border-width": 1, "border-color": halo, "label": "data(label)", "font-size": 13,
        "color": label, "text-outline-color": halo, "text-outline-width": 3,
        "text-valign": "bottom", "text-halign": "center", "text-margin-y": 4,
        "text-wrap": "wrap", "text-max-width": 150, "min-zoomed-font-size": 0
      } },
      { selector: "node.cjk", style: { "text-overflow-wrap": "anywhere" } },
      { selector: "node.lab-right", style: { "text-valign": "center", "text-halign": "right", "text-margin-x": 6, "text-margin-y": 0 } },
      { selector: "node.lab-left", style: { "text-valign": "center", "text-halign": "left", "text-margin-x": -6, "text-margin-y": 0 } },
      { selector: "node.other", style: { "background-color": COLORS.other } },
      { selector: "node.me", style: { "background-color": COLORS.me, "font-weight": "bold" } },
      { selector: "node.centre", style: { "border-width": 3, "border-color": COLORS.me, "font-weight": "bold" } },
      { selector: "node.group", style: {
        "background-color": d ? DARK.group : COLORS.group, "border-width": 2,
        "border-color": d ? DARK.groupLine : COLORS.groupLine, "text-max-width": 110
      } },
      { selector: "node.group.lab-below", style: { "text-max-width": 100 } },
      { selector: ":parent", style: {
        "background-opacity": 0.35, "shape": "round-rectangle", "text-valign": "top",
        "text-halign": "center", "text-margin-y": -4, "padding": 14, "text-max-width": 400
      } },
      { selector: "edge", style: {
        "width": "mapData(weight, 0, 1, 0.5, 3)", "line-color": d ? DARK.edge : COLORS.edge,
        "opacity": 0.55, "curve-style": "haystack"
      } },
      { selector: "edge.to-group", style: { "line-style": "dashed", "width": 1 } },
      /* Off the path: paler, but every name still readable. */
      { selector: "node.faded", style: { "background-opacity": 0.3, "border-opacity": 0.3, "text-opacity": 0.8 } },
      { selector: "edge.faded", style: { "opacity": 0.12 } },
      { selector: "node.on-path", style: {
        "background-color": COLORS.path, "border-color": COLORS.path, "border-width": 3,
        "z-index": 10, "font-weight": "bold", "opacity": 1
      } },
      { selector: "node.me.on-path", style: { "background-color": COLORS.me } },
      { selector: "edge.on-path", style: {
        "line-color": COLORS.path, "width": 4, "opacity": 1, "z-index": 9, "curve-style": "straight"
      } },
      /* Behind an opened group: out of the way, names hidden (last: it wins). */
      { selector: ".behind", style: { "opacity": 0.12, "text-opacity": 0, "z-index": 0 } }
    ];
  }

  /* Labels the same size on the screen whatever the zoom. */
  function keepLabels(cy, box) {
    var px = font(box);
    var z = cy.zoom();
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        var wrap = node.isParent() ? 400 : node.hasClass("group") ? (node.hasClass("lab-below") ? 100 : 110) : 150;
        var css = { "font-size": px / z, "text-max-width": wrap / z, "text-outline-width": 3 / z };
        if (node.hasClass("lab-right")) { css["text-margin-x"] = 6 / z; }
        if (node.hasClass("lab-left")) { css["text-margin-x"] = -6 / z; }
        if (node.hasClass("lab-below")) { css["text-margin-y"] = 4 / z; }
        node.style(css);
      });
    });
  }

  function highlight(cy, path) {
    cy.elements().removeClass("on-path faded");
    if (!path) { return; }
    var chosen = cy.collection();
    path.ids.forEach(function (id, i) {
      var node = cy.getElementById(id);
      chosen = chosen.union(node);
      if (i > 0) { chosen = chosen.union(node.edgesWith(cy.getElementById(path.ids[i - 1]))); }
    });
    cy.elements().difference(chosen).addClass("faded");
    chosen.addClass("on-path");
  }

  /* ---- the map ------------------------------------------------------------------------ */

  function Map(box, status) {
    this.box = box;
    this.status = status;
    this.src = box.getAttribute("data-src");
    if (narrow(box) && this.src.indexOf("people=") < 0) {
      this.src += (this.src.indexOf("?") < 0 ? "?" : "&") + "people=10&groups=6";
    }
    this.card = document.getElementById("map-focus-card");
    this.cy = null;
    this.home = null;
  }

  Map.prototype.get = function (query) {
    var url = this.src;
    if (query) {
      url = "/network/graph.json?" + query +
        (this.src.indexOf("?") >= 0 ? "&" + this.src.split("?")[1].replace(/(^|&)focus=[^&]*/g, "") : "");
    }
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  };

  Map.prototype.draw = function (data) {
    var self = this;
    place(this.box, data.nodes);
    if (this.cy) { this.cy.destroy(); }
    var cy = window.cytoscape({
      container: this.box, elements: elements(data), style: style(),
      layout: { name: "preset", fit: true, padding: 12 },
      minZoom: 0.2, maxZoom: 3,
      boxSelectionEnabled: false, autoungrabify: true
    });
    for (var round = 0; round < 3; round++) {  /* labels resized for the zoom, then fit again */
      keepLabels(cy, this.box);
      cy.fit(cy.elements(), 12);
      if (cy.zoom() > 1) { cy.zoom(1); cy.center(); }
    }
    keepLabels(cy, this.box);
    cy.on("zoom", function () { keepLabels(cy, self.box); });
    cy.on("tap", "node", function (event) { self.tap(event.target); });
    this.cy = cy;
    this.data = data;
    window.kinmyakuMap = cy;
    this.box.setAttribute("data-view", data.view);
    this.box.setAttribute("data-nodes", String(data.nodes.length));
    this.box.setAttribute("data-edges", String(data.edges.length));
    this.box.setAttribute("data-ready", "true");
  };

  Map.prototype.say = function (key, values) {
    this.status.textContent = fill(this.status.getAttribute(key), values);
  };

  Map.prototype.overview = function (data) {
    this.home = data;
    this.card.hidden = true;
    this.draw(data);
    if (data.paths && data.paths.length) { highlight(this.cy, data.paths[0]); }
    this.say("data-shown", { shown: data.shown, grouped: data.grouped, groups: data.groups });
  };

  Map.prototype.back = function () {
    if (this.home) { this.overview(this.home); }
    else { this.load(""); }
  };

  Map.prototype.tap = function (node) {
    var kind = node.data("kind");
    if (kind === "me") { this.back(); return; }
    if (kind === "group" && !node.isParent() && node.data("groupKey")) { this.open(node); return; }
    if (node.data("person")) { this.focus(node.data("person")); }
  };

  Map.prototype.open = function (groupNode) {
    var self = this;
    this.box.setAttribute("data-ready", "loading");
    this.get("group=" + encodeURIComponent(groupNode.data("groupKey"))).then(function (data) {
      var cy = self.cy;
      var at = groupNode.position();
      var n = data.nodes.length;
      /* As many columns as fit the screen at zoom 1, so the names stay apart. */
      var fit = Math.max(1, Math.floor((self.box.clientWidth - 40) / 110));
      var cols = Math.max(1, Math.min(fit, Math.ceil(Math.sqrt(n * 1.6))));
      var added = data.nodes.map(function (node, i) {
        node.position = { x: at.x + ((i % cols) - (cols - 1) / 2) * 110, y: at.y + Math.floor(i / cols) * 46 };
        node.labelSide = "below";
        var el = nodeElement(node);
        el.data.id = node.id + "-in-" + data.group;
        el.data.parent = data.group;
        return el;
      });
      cy.elements().addClass("behind");
      cy.add(added);
      var bubble = cy.getElementById(data.group);
      bubble.removeClass("behind").addClass("open");
      for (var round = 0; round < 2; round++) {
        keepLabels(cy, self.box);
        cy.fit(bubble, 16);
        if (cy.zoom() > 1.2) { cy.zoom({ level: 1.2, position: bubble.position() }); }
      }
      keepLabels(cy, self.box);
      self.say("data-group", { label: data.label, shown: n });
      self.box.setAttribute("data-view", "group");
      self.box.setAttribute("data-ready", "true");
      self.showCard(null, data);
    }).catch(function () { self.failed(); });
  };

  Map.prototype.focus = function (personId) {
    var self = this;
    this.box.setAttribute("data-ready", "loading");
    this.get("focus=" + encodeURIComponent(personId)).then(function (data) {
      self.showFocus(data);
    }).catch(function () { self.failed(); });
  };

  /* A person in the centre; when they are no tie of mine, my best way to them in red. */
  Map.prototype.showFocus = function (data) {
    this.draw(data);
    if (!data.focus.word && data.paths && data.paths.length) { highlight(this.cy, data.paths[0]); }
    this.say("data-focus", { name: data.focus.label, count: data.nodes.length - 1 });
    this.showCard(data.focus, data);
  };

  Map.prototype.showCard = function (person, data) {
    var card = this.card;
    if (!card) { return; }
    var tie = document.getElementById("focus-tie");
    var open = document.getElementById("focus-open");
    var path = document.getElementById("focus-path");
    if (person) {
      document.getElementById("focus-name").textContent = person.label;
      document.getElementById("focus-role").textContent = person.role;
      tie.textContent = person.word ? fill(tie.getAttribute("data-tie"), { word: person.word }) : tie.getAttribute("data-none");
      path.textContent = data.paths && data.paths.length && !person.word ? data.paths[0].advice : "";
      open.href = "/people/" + person.person;
      open.textContent = open.getAttribute("data-open") || open.textContent;
    } else {
      document.getElementById("focus-name").textContent = data.label;
      document.getElementById("focus-role").textContent = "";
      tie.textContent = "";
      path.textContent = "";
      if (!open.getAttribute("data-open")) { open.setAttribute("data-open", open.textContent); }
      open.href = data.list;
      open.textContent = fill(this.status.getAttribute("data-more"), { count: data.count });
    }
    card.hidden = false;
  };

  Map.prototype.failed = function () {
    this.status.textContent = this.status.getAttribute("data-failed");
    this.box.setAttribute("data-ready", "failed");
  };

  Map.prototype.load = function () {
    var self = this;
    this.status.textContent = this.status.getAttribute("data-loading");
    this.get("").then(function (data) {
      if (data.view === "focus") {
        self.showFocus(data);
        self.src = self.src.replace(/([?&])focus=[^&]*&?/, "$1").replace(/[?&]$/, "");
      } else {
        self.overview(data);
      }
    }).catch(function () { self.failed(); });
  };

  function start() {
    var box = document.getElementById("network-map");
    var status = document.getElementById("map-status");
    if (!box || !status || !window.cytoscape) { return; }
    var map = new Map(box, status);
    map.load();
    var back = document.getElementById("map-back");
    if (back) { back.addEventListener("click", function () { map.back(); }); }
    document.querySelectorAll(".show-path").forEach(function (button) {
      button.addEventListener("click", function () {
        var go = function () {
          highlight(map.cy, map.home.paths[Number(button.getAttribute("data-path"))]);
          box.scrollIntoView({ behavior: "smooth", block: "center" });
        };
        if (map.home && map.data !== map.home) { map.overview(map.home); }
        if (map.home) { go(); }
      });
    });
    window.kinmyakuMapApi = map;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
