// Starts Swagger UI on /api/docs (kept out of the page: the CSP forbids inline scripts).
// Requests made from the docs page carry the session's CSRF token.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  var token = null;
  fetch("/api/session", { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (s) { token = s.csrf_token; })
    .catch(function () {});
  window.SwaggerUIBundle({
    url: node.getAttribute("data-spec"),
    dom_id: "#swagger-ui",
    requestInterceptor: function (req) {
      if (token) { req.headers["X-CSRF-Token"] = token; }
      return req;
    }
  });
})();
