// kinmyaku's own small script: confirmations, photo previews, the "/" shortcut to search,
// closing the phone "More" menu (Escape, a tap elsewhere).
// Everything works without it; htmx (vendor/htmx.min.js) does the partial page updates.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var input = event.target;
    var auto = input.form && input.form.hasAttribute("data-autosubmit");
    if (auto) { input.form.requestSubmit(); return; }
    var previewId = input.getAttribute && input.getAttribute("data-preview");
    if (!previewId || !input.files) { return; }
    var img = document.getElementById(previewId);
    if (!img) { return; }
    if (input.files.length && input.files[0].type.indexOf("image/") === 0) {
      img.src = URL.createObjectURL(input.files[0]);
      img.hidden = false;
    } else {
      img.hidden = true;
      img.removeAttribute("src");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) { return; }
    var search = document.getElementById("q");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
  // The phone tab bar's "More" menu is a <details>: it works without this; Escape closes it
  // (focus back on its summary) and so does a tap outside it.
  function openMenus() { return document.querySelectorAll("details.more-menu[open]"); }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openMenus().forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) { summary.focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });
})();
