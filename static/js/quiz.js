// Quiz answer sheet: a countdown to the server's deadline and autosave. Optional: without this
// file the sheet works with its Save and Submit buttons, and the server enforces the deadline.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("quiz-sheet");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var submitUrl = form.getAttribute("data-submit-url");
  var closed = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // Autosave: a moment after the last change, post the sheet to the Save URL as JSON.
  var timer = null;
  var saving = false;
  var again = false;
  function save() {
    if (closed) {
      return;
    }
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        if (data.status === "closed") {
          closed = true;
          window.location.assign(data.url);
        } else if (data.status === "saved" && !Object.keys(data.errors || {}).length) {
          var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
          say(form.getAttribute("data-saved-label") + " " + time);
        } else {
          // An answer in a wrong format: the Save and Submit buttons show which.
          say(form.getAttribute("data-invalid-label"));
        }
      })
      .catch(function () {
        say(form.getAttribute("data-offline-label"));
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          save();
        }
      });
  }
  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }
  form.addEventListener("change", function () {
    later(300);
  });
  form.addEventListener("input", function () {
    later(1500);
  });

  // Countdown from the server's remaining seconds (the device's clock may be wrong).
  var box = document.getElementById("quiz-timer");
  if (!box) {
    return;
  }
  var out = box.querySelector(".countdown");
  var end = Date.now() + parseInt(box.getAttribute("data-remaining"), 10) * 1000;
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var h = Math.floor(left / 3600);
    var m = Math.floor((left % 3600) / 60);
    var s = left % 60;
    out.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    if (left <= 60) {
      box.classList.add("low");
    }
    if (left === 0) {
      window.clearInterval(interval);
      if (!closed && submitUrl) {
        // Time is up: send the sheet as it is now; the grace period covers the trip.
        closed = true;
        window.clearTimeout(timer);
        form.setAttribute("action", submitUrl);
        form.submit();
      }
    }
  }
  var interval = window.setInterval(tick, 1000);
  tick();
});
