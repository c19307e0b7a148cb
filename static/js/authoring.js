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
        fill(pane.querySelector(".missing"), json.problems || [], "");
        var warnings = pane.querySelector(".preview-warnings");
        fill(warnings, json.warnings || [], warnings.getAttribute("data-label") || "");
      }).catch(function () {
        button.removeAttribute("data-preview");
        button.click(); // fall back to the server-rendered page
      }).then(function () { button.disabled = false; });
    });
  });

  // The validator's messages about the previewed links, one per item (hidden when none).
  function fill(list, messages, label) {
    list.textContent = "";
    messages.forEach(function (message) {
      var li = document.createElement("li");
      li.textContent = label + message;
      list.appendChild(li);
    });
    list.hidden = messages.length === 0;
  }

  // "Upload image" inserts the image's Markdown where the cursor is in the text: the position
  // goes along in the hidden field `cursor`, in characters (code points, as Python counts),
  // with each line break as one. Without a position the server puts the image at the end.
  document.querySelectorAll("input[data-cursor-for]").forEach(function (hidden) {
    var text = document.getElementById(hidden.getAttribute("data-cursor-for"));
    if (!text || !hidden.form) { return; }
    var touched = false;
    ["focus", "click", "keyup", "select"].forEach(function (name) {
      text.addEventListener(name, function () { touched = true; });
    });
    hidden.form.addEventListener("submit", function () {
      hidden.value = touched ? String(Array.from(text.value.slice(0, text.selectionStart)).length) : "";
    });
    var after = hidden.getAttribute("data-cursor-after");
    if (after !== null) { // just uploaded: the cursor goes after the inserted Markdown
      var index = 0;
      var chars = Array.from(text.value);
      for (var i = 0; i < Number(after) && i < chars.length; i++) { index += chars[i].length; }
      text.focus();
      text.setSelectionRange(index, index);
      touched = true;
    }
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
