// Sending what this device recorded. No Background Sync (Safari has none): the page syncs when it
// opens, when the network returns, when the tab becomes visible, and on "Send now"; failures are
// retried with backoff. An item leaves the queue only when the server acknowledged its UUID.

import * as store from "./store.js";

export const userId = Number(document.body.dataset.userId || 0);
const userEmail = document.body.dataset.userEmail || "";
const labels = (document.querySelector("[data-sync-labels]") || { dataset: {} }).dataset;
const STORED = [200, 201, 410]; // 410: stored once and since erased; nothing to keep
const NEEDS_A_PERSON = [403, 404, 409, 422]; // retrying will not help: show it, do not loop
const CHUNK = 25;
const BUNDLE_EVERY_MS = 10 * 60 * 1000;
// Every request gives up after this long: a server that accepts the connection but never answers
// must not hold the queue (a batch of 25 takes well under a second). Tests may shorten it.
const TIMEOUT_MS = () => Number(globalThis.__bbSyncTimeoutMs || 15000);
// Retries come quickly at first and at most every 10 s: when the server is back, waiting items go
// within seconds.
const FIRST_RETRY_MS = 2000;
const LAST_RETRY_MS = 10000;
let backoff = FIRST_RETRY_MS;
let retryTimer = null;
let running = false;
let state = "";

export function format(template, values) {
  return (template || "").replace(/%\((\w+)\)s/g, (_match, key) => String(values[key]));
}

function isJson(response) {
  return (response.headers.get("Content-Type") || "").includes("application/json");
}

async function api(path, options = {}) {
  // redirect: "error" — a redirect (to the login page, a captive portal) is a failure, never a success.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS());
  try {
    return await fetch(path, {
      credentials: "same-origin", redirect: "error", signal: abort.signal, ...options,
      headers: { Accept: "application/json", ...(options.headers || {}) },
    });
  } finally {
    clearTimeout(timer);
  }
}

async function sessions() {
  return (await store.all("meta")).filter((m) => m.key.startsWith("session:") && m.user_id === userId);
}

// Photos go once their record is acknowledged; those of a draft or of a record still waiting wait with it.
async function myPhotos() {
  return (await store.all("photos")).filter((photo) => photo.user_id === userId);
}

export async function counts() {
  const mine = [...(await store.all("outbox")).filter((item) => item.user_id === userId), ...(await sessions())];
  const sent = new Set(mine.filter((item) => item.status === "sent").map((item) => item.uuid));
  const photos = (await myPhotos()).filter((photo) => sent.has(photo.record_uuid) || photo.declared);
  return {
    waiting: mine.filter((item) => item.status === "waiting").length,
    attention: mine.filter((item) => item.status === "attention").length + photos.filter((p) => p.status === "attention").length,
    photos: photos.filter((photo) => photo.status === "waiting").length,
  };
}

export async function refreshBar() {
  const bar = document.querySelector("[data-syncbar]");
  const { waiting, attention, photos } = await counts();
  if (bar) {
    const parts = [];
    if (waiting) parts.push(format(labels.waiting, { n: waiting }));
    if (photos) parts.push(format(labels.photos, { n: photos }));
    if (attention) parts.push(format(labels.attention, { n: attention }));
    if (state === "offline" && waiting) parts.push(labels.offline);
    if (state === "login" && waiting) parts.push(labels.login);
    if (state === "error" && waiting) parts.push(labels.unreachable);
    if (state === "sending") parts.push(labels.sending);
    if (state === "sent" && !waiting && !attention) parts.push(labels.sent);
    bar.querySelector("[data-sync-count]").textContent = parts.join(" · ");
    bar.hidden = !(waiting || attention || photos || (state === "sent" && pressed));
    const link = bar.querySelector("a");
    if (state === "login" && link) link.href = "/login?next=" + encodeURIComponent(location.pathname);
  }
  document.dispatchEvent(new CustomEvent("bb:queue", { detail: { waiting, attention, photos, state } }));
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(syncNow, backoff);
  backoff = Math.min(backoff * 2, LAST_RETRY_MS);
}

// "Nu versturen" always answers: it tries at once (a retry that was waiting is dropped), and the bar
// says what happened — sending, sent, the server cannot be reached, or log in again.
let pressed = false;
function sendNowPressed() {
  pressed = true;
  clearTimeout(retryTimer);
  backoff = FIRST_RETRY_MS;
  return syncNow();
}

