// seminar_reg: small enhancements; every page works without them.
(function () {
  "use strict";

  var viewerZone = (Intl.DateTimeFormat().resolvedOptions() || {}).timeZone;

  // Beside each programme time in the seminar's zone, the same instant in the viewer's own zone.
  function showViewerTimes() {
    if (!viewerZone) return;
    var label = document.documentElement.getAttribute("data-your-time") || "your time";
    document.querySelectorAll("time[data-zone]").forEach(function (el) {
      if (el.getAttribute("data-zone") === viewerZone) return;
      var start = new Date(el.getAttribute("datetime"));
      var endAttr = el.getAttribute("data-end");
      var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
      var zoned = new Intl.DateTimeFormat(undefined, {
        weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
      var text = endAttr ? zoned.format(start) + " – " + clock.format(new Date(endAttr)) : zoned.format(start);
      var span = document.createElement("span");
      span.className = "local-time";
      span.textContent = text + " (" + label + ")";
      el.parentNode.appendChild(span);
    });
  }

  // Ask before destructive actions: <form data-confirm="Delete this session?">.
  function confirmForms() {
    document.addEventListener("submit", function (event) {
      var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
    });
  }

  // Pre-select the device's time zone in fields marked data-guess-timezone (new forms only).
  function guessTimezone() {
    document.querySelectorAll("[data-guess-timezone]").forEach(function (field) {
      if (!viewerZone) return;
      if (field.tagName === "SELECT") {
        for (var i = 0; i < field.options.length; i++) {
          if (field.options[i].value === viewerZone) { field.value = viewerZone; return; }
        }
      } else {
        field.value = viewerZone;
      }
    });
  }

  // Move keyboard focus to the first field with an error, so it is announced and visible.
  function focusFirstError() {
    var first = document.querySelector(
      ".field-error input, .field-error select, .field-error textarea, [aria-invalid=true]"
    );
    if (first) first.focus();
  }

  // A second click on submit must not send the form twice (the server also recognises a repeat).
  function disableOnSubmit() {
    document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit]").forEach(function (button) {
            button.disabled = true;
          });
        }, 0);
      });
    });
  }

  // Suggest the known institutions of the chosen country while the name is typed, in a list under
  // the field (an ARIA combobox) picked from with the arrow keys and Enter, or a tap. Not a
  // <datalist>: Firefox and Opera for Android never show one, and browsers filter it again.
  function institutionSearch() {
    document.querySelectorAll("input[data-institution-search]").forEach(function (input) {
      var form = input.form;
      var country = form && form.querySelector("select[name=country]");
      var typeField = form && form.querySelector("select[name=institution_type]");
      var typeWrapper = typeField && typeField.closest(".field");
      var list = document.createElement("ul");
      var known = {};
      var active = -1;
      var timer = null;

      list.id = input.id + "-suggestions";
      list.className = "suggestions";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      input.insertAdjacentElement("afterend", list);
      input.parentNode.classList.add("has-suggestions");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", list.id);

      function toggleType() {
        if (!typeWrapper) return;
        var isKnown = Object.prototype.hasOwnProperty.call(known, input.value.trim().toLowerCase());
        typeWrapper.hidden = isKnown && !typeWrapper.classList.contains("field-error");
      }

      function options() { return list.querySelectorAll("[role=option]"); }

      function highlight(index) {
        var all = options();
        active = index;
        all.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === index)); });
        if (index < 0) { input.removeAttribute("aria-activedescendant"); return; }
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      }

      function open(isOpen) {
        list.hidden = !isOpen;
        input.setAttribute("aria-expanded", String(isOpen));
        if (!isOpen) highlight(-1);
      }

      function pick(option) {
        input.value = option.getAttribute("data-value");
        open(false);
        toggleType();
      }

      function show(institutions) {
        list.textContent = "";
        institutions.forEach(function (institution, index) {
          var option = document.createElement("li");
          option.id = list.id + "-" + index;
          option.setAttribute("role", "option");
          option.setAttribute("data-value", institution.name);
          option.textContent = institution.name + (institution.acronym ? " (" + institution.acronym + ")" : "");
          list.appendChild(option);
          known[institution.name.toLowerCase()] = true;
          if (institution.acronym) known[institution.acronym.toLowerCase()] = true;
        });
        open(institutions.length > 0 && document.activeElement === input);
        highlight(-1);
        toggleType();
      }

      function search() {
        var typed = input.value.trim();
        if (!country || !country.value || typed.length < 2) { open(false); return; }
        var url = "/institutions/search?country=" + encodeURIComponent(country.value) +
          "&q=" + encodeURIComponent(typed);
        fetch(url, { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (institutions) {
            if (typed === input.value.trim()) show(institutions);  // else a later search answers
          })
          .catch(function () { /* suggestions are a convenience; typing still works */ });
      }

      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(search, 200);
        toggleType();
      });
      input.addEventListener("keydown", function (event) {
        var count = options().length;
        if ((event.key === "ArrowDown" || event.key === "ArrowUp") && count) {
          event.preventDefault();
          open(true);
          if (event.key === "ArrowDown") highlight(active < count - 1 ? active + 1 : 0);
          else highlight(active > 0 ? active - 1 : count - 1);
        } else if (event.key === "Enter" && !list.hidden && active >= 0) {
          event.preventDefault();  // picks the suggestion; does not send the form
          pick(options()[active]);
        } else if (event.key === "Escape" && !list.hidden) {
          open(false);
        }
      });
      input.addEventListener("blur", function () { open(false); });
      // Keep the focus in the field while a suggestion is pressed, so that the list stays open.
      list.addEventListener("mousedown", function (event) { event.preventDefault(); });
      list.addEventListener("click", function (event) {
        var option = event.target.closest("[role=option]");
        if (option) pick(option);
      });
      if (country) country.addEventListener("change", function () { known = {}; search(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showViewerTimes();
    confirmForms();
    guessTimezone();
    focusFirstError();
    disableOnSubmit();
    institutionSearch();
  });
})();
