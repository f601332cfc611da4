// Small behaviours every page may use, wired by data attributes (the Content-Security-Policy
// allows no inline handlers): a select that submits its form on change, a print button.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
