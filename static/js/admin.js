// Password setup links: after the first click, keep sending round after round (each POST mails
// the next few people) and show the progress, until nobody waits or the admin pauses.
// Without this file the same button sends one round per click.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-setup-links]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var send = form.querySelector("[data-send]");
  var pause = form.querySelector("[data-pause]");
  var bar = document.querySelector("[data-progress-bar]");
  var message = document.querySelector("[data-progress-message]");
  var running = false;
  var paused = false;

  function show(data) {
    if (bar) {
      bar.max = data.total || 1;
      bar.value = data.total ? data.processed : 1;
      bar.textContent = data.percent + "%";
    }
    var counts = {
      sent: data.sent,
      failed: data.failed + data.interrupted,
      skipped: data.skipped,
      waiting: data.pending + data.sending,
    };
    Object.keys(counts).forEach(function (key) {
      var el = document.querySelector('[data-count="' + key + '"]');
      if (el) {
        el.textContent = counts[key];
      }
    });
    if (message && data.message) {
      message.textContent = data.message;
    }
  }

  function stop(text) {
    running = false;
    send.disabled = false;
    if (pause) {
      pause.hidden = true;
    }
    if (message && text) {
      message.textContent = text;
    }
  }

  function round(lastProcessed) {
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.pending === 0) {
          // Everything went out (or failed): the page lists what needs attention.
          window.location.assign(form.getAttribute("data-done-url"));
        } else if (paused) {
          stop(form.getAttribute("data-paused-label"));
        } else if (data.processed === lastProcessed && data.sending === 0) {
          stop(form.getAttribute("data-error-label")); // no headway: do not loop
        } else {
          round(data.processed);
        }
      })
      .catch(function () {
        stop(form.getAttribute("data-error-label"));
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (running) {
      return;
    }
    running = true;
    paused = false;
    send.disabled = true;
    if (pause) {
      pause.hidden = false;
    }
    if (message) {
      message.textContent = form.getAttribute("data-sending-label");
    }
    round(-1);
  });

  if (pause) {
    pause.addEventListener("click", function () {
      paused = true;
      pause.hidden = true;
    });
  }
});
