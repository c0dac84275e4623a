// Maps drawn from the page itself: the areas' outlines as GeoJSON in the page, drawn by Leaflet (vendored
// in static/vendor/leaflet, loaded as a classic script before this module). No map service is needed;
// background tiles are an extra when the administrator set a tile URL, kept on the device for offline.

const TILE_CACHE = "map-tiles";
const LEVEL_DEPTH = { stadsdeel: 0, wijk: 1, buurt: 2 };

// Whether [lon, lat] lies inside a ring (ray casting; a point on the edge may go either way).
function inRing(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(rings, x, y) {
  return inRing(rings[0], x, y) && !rings.slice(1).some((hole) => inRing(hole, x, y));
}

export function contains(geometry, lat, lon) {
  if (geometry.type === "Polygon") return inPolygon(geometry.coordinates, lon, lat);
  if (geometry.type === "MultiPolygon") return geometry.coordinates.some((rings) => inPolygon(rings, lon, lat));
  return false;
}

// The deepest area (a buurt before its wijk) whose outline holds the point, as the server decides.
export function areaAt(features, lat, lon) {
  const found = features.filter((f) => contains(f.geometry, lat, lon));
  found.sort((a, b) => (LEVEL_DEPTH[b.properties.level] || 0) - (LEVEL_DEPTH[a.properties.level] || 0));
  return found[0] || null;
}

// A Leaflet map in `element`, with zoom buttons in the page's language and, if set, the tiles.
export function makeMap(element, { zoomIn, zoomOut, tileUrl, attribution } = {}) {
  const L = window.L;
  const map = L.map(element, { zoomControl: false, attributionControl: Boolean(tileUrl), zoomSnap: 0.25, maxZoom: 19, tap: true });
  L.control.zoom({ zoomInTitle: zoomIn || "+", zoomOutTitle: zoomOut || "−" }).addTo(map);
  if (tileUrl) {
    map.attributionControl.setPrefix(false);
    L.tileLayer(tileUrl, { attribution: attribution || "", crossOrigin: "anonymous", maxZoom: 19 }).addTo(map);
  }
  return map;
}

// Keep the tiles covering `bounds` (zoom levels `from`..`to`, at most `limit` of them) on the device,
// so the map has its background offline too. The service worker answers tile requests from this cache.
export async function keepTiles(tileUrl, bounds, { from = 13, to = 17, limit = 400 } = {}) {
  if (!tileUrl || !navigator.onLine || !("caches" in window)) return 0;
  const cache = await caches.open(TILE_CACHE);
  const urls = [];
  for (let z = from; z <= to && urls.length < limit; z++) {
    const n = 2 ** z;
    const x = (lon) => Math.floor(((lon + 180) / 360) * n);
    const y = (lat) => {
      const r = (lat * Math.PI) / 180;
      return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    };
    for (let tx = x(bounds.getWest()); tx <= x(bounds.getEast()); tx++) {
      for (let ty = y(bounds.getNorth()); ty <= y(bounds.getSouth()); ty++) {
        if (urls.length >= limit) break;
        urls.push(tileUrl.replace("{z}", z).replace("{x}", tx).replace("{y}", ty).replace("{s}", "a"));
      }
    }
  }
  let kept = 0;
  for (const url of urls) {
    if (await cache.match(url)) { kept++; continue; }
    try {
      const response = await fetch(url, { mode: "cors", credentials: "omit" });
      if (response.ok) { await cache.put(url, response); kept++; }
    } catch (error) {
      return kept; // offline again, or the server refuses: the outlines are the map
    }
  }
  return kept;
}
