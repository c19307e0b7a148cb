// The activity form, enhanced: the JP the kind's rule gives is worked out while typing (the
// same formula as elearn/activities/kinds.py credit(); the server works it out again and is
// the authority), the chosen kind's rule is shown under the list, and only the organiser
// field that was chosen is shown. Without this file, "Work out the JP" asks the server and
// every organiser field is shown.
"use strict";
(function () {
  var form = document.querySelector("form.activity-form");
  if (!form) { return; }
  var kind = form.querySelector("[data-activity-kind]");
  var rule = form.querySelector("[data-kind-rule]");
  var out = form.querySelector("[data-activity-credit]");
  var amount = form.querySelector("[name=duration_amount]");
  var minutes = parseInt(form.getAttribute("data-jp-minutes"), 10) || 45;

  function unit() {
    var checked = form.querySelector("[name=duration_unit]:checked");
    return checked ? checked.value : "day";
  }

  // "2", "1,5", "1.5" (as forms.py parse_amount reads them); NaN otherwise.
  function parseAmount(text) {
    text = (text || "").replace(/\s/g, "");
    if (!text) { return NaN; }
    if (text.indexOf(",") !== -1 && text.indexOf(".") !== -1) {
      text = text.lastIndexOf(",") > text.lastIndexOf(".")
        ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "");
    } else {
      text = text.replace(",", ".");
    }
    return /^\d+(\.\d*)?$|^\.\d+$/.test(text) ? parseFloat(text) : NaN;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function update() {
    var option = kind.options[kind.selectedIndex];
    if (rule) {
      var text = option && option.value ? option.getAttribute("data-rule") : "";
      rule.textContent = text ? rule.getAttribute("data-label") + " " + text
        : rule.getAttribute("data-empty");
    }
    var value = parseAmount(amount.value);
    if (!option || !option.value || !(value > 0)) {
      out.textContent = out.getAttribute("data-incomplete");
      return;
    }
    var perDay = parseInt(option.getAttribute("data-jp-per-day"), 10);
    var raw;
    if (unit() === "day") {
      if (!perDay) { out.textContent = out.getAttribute("data-hours-only"); return; }
      raw = value * perDay;
    } else {
      raw = value * 60 / minutes;
    }
    var uncapped = Math.floor(raw + 0.000001);  // 1,5 h x 60 / 45 is exactly 2
    var capText = option.getAttribute("data-cap");
    var cap = capText === "" || capText === null ? null : parseInt(capText, 10);
    if (cap !== null && uncapped > cap) {
      out.textContent = fill(out.getAttribute("data-format-capped"),
        {jp: cap, uncapped: uncapped, cap: cap});
    } else {
      out.textContent = fill(out.getAttribute("data-format"), {jp: uncapped});
    }
  }

  if (kind && out && amount) {
    kind.addEventListener("change", update);
    amount.addEventListener("input", update);
    form.querySelectorAll("[name=duration_unit]").forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  // The organiser: only the field of the chosen kind of organiser is shown.
  var box = form.querySelector("[data-organiser]");
  if (box) {
    var radios = box.querySelectorAll("[name=organiser]");
    var show = function () {
      var chosen = box.querySelector("[name=organiser]:checked");
      box.querySelectorAll("[data-organiser-for]").forEach(function (part) {
        part.hidden = !!chosen && part.getAttribute("data-organiser-for") !== chosen.value;
      });
    };
    radios.forEach(function (radio) { radio.addEventListener("change", show); });
    show();
  }
})();
