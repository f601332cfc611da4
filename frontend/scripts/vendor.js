// Copy the browser builds of the pinned npm packages into static/vendor/ (committed), so the
// platform serves every asset itself: nothing loads from the internet at run time.
// Run: cd frontend && npm ci && node scripts/vendor.js
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const target = path.join(root, "..", "static", "vendor");
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
  "bootstrap-icons/font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
  "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
  "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
  "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
  "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
  "leaflet.markercluster/dist/leaflet.markercluster.js": "leaflet.markercluster/leaflet.markercluster.js",
  "leaflet.markercluster/dist/MarkerCluster.css": "leaflet.markercluster/MarkerCluster.css",
  "leaflet.markercluster/dist/MarkerCluster.Default.css": "leaflet.markercluster/MarkerCluster.Default.css",
  "gcoord/dist/gcoord.global.prod.js": "gcoord/gcoord.global.prod.js",
};
const versions = {};
for (const [from, to] of Object.entries(files)) {
  const dest = path.join(target, to);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const source = path.join(root, "node_modules", from);
  if (/\.(js|css)$/.test(from)) {
    // the source maps are not shipped: drop their references (collectstatic would look for them)
    const text = fs.readFileSync(source, "utf8").replace(/\/[*\/]# sourceMappingURL=\S+( \*\/)?/g, "");
    fs.writeFileSync(dest, text);
  } else {
    fs.copyFileSync(source, dest);
  }
  const pkg = from.split("/")[0];
  versions[pkg] = require(path.join(root, "node_modules", pkg, "package.json")).version;
}
fs.writeFileSync(path.join(target, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendored ${Object.keys(files).length} files into static/vendor`);
