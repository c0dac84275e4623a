// Offline capture: drafts saved on every change, finished interviews and contributions queued on
// the device, then sent by sync.js. Without IndexedDB the forms simply post to the server.

import * as store from "./store.js";
import { format, userId } from "./sync.js";
import { checked, field, interviewPayload, isAnswered, number, restore, single, values } from "./form-values.js";
import { checker, pageDefinition } from "./checks.js";
import { photoField } from "./photos.js";
import { start as walkRoute } from "./walk.js";

const RECEIPT_ALPHABET = "ACDEFHJKMNPRTUVWXY3479";
const labels = (document.querySelector("[data-capture-labels]") || { dataset: {} }).dataset;

// Uniformly random, as on the server: bytes past the last whole multiple of the alphabet are
// drawn again (a plain modulo would favour the first letters).
export function receiptCode() {
  const limit = 256 - (256 % RECEIPT_ALPHABET.length);
  const chars = [];
  while (chars.length < 8) {
    for (const byte of crypto.getRandomValues(new Uint8Array(12))) {
      if (byte < limit && chars.length < 8) chars.push(RECEIPT_ALPHABET[byte % RECEIPT_ALPHABET.length]);
    }
  }
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

// Where a field's problem is shown. Problems are named as the server names them, by the payload's
// fields (answers.<key>, gps, contact.email, …); these are their places on the form.
const FORM_NAMES = {
  "contact.name": "contact_name", "contact.email": "contact_email", "contact.phone": "contact_phone", "contact.note": "contact_note",
  "reflection.surprised": "surprised", "reflection.resident_words": "resident_words", "reflection.listening_level": "listening_level",
};

function placeOf(form, key) {
  if (key.startsWith("answers.")) return form.querySelector(`.question[data-question-key="${CSS.escape(key.slice(8))}"]`);
  if (key === "gps") return field(form, "gps_lat")?.closest("fieldset") || null;
  const element = field(form, FORM_NAMES[key] || key);
  const first = element instanceof RadioNodeList ? element[0] : element;
  return first ? first.closest(first.type === "radio" || first.type === "checkbox" && first.name === "tags" ? "fieldset" : ".field") : null;
}

// The question or field as the interviewer reads it on the form.
function labelOf(place) {
  if (!place) return "";
  if (place.matches(".question")) return place.dataset.label;
  const label = place.querySelector("legend, label");
  return label ? label.textContent.replace("*", "").replace(/\s+/g, " ").trim() : "";
}

function fieldLabels(form) {
  const keys = ["consent", "area_id", "street", "gps", "respondent_type", "age_band", "tags", ...Object.keys(FORM_NAMES),
    ...[...form.querySelectorAll(".question")].map((q) => `answers.${q.dataset.questionKey}`)];
  return Object.fromEntries(keys.map((key) => [key, labelOf(placeOf(form, key))]).filter(([, label]) => label));
}

let errorCount = 0;
function showError(place, key, message) {
  let error = place.querySelector(":scope > .error.js-error");
  if (!error) {
    error = document.createElement("p");
    error.className = "error js-error";
    error.id = `js-error-${++errorCount}`;
    place.append(error);
  }
  error.dataset.key = key;
  error.textContent = message;
  place.classList.add("field-invalid", "js-invalid");
  for (const input of place.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    input.setAttribute("aria-invalid", "true");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(error.id)) input.setAttribute("aria-describedby", [...described, error.id].join(" "));
  }
  const fold = place.closest("details");
  if (fold) fold.open = true;
  return error;
}

function clearError(error) {
  const place = error.parentElement;
  for (const input of place.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== error.id);
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }
  place.classList.remove("field-invalid", "js-invalid");
  error.remove();
}

function clearErrors(form, keep = () => false) {
  form.querySelectorAll(".error.js-error").forEach((error) => { if (!keep(error.dataset.key)) clearError(error); });
}

