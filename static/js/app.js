// exchange_app: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Ask before submitting a form marked data-confirm (deletions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
