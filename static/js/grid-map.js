/* The grid map (一张图指挥): Leaflet with the county's own boundaries from the oversight JSON
   endpoints, shaded by open or overdue cases, and the open cases as clustered markers. No base
   map unless settings.MAP_TILE_URL names an intranet tile server; boundaries are converted with
   gcoord when that server draws in another coordinate system (e.g. GCJ-02). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("map-config").textContent);
  var statusLine = document.getElementById("map-status");
  var levelSelect = document.getElementById("map-level");
  var showCases = document.getElementById("show-cases");
  var onlyOverdue = document.getElementById("only-overdue");
  var OPEN_COLOURS = ["#eef3f9", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var OVERDUE_COLOURS = ["#f7f0ef", "#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15"];

  var map = L.map("grid-map", { preferCanvas: true, zoomSnap: 0.5, minZoom: 6, maxZoom: 18, attributionControl: !!cfg.tileUrl });
  window.gridMap = map;
  // Boundary lines and area names are drawn above the case markers and clusters (markerPane, 600),
  // so a cluster never hides where one area ends; neither takes clicks away from what lies below.
  [["outlines", 640], ["labels", 645]].forEach(function (pane) {
    map.createPane(pane[0]).style.zIndex = pane[1];
    map.getPane(pane[0]).style.pointerEvents = "none";
  });
  var LABELLED = ["township", "village"]; // grids are too many to name: their name shows on hover
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  map.setView(cfg.center || [34.4, 115.87], 10);

  function converting() {
    return cfg.tileUrl && cfg.tileCrs !== cfg.boundaryCrs && window.gcoord;
  }

  function toTiles(geojson) {
    return converting() ? gcoord.transform(geojson, gcoord[cfg.boundaryCrs], gcoord[cfg.tileCrs]) : geojson;
  }

  function pointToTiles(latLng) {
    if (!converting()) return latLng;
    var lngLat = gcoord.transform([latLng[1], latLng[0]], gcoord[cfg.boundaryCrs], gcoord[cfg.tileCrs]);
    return [lngLat[1], lngLat[0]];
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function shadeKey() {
    return document.querySelector("input[name=shade]:checked").value;
  }

  // ------------------------------------------------------------------ area layers, one per level
  var layers = {}; // level → {data, layer, max}
  var current = null;
  var baseZoom = null;
  var fitted = false;

  function colourFor(value, max) {
    var colours = shadeKey() === "overdue" ? OVERDUE_COLOURS : OPEN_COLOURS;
    if (!value) return colours[0];
    var step = Math.min(colours.length - 1, 1 + Math.floor(((colours.length - 1) * value) / (max + 1)));
    return colours[step];
  }

  function styleFor(entry) {
    return function (feature) {
      var value = feature.properties[shadeKey()];
      return { color: "#1f4e79", weight: entry.level === "grid" ? 0.6 : 1.2, fillOpacity: 0.7, fillColor: colourFor(value, entry.max[shadeKey()]) };
    };
  }

  function popupFor(p, links) {
    function link(kind) { return escapeHtml(links[kind].replace("{id}", p.id)); }
    var html = '<div class="area-popup"><strong>' + escapeHtml(p.name) + "</strong> <small>" + escapeHtml(p.code) + "</small><br>" +
      "在办 <b>" + p.open + "</b> 件，超期 <b>" + p.overdue + "</b> 件<br>" +
      '<a href="' + link("open") + '" data-cases-link="open">查看在办事件</a>' +
      '<a href="' + link("overdue") + '">查看超期</a>' +
      '<a href="' + link("all") + '">全部事件</a>';
    if (p.level !== "grid") html += '<br><a href="?area=' + p.id + '">进入' + escapeHtml(p.name) + "</a>";
    return html + "</div>";
  }

  function load(level) {
    if (layers[level]) return Promise.resolve(layers[level]);
    statusLine.textContent = "正在载入边界……";
    var url = cfg.areasUrl + "?area=" + cfg.area + "&level=" + level;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        var entry = { level: level, max: { open: 0, overdue: 0 } };
        data.features.forEach(function (f) {
          entry.max.open = Math.max(entry.max.open, f.properties.open);
          entry.max.overdue = Math.max(entry.max.overdue, f.properties.overdue);
        });
        entry.layer = L.geoJSON(toTiles(data), {
          style: styleFor(entry),
          onEachFeature: function (feature, layer) {
            layer.bindPopup(popupFor(feature.properties, data.links));
            // Leaflet renders a string as HTML: an area's name (set by an admin or an import) goes in as text.
            layer.bindTooltip(escapeHtml(feature.properties.name), { sticky: true });
          },
        });
        entry.outline = L.geoJSON(toTiles(data), {
          pane: "outlines", interactive: false,
          style: { color: "#1f4e79", weight: level === "grid" ? 0.8 : 1.6, fill: false },
        });
        entry.group = L.layerGroup([entry.layer, entry.outline]);
        if (LABELLED.indexOf(level) !== -1) {
          entry.labels = data.features.map(function (f) {
            return L.marker(pointToTiles(f.properties.label), {
              pane: "labels", interactive: false, keyboard: false,
              icon: L.divIcon({ className: "area-label area-label-" + level, html: "<span>" + escapeHtml(f.properties.name) + "</span>", iconSize: null }),
            });
          });
          entry.labels.forEach(function (label) { entry.group.addLayer(label); });
        }
        entry.count = data.features.length;
        layers[level] = entry;
        return entry;
      });
  }

  function levelForZoom(zoom) {
    // the coarsest level at the fitted zoom, one level finer for every 1.5 zoom steps in
    var i = Math.floor(Math.max(0, zoom - baseZoom) / 1.5);
    return cfg.levels[Math.min(cfg.levels.length - 1, i)].level;
  }

  function show(level) {
    return load(level).then(function (entry) {
      if (current && current !== entry) map.removeLayer(current.group);
      if (current !== entry) entry.group.addTo(map);
      current = entry;
      if (!fitted && entry.count) {
        // the first boundaries drawn set the view (and, with no level chosen, the zoom levels start from it)
        fitted = true;
        map.fitBounds(entry.layer.getBounds(), { padding: [10, 10], animate: false });
        if (!levelSelect.value) baseZoom = map.getZoom();
      }
      if (baseZoom === null) baseZoom = map.getZoom();
      declutter();
      statusLine.textContent = "显示 " + entry.count + " 个" + levelLabel(level) + "边界；点击区域查看事件。";
      return entry;
    }).catch(function (err) {
      statusLine.textContent = "边界载入失败：" + err.message;
    });
  }

  function levelLabel(level) {
    var found = cfg.levels.filter(function (lv) { return lv.level === level; })[0];
    return found ? found.label : level;
  }

  function refreshLevel() {
    var chosen = levelSelect.value || (baseZoom === null ? cfg.levels[0].level : levelForZoom(map.getZoom()));
    return show(chosen);
  }

  // Names that would overlap one already written are left out until the map is zoomed in.
  function declutter() {
    if (!current || !current.labels) return;
    var placed = [];
    current.labels.forEach(function (label) {
      var el = label.getElement();
      if (!el) return;
      el.classList.remove("area-label-hidden");
      var r = el.firstChild.getBoundingClientRect();
      var clash = placed.some(function (p) {
        return r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top;
      });
      if (clash) el.classList.add("area-label-hidden"); else placed.push(r);
    });
  }

  map.on("zoomend", function () { if (!levelSelect.value && baseZoom !== null) refreshLevel(); });
  map.on("zoomend", declutter);
  levelSelect.addEventListener("change", refreshLevel);
  document.querySelectorAll("input[name=shade]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      Object.keys(layers).forEach(function (level) { layers[level].layer.setStyle(styleFor(layers[level])); });
      legend.update();
    });
  });

  // ------------------------------------------------------------------ case markers (clustered)
  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var overdue = cluster.getAllChildMarkers().some(function (m) { return m.options.overdue; });
    var size = n < 10 ? 24 : n < 100 ? 30 : 36;
    return L.divIcon({ html: "<span>" + n + "</span>", className: "case-cluster" + (overdue ? " overdue" : ""), iconSize: [size, size] });
  }

  var casesLayer = null;
  function loadCases() {
    if (casesLayer) { map.removeLayer(casesLayer); casesLayer = null; }
    if (!showCases.checked) return Promise.resolve();
    var url = cfg.casesUrl + "?area=" + cfg.area + "&overdue=" + (onlyOverdue.checked ? "true" : "false");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        // Small see-through clusters (red when one of their cases is overdue), under the boundary lines.
        var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, iconCreateFunction: clusterIcon });
        L.geoJSON(toTiles(data), {
          pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            var cls = "case-pin" + (p.overdue ? " overdue" : "") + (p.urgent ? " urgent" : "");
            return L.marker(latlng, { icon: L.divIcon({ className: cls, iconSize: [12, 12] }), title: p.number, overdue: p.overdue });
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            layer.bindPopup("<strong>" + escapeHtml(p.number) + "</strong> " + escapeHtml(p.status) + "<br>" +
              escapeHtml(p.category) + " · " + escapeHtml(p.grid) + (p.overdue ? ' <span class="text-danger">已超期</span>' : "") +
              '<br><a href="' + escapeHtml(p.url) + '">打开事件</a>');
          },
        }).eachLayer(function (marker) { cluster.addLayer(marker); });
        casesLayer = cluster.addTo(map);
        if (data.truncated) statusLine.textContent += " 事件点位过多，只显示最新的 5000 个。";
      });
  }
  showCases.addEventListener("change", loadCases);
  onlyOverdue.addEventListener("change", loadCases);

  // ------------------------------------------------------------------ legend
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    this._div = L.DomUtil.create("div", "map-legend");
    this.update();
    return this._div;
  };
  legend.update = function () {
    // Built as elements (the Content-Security-Policy refuses style attributes in markup).
    var overdue = shadeKey() === "overdue";
    var colours = overdue ? OVERDUE_COLOURS : OPEN_COLOURS;
    var div = this._div;
    div.textContent = "";
    var title = document.createElement("strong");
    title.textContent = overdue ? "超期事件" : "在办事件";
    div.appendChild(title);
    [[colours[0], "无"], [colours[2], "较少"], [colours[colours.length - 1], "最多"]].forEach(function (step) {
      div.appendChild(document.createElement("br"));
      var swatch = document.createElement("i");
      swatch.style.background = step[0];
      div.appendChild(swatch);
      div.appendChild(document.createTextNode(step[1]));
    });
    div.appendChild(document.createElement("br"));
    div.insertAdjacentHTML("beforeend",
      '<span class="case-pin d-inline-block"></span> 在办事件 <span class="case-pin overdue d-inline-block"></span> 超期');
  };
  legend.addTo(map);

  refreshLevel().then(loadCases).then(function () {
    document.getElementById("grid-map").dataset.ready = "1";
  });
  setInterval(loadCases, 60000);
})();
