// Import with progress: upload the file with XMLHttpRequest (so the upload itself shows
// progress), poll the server for how far checking and saving have got, then show the result
// page the server rendered. Without JavaScript the form posts normally.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("import-progress");
  var bar = box.querySelector("progress");
  var label = document.getElementById("import-progress-label");
  function show(text, done, total) {
    box.hidden = false;
    label.textContent = text + (total ? " " + done + " / " + total : "");
    bar.value = total ? Math.round((100 * done) / total) : 0;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    // The server issued the token with the page, bound to this user: it cannot be guessed.
    var token = form.querySelector("input[name=progress]").value;
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    var polling = null;
    xhr.open("POST", form.getAttribute("action"));
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { show(label.dataset.uploading, e.loaded, e.total); }
    });
    xhr.upload.addEventListener("load", function () {
      if (!token) { return; }
      polling = setInterval(function () {
        fetch("/api/v1/imports/" + token, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (p) {
            if (p && (p.phase === "reading" || p.phase === "saving")) {
              show(label.dataset[p.phase], p.done, p.total);
            }
          })
          .catch(function () {});
      }, 300);
    });
    xhr.addEventListener("loadend", function () {
      if (polling) { clearInterval(polling); }
      if (xhr.responseText) {
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    });
    xhr.send(data);
  });
})();