async function record(results, chunk) {
  const now = new Date().toISOString();
  // A record the server erased (410) takes its photos with it: they have nowhere to go.
  const erased = new Set(results.filter((result) => result.status === 410).map((result) => result.uuid));
  const orphans = erased.size ? (await store.all("photos")).filter((photo) => erased.has(photo.record_uuid)) : [];
  await store.write(["outbox", "photos"], (stores) => {
    orphans.forEach((photo) => stores.photos.delete(photo.uuid));
    results.forEach((result, index) => {
      const item = chunk[index];
      if (!item || result.uuid !== item.uuid) return;
      if (STORED.includes(result.status)) {
        Object.assign(item, { status: "sent", sent_at: now, ack: result.body, problem: null });
      } else if (NEEDS_A_PERSON.includes(result.status)) {
        Object.assign(item, { status: "attention", problem: { status: result.status, ...result.body } });
      } else {
        item.attempts = (item.attempts || 0) + 1;
      }
      stores.outbox.put(item);
    });
  });
}

// Session details go to the round's own form address, answered in JSON; the stored entry is
// removed only if it did not change while it was on its way.
async function sendSessions(token) {
  for (const entry of (await sessions()).filter((m) => m.status === "waiting")) {
    const response = await api(entry.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token },
      body: new URLSearchParams(entry.values),
    });
    if (response.status === 401) return "login";
    if (response.ok && isJson(response)) {
      // The photos saved with these details are declared now: their files may follow.
      for (const uuid of (entry.values.photos || "").split(" ").filter(Boolean)) {
        const photo = await store.get("photos", uuid);
        if (photo) await store.put("photos", { ...photo, declared: true });
      }
      const current = await store.get("meta", entry.key);
      if (current && current.saved_at === entry.saved_at) await store.remove("meta", entry.key);
      document.dispatchEvent(new CustomEvent("bb:session-sent", { detail: { key: entry.key } }));
    } else if (NEEDS_A_PERSON.includes(response.status)) {
      await store.put("meta", { ...entry, status: "attention", problem: { status: response.status } });
    } else {
      throw new Error(`session ${response.status}`);
    }
  }
  return "sent";
}

// Each photo of an acknowledged record, on its own (a photo is up to a few hundred kB): a photo
// that fails to arrive is tried again later, whole; one the server refuses waits for a person. The
// records themselves went first: photos never hold them up.
const PHOTO_TIMEOUT_MS = () => Number(globalThis.__bbPhotoTimeoutMs || 120000);

async function photosToSend() {
  const sent = new Set((await store.all("outbox")).filter((item) => item.user_id === userId && item.status === "sent").map((item) => item.uuid));
  return (await myPhotos()).filter((photo) => photo.status === "waiting" && photo.blob && (sent.has(photo.record_uuid) || photo.declared));
}

async function sendPhotos(token) {
  for (const photo of await photosToSend()) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PHOTO_TIMEOUT_MS());
    let response;
    try {
      response = await fetch(`/api/v1/photos/${photo.uuid}`, {
        method: "PUT", credentials: "same-origin", redirect: "error", signal: abort.signal,
        headers: { Accept: "application/json", "Content-Type": photo.type || "image/jpeg", "X-CSRFToken": token },
        body: photo.blob,
      });
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401) return "login";
    const body = isJson(response) ? await response.json() : {};
    if (response.status === 200 || response.status === 201) {
      // Arrived: the blob is dropped to free the device; the photo is on the server now.
      await store.put("photos", { ...photo, blob: null, status: "sent", sent_at: new Date().toISOString(), ack: body });
    } else if ([400, 404, 409, 413, 415, 422].includes(response.status)) {
      await store.put("photos", { ...photo, status: "attention", problem: { status: response.status, ...body } });
    } else {
      throw new Error(`photo ${response.status}`);
    }
  }
  return "sent";
}

