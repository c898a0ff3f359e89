// The thank-you draft page: copy the message or subject, and keep the mailto: link in step
// with the text as it is edited.
(function () {
  "use strict";

  function encode(text) {
    return encodeURIComponent(text);
  }

  function mailtoHref(link) {
    var subject = document.getElementById("t-subject").value;
    var body = document.getElementById("t-body").value.replace(/\r?\n/g, "\r\n");
    var to = encodeURIComponent(link.getAttribute("data-to") || "").replace("%40", "@");
    return "mailto:" + to + "?subject=" + encode(subject) + "&body=" + encode(body);
  }

  function say(actions, text) {
    var status = actions.querySelector(".status");
    if (status) {
      status.textContent = text;
    }
  }

  function fallbackCopy(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(button) {
    var actions = button.closest(".actions");
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !actions) {
      return;
    }
    var done = function () {
      say(actions, actions.getAttribute("data-copied"));
    };
    var failed = function () {
      if (fallbackCopy(field)) {
        done();
      } else {
        say(actions, actions.getAttribute("data-copy-failed"));
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, failed);
    } else {
      failed();
    }
  }

  function init() {
    var link = document.getElementById("mailto");
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        copy(button);
      });
    });
    ["t-subject", "t-body"].forEach(function (id) {
      var field = document.getElementById(id);
      if (field && link) {
        field.addEventListener("input", function () {
          link.setAttribute("href", mailtoHref(link));
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