// Marks each problem at its field; the first one on the page is returned, to be scrolled to.
// Problems with no field on the form (the server's, about the record as a whole) go to status.
function markProblems(form, problems, status) {
  const loose = [];
  let first = null;
  for (const [key, message] of problems) {
    const place = placeOf(form, key);
    if (!place) { loose.push(message); continue; }
    const error = showError(place, key, message);
    if (!first || first.compareDocumentPosition(error) & Node.DOCUMENT_POSITION_PRECEDING) first = error;
  }
  if (loose.length && status) notify(status, loose.join(" "));
  return first;
}

// Before the resident walks away: what is still unanswered, and the code they will get. Saving is
// one more tap; "back" returns to the interview as it was.
function confirmFinish(form, code) {
  const dialog = document.querySelector("[data-finish]");
  if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(true);
  const open = [...form.querySelectorAll(".question")].filter((q) => !q.hidden && !isAnswered(form, q));
  dialog.querySelector("[data-finish-list]").replaceChildren(...open.map((q) => {
    const item = document.createElement("li");
    item.textContent = q.dataset.label;
    return item;
  }));
  dialog.querySelector("[data-finish-open]").hidden = open.length === 0;
  dialog.querySelector("[data-finish-complete]").hidden = open.length > 0;
  dialog.querySelector("[data-finish-code]").textContent = code;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "save"), { once: true }));
}

// After saving: the heading says so, and the receipt says whether the interview has reached the server.
function showSaved(uuid) {
  const heading = document.querySelector("main h1");
  if (heading && labels.saved) {
    heading.textContent = labels.saved;
    document.title = [labels.saved, ...document.title.split(" · ").slice(1)].join(" · ");
  }
  const status = document.querySelector("[data-local-receipt] [data-receipt-status]");
  const update = async () => {
    const item = await store.get("outbox", uuid);
    status.textContent = item && item.status === "sent" ? labels.sent : labels.queued;
  };
  document.addEventListener("bb:queue", update);
  update();
}

// The server's checks, made here from the guide version the page carries: what a person must fix
// before the resident walks away.
const definition = pageDefinition();
const check = definition ? checker(definition) : null;

function areaIds(form) {
  const ids = new Set();
  for (const select of form.querySelectorAll("select")) {
    if (select.name === "area_id" || select.closest('.question[data-type="area"]')) {
      for (const option of select.options) if (option.value) ids.add(Number(option.value));
    }
  }
  return ids;
}

function problemsOf(form) {
  if (!check) return [];
  const { errors } = check.interview(interviewPayload(form), { areas: areaIds(form) });
  return Object.entries(errors).map(([key, problem]) => [key, check.message(problem)]);
}

function firstProblem(form, status) {
  clearErrors(form);
  return markProblems(form, problemsOf(form), status);
}

// After a failed attempt, a mark goes as soon as its field is right (no new marks while typing).
function recheck(form) {
  if (!form.querySelector(".error.js-error")) return;
  const still = new Map(problemsOf(form));
  clearErrors(form, (key) => still.has(key));
  for (const error of form.querySelectorAll(".error.js-error")) {
    if (still.has(error.dataset.key)) error.textContent = still.get(error.dataset.key);
  }
}

function notify(element, message) {
  element.textContent = message;
  element.classList.add("flash", "flash-error");
  element.setAttribute("role", "alert");
}

