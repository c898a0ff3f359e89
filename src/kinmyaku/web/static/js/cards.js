// Card scanning (名刺): reading a card takes a few seconds on the server, so a form marked
// data-busy says so on its button and cannot be sent twice.  Works without it too.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var busy = form.getAttribute && form.getAttribute("data-busy");
    if (!busy || event.defaultPrevented) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.textContent = busy;
    }
    form.setAttribute("aria-busy", "true");
  });
})();
