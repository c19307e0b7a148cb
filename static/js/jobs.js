// A file being prepared in the background: ask for its state every two seconds and move the
// progress bar; show the download link when it is ready. Without script the page refreshes.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-state]");
  if (!box) return;
  var bar = box.querySelector("[data-job-bar]");
  var message = box.querySelector("[data-job-message]");
  var link = box.querySelector("[data-job-download]");
  function poll() {
    fetch(box.dataset.stateUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { window.setTimeout(poll, 5000); return; }
        bar.value = s.percent;
        bar.textContent = s.percent + "%";
        if (s.ready) {
          message.textContent = box.dataset.readyLabel;
          var a = link.querySelector("a");
          a.href = s.download;
          if (s.file) a.textContent = box.dataset.downloadLabel.replace("{file}", s.file);
          link.hidden = false;
          return;
        }
        if (s.status === "failed") { message.textContent = s.message; return; }
        var label = s.status === "running" ? box.dataset.runningLabel : box.dataset.queuedLabel;
        message.textContent = label + (s.total ? " " + s.done + " / " + s.total : "");
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (box.dataset.active === "1") window.setTimeout(poll, 1000);
})();