async function interviewForm(form) {
  const params = new URLSearchParams(location.search);
  const draftUuid = params.get("draft");
  const draft = draftUuid ? await store.get("drafts", draftUuid) : null;
  const uuid = draft ? draft.uuid : crypto.randomUUID();
  // A draft reopened after the server refused it keeps the receipt code the resident already has.
  const keptReceipt = draft && draft.receipt_code ? draft.receipt_code : null;
  field(form, "uuid").value = uuid;
  field(form, "started_at").value = draft ? draft.started_at : new Date().toISOString();
  if (draft) {
    restore(form, draft.values);
    form.dispatchEvent(new Event("change"));
    form.dispatchEvent(new Event("bb:restored"));
    // Back where the interviewer was: the field they were in, on screen.
    const last = draft.focus ? form.querySelector(`[name="${CSS.escape(draft.focus)}"]`) : null;
    if (last) {
      last.scrollIntoView({ block: "center" });
      last.focus({ preventScroll: true });
    }
  }
  const status = document.createElement("p");
  status.setAttribute("aria-live", "polite");
  form.prepend(status);
  // Reopened after the server refused it: its messages at their fields, the first one in view.
  const refused = draft && draft.problem ? draft.problem : null;
  if (refused) {
    status.textContent = labels.refused;
    status.className = "flash flash-error";
    const problems = Object.entries(refused.fields || {}).map(([key, texts]) => [key, [].concat(texts).join(" ")]);
    if (!problems.length && refused.message) problems.push(["", refused.message]);
    const first = markProblems(form, problems, status);
    first?.parentElement.scrollIntoView({ block: "center" });
  }
  if (draftUuid && !draft) {
    // This draft was finished (in another tab, or before a reload): say so, and start a new interview.
    const finished = await store.get("outbox", draftUuid);
    if (finished) {
      status.textContent = format(labels.finished, { code: finished.payload.receipt_code || "" });
      status.className = "flash flash-info";
    }
    history.replaceState(null, "", location.pathname);
  }

  // One draft, one tab: a second tab on the same draft becomes read-only.
  if (navigator.locks) {
    const got = await new Promise((resolve) => {
      navigator.locks.request(`draft-${uuid}`, { ifAvailable: true }, (lock) => {
        resolve(Boolean(lock));
        return lock ? new Promise(() => {}) : undefined; // hold it while this page lives
      });
    });
    if (!got) {
      notify(status, labels.otherTab);
      form.querySelectorAll("input, select, textarea, button").forEach((e) => { e.disabled = true; });
      return;
    }
  }

  let saveTimer = null;
  let pendingCode = null; // shown in the summary; the same code if the interviewer goes back first
  const saveDraft = async () => {
    try {
      await store.put("drafts", {
        uuid, kind: "interview", user_id: userId, url: location.pathname, round_id: Number(form.dataset.roundId),
        started_at: field(form, "started_at").value, values: values(form), updated_at: new Date().toISOString(),
        title: field(form, "street").value || "", receipt_code: keptReceipt, problem: refused,
        focus: form.contains(document.activeElement) ? document.activeElement.name || null : null,
      });
      // A reload (or the browser's restart) reopens this draft instead of an empty form.
      if (new URLSearchParams(location.search).get("draft") !== uuid) history.replaceState(null, "", `${location.pathname}?draft=${uuid}`);
    } catch (error) {
      if (error instanceof store.QuotaError) notify(status, document.querySelector("[data-sync-labels]").dataset.quota);
    }
  };
  const later = () => { clearTimeout(saveTimer); saveTimer = setTimeout(saveDraft, 300); };
  // Photos belong to this interview (its UUID) from the moment they are taken.
  for (const container of form.querySelectorAll("[data-photos]")) {
    photoField(container, { recordUuid: () => uuid, userId });
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("change", () => recheck(form));
  if (form.dataset.touched) later(); // typed in before this code was ready (capture.js marks it)

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = firstProblem(form, status);
    if (problem) {
      if (!refused) notify(status, labels.check);
      problem.parentElement.scrollIntoView({ block: "center" });
      problem.parentElement.querySelector("input:not([type=hidden]), select, textarea")?.focus({ preventScroll: true });
      return;
    }
    if (!refused) {
      status.className = "";
      status.removeAttribute("role");
      status.replaceChildren();
    }
    pendingCode = pendingCode || keptReceipt || receiptCode();
    if (!(await confirmFinish(form, pendingCode))) return;
    const payload = interviewPayload(form);
    payload.receipt_code = pendingCode;
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    try {
      clearTimeout(saveTimer);
      await store.queue({
        uuid, kind: "interview", user_id: userId, payload, values: values(form), url: location.pathname,
        title: payload.street || "", status: "waiting", attempts: 0, created_at: new Date().toISOString(),
        labels: fieldLabels(form), // should the server refuse it, "Dit apparaat" names the questions
      }, uuid);
    } catch (error) {
      button.disabled = false;
      notify(status, error instanceof store.QuotaError ? document.querySelector("[data-sync-labels]").dataset.quota : String(error));
      status.scrollIntoView({ block: "center" });
      return;
    }
    const receipt = document.querySelector("[data-local-receipt]");
    receipt.querySelector("[data-receipt-code]").textContent = payload.receipt_code;
    receipt.querySelector("[data-receipt-status]").textContent = labels.queued;
    form.hidden = true;
    receipt.hidden = false;
    receipt.focus();
    showSaved(uuid);
    history.replaceState(null, "", location.pathname);
    document.dispatchEvent(new CustomEvent("bb:queued"));
  });
  // The form is ready for the interviewer: drafts, checks and saving work (benchmarks/offline_open.py).
  performance.mark("bb:capture-ready");
}

