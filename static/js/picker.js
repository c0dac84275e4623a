// The location picker: a map of the round's area outlines beside "Use my location", to place or
// correct the point with a finger (or the keyboard: arrow keys move the map, a button puts the point in
// its middle). The point's area is shown, and chosen as the form's area when the interviewer has not.
// Works offline: the outlines are in the page, Leaflet in the app shell.

import { areaAt, keepTiles, makeMap } from "./map.js";
import { format } from "./sync.js";

const labels = () => (document.querySelector("[data-gps-labels]") || { dataset: {} }).dataset;

function changed(input) {
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

function number(input) {
  const value = Number(input.value.trim().replace(",", "."));
  return input.value.trim() && Number.isFinite(value) ? value : null;
}

function start(fieldset, box) {
  const L = window.L;
  const text = labels();
  const features = JSON.parse(box.querySelector("[data-picker-outlines]").textContent);
  const [lat, lon, accuracy] = fieldset.querySelectorAll(".gps-manual input");
  const status = box.querySelector("[data-picker-status]");
  const areaSelect = box.hasAttribute("data-fills-area") && fieldset.form ? fieldset.form.querySelector("select[name=area_id]") : null;
  const element = box.querySelector("[data-picker-map]");
  element.setAttribute("role", "application");
  const map = makeMap(element, {
    zoomIn: text.zoomIn, zoomOut: text.zoomOut, tileUrl: box.dataset.tileUrl, attribution: box.dataset.tileAttribution,
  });
  // The whole project for orientation, the round's own areas stronger and named.
  const ours = features.filter((f) => f.properties.in_round);
  L.geoJSON({ type: "FeatureCollection", features: features.filter((f) => !f.properties.in_round) }, {
    style: (f) => ({ color: "#78909c", weight: f.properties.level === "stadsdeel" ? 2 : 1, fillOpacity: 0, interactive: false }),
    interactive: false,
  }).addTo(map);
  const outlines = L.geoJSON({ type: "FeatureCollection", features: ours }, {
    style: (f) => ({ color: "#263238", weight: f.properties.level === "buurt" ? 1.5 : 2.5, fillColor: "#0b5c3f", fillOpacity: 0.08 }),
    onEachFeature: (f, layer) => {
      // Names written on the map while they fit (a round of a few wijken); else on touching an area.
      const permanent = ours.length <= 12 && f.properties.level !== "stadsdeel";
      layer.bindTooltip(f.properties.name, { permanent, sticky: !permanent, direction: permanent ? "center" : "auto", className: "area-name" });
    },
  }).addTo(map);
  const bounds = (ours.length ? outlines : L.geoJSON({ type: "FeatureCollection", features })).getBounds();
  // A map laid out while hidden (before the page's script classes apply, a closed section) has no
  // size: it frames the outlines once it has one.
  let framed = element.clientWidth > 0;
  if (framed) map.fitBounds(bounds, { padding: [8, 8] });
  new ResizeObserver(() => {
    map.invalidateSize();
    if (!framed && element.clientWidth > 0) {
      framed = true;
      map.fitBounds(bounds, { padding: [8, 8] });
      if (pin) map.panTo(pin.getLatLng());
    }
  }).observe(element);
  keepTiles(box.dataset.tileUrl, bounds).catch(() => {});

  let pin = null;
  let circle = null;
  if (areaSelect) {
    areaSelect.addEventListener("change", (event) => {
      if (event.isTrusted) delete areaSelect.dataset.fromMap; // the interviewer's own choice stands
    });
  }

  function show(centre) {
    const y = number(lat);
    const x = number(lon);
    if (y === null || x === null) {
      if (pin) { pin.remove(); pin = null; }
      if (circle) { circle.remove(); circle = null; }
      status.textContent = "";
      return;
    }
    const at = L.latLng(y, x);
    if (!pin) {
      pin = L.marker(at, { draggable: true, keyboard: false, icon: L.divIcon({ className: "map-pin", iconSize: null }) }).addTo(map);
      pin.getElement().setAttribute("aria-label", text.pin || "");
      pin.getElement().setAttribute("role", "img");
      pin.on("dragend", () => place(pin.getLatLng()));
    } else {
      pin.setLatLng(at);
    }
    const metres = number(accuracy);
    if (circle) { circle.remove(); circle = null; }
    if (metres) circle = L.circle(at, { radius: metres, color: "#b71c1c", weight: 1, fillOpacity: 0.08, interactive: false }).addTo(map);
    if (centre && !map.getBounds().contains(at)) map.panTo(at);
    const area = areaAt(ours, y, x);
    if (!area) {
      const elsewhere = areaAt(features, y, x);
      status.textContent = format(elsewhere ? text.outsideIn || "" : text.outside || "", { area: elsewhere ? elsewhere.properties.label : "" });
      return;
    }
    const name = area.properties.label;
    const option = areaSelect && areaSelect.querySelector(`option[value="${area.properties.id}"]`);
    if (option && (areaSelect.value === "" || areaSelect.dataset.fromMap)) {
      if (areaSelect.value !== option.value) {
        areaSelect.value = option.value;
        changed(areaSelect);
      }
      areaSelect.dataset.fromMap = "1";
      status.textContent = format(text.areaChosen || "%(area)s", { area: name });
    } else {
      status.textContent = format(text.inArea || "%(area)s", { area: name });
    }
  }

  // A point placed by hand: its accuracy is not known, so none is kept.
  function place(latlng) {
    lat.value = latlng.lat.toFixed(7);
    lon.value = latlng.lng.toFixed(7);
    accuracy.value = "";
    [lat, lon, accuracy].forEach(changed);
    const gpsStatus = fieldset.querySelector("[data-gps-status]");
    if (gpsStatus) gpsStatus.textContent = text.placed || "";
    show(false);
  }

  map.on("click", (event) => place(event.latlng));
  box.querySelector("[data-picker-centre]").addEventListener("click", () => place(map.getCenter()));
  // "Use my location", typing, clearing, a draft restored: the pin follows the fields.
  for (const input of [lat, lon, accuracy]) input.addEventListener("change", () => show(true));
  if (fieldset.form) fieldset.form.addEventListener("bb:restored", () => show(true));
  fieldset.querySelector("[data-gps-clear]")?.addEventListener("click", () => show(false));
  show(true);
}

if (window.L) {
  for (const fieldset of document.querySelectorAll("[data-gps]")) {
    const box = fieldset.querySelector("[data-picker]");
    if (box) start(fieldset, box);
  }
}
