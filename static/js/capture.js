// Capture form enhancements: show-if rules and "use my location". The form works without them.
import { checker, pageDefinition } from "./checks.js";
import { answersOf, isAnswered } from "./form-values.js";
import { format } from "./sync.js";

document.documentElement.classList.add("js");

const form = document.querySelector("[data-capture]");

// Which questions apply, decided as the server decides it (validation.is_shown on the answers
// given so far), from the guide version the page carries.
const definition = pageDefinition();
const check = definition ? checker(definition) : null;

function applyShowIf() {
  if (!check) return;
  const { shown } = check.answers(answersOf(form), { areas: new Set() });
  for (const question of form.querySelectorAll(".question")) question.hidden = !shown.has(question.dataset.questionKey);
}

const gpsLabels = (document.querySelector("[data-gps-labels]") || { dataset: {} }).dataset;

// How precise a location is, in words an interviewer can act on.
function inWords(metres) {
  const m = Math.round(metres);
  const label = m <= 10 ? gpsLabels.precise : m <= 30 ? gpsLabels.good : m <= 100 ? gpsLabels.fair : gpsLabels.rough;
  return format(label, { m });
}

function gpsInputs(fieldset) {
  const [lat, lon, accuracy] = fieldset.querySelectorAll(".gps-manual input");
  return { lat, lon, accuracy };
}

// What the fields hold now: a location in words, or nothing.
function describe(fieldset) {
  const { lat, lon, accuracy } = gpsInputs(fieldset);
  const status = fieldset.querySelector("[data-gps-status]");
  const has = Boolean(lat.value.trim() && lon.value.trim());
  const metres = Number(accuracy.value.replace(",", "."));
  status.textContent = has ? (accuracy.value.trim() && Number.isFinite(metres) ? inWords(metres) : gpsLabels.kept) : "";
  fieldset.querySelector("[data-gps-clear]").hidden = !has;
}

function changed(input) {
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true })); // the draft is saved, the checks see it
}

function locate(fieldset) {
  const status = fieldset.querySelector("[data-gps-status]");
  const button = fieldset.querySelector("[data-gps-button]");
  const { lat, lon, accuracy } = gpsInputs(fieldset);
  if (!("geolocation" in navigator)) {
    status.textContent = gpsLabels.noGps;
    fieldset.querySelector(".gps-manual").open = true;
    return;
  }
  status.textContent = gpsLabels.searching;
  button.disabled = true;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      button.disabled = false;
      lat.value = position.coords.latitude.toFixed(7);
      lon.value = position.coords.longitude.toFixed(7);
      accuracy.value = String(Math.round(position.coords.accuracy));
      [lat, lon, accuracy].forEach(changed);
      describe(fieldset);
    },
    (error) => {
      button.disabled = false;
      status.textContent = { 1: gpsLabels.denied, 2: gpsLabels.unavailable, 3: gpsLabels.timeout }[error.code] || gpsLabels.unavailable;
    },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}

function clearLocation(fieldset) {
  const { lat, lon, accuracy } = gpsInputs(fieldset);
  for (const input of [lat, lon, accuracy]) {
    input.value = "";
    changed(input);
  }
  describe(fieldset);
  fieldset.querySelector("[data-gps-button]").focus();
}

// How far the interview is: questions answered of those that apply.
function showProgress() {
  const progress = form.querySelector("[data-progress]");
  if (!progress) return;
  const applying = [...form.querySelectorAll(".question")].filter((q) => !q.hidden);
  const done = applying.filter((q) => isAnswered(form, q)).length;
  progress.querySelector("[data-progress-text]").textContent = format(progress.dataset.text, { done, total: applying.length });
  const bar = progress.querySelector("[data-progress-bar]");
  bar.max = Math.max(applying.length, 1);
  bar.value = done;
}

if (form) {
  applyShowIf();
  showProgress();
  for (const event of ["change", "input"]) {
    form.addEventListener(event, () => { applyShowIf(); showProgress(); });
  }
  form.addEventListener("bb:restored", () => form.querySelectorAll("[data-gps]").forEach(describe));
  if (form.hasAttribute("data-preview")) {
    form.addEventListener("submit", (event) => event.preventDefault());
  }
}

// "Use my location" wherever a location is asked: an interview, an observation on a walk.
for (const fieldset of document.querySelectorAll("[data-gps]")) {
  fieldset.querySelector("[data-gps-button]").addEventListener("click", () => locate(fieldset));
  fieldset.querySelector("[data-gps-clear]").addEventListener("click", () => clearLocation(fieldset));
  fieldset.querySelector(".gps-manual").addEventListener("change", () => describe(fieldset));
  describe(fieldset);
}

// Offline capture (drafts, queue) on top of the plain form. It loads after the page, so what is
// typed before it is ready is marked, and its first draft saved as soon as it is.
form?.addEventListener("input", () => { form.dataset.touched = "1"; }, { once: true });
import("./capture-offline.js").then((module) => module.start()).catch(() => {});

// A paper form typed in: no day still to come (the payload takes its start from this field, form-values.js).
const filledOn = document.querySelector("[data-capture] [name=filled_on]");
if (filledOn) {
  filledOn.addEventListener("change", () => {
    const future = filledOn.value && filledOn.max && filledOn.value > filledOn.max;
    document.querySelector("[data-filled-on-error]").hidden = !future;
    filledOn.toggleAttribute("aria-invalid", Boolean(future));
    if (future) filledOn.value = "";
  });
}
