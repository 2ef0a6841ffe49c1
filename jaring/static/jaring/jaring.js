/* Jaring's few behaviours, as a file: the content security policy allows no inline script.
   data-autosubmit  on a select: submit its form when the choice changes
   data-confirm     on a form: ask before submitting
   data-width       on an element: its width in percent (a progress bar) */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLElement ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  function widths(root) {
    root.querySelectorAll("[data-width]").forEach(function (element) {
      element.style.width = element.getAttribute("data-width") + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { widths(document); });
  document.addEventListener("htmx:load", function (event) { widths(event.target.parentNode || document); });
})();
