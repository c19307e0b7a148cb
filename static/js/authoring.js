// Authoring pages: small enhancements; every form works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // "Preview" asks the server for the rendered text and shows it without leaving the page.
  // The HTML comes from the server's sanitizing renderer (the one learners' pages use).
  document.querySelectorAll("button[data-preview]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var form = button.form;
      var source = form && form.elements[button.getAttribute("data-preview")];
      var pane = document.getElementById("preview");
      if (!source || !pane || !window.fetch || !window.FormData) {
        return; // the form posts and the server renders the preview
      }
      event.preventDefault();
      var data = new FormData();
      data.append("csrf_token", form.elements.csrf_token.value);
      data.append("text", source.value);
      data.append("base", button.getAttribute("data-preview-base") || "");
      button.disabled = true;
      fetch(button.getAttribute("data-preview-url"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (json) {
        pane.hidden = false;
        pane.querySelector(".prose").innerHTML = json.html;
        var missing = pane.querySelector(".missing");
        missing.textContent = "";
        json.missing.forEach(function (url) {
          var li = document.createElement("li");
          li.textContent = (pane.getAttribute("data-missing-label") || "") + url;
          missing.appendChild(li);
        });
      }).catch(function () {
        button.removeAttribute("data-preview");
        button.click(); // fall back to the server-rendered page
      }).then(function () { button.disabled = false; });
    });
  });

  // The question editor shows only the answer fields of the chosen type.
  var type = document.querySelector(".question-form select[name=type]");
  if (type) {
    var sections = document.querySelectorAll(".question-form [data-types]");
    var update = function () {
      sections.forEach(function (section) {
        var types = section.getAttribute("data-types").split(" ");
        section.hidden = types.indexOf(type.value) < 0;
      });
    };
    type.addEventListener("change", update);
    update();
  }
});
