// Offline capture: drafts saved on every change, finished interviews and contributions queued on
// the device, then sent by sync.js. Without IndexedDB the forms simply post to the server.

import * as store from "./store.js";
import { format, userId } from "./sync.js";

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

function values(form) {
  return [...new FormData(form).entries()].filter(([name]) => name !== "csrf_token").map(([name, value]) => [name, String(value)]);
}

function restore(form, pairs) {
  const byName = new Map();
  for (const [name, value] of pairs) byName.set(name, [...(byName.get(name) || []), value]);
  for (const element of form.elements) {
    if (!element.name || element.name === "csrf_token" || !byName.has(element.name)) continue;
    const given = byName.get(element.name);
    if (element.type === "checkbox" || element.type === "radio") element.checked = given.includes(element.value);
    else if (element.tagName === "SELECT" && element.multiple) [...element.options].forEach((o) => { o.selected = given.includes(o.value); });
    else element.value = given[0];
  }
}

function field(form, name) {
  return form.elements.namedItem(name);
}

function checked(form, name) {
  return [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)].filter((e) => e.checked).map((e) => e.value);
}

function single(form, name) {
  const element = field(form, name);
  if (!element) return null;
  if (element instanceof RadioNodeList || element.type === "radio") return checked(form, name)[0] ?? null;
  return element.value === "" ? null : element.value;
}

function number(value) {
  return value === null || value === "" ? null : Number(value);
}

// The same shape app/capture/forms.py:payload_of builds, as the sync API takes it.
export function interviewPayload(form) {
  const data = form.dataset;
  const answers = {};
  for (const question of form.querySelectorAll(".question")) {
    const name = question.dataset.field;
    const type = question.dataset.type;
    if (type === "gps") {
      answers[question.dataset.questionKey] = { lat: field(form, `${name}_lat`).value, lon: field(form, `${name}_lon`).value, accuracy: field(form, `${name}_accuracy`).value };
    } else if (type === "multi_choice") {
      answers[question.dataset.questionKey] = checked(form, name);
    } else {
      answers[question.dataset.questionKey] = single(form, name);
    }
  }
  const payload = {
    client_version: 1,
    uuid: field(form, "uuid").value,
    project_id: Number(data.projectId),
    round_id: Number(data.roundId),
    guide_version_id: Number(data.guideVersionId),
    started_at: field(form, "started_at").value,
    ended_at: new Date().toISOString(),
    consent: field(form, "consent").checked,
    area_id: number(single(form, "area_id")),
    street: field(form, "street").value,
    gps: { lat: field(form, "gps_lat").value, lon: field(form, "gps_lon").value, accuracy: field(form, "gps_accuracy").value },
    respondent_type: single(form, "respondent_type"),
    age_band: single(form, "age_band"),
    answers,
    tags: checked(form, "tags"),
    reflection: { surprised: field(form, "surprised").value, resident_words: field(form, "resident_words").value, listening_level: single(form, "listening_level") },
  };
  if (!payload.gps.lat && !payload.gps.lon) payload.gps = null;
  if (field(form, "contact_wanted").checked) {
    payload.contact = { name: field(form, "contact_name").value, email: field(form, "contact_email").value, phone: field(form, "contact_phone").value, note: field(form, "contact_note").value };
  }
  return payload;
}

function showError(form, container, message) {
  let error = container.querySelector(".error.js-error");
  if (!error) {
    error = document.createElement("p");
    error.className = "error js-error";
    container.append(error);
  }
  error.textContent = message;
  return error;
}

function clearErrors(form) {
  form.querySelectorAll(".error.js-error").forEach((e) => e.remove());
}

function isAnswered(form, question) {
  const name = question.dataset.field;
  return question.dataset.type === "gps"
    ? Boolean(field(form, `${name}_lat`).value && field(form, `${name}_lon`).value)
    : [...question.querySelectorAll("input, select, textarea")].some((e) => (e.type === "radio" || e.type === "checkbox" ? e.checked : e.value.trim()));
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

// The checks a person must fix before the resident walks away; the server checks everything.
function firstProblem(form) {
  clearErrors(form);
  let first = null;
  const consent = field(form, "consent");
  if (consent && !consent.checked) first = showError(form, consent.closest(".field"), labels.consent);
  for (const question of form.querySelectorAll(".question[data-required]")) {
    if (question.hidden) continue;
    if (!isAnswered(form, question)) {
      const problem = showError(form, question, labels.required);
      first = first || problem;
    }
  }
  return first;
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
        title: field(form, "street").value || "", receipt_code: keptReceipt,
        focus: form.contains(document.activeElement) ? document.activeElement.name || null : null,
      });
      // A reload (or the browser's restart) reopens this draft instead of an empty form.
      if (new URLSearchParams(location.search).get("draft") !== uuid) history.replaceState(null, "", `${location.pathname}?draft=${uuid}`);
    } catch (error) {
      if (error instanceof store.QuotaError) notify(status, document.querySelector("[data-sync-labels]").dataset.quota);
    }
  };
  const later = () => { clearTimeout(saveTimer); saveTimer = setTimeout(saveDraft, 300); };
  form.addEventListener("input", later);
  form.addEventListener("change", later);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = firstProblem(form);
    if (problem) {
      problem.closest(".field, .question, fieldset")?.scrollIntoView({ block: "center" });
      return;
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
      showError(form, text.closest(".field"), labels.text);
      text.focus();
      return;
    }
    const payload = {
      client_version: 1,
      uuid: crypto.randomUUID(),
      project_id: Number(form.dataset.projectId),
      round_id: Number(form.dataset.roundId),
      recorded_at: new Date().toISOString(),
      text: text.value,
      area_id: number(single(form, "area_id")),
      street: field(form, "street").value,
      tags: checked(form, "tags"),
      receipt_code: field(form, "receipt_code").value.trim() || null,
    };
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
    form.querySelectorAll('[name="tags"]').forEach((e) => { e.checked = false; });
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
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const entry = {
      key: `session:${form.dataset.roundId}`, user_id: userId, url: form.action, saved_at: new Date().toISOString(),
      values: { attendee_count: field(form, "attendee_count").value.trim(), session_notes: field(form, "session_notes").value },
      status: "waiting",
    };
    try {
      await store.put("meta", entry);
    } catch (error) {
      notify(status, error instanceof store.QuotaError ? document.querySelector("[data-sync-labels]").dataset.quota : String(error));
      return;
    }
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
}
