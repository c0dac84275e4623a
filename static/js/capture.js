// Capture form enhancements: show-if rules and "use my location". The form works without them.
document.documentElement.classList.add("js");

const form = document.querySelector("[data-capture]");

function answerOf(fieldName) {
  const inputs = form.querySelectorAll(`[name="${CSS.escape(fieldName)}"]`);
  const values = [];
  for (const input of inputs) {
    if (input.type === "radio" || input.type === "checkbox") {
      if (input.checked) values.push(input.value);
    } else if (input.value.trim() !== "") {
      values.push(input.value.trim());
    }
  }
  return values;
}

function applyShowIf() {
  const fieldOfKey = new Map();
  const visible = new Set();
  for (const question of form.querySelectorAll(".question")) {
    fieldOfKey.set(question.dataset.questionKey, question.dataset.field);
    const key = question.dataset.showIfQuestion;
    let shown = true;
    if (key) {
      const target = fieldOfKey.get(key);
      const values = target && visible.has(key) ? answerOf(target) : [];
      shown = values.includes(question.dataset.showIfValue);
    }
    question.hidden = !shown;
    if (shown) visible.add(question.dataset.questionKey);
  }
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
