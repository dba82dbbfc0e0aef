// A job's progress page: ask the server how far the job is, and move on when it has finished.
// Without JavaScript the page reloads itself (a <noscript> refresh) to the same effect.
(function () {
  "use strict";

  var box = document.querySelector("[data-job-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var figures = box.querySelector(".job-figures");

  function number(value) {
    return Number(value).toLocaleString();
  }

  function show(state) {
    if (state.percent === null || state.percent === undefined) {
      bar.removeAttribute("value");
    } else {
      bar.value = state.percent;
    }
    if (state.total) {
      figures.textContent = figures.getAttribute("data-rows-of")
        .replace("{done}", number(state.done)).replace("{total}", number(state.total));
    } else if (state.done) {
      figures.textContent = figures.getAttribute("data-rows-read").replace("{done}", number(state.done));
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          if (state.next) {
            window.location.assign(state.next);
            // A download leaves this page open: show it finished, with the link.
            window.setTimeout(function () { window.location.reload(); }, 2000);
          } else {
            window.location.reload();
          }
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();
