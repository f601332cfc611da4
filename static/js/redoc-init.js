// ReDoc on /api/redoc/: the schema URL comes from the container (no inline script under the CSP).
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, {}, container);
})();
