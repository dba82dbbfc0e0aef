// The history page opens its chronology a decade at a time: a decade's years are
// fetched the first time its section is opened (the link inside works without scripts).
(function () {
  "use strict";
  document.querySelectorAll("details.decade[data-decade-src]").forEach(function (section) {
    section.addEventListener("toggle", function () {
      if (!section.open || section.dataset.loaded) {
        return;
      }
      section.dataset.loaded = "loading";
      var body = section.querySelector(".decade-body");
      body.setAttribute("aria-busy", "true");
      fetch(section.dataset.decadeSrc, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          body.innerHTML = html;
          section.dataset.loaded = "yes";
        })
        .catch(function () {
          delete section.dataset.loaded;  // the link stays; opening again tries again
        })
        .finally(function () {
          body.removeAttribute("aria-busy");
        });
    });
  });
})();
