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

  // Pre-select the browser's time zone in fields marked data-guess-timezone, when still empty.
  function guessTimezone() {
    document.querySelectorAll("[data-guess-timezone]").forEach(function (field) {
      if (!viewerZone || field.value) return;
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

  document.addEventListener("DOMContentLoaded", function () {
    showViewerTimes();
    confirmForms();
    guessTimezone();
    focusFirstError();
  });
})();
