// history: a long history takes several seconds to become a PDF; show that it is coming.
(function () {
  "use strict";

  var link = document.querySelector("[data-history-pdf]");
  var status = document.getElementById("history-pdf-status");
  if (!link || !status || !window.fetch || !window.URL || !URL.createObjectURL) {
    return; // the plain link still downloads the PDF
  }
  var message = status.querySelector(".history-pdf-message");
  var elapsedText = status.querySelector(".history-pdf-elapsed");
  var bar = status.querySelector(".history-pdf-progress");

  function filenameFrom(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*=UTF-8''([^;]+)/.exec(header) || /filename="([^"]+)"/.exec(header);
    return match ? decodeURIComponent(match[1]) : "history.pdf";
  }

  link.addEventListener("click", function (event) {
    if (link.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    var estimate = parseInt(link.getAttribute("data-estimate"), 10) || 5;
    var started = Date.now();
    status.hidden = false;
    message.textContent = link.getAttribute("data-working");
    link.setAttribute("aria-disabled", "true");
    link.classList.add("disabled");
    var timer = window.setInterval(function () {
      var seconds = Math.round((Date.now() - started) / 1000);
      elapsedText.textContent = link.getAttribute("data-elapsed").replace("%(seconds)s", seconds);
      // Approaches 95% at the estimate, never claims to be done before it is.
      bar.value = Math.min(95, Math.round((seconds / estimate) * 95));
    }, 500);

    function finish() {
      window.clearInterval(timer);
      link.removeAttribute("aria-disabled");
      link.classList.remove("disabled");
    }

    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return Promise.all([response.blob(), filenameFrom(response)]);
      })
      .then(function (result) {
        finish();
        bar.value = 100;
        status.hidden = true;
        var url = URL.createObjectURL(result[0]);
        var anchor = document.createElement("a");
        anchor.href = url;
        anchor.download = result[1];
        document.body.appendChild(anchor);
        anchor.click();
        anchor.remove();
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      })
      .catch(function () {
        finish();
        message.textContent = link.getAttribute("data-failed");
        elapsedText.textContent = "";
      });
  });
})();
