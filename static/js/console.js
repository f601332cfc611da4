/* The console's area tree: a node's children load once (HTMX) and then fold and unfold. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-toggle-children]");
    if (!button) return;
    var list = document.getElementById(button.dataset.toggleChildren);
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.querySelector("i").className = open ? "bi bi-caret-down-fill" : "bi bi-caret-right-fill";
    if (list && list.childElementCount) list.hidden = !open;
  });
})();
