// kinmyaku's own small script: confirmations, photo previews, the "/" shortcut to search.
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
})();
