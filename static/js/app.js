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
    var first = document.querySelector(".field-error input, .field-error select, .field-error textarea");
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

  // Suggest the known institutions of the chosen country while the name is typed.
  function institutionSearch() {
    document.querySelectorAll("input[data-institution-search]").forEach(function (input) {
      var form = input.form;
      var country = form && form.querySelector("select[name=country]");
      var list = document.getElementById(input.getAttribute("list"));
      var typeField = form && form.querySelector("select[name=institution_type]");
      var typeWrapper = typeField && typeField.closest(".field");
      var known = {};
      var timer = null;

      function toggleType() {
        if (!typeWrapper) return;
        var isKnown = Object.prototype.hasOwnProperty.call(known, input.value.trim().toLowerCase());
        typeWrapper.hidden = isKnown && !typeWrapper.classList.contains("field-error");
      }

      function search() {
        if (!country || !country.value || input.value.trim().length < 2 || !list) return;
        var url = "/institutions/search?country=" + encodeURIComponent(country.value) +
          "&q=" + encodeURIComponent(input.value.trim());
        fetch(url, { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (institutions) {
            list.textContent = "";
            institutions.forEach(function (institution) {
              var option = document.createElement("option");
              option.value = institution.name;
              if (institution.acronym) option.label = institution.acronym;
              list.appendChild(option);
              known[institution.name.toLowerCase()] = true;
              if (institution.acronym) known[institution.acronym.toLowerCase()] = true;
            });
            toggleType();
          })
          .catch(function () { /* suggestions are a convenience; typing still works */ });
      }

      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(search, 200);
        toggleType();
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
