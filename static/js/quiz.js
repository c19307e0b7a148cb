// Quiz answer sheet: the check before submitting, a countdown to the server's deadline and
// autosave. Optional: without this file the sheet works with its Save and Submit buttons, the
// server asks about questions left blank, and it enforces the deadline.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("quiz-sheet");
  if (!form) {
    return;
  }
  setUpSubmitCheck(form);
  if (!window.fetch || !window.FormData) {
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
          if (!closed) {
            // Closed elsewhere (another tab, the deadline): show the result.
            closed = true;
            window.location.assign(data.url);
          }
        } else if (data.status === "saved" && !Object.keys(data.errors || {}).length) {
          // The server words it, in the instance's zone ("Tersimpan pukul 13.05 WITA").
          say(data.saved_label || form.getAttribute("data-saved-label"));
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
  // The sheet is being sent by its own buttons: no autosave after it, and no second trip to
  // the result page (which would lose the message the first one shows).
  form.addEventListener("submit", function () {
    closed = true;
    window.clearTimeout(timer);
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

// Before submitting: name the questions left blank, with links to them, in the page (the
// server does the same when this file is not there); a plain confirmation otherwise.
function setUpSubmitCheck(form) {
  var button = document.getElementById("submit-answers");
  var panel = document.getElementById("submit-check");
  if (!button || !panel) {
    return;
  }
  function blankQuestions() {
    var numbers = [];
    form.querySelectorAll(".question[id^='question-']").forEach(function (card) {
      var answered = false;
      card.querySelectorAll("input[name^='q-']").forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          answered = answered || input.checked;
        } else {
          answered = answered || input.value.trim() !== "";
        }
      });
      card.classList.toggle("is-unanswered", !answered);
      if (!answered) {
        numbers.push(card.id.replace("question-", ""));
      }
    });
    return numbers;
  }
  function show(numbers) {
    panel.querySelector("h2").textContent = panel
      .getAttribute("data-title")
      .replace("{count}", numbers.length);
    var list = panel.querySelector(".unanswered-list");
    list.textContent = "";
    numbers.forEach(function (n) {
      var link = document.createElement("a");
      link.href = "#question-" + n;
      link.textContent = panel.getAttribute("data-question-label").replace("{n}", n);
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    panel.querySelector(".back-to-questions").href = "#question-" + numbers[0];
    panel.hidden = false;
    panel.focus();
  }
  // A link to a question moves the keyboard there too, not only the view.
  panel.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#question-']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      var field = target.querySelector("input");
      (field || target).focus();
    }
  });
  button.addEventListener("click", function (event) {
    var numbers = blankQuestions();
    if (numbers.length) {
      event.preventDefault();
      show(numbers);
    } else if (!window.confirm(form.getAttribute("data-confirm-all"))) {
      event.preventDefault();
    } else {
      panel.hidden = true;
    }
  });
}
