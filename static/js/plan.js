// The plan page's course list, enhanced: a search field (shown only with this script) keeps
// in the select only the courses whose title contains what is typed. Without this file the
// select lists every published course.
"use strict";
(function () {
  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  document.querySelectorAll("[data-select-filter]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-select-filter"));
    var input = box.querySelector("input[type=search]");
    if (!select || !input) { return; }
    var all = Array.prototype.slice.call(select.options);
    box.hidden = false;
    input.addEventListener("input", function () {
      var term = fold(input.value.trim());
      var chosen = select.value;
      select.textContent = "";
      all.forEach(function (option) {
        if (!option.value || !term || fold(option.text).indexOf(term) !== -1 ||
            option.value === chosen) {
          select.appendChild(option);
        }
      });
      select.value = chosen;
    });
  });
})();
