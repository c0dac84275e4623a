// "This device": what is queued, sent and stuck, the storage, and the backup file.
import * as store from "./store.js";
import { downloadBackup, format, storageStatus, userId } from "./sync.js";

const labels = document.querySelector("[data-labels]").dataset;
const table = document.querySelector("[data-queue]");
const empty = document.querySelector("[data-queue-empty]");
const message = document.querySelector("[data-sync-message]");

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function problemText(problem) {
  if (!problem) return "";
  const fields = Object.entries(problem.fields || {}).map(([name, texts]) => `${name}: ${texts.join(" ")}`);
  return [problem.message, ...fields].filter(Boolean).join(" — ");
}

async function reopen(item) {
  // A conflict means this UUID is taken on the server: the corrected interview needs a new one. Any
  // other refusal stored nothing: the fixed interview keeps its UUID (and, below, its receipt code).
  const uuid = item.problem && item.problem.status === 409 ? crypto.randomUUID() : item.uuid;
  const values = item.values.filter(([name]) => name !== "uuid");
  await store.write(["outbox", "drafts"], (stores) => {
    stores.drafts.put({
      uuid, kind: item.kind, user_id: item.user_id, url: item.url, round_id: item.payload.round_id, started_at: item.payload.started_at, values,
      updated_at: new Date().toISOString(), title: item.title,
      receipt_code: item.payload.receipt_code, // the resident has this code: the fixed interview keeps it
    });
    stores.outbox.delete(item.uuid);
  });
  location.href = `${item.url}?draft=${uuid}`;
}

async function render() {
  const items = (await store.all("outbox")).filter((item) => item.user_id === userId);
  items.sort((a, b) => (b.created_at || "").localeCompare(a.created_at || ""));
  table.replaceChildren();
  for (const item of items) {
    const row = document.createElement("tr");
    row.dataset.status = item.status;
    row.append(cell(`${labels[item.kind]} ${item.title || ""}`.trim()), cell(new Date(item.created_at).toLocaleString(document.documentElement.lang)));
    const status = cell(labels[item.status] || item.status);
    if (item.status === "attention") {
      const detail = document.createElement("span");
      detail.className = "help";
      detail.textContent = ` ${problemText(item.problem)}`;
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
