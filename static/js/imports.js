// Import wizard: show upload progress, then "checking", and a busy state while importing.
(function () {
  "use strict";

  var upload = document.querySelector("form.import-upload");
  if (upload && window.XMLHttpRequest && window.FormData) {
    upload.addEventListener("submit", function (event) {
      var fileInput = upload.querySelector("input[type=file]");
      if (!fileInput || !fileInput.files.length) {
        return; // let the server say a file is needed
      }
      event.preventDefault();
      var box = upload.querySelector(".import-progress");
      var bar = box.querySelector("progress");
      var text = box.querySelector(".import-progress-text");
      var button = upload.querySelector("[type=submit]");
      box.classList.remove("d-none");
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var percent = Math.round((e.loaded / e.total) * 100);
          bar.value = percent;
          text.textContent = percent + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // indeterminate while the server checks the rows
        text.textContent = upload.getAttribute("data-checking");
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (ignored) { answer = null; }
        if (xhr.status === 200 && answer && answer.next) {
          window.location.assign(answer.next);
          return;
        }
        button.disabled = false;
        box.classList.add("d-none");
        var message = (answer && answer.error) || upload.getAttribute("data-failed");
        var alert = document.getElementById("upload-error");
        if (!alert) {
          alert = document.createElement("div");
          alert.id = "upload-error";
          alert.className = "alert alert-danger";
          alert.setAttribute("role", "alert");
          upload.parentNode.insertBefore(alert, upload);
        }
        alert.textContent = message;
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        text.textContent = upload.getAttribute("data-failed");
      });
      xhr.send(new FormData(upload));
    });
  }

  var confirmForm = document.querySelector("form.import-confirm");
  if (confirmForm) {
    confirmForm.addEventListener("submit", function () {
      var button = confirmForm.querySelector("[type=submit]");
      var text = confirmForm.querySelector(".import-progress-text");
      // Disable after the browser has taken the submit, so the button's value is still sent.
      window.setTimeout(function () { button.disabled = true; }, 0);
      text.textContent = confirmForm.getAttribute("data-working");
      confirmForm.classList.add("is-working");
    });
  }
})();
