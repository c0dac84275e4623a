// Photos on the tablet: taken or picked, scaled down here (the longest side from the page), kept as
// blobs in IndexedDB with the draft or the record they belong to, shown as thumbnails, removable
// until the record is finished. sync.js uploads them once their record is acknowledged.

import * as store from "./store.js";

const labels = () => (document.querySelector("[data-photo-labels]") || { dataset: {} }).dataset;

// Room on the device for a photo of this size (and the record around it): false when it is full.
async function roomFor(bytes) {
  if (!navigator.storage || !navigator.storage.estimate) return true;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return !quota || quota - usage > bytes * 3 + 1024 * 1024;
}

// The picture as a JPEG whose longest side is at most maxSide, turned upright; the canvas keeps no EXIF.
export async function downscale(file, maxSide) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close?.();
  const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no image"))), "image/jpeg", 0.85));
  return { blob, width, height };
}

export class DeviceFull extends Error {}

// Keep a picked file as a photo of this record; its UUID, or DeviceFull before anything is lost.
export async function keep(file, recordUuid, userId, maxSide) {
  const { blob, width, height } = await downscale(file, maxSide);
  if (!(await roomFor(blob.size))) throw new DeviceFull();
  const photo = {
    uuid: crypto.randomUUID(), record_uuid: recordUuid, user_id: userId, blob, type: blob.type, size: blob.size,
    width, height, status: "waiting", attempts: 0, created_at: new Date().toISOString(),
  };
  try {
    await store.put("photos", photo);
  } catch (error) {
    if (error instanceof store.QuotaError) throw new DeviceFull();
    throw error;
  }
  return photo.uuid;
}

// One photo field: buttons to take or pick, the thumbnails, and the hidden input with the UUIDs. How many
// it takes is on the field, the longest side on its form; ``recordUuid()`` names the record they belong to.
export function photoField(container, { recordUuid, userId }) {
  const input = container.querySelector("[data-photo-input]");
  const most = Number(container.dataset.most);
  const maxSide = Number(container.closest("form").dataset.photoMaxSide);
  const list = container.querySelector("[data-photo-list]");
  const status = container.querySelector("[data-photo-status]");
  const pickers = [...container.querySelectorAll("input[type=file]")];
  const uuids = () => input.value.split(/[\s,]+/).filter(Boolean);
  const urls = new Map();

  function say(message, error = false) {
    status.textContent = message;
    status.classList.toggle("error", error);
  }

  async function render() {
    const current = uuids();
    const items = [];
    for (const [index, uuid] of current.entries()) {
      const photo = await store.get("photos", uuid);
      const item = document.createElement("li");
      item.className = "photo-item";
      if (photo && photo.blob) {
        if (!urls.has(uuid)) urls.set(uuid, URL.createObjectURL(photo.blob));
        const image = document.createElement("img");
        image.src = urls.get(uuid);
        image.alt = `${labels().photo} ${index + 1}`;
        item.append(image);
      } else {
        const missing = document.createElement("p");
        missing.textContent = `${labels().photo} ${index + 1}`;
        item.append(missing);
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button-quiet";
      remove.textContent = labels().remove;
      remove.setAttribute("aria-label", `${labels().remove}: ${labels().photo} ${index + 1}`);
      remove.addEventListener("click", async () => {
        input.value = uuids().filter((u) => u !== uuid).join(" ");
        input.dispatchEvent(new Event("change", { bubbles: true })); // the draft, the checks and the progress see it
        await store.remove("photos", uuid).catch(() => {});
        URL.revokeObjectURL(urls.get(uuid) || "");
        urls.delete(uuid);
        await render();
        say(labels().removed);
        pickers[0]?.focus();
      });
      item.append(remove);
      items.push(item);
    }
    list.replaceChildren(...items);
    const full = current.length >= most;
    pickers.forEach((picker) => {
      picker.disabled = full;
      picker.closest("label")?.classList.toggle("disabled", full);
    });
    const count = container.querySelector("[data-photo-count]");
    if (count) count.textContent = (labels().count || "%(n)s / %(max)s").replace("%(n)s", current.length).replace("%(max)s", most);
  }

  for (const picker of pickers) {
    picker.addEventListener("change", async () => {
      const files = [...picker.files];
      picker.value = "";
      for (const file of files) {
        if (uuids().length >= most) { say((labels().most || "").replace("%(max)s", most), true); break; }
        say(labels().keeping || "");
        try {
          const uuid = await keep(file, recordUuid(), userId, maxSide);
          input.value = [...uuids(), uuid].join(" ");
          input.dispatchEvent(new Event("change", { bubbles: true }));
          say(labels().kept || "");
        } catch (error) {
          say(error instanceof DeviceFull ? labels().full : labels().unreadable, true);
          break;
        }
        await render();
      }
    });
  }
  render();
  return { render, uuids, reset() { input.value = ""; urls.forEach((url) => URL.revokeObjectURL(url)); urls.clear(); render(); } };
}

// The photos waiting on this device for this user, with whether their record has reached the server.
export async function waiting(userId) {
  return (await store.all("photos")).filter((p) => p.user_id === userId && p.status === "waiting");
}
