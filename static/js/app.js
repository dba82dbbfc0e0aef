// exchange_app: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // A creation form's one-time token (exchange_app/services/form_tokens.py). Coming back
  // to the form with the back button loads it afresh, with a fresh token, while the
  // browser puts back what was typed: Save would then record the same visit twice. So
  // the token a form was sent with is kept for the tab, and put back on a back/forward
  // visit; the server then shows the record already saved instead of a second one.
  var tokenInputs = document.querySelectorAll("form input[name=form_token]");
  if (tokenInputs.length) {
    var storage = null;
    try { storage = window.sessionStorage; } catch (error) { storage = null; }
    var navigation = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation")[0] : null;
    var cameBack = navigation && navigation.type === "back_forward";
    tokenInputs.forEach(function (input, index) {
      var key = "exchange_app.form_token:" + window.location.pathname + ":" + index;
      if (!storage) { return; }
      var sent = storage.getItem(key);
      if (cameBack && sent) {
        input.value = sent;
      } else {
        storage.removeItem(key);
      }
      input.form.addEventListener("submit", function () {
        storage.setItem(key, input.value);
      });
    });
  }

  // Ask before submitting a form marked data-confirm (deletions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
