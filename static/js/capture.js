// Capture form enhancements: show-if rules and "use my location". The form works without them.
import { checker, pageDefinition } from "./checks.js";
import { answersOf } from "./form-values.js";

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

function locate(fieldset) {
  const status = fieldset.querySelector("[data-gps-status]");
  const inputs = fieldset.querySelectorAll("input[inputmode=decimal]");
  if (!("geolocation" in navigator)) {
    status.textContent = fieldset.dataset.noGps;
    return;
  }
  status.textContent = "…";
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const { latitude, longitude, accuracy } = position.coords;
      inputs[0].value = latitude.toFixed(7);
      inputs[1].value = longitude.toFixed(7);
      inputs[2].value = Math.round(accuracy);
      status.textContent = `± ${Math.round(accuracy)} m`;
    },
    (error) => { status.textContent = error.message; },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}

if (form) {
  applyShowIf();
  form.addEventListener("change", applyShowIf);
  form.addEventListener("input", applyShowIf);
  for (const button of form.querySelectorAll("[data-gps-button]")) {
    button.addEventListener("click", () => locate(button.closest("[data-gps]")));
  }
  if (form.hasAttribute("data-preview")) {
    form.addEventListener("submit", (event) => event.preventDefault());
  }
}

// Offline capture (drafts, queue) on top of the plain form.
import("./capture-offline.js").then((module) => module.start()).catch(() => {});
