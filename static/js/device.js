// "This device": what is queued, sent and stuck, the storage, and the backup file.
import * as store from "./store.js";
import { downloadBackup, format, refreshBundle, storageStatus, userId } from "./sync.js";
import { renderReadiness } from "./readiness.js";

const labels = document.querySelector("[data-labels]").dataset;
const table = document.querySelector("[data-queue]");
const empty = document.querySelector("[data-queue-empty]");
const message = document.querySelector("[data-sync-message]");

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

// What the server said, with each field named as the form names it ("Hoe lang woont u hier?", not
// answers.woonduur). A refusal stored nothing on the server, but everything is still here.
function problemText(item) {
  const problem = item.problem;
  if (!problem) return "";
  const names = item.labels || {};
  const fields = Object.entries(problem.fields || {}).map(([key, texts]) => `${names[key] || key}: ${[].concat(texts).join(" ")}`);
  const kept = item.kind === "interview" && item.values ? labels.keptInterview : labels.kept;
  return [...(fields.length ? fields : [problem.message]), kept].filter(Boolean).join(" — ");
}

async function reopen(item) {
  // A conflict means this UUID is taken on the server: the corrected interview needs a new one. Any
  // other refusal stored nothing: the fixed interview keeps its UUID (and, below, its receipt code).
  const uuid = item.problem && item.problem.status === 409 ? crypto.randomUUID() : item.uuid;
  const values = item.values.filter(([name]) => name !== "uuid");
  const photos = uuid === item.uuid ? [] : (await store.all("photos")).filter((photo) => photo.record_uuid === item.uuid);
  await store.write(["outbox", "drafts", "photos"], (stores) => {
    photos.forEach((photo) => stores.photos.put({ ...photo, record_uuid: uuid })); // its photos go with it
    stores.drafts.put({
      uuid, kind: item.kind, user_id: item.user_id, url: item.url, round_id: item.payload.round_id, started_at: item.payload.started_at, values,
      updated_at: new Date().toISOString(), title: item.title,
      receipt_code: item.payload.receipt_code, // the resident has this code: the fixed interview keeps it
      problem: item.problem, // shown at the fields when the draft opens
    });
    stores.outbox.delete(item.uuid);
  });
  location.href = `${item.url}?draft=${uuid}`;
}

// Photos still on this device: waiting for their record, on their way, or refused (with the reason).
async function photoRows() {
  const photos = (await store.all("photos")).filter((photo) => photo.user_id === userId && photo.status !== "sent");
  return photos.map((photo) => ({
    kind: "photo", status: photo.status, created_at: photo.created_at, title: `${Math.round((photo.size || 0) / 1000)} kB`,
    problem: photo.problem ? { message: photo.problem.message } : null,
  }));
}

async function render() {
  const items = [...(await store.all("outbox")).filter((item) => item.user_id === userId), ...(await photoRows())];
  items.sort((a, b) => (b.created_at || "").localeCompare(a.created_at || ""));
  table.replaceChildren();
  for (const item of items) {
    const row = document.createElement("tr");
    row.dataset.status = item.status;
    row.append(cell([labels[item.kind], item.payload && item.payload.receipt_code, item.title].filter(Boolean).join(" ")), cell(new Date(item.created_at).toLocaleString(document.documentElement.lang)));
    const status = cell(labels[item.status] || item.status);
    if (item.status === "attention") {
      const detail = document.createElement("span");
      detail.className = "help";
      detail.textContent = ` ${problemText(item)}`;
      status.append(detail);
    }
    const actions = document.createElement("td");
    if (item.status === "attention" && item.kind === "interview" && item.values) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = labels.reopen;
      button.addEventListener("click", () => reopen(item));
      actions.append(button);
    }
    row.append(status, actions);
    table.append(row);
  }
  empty.hidden = items.length > 0;
  const storage = await storageStatus();
  document.querySelector("[data-storage-status]").textContent = [
    storage.persisted ? labels.persisted : labels.notPersisted,
    storage.quota ? format(labels.usage, { used: (storage.usage / 1e6).toFixed(1), quota: Math.round(storage.quota / 1e6) }) : "",
  ].join(" ");
}

document.querySelector("[data-backup]").addEventListener("click", async () => {
  const count = await downloadBackup();
  message.textContent = String(count);
});
document.addEventListener("bb:queue", (event) => {
  render();
  if (event.detail.state === "login") message.textContent = document.querySelector("[data-sync-labels]").dataset.login;
});
render();

// Ready for offline: what is on this device, and "Nu klaarmaken" to fetch what is missing.
const readinessSection = document.querySelector("[data-readiness]");
const readyNow = readinessSection.querySelector("[data-ready-now]");
const progress = readinessSection.querySelector("[data-ready-progress]");
const readyLabels = readinessSection.querySelector("[data-ready-labels]").dataset;
readyNow.addEventListener("click", async () => {
  if (!navigator.onLine) {
    progress.textContent = readyLabels.offline;
    return;
  }
  readyNow.disabled = true;
  progress.textContent = readyLabels.working;
  try {
    await refreshBundle(true);
  } finally {
    readyNow.disabled = false;
    progress.textContent = "";
    await renderReadiness(readinessSection);
  }
});
document.addEventListener("bb:bundle", () => renderReadiness(readinessSection));
navigator.serviceWorker?.addEventListener("controllerchange", () => renderReadiness(readinessSection));
renderReadiness(readinessSection);

