// The device's own store (IndexedDB): drafts, the outbox, photos, and the offline bundle.
// Every write uses strict durability, so "saved" means on disk. Schema changes only add:
// a new app version never drops or rewrites what is queued.

const NAME = "buitenbinnen";
const VERSION = 2;
let opening = null;

export class QuotaError extends Error {}

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = (event) => {
        const db = request.result;
        // Version 1. Later versions add stores or indexes here, after this block; never delete.
        if (event.oldVersion < 1) {
          const outbox = db.createObjectStore("outbox", { keyPath: "uuid" });
          outbox.createIndex("status", "status");
          db.createObjectStore("drafts", { keyPath: "uuid" });
          db.createObjectStore("meta", { keyPath: "key" });
        }
        // Version 2: photos as blobs, by their own UUID, with the UUID of the record they belong to.
        if (event.oldVersion < 2) {
          const photos = db.createObjectStore("photos", { keyPath: "uuid" });
          photos.createIndex("record", "record_uuid");
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => db.close(); // let a newer tab upgrade the schema
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("database upgrade blocked by another tab"));
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

function isQuota(error) {
  return error && (error.name === "QuotaExceededError" || error.code === 22);
}

// Run fn(stores) in one read-write transaction with strict durability; resolves on commit.
export async function write(storeNames, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    let result;
    let tx;
    try {
      tx = db.transaction(storeNames, "readwrite", { durability: "strict" });
      const stores = Object.fromEntries(storeNames.map((name) => [name, tx.objectStore(name)]));
      result = fn(stores);
    } catch (error) {
      reject(isQuota(error) ? new QuotaError(error.message) : error);
      return;
    }
    tx.oncomplete = () => resolve(result);
    tx.onabort = tx.onerror = () => {
      const error = tx.error;
      reject(isQuota(error) ? new QuotaError(error ? error.message : "quota") : error || new Error("transaction aborted"));
    };
  });
}

export async function get(storeName, key) {
  const db = await open();
  return promised(db.transaction(storeName).objectStore(storeName).get(key));
}

export async function all(storeName) {
  const db = await open();
  return promised(db.transaction(storeName).objectStore(storeName).getAll());
}

export function put(storeName, value) {
  return write([storeName], (stores) => { stores[storeName].put(value); });
}

export function remove(storeName, key) {
  return write([storeName], (stores) => { stores[storeName].delete(key); });
}

// Finishing a draft: the outbox item is written and the draft removed in one transaction.
export function queue(item, draftUuid) {
  return write(["outbox", "drafts"], (stores) => {
    stores.outbox.put(item);
    if (draftUuid) stores.drafts.delete(draftUuid);
  });
}

export async function pending(userId) {
  const items = await all("outbox");
  return items.filter((item) => item.status === "waiting" && (userId === undefined || item.user_id === userId));
}

// Sent copies are kept a week, then forgotten, unless a photo of theirs still has to go; sent photos
// (their blobs already dropped) go with them. Waiting and problem items are never removed here.
export async function forgetOldSent(days = 7) {
  const cutoff = Date.now() - days * 86400 * 1000;
  const photos = await all("photos");
  const stillSending = new Set(photos.filter((photo) => photo.status !== "sent").map((photo) => photo.record_uuid));
  const old = (await all("outbox")).filter((item) => item.status === "sent" && Date.parse(item.sent_at) < cutoff && !stillSending.has(item.uuid));
  const oldPhotos = photos.filter((photo) => photo.status === "sent" && Date.parse(photo.sent_at) < cutoff);
  if (old.length || oldPhotos.length) {
    await write(["outbox", "photos"], (stores) => {
      old.forEach((item) => stores.outbox.delete(item.uuid));
      oldPhotos.forEach((photo) => stores.photos.delete(photo.uuid));
    });
  }
}
