// Buitenbinnen service worker. Served from /sw.js with the version filled in; a new version
// replaces the caches it owns and never touches IndexedDB, where drafts and the outbox live.

const VERSION = "__VERSION__";
const SHELL = `bb-shell-${VERSION}`;
const PAGES = `bb-pages-${VERSION}`;
const SHELL_URLS = __SHELL__;
const TILE_CACHE = "map-tiles";
const NETWORK_TIMEOUT_MS = 4000;
const PRECACHE_TIMEOUT_MS = 20000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const oldPages = names.filter((name) => name.startsWith("bb-pages-") && name !== PAGES);
    // Carry the pages the user had cached over to the new version, so offline use continues.
    const fresh = await caches.open(PAGES);
    for (const name of oldPages) {
      const old = await caches.open(name);
      for (const request of await old.keys()) {
        if (!(await fresh.match(request))) await fresh.put(request, await old.match(request));
      }
    }
    await Promise.all(names.filter((name) => name.startsWith("bb-") && name !== SHELL && name !== PAGES).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// A few pages at a time: a server with one worker answers them in turn, and a page waiting in the
// queue must not run out of time before its request even starts.
const PRECACHE_AT_ONCE = 3;

async function precache(urls) {
  const cache = await caches.open(PAGES);
  const queue = [...urls];
  const keep = async (url) => {
    // A request that never answers (a connection dropped half-way, in the street or as a server
    // restarts) would keep this event open, and while it is open a new version cannot take over.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PRECACHE_TIMEOUT_MS);
    try {
      const response = await fetch(url, { credentials: "same-origin", redirect: "follow", signal: abort.signal });
      if (response.ok && !response.redirected && (response.headers.get("Content-Type") || "").includes("text/html")) {
        await cache.put(url, response);
      }
    } catch (error) {
      // offline, too slow, or the page went away: keep what is cached
    } finally {
      clearTimeout(timer);
    }
  };
  const worker = async () => {
    while (queue.length) await keep(queue.shift());
  };
  await Promise.all(Array.from({ length: PRECACHE_AT_ONCE }, worker));
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "precache" && Array.isArray(message.urls)) {
    // The page that asked waits for the answer to say what this device now holds.
    event.waitUntil(precache(message.urls).then(() => event.ports[0]?.postMessage({ type: "precached" })));
  } else if (message.type === "forget-pages") {
    event.waitUntil(caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith("bb-pages-")).map((n) => caches.delete(n)))));
  }
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function page(request) {
  const cache = await caches.open(PAGES);
  const cacheKey = new URL(request.url).pathname;
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && !response.redirected && (await cache.match(cacheKey))) {
      await cache.put(cacheKey, response.clone()); // keep kept pages fresh
    }
    return response;
  } catch (error) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    const offline = await caches.match("/offline");
    return offline || Response.error();
  }
}

// Map tiles: from the device's tile cache (kept ahead for the round's areas by map.js), else the network,
// keeping what arrives. No tile is no error: the outlines are the map.
async function tile(request) {
  const cache = await caches.open(TILE_CACHE);
  const cached = await cache.match(request.url);
  if (cached) return cached;
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "cors") await cache.put(request.url, response.clone());
    return response;
  } catch (error) {
    return Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "GET" && url.origin !== self.location.origin && request.destination === "image") {
    event.respondWith(tile(request)); // a background map tile (the only images from elsewhere the policy allows)
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return; // the network, untouched: the sync code handles failures itself
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((cached) => cached || fetch(request)));
  }
});
