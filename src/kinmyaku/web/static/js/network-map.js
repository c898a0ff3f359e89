/* kinmyaku — the network map (人脈マップ): draws /network/graph.json with Cytoscape.js.
   Me in the centre, the strongest ties closest; the best warm path is highlighted and each
   path in the list can be shown on the map.  Tapping a person opens their page. */
(function () {
  "use strict";

  var COLORS = {
    me: "#8a6200",
    tie: "#0b5cad",
    other: "#8d8d8d",
    path: "#b3261e",
    edge: "#b9b4aa",
    label: "#1d1d1f",
    halo: "#fbfaf7"
  };

  function dark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function elements(data) {
    var out = [];
    data.nodes.forEach(function (n) {
      out.push({
        group: "nodes",
        data: {
          id: n.id,
          person: n.person,
          label: n.label,
          strength: n.strength === null ? -1 : n.strength,
          size: n.person === null ? 34 : 10 + Math.round((n.strength === null ? 0 : n.strength) / 6)
        },
        classes: [n.person === null ? "me" : n.strength === null ? "other" : "tie", n.major ? "major" : ""].join(" ")
      });
    });
    data.edges.forEach(function (e, i) {
      out.push({
        group: "edges",
        data: { id: "e" + i, source: e.source, target: e.target, kind: e.kind, weight: e.weight }
      });
    });
    return out;
  }

  function style() {
    var label = dark() ? "#ecebe8" : COLORS.label;
    var halo = dark() ? "#161615" : COLORS.halo;
    return [
      { selector: "node", style: {
        "width": "data(size)", "height": "data(size)", "background-color": COLORS.tie,
        "border-width": 1, "border-color": halo, "label": "", "font-size": 12,
        "color": label, "text-outline-color": halo, "text-outline-width": 2,
        "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": 7
      } },
      { selector: "node.major, node.hover, node.on-path", style: { "label": "data(label)" } },
      { selector: "node.other", style: { "background-color": COLORS.other } },
      { selector: "node.me", style: { "background-color": COLORS.me, "font-weight": "bold", "font-size": 13 } },
      { selector: "edge", style: {
        "width": "mapData(weight, 0, 1, 0.5, 3)", "line-color": COLORS.edge, "opacity": 0.45,
        "curve-style": "haystack"
      } },
      { selector: ".faded", style: { "opacity": 0.2 } },
      { selector: "node.on-path", style: {
        "background-color": COLORS.path, "border-color": COLORS.path, "border-width": 3,
        "z-index": 10, "font-weight": "bold", "opacity": 1
      } },
      { selector: "node.me.on-path", style: { "background-color": COLORS.me } },
      { selector: "edge.on-path", style: {
        "line-color": COLORS.path, "width": 4, "opacity": 1, "z-index": 9, "curve-style": "straight"
      } }
    ];
  }

  function highlight(cy, path) {
    cy.elements().removeClass("on-path faded");
    if (!path) { return; }
    var ids = path.ids;
    var chosen = cy.collection();
    ids.forEach(function (id, i) {
      var node = cy.getElementById(id);
      chosen = chosen.union(node);
      if (i > 0) {
        chosen = chosen.union(node.edgesWith(cy.getElementById(ids[i - 1])));
      }
    });
    cy.elements().difference(chosen).addClass("faded");
    chosen.addClass("on-path");
  }

  function draw(box, status, data) {
    var cy = window.cytoscape({
      container: box,
      elements: elements(data),
      style: style(),
      layout: {
        name: "concentric",
        concentric: function (node) { return node.hasClass("me") ? 1000 : node.data("strength"); },
        levelWidth: function () { return 12; },
        minNodeSpacing: 6,
        animate: false,
        padding: 16
      },
      minZoom: 0.15,
      maxZoom: 4,
      wheelSensitivity: 0.3,
      boxSelectionEnabled: false,
      autoungrabify: true
    });
    cy.on("tap", "node", function (event) {
      var person = event.target.data("person");
      if (person !== null && person !== undefined) {
        window.location.href = "/people/" + person;
      }
    });
    cy.on("mouseover", "node", function (event) { event.target.addClass("hover"); });
    cy.on("mouseout", "node", function (event) { event.target.removeClass("hover"); });
    if (data.paths.length) {
      highlight(cy, data.paths[0]);
    }
    document.querySelectorAll(".show-path").forEach(function (button) {
      button.addEventListener("click", function () {
        highlight(cy, data.paths[Number(button.getAttribute("data-path"))]);
        box.scrollIntoView({ behavior: "smooth", block: "center" });
      });
    });
    status.textContent = fill(status.getAttribute("data-shown"), {
      shown: data.shown, matching: data.matching
    });
    box.setAttribute("data-nodes", String(data.nodes.length));
    box.setAttribute("data-edges", String(data.edges.length));
    box.setAttribute("data-ready", "true");
    window.kinmyakuMap = cy;
  }

  function start() {
    var box = document.getElementById("network-map");
    var status = document.getElementById("map-status");
    if (!box || !status || !window.cytoscape) { return; }
    status.textContent = status.getAttribute("data-loading");
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { draw(box, status, data); })
      .catch(function () {
        status.textContent = status.getAttribute("data-failed");
        box.setAttribute("data-ready", "failed");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