async function send() {
  const items = await store.pending(userId);
  const waitingSessions = (await sessions()).filter((m) => m.status === "waiting");
  if (!items.length && !waitingSessions.length && !(await photosToSend()).length) return "idle";
  if (!navigator.onLine) return "offline";
  const tokenResponse = await api("/api/v1/csrf");
  if (tokenResponse.status === 401) return "login";
  if (!tokenResponse.ok || !isJson(tokenResponse)) throw new Error(`csrf ${tokenResponse.status}`);
  const { csrf_token: token, user_id: who } = await tokenResponse.json();
  if (who !== userId) return "login"; // someone else is logged in now: their turn, not these items
  if (waitingSessions.length && (await sendSessions(token)) === "login") return "login";
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    const response = await api("/api/v1/batch", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ items: chunk.map(({ kind, uuid, payload }) => ({ kind, uuid, payload })) }),
    });
    if (response.status === 401) return "login";
    if (!response.ok || !isJson(response)) throw new Error(`batch ${response.status}`);
    const { results } = await response.json();
    await record(results, chunk);
  }
  return sendPhotos(token);
}

export async function syncNow() {
  if (running || !userId) return;
  running = true;
  state = "sending";
  await refreshBar();
  try {
    const run = () => send();
    state = navigator.locks ? await navigator.locks.request("bb-sync", run) : await run();
    backoff = FIRST_RETRY_MS;
    if (state === "offline") scheduleRetry();
  } catch (error) {
    state = "error";
    scheduleRetry();
  } finally {
    running = false;
    await refreshBar();
  }
}

// The bundle (rounds, guides, the server's checks, the pages to keep) and the pages themselves,
// fetched when the app opens online and every ten minutes; "Nu klaarmaken" forces it. Resolves
// once the service worker has kept the pages (or gave up), so the device page can say what is here.
export async function refreshBundle(force = false) {
  if (!navigator.onLine || !userId) return false;
  const meta = (await store.get("meta", "bundle")) || {};
  const mine = meta.user_id === userId;
  if (!force && mine && Date.now() - (meta.checked_at || 0) < BUNDLE_EVERY_MS) return false;
  const response = await api("/api/v1/bundle");
  if (!response.ok || !isJson(response)) return false;
  const bundle = await response.json();
  const fetchedAt = mine && meta.etag === bundle.etag && meta.fetched_at ? meta.fetched_at : Date.now();
  await store.put("meta", { key: "bundle", user_id: userId, etag: bundle.etag, checked_at: Date.now(), fetched_at: fetchedAt, bundle });
  // Asked for ("Nu klaarmaken"), it waits for a service worker still installing on a first visit.
  await keepPages(bundle.pages, force ? 60000 : 10000);
  document.dispatchEvent(new CustomEvent("bb:bundle"));
  return true;
}

function within(promise, ms) {
  return Promise.race([promise, new Promise((resolve) => { setTimeout(resolve, ms); })]);
}

async function keepPages(urls, patience) {
  const registration = "serviceWorker" in navigator ? await within(navigator.serviceWorker.ready, patience) : null;
  const worker = registration && registration.active;
  if (!worker) return;
  await within(new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    worker.postMessage({ type: "precache", urls }, [channel.port2]);
  }), 60000);
}

// When each page was kept on this device for use without a network (null: it was not). The
// cache is opened once for all of them: a page may ask this for every link it has.
export async function keptPages(paths) {
  const kept = new Map(paths.map((path) => [path, null]));
  const name = "caches" in window ? (await caches.keys()).find((n) => n.startsWith("bb-pages-")) : null;
  if (!name) return kept;
  const cache = await caches.open(name);
  for (const path of kept.keys()) {
    const response = await cache.match(path);
    if (response) kept.set(path, new Date(response.headers.get("Date") || Date.now()));
  }
  return kept;
}

// Whether the service worker is installed and active: it answers this device's navigations offline
// (whether this very page is already in its hands does not matter).
export async function workerActive() {
  if (!("serviceWorker" in navigator)) return false;
  const registration = await navigator.serviceWorker.getRegistration("/");
  return Boolean(registration && registration.active);
}

