// Lesson pages: a form marked data-once sends once (a double click must not post twice).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
});