// The heading counts the notes of this round: those the server has and those saved here since.
function countNote() {
  const heading = document.querySelector("[data-contribution-count]");
  if (!heading) return;
  const count = Number(heading.dataset.count || 0) + 1;
  heading.dataset.count = String(count);
  heading.textContent = format(count === 1 ? heading.dataset.one : heading.dataset.other, { num: count });
  document.querySelector("[data-no-contributions]")?.remove();
}

// Each note saved on this page says whether it still waits on this device or reached the server.
async function markNotes() {
  for (const note of document.querySelectorAll("[data-local-notes] .note-local[data-uuid]")) {
    const item = await store.get("outbox", note.dataset.uuid);
    const mark = note.querySelector(".note-status");
    if (mark && item && item.status === "sent") mark.textContent = labels.noteSent;
  }
}

function contributionForm(form) {
  const status = form.querySelector("[data-contribution-status]");
  // The note's UUID is made before it is saved: its photos belong to it from the moment they are taken.
  let noteUuid = crypto.randomUUID();
  const photoBox = form.querySelector("[data-photos]");
  const photos = photoBox ? photoField(photoBox, { recordUuid: () => noteUuid, userId }) : null;
  document.addEventListener("bb:queue", () => { markNotes().catch(() => {}); });
  const newCode = form.querySelector("[data-new-receipt]");
  if (newCode) {
    newCode.hidden = false;
    newCode.addEventListener("click", () => { field(form, "receipt_code").value = receiptCode(); });
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const text = field(form, "text");
    if (!text.value.trim()) {
      showError(text.closest(".field"), "text", labels.text);
      text.focus();
      return;
    }
    const payload = {
      client_version: 1,
      uuid: noteUuid,
      project_id: Number(form.dataset.projectId),
      round_id: Number(form.dataset.roundId),
      recorded_at: new Date().toISOString(),
      text: text.value,
      area_id: number(single(form, "area_id")),
      street: field(form, "street").value,
      tags: checked(form, "tags"),
      receipt_code: field(form, "receipt_code").value.trim() || null,
    };
    if (photos && photos.uuids().length) payload.photos = photos.uuids();
    // An observation on a walk: the point, the element and how it looks (only when the page asks them).
    if (field(form, "gps_lat")) {
      const gps = { lat: field(form, "gps_lat").value, lon: field(form, "gps_lon").value, accuracy: field(form, "gps_accuracy").value };
      if (gps.lat || gps.lon) payload.gps = gps;
      payload.element_id = number(single(form, "element_id"));
      payload.quality = single(form, "quality");
    }
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    try {
      await store.put("outbox", {
        uuid: payload.uuid, kind: "contribution", user_id: userId, payload, values: values(form), url: location.pathname,
        title: payload.text.slice(0, 60), status: "waiting", attempts: 0, created_at: new Date().toISOString(),
      });
    } catch (error) {
      notify(status, error instanceof store.QuotaError ? document.querySelector("[data-sync-labels]").dataset.quota : String(error));
      return;
    } finally {
      button.disabled = false;
    }
    noteUuid = crypto.randomUUID();
    photos?.reset();
    const note = document.createElement("li");
    note.className = "note note-local";
    note.dataset.uuid = payload.uuid;
    const body = document.createElement("p");
    body.className = "prose";
    body.textContent = payload.text;
    const mark = document.createElement("p");
    mark.className = "help note-status";
    mark.textContent = labels.noteWaiting;
    note.append(body, mark);
    document.querySelector("[data-local-notes]")?.prepend(note);
    countNote();
    text.value = "";
    // The next note may be someone else's, about another place: nothing of this one carries over.
    field(form, "receipt_code").value = "";
    field(form, "street").value = "";
    const area = field(form, "area_id");
    if (area) area.value = "";
    form.querySelectorAll('[name="tags"], [name="quality"]').forEach((e) => { e.checked = false; });
    for (const name of ["gps_lat", "gps_lon", "gps_accuracy", "element_id"]) {
      const input = field(form, name);
      if (input) { input.value = ""; input.dispatchEvent(new Event("change", { bubbles: true })); }
    }
    status.classList.remove("flash-error");
    status.textContent = `${labels.saved} ${navigator.onLine ? "" : labels.queued}`.trim();
    text.focus();
    document.dispatchEvent(new CustomEvent("bb:queued"));
  });
}