// Offline, a link to a page this device does not hold says so, instead of leading to "no connection".
async function markOfflineLinks() {
  const offline = !navigator.onLine;
  const links = [...document.querySelectorAll("a[href]")].map((link) => [link, new URL(link.href, location.href)])
    .filter(([link, url]) => url.origin === location.origin && !url.pathname.startsWith("/static/") && !link.hasAttribute("download"));
  const kept = offline ? await keptPages(links.map(([, url]) => url.pathname)) : new Map();
  for (const [link, url] of links) {
    const unavailable = offline && !kept.get(url.pathname) && url.pathname !== "/offline";
    link.classList.toggle("offline-unavailable", unavailable);
    const note = link.querySelector(".offline-note");
    if (unavailable && !note) {
      const mark = document.createElement("span");
      mark.className = "offline-note";
      mark.textContent = ` (${labels.notOffline})`;
      link.append(mark);
    } else if (!unavailable && note) {
      note.remove();
    }
  }
}

export async function downloadBackup() {
  const items = (await store.all("outbox")).filter((item) => item.user_id === userId && item.status !== "sent");
  const file = {
    format: "buitenbinnen-outbox",
    exported_at: new Date().toISOString(),
    user: { id: userId, email: userEmail },
    items: items.map(({ kind, uuid, payload }) => ({ kind, uuid, payload })),
  };
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: "application/json" }));
  link.download = `buitenbinnen-niet-verzonden-${file.exported_at.slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  return items.length;
}

export async function storageStatus() {
  const persisted = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted() : false;
  const estimate = navigator.storage && navigator.storage.estimate ? await navigator.storage.estimate() : {};
  return { persisted, usage: estimate.usage || 0, quota: estimate.quota || 0 };
}

function forgetPagesOnLogout() {
  for (const form of document.querySelectorAll('form[action="/logout"]')) {
    form.addEventListener("submit", () => {
      navigator.serviceWorker?.controller?.postMessage({ type: "forget-pages" });
      store.remove("meta", "bundle").catch(() => {});
    });
  }
}

async function listDrafts() {
  const section = document.querySelector("[data-drafts]");
  if (!section) return;
  const roundId = Number(section.dataset.roundId);
  const drafts = (await store.all("drafts")).filter((d) => d.user_id === userId && d.round_id === roundId);
  const list = section.querySelector("[data-drafts-list]");
  list.replaceChildren(...drafts.map((draft) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `${draft.url}?draft=${draft.uuid}`;
    link.className = "button";
    link.textContent = `${new Date(draft.updated_at).toLocaleString(document.documentElement.lang)} ${draft.title || ""}`.trim();
    item.append(link);
    return item;
  }));
  section.hidden = drafts.length === 0;
}

// On a round's page: whether this round's pages are on this device for use without a network.
async function roundReadiness() {
  const line = document.querySelector("[data-round-ready]");
  if (!line) return;
  const meta = await store.get("meta", "bundle");
  const roundId = Number(line.dataset.roundReady);
  const round = meta && meta.user_id === userId ? meta.bundle.projects.flatMap((p) => p.rounds).find((r) => r.id === roundId) : null;
  const pages = round ? round.pages || [] : [];
  const ready = pages.length > 0 && [...(await keptPages(pages)).values()].every(Boolean) && (await workerActive());
  line.querySelector("[data-round-ready-text]").textContent = ready ? line.dataset.ready : line.dataset.notReady;
  line.classList.toggle("ready-line-missing", !ready);
  line.hidden = false;
}

async function start() {
  if (!userId || window.__bbSyncStarted) return;
  window.__bbSyncStarted = true;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then((kept) => kept || navigator.storage.persist()).catch(() => {});
  }
  for (const button of document.querySelectorAll("[data-sync-now]")) button.addEventListener("click", sendNowPressed);
  window.addEventListener("online", () => { clearTimeout(retryTimer); backoff = FIRST_RETRY_MS; syncNow(); markOfflineLinks().catch(() => {}); });
  window.addEventListener("offline", () => { state = "offline"; refreshBar(); markOfflineLinks().catch(() => {}); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") syncNow(); });
  document.addEventListener("bb:queued", syncNow);
  forgetPagesOnLogout();
  store.forgetOldSent().catch(() => {});
  await refreshBar();
  listDrafts().catch(() => {});
  roundReadiness().catch(() => {});
  document.addEventListener("bb:bundle", () => { roundReadiness().catch(() => {}); });
  if (!navigator.onLine) markOfflineLinks().catch(() => {});
  syncNow();
  refreshBundle().catch(() => {});
}

start();
