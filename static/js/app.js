// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Disclosures (<details>) that the stylesheet already shows on wide screens (the menu, the
  // catalog filters): open them there too, for browsers without ::details-content, and close
  // them when the window becomes narrow. A summary acting as a button reports its state.
  var wide = window.matchMedia("(min-width: 48rem)");
  var disclosures = document.querySelectorAll("details[data-open-wide]");
  function fit() {
    disclosures.forEach(function (details) { details.open = wide.matches; });
  }
  disclosures.forEach(function (details) {
    var summary = details.querySelector(":scope > summary");
    function report() {
      if (summary && summary.getAttribute("role") === "button") {
        summary.setAttribute("aria-expanded", details.open ? "true" : "false");
      }
    }
    details.addEventListener("toggle", report);
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open && !wide.matches) {
        details.open = false;
        if (summary) { summary.focus(); }
      }
    });
    report();
  });
  if (wide.matches) { fit(); }
  if (wide.addEventListener) { wide.addEventListener("change", fit); }
  // Buttons that ask before a destructive action: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
});
