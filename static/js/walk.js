// A walk's route (wijkschouw): while the walk page is open and recording is on, the tablet notes
// where the walkers are. Each stretch (from starting or resuming to pausing) is kept in IndexedDB as
// it grows and queued in the outbox as a "route" record when paused; sync.js sends it like a note.

import * as store from "./store.js";
import { format, userId } from "./sync.js";

const MIN_METRES = 5; // a point when the walkers moved this far …
const MIN_SECONDS = 30; // … or this long after the last one

function metres(a, b) {
  const rad = Math.PI / 180;
  const x = (b[1] - a[1]) * rad * Math.cos(((a[0] + b[0]) / 2) * rad);
  const y = (b[0] - a[0]) * rad;
  return Math.sqrt(x * x + y * y) * 6371000;
}

export function start() {
  const section = document.querySelector("[data-walk-route]");
  if (!section || !userId) return;
  const labels = section.dataset;
  const key = `route:${section.dataset.roundId}:${userId}`;
  const status = section.querySelector("[data-route-status]");
  const startButton = section.querySelector("[data-route-start]");
  const pauseButton = section.querySelector("[data-route-pause]");
  let stretch = null;
  let watch = null;
  section.hidden = false;

  const show = () => {
    const recording = watch !== null;
    startButton.hidden = recording;
    pauseButton.hidden = !recording;
    const n = stretch ? stretch.points.length : 0;
    status.textContent = recording ? format(n === 1 ? labels.recordingOne : labels.recording, { n }) : labels.off;
  };

  // A stretch goes to the outbox as one record; the next one starts afresh.
  async function queue(current) {
    if (!current || !current.points.length) {
      await store.remove("meta", key);
      return;
    }
    const last = current.points[current.points.length - 1];
    const payload = {
      client_version: 1, uuid: current.uuid, project_id: Number(section.dataset.projectId), round_id: Number(section.dataset.roundId),
      started_at: current.started_at, ended_at: new Date(Math.max(last[3], Date.parse(current.started_at))).toISOString(), points: current.points,
    };
    await store.write(["outbox", "meta"], (stores) => {
      stores.outbox.put({
        uuid: current.uuid, kind: "route", user_id: userId, payload, url: location.pathname,
        title: `${current.points.length}`, status: "waiting", attempts: 0, created_at: new Date().toISOString(),
      });
      stores.meta.delete(key);
    });
    document.dispatchEvent(new CustomEvent("bb:queued"));
  }

  function record(position) {
    const point = [
      Number(position.coords.latitude.toFixed(7)), Number(position.coords.longitude.toFixed(7)),
      Number.isFinite(position.coords.accuracy) ? Math.round(position.coords.accuracy) : null, Math.round(position.timestamp || Date.now()),
    ];
    const last = stretch.points[stretch.points.length - 1];
    if (last && metres(last, point) < MIN_METRES && point[3] - last[3] < MIN_SECONDS * 1000) return;
    stretch.points.push(point);
    store.put("meta", stretch).catch(() => {});
    show();
  }

  startButton.addEventListener("click", () => {
    if (!("geolocation" in navigator)) {
      status.textContent = labels.noGps;
      return;
    }
    stretch = { key, user_id: userId, uuid: crypto.randomUUID(), started_at: new Date().toISOString(), points: [] };
    store.put("meta", stretch).catch(() => {});
    watch = navigator.geolocation.watchPosition(record, () => {}, { enableHighAccuracy: true, maximumAge: 5000 });
    show();
    pauseButton.focus();
  });

  pauseButton.addEventListener("click", async () => {
    navigator.geolocation.clearWatch(watch);
    watch = null;
    const current = stretch;
    stretch = null;
    await queue(current);
    const n = current ? current.points.length : 0;
    status.textContent = format(n === 1 ? labels.pausedOne : labels.paused, { n });
    startButton.hidden = false;
    pauseButton.hidden = true;
    startButton.focus();
  });

  // A stretch left behind when the page closed while recording: it goes as it is; recording is off
  // until the walkers start it again.
  store.get("meta", key).then((left) => queue(left)).catch(() => {}).finally(show);
}
