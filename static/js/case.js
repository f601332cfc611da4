// 事件详情: a small map of the case's grid and its pin (no base-map tiles: works offline),
// and reply templates that fill the note box.
(function () {
  "use strict";
  var box = document.getElementById("case-map");
  if (box && window.L) {
    var map = L.map(box, { attributionControl: false, zoomControl: true, scrollWheelZoom: false });
    var bounds = L.latLngBounds([]), layers = [];
    if (box.dataset.boundary) {
      var grid = L.geoJSON(JSON.parse(box.dataset.boundary), { style: { color: "#1f4e79", weight: 2, fillOpacity: 0.08 } });
      layers.push(grid);
      bounds.extend(grid.getBounds());
    }
    if (box.dataset.point) {
      var p = JSON.parse(box.dataset.point);
      layers.push(L.circleMarker(p, { radius: 7, color: "#dc3545", fillOpacity: 0.9 }));
      bounds.extend(p);
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 });  // a view first: vector layers need it
      layers.forEach(function (layer) { layer.addTo(map); });
    } else {
      map.remove();
      box.textContent = "未记录位置";
    }
  }
  document.querySelectorAll("select.reply-template").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value) { document.getElementById(select.dataset.target).value = select.value; }
    });
  });
})();
