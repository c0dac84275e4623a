// The insights map: areas filled with the colour the server gave them (the table below has the same
// figures, in the same rows), or the counted squares where a theme was raised. Drawn from the page by
// Leaflet (vendored); nothing is fetched.

import { makeMap } from "./map.js";

const element = document.querySelector("[data-theme-map]");
if (element && window.L) {
  const L = window.L;
  const features = JSON.parse(document.querySelector("[data-map-features]").textContent);
  const pointsData = document.querySelector("[data-map-points]");
  const map = makeMap(element, { zoomIn: element.dataset.zoomIn, zoomOut: element.dataset.zoomOut });
  const rows = new Map([...document.querySelectorAll("[data-map-table] tr[data-area-id]")].map((tr) => [tr.dataset.areaId, tr]));
  const filled = !pointsData;
  const layer = L.geoJSON({ type: "FeatureCollection", features }, {
    style: (f) => (filled
      ? { color: "#263238", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.85 }
      : { color: "#546e7a", weight: f.properties.level === "stadsdeel" ? 2 : 1, fillOpacity: 0, interactive: false }),
    interactive: filled,
    onEachFeature: (f, shape) => {
      if (!filled) return;
      // The tooltip reads the area's own row of the table: one source for both.
      const row = rows.get(String(f.properties.id));
      const cells = row ? [...row.querySelectorAll("td")].map((td) => td.textContent.trim()) : [];
      shape.bindTooltip(`${f.properties.label}${cells.length ? `: ${cells[cells.length - 1]}` : ""}`, { sticky: true });
    },
  }).addTo(map);
  let bounds = layer.getBounds();
  if (pointsData) {
    const { cells, exact } = JSON.parse(pointsData.textContent);
    const biggest = Math.max(1, ...cells.map((c) => c.n));
    const group = L.featureGroup();
    for (const p of exact) L.circleMarker(p, { radius: 3, color: "#263238", weight: 1, fillColor: "#263238", fillOpacity: 0.6, interactive: false }).addTo(group);
    for (const c of cells) {
      L.circleMarker([c.lat, c.lon], {
        radius: 8 + 14 * Math.sqrt(c.n / biggest), color: "#08519c", weight: 2, fillColor: "#3182bd", fillOpacity: 0.55,
      }).bindTooltip(c.text, { permanent: true, direction: "center", className: "area-name" }).addTo(group);
    }
    group.addTo(map);
    if (cells.length || exact.length) bounds = group.getBounds().pad(0.3);
  }
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
}
