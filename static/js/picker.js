// The assign form's picker of units and people, enhanced: the search field becomes an ARIA
// combobox that searches as you type (GET /team/assignments/search, JSON) and adds the chosen
// result to the list of chosen checkboxes. Without this file the same form works by reloading
// the page (templates/supervision/_assign_picker.html). Texts come from data-msg-* attributes
// (translated by the server); results are written with textContent only.
"use strict";
(function () {
  var DEBOUNCE_MS = 250;

  function Picker(root, index) {
    this.root = root;
    this.kind = root.getAttribute("data-kind");
    this.name = root.getAttribute("data-name");
    this.url = root.getAttribute("data-search-url");
    this.input = root.querySelector("input[type=search]");
    this.chips = root.querySelector("[data-chips]");
    this.none = root.querySelector("[data-none]");
    this.button = root.querySelector("[data-search-button]");
    this.page = 1;
    this.term = "";
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.build(index);
  }

  Picker.prototype.msg = function (key, values) {
    var text = this.root.getAttribute("data-msg-" + key) || "";
    Object.keys(values || {}).forEach(function (k) {
      text = text.split("{" + k + "}").join(values[k]);
    });
    return text;
  };

  Picker.prototype.build = function (index) {
    var self = this;
    var id = "picker-" + this.kind + "-" + index;
    this.list = document.createElement("ul");
    this.list.id = id + "-listbox";
    this.list.className = "picker-listbox";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", this.msg("list"));
    this.list.hidden = true;
    this.status = document.createElement("p");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    var row = this.input.closest(".picker-row");
    row.parentNode.insertBefore(this.list, row.nextSibling);
    this.root.appendChild(this.status);

    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", this.list.id);

    this.input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.search(1); }, DEBOUNCE_MS);
    });
    this.input.addEventListener("keydown", function (event) { self.onKey(event); });
    this.input.addEventListener("blur", function () {
      // A click on an option keeps the focus (mousedown is cancelled); anything else closes.
      setTimeout(function () {
        if (document.activeElement !== self.input) { self.close(); }
      }, 150);
    });
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.choose(option); }
    });
    if (this.button) {
      this.button.addEventListener("click", function (event) {
        event.preventDefault();
        self.input.focus();
        self.search(1);
      });
    }
    this.chips.addEventListener("change", function () { self.updateNone(); });
  };

  Picker.prototype.options = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("[role=option]"));
  };

  Picker.prototype.isOpen = function () { return !this.list.hidden; };

  Picker.prototype.onKey = function (event) {
    var options = this.options();
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!this.isOpen() || !options.length) { this.search(1); return; }
        this.move(Math.min(this.active + 1, options.length - 1));
        break;
      case "ArrowUp":
        event.preventDefault();
        if (this.isOpen() && options.length) { this.move(Math.max(this.active - 1, 0)); }
        break;
      case "Home":
      case "End":
        if (this.isOpen() && options.length && this.active >= 0) {
          event.preventDefault();
          this.move(event.key === "Home" ? 0 : options.length - 1);
        }
        break;
      case "Enter":
        // Never submit the form from the search field: choose, or search now.
        event.preventDefault();
        if (this.isOpen() && this.active >= 0 && options[this.active]) {
          this.choose(options[this.active]);
        } else {
          clearTimeout(this.timer);
          this.search(1);
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.close();
        }
        break;
      default:
        break;
    }
  };

  Picker.prototype.move = function (index) {
    var options = this.options();
    options.forEach(function (option, i) {
      option.classList.toggle("active", i === index);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    this.active = index;
    if (options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Picker.prototype.chosenIds = function () {
    var ids = {};
    this.chips.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (box.checked) { ids[box.value] = true; }
    });
    return ids;
  };

  Picker.prototype.search = function (page) {
    var self = this;
    var term = this.input.value.trim();
    if (this.request) { this.request.abort(); }
    var controller = window.AbortController ? new AbortController() : null;
    this.request = controller;
    var query = "?kind=" + encodeURIComponent(this.kind) + "&q=" + encodeURIComponent(term) +
      "&page=" + page;
    fetch(this.url + query, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      self.term = term;
      self.page = data.page;
      self.render(data, page > 1);
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      self.status.textContent = self.msg("failed");
    });
  };

  Picker.prototype.render = function (data, append) {
    var self = this;
    var chosen = this.chosenIds();
    var more = this.list.querySelector("[data-more]");
    if (more) { more.remove(); }
    if (!append) {
      this.list.textContent = "";
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
    }
    var firstNew = this.options().length;
    data.results.forEach(function (item) {
      if (chosen[String(item.id)]) { return; }
      var option = document.createElement("li");
      option.id = self.list.id + "-" + item.id;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-id", String(item.id));
      option.setAttribute("data-label", item.label);
      option.setAttribute("data-detail", item.detail || "");
      option.appendChild(document.createTextNode(item.label));
      if (item.detail) {
        var detail = document.createElement("span");
        detail.className = "chip-detail";
        detail.textContent = item.detail;
        option.appendChild(detail);
      }
      self.list.appendChild(option);
    });
    var count = this.options().length;
    if (data.more) {
      var next = document.createElement("li");
      next.id = this.list.id + "-more";
      next.setAttribute("role", "option");
      next.setAttribute("aria-selected", "false");
      next.setAttribute("data-more", "");
      next.textContent = this.msg("more");
      this.list.appendChild(next);
    }
    if (!count && !data.more) {
      this.close();
      // Nothing found is said on screen too, not only to screen readers.
      this.status.className = "muted small";
      this.status.textContent = data.q || this.kind === "units" ? this.msg("none") : this.msg("type");
      return;
    }
    this.open();
    this.status.className = "visually-hidden";
    this.status.textContent = count === 1 ? this.msg("one") : this.msg("many", { n: count });
    if (append && firstNew < this.options().length) { this.move(firstNew); }
  };

  Picker.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.status.className = "visually-hidden";
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Picker.prototype.choose = function (option) {
    if (option.hasAttribute("data-more")) {
      this.search(this.page + 1);
      return;
    }
    var id = option.getAttribute("data-id");
    var label = option.getAttribute("data-label");
    this.addChip(id, label, option.getAttribute("data-detail"));
    this.input.value = "";
    this.close();
    this.input.focus();
    this.status.textContent = this.msg("added", { label: label });
  };

  Picker.prototype.addChip = function (id, label, detail) {
    var boxId = this.kind + "-chosen-" + id;
    var existing = document.getElementById(boxId);
    if (existing) {
      existing.checked = true;
      this.updateNone();
      return;
    }
    var chip = document.createElement("li");
    chip.className = "chip";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = this.name;
    box.value = id;
    box.id = boxId;
    box.checked = true;
    var text = document.createElement("label");
    text.htmlFor = boxId;
    text.appendChild(document.createTextNode(label + " "));
    if (detail) {
      var span = document.createElement("span");
      span.className = "chip-detail";
      span.textContent = detail;
      text.appendChild(span);
    }
    chip.appendChild(box);
    chip.appendChild(text);
    this.chips.appendChild(chip);
    // The page's own (no-script) result for the same item would send it twice: harmless,
    // but untick it so that unticking the chip is enough to remove it.
    var result = document.getElementById(this.kind + "-result-" + id);
    if (result) { result.checked = false; result.closest("li").remove(); }
    this.updateNone();
  };

  Picker.prototype.updateNone = function () {
    if (this.none) { this.none.hidden = this.chips.querySelector("input:checked") !== null; }
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(function (root, i) {
      if (root.querySelector("input[type=search]")) { new Picker(root, i); }
    });
  });
})();