// Session details (attendees, notes) of an information round: kept on the device and sent by the
// sync with everything else, so they can be written down where there is no signal. The latest
// version per round wins; it leaves the device once the server said it stored it.
function sessionForm(form) {
  const status = form.querySelector("[data-session-status]");
  // The session's photos wait until the details they were saved with reached the server (sync.js).
  const photoBox = form.querySelector("[data-photos]");
  const photos = photoBox ? photoField(photoBox, { recordUuid: () => `round-${form.dataset.roundId}`, userId }) : null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = `session:${form.dataset.roundId}`;
    const earlier = await store.get("meta", key);
    // Details saved again before they were sent: the photos of the earlier save go with these.
    const waitingPhotos = earlier && earlier.status === "waiting" && earlier.values.photos ? earlier.values.photos.split(" ") : [];
    const entry = {
      key, user_id: userId, url: form.action, saved_at: new Date().toISOString(),
      values: {
        attendee_count: field(form, "attendee_count").value.trim(), session_notes: field(form, "session_notes").value,
        photos: [...new Set([...waitingPhotos, ...(photos ? photos.uuids() : [])])].join(" "),
      },
      status: "waiting",
    };
    try {
      await store.put("meta", entry);
    } catch (error) {
      notify(status, error instanceof store.QuotaError ? document.querySelector("[data-sync-labels]").dataset.quota : String(error));
      return;
    }
    photos?.reset();
    status.classList.remove("flash-error");
    status.textContent = navigator.onLine ? form.dataset.sending : form.dataset.queued;
    document.dispatchEvent(new CustomEvent("bb:queued"));
  });
  document.addEventListener("bb:session-sent", (event) => {
    if (event.detail.key === `session:${form.dataset.roundId}`) status.textContent = form.dataset.saved;
  });
}

export async function start() {
  try {
    await store.open();
  } catch (error) {
    return; // no IndexedDB (private mode on old Safari): the forms post to the server as they are
  }
  const interview = document.querySelector('form[data-offline="interview"]');
  if (interview) await interviewForm(interview);
  const contribution = document.querySelector('form[data-offline="contribution"]');
  if (contribution) contributionForm(contribution);
  const session = document.querySelector('form[data-offline="session"]');
  if (session) sessionForm(session);
  walkRoute();
}
