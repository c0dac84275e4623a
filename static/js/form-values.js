// Reading and filling the capture form: the values a draft keeps, and the payload the sync API
// takes, in the shape app/capture/forms.py:payload_of builds on the server.

export function values(form) {
  return [...new FormData(form).entries()].filter(([name]) => name !== "csrf_token").map(([name, value]) => [name, String(value)]);
}

export function restore(form, pairs) {
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

export function field(form, name) {
  return form.elements.namedItem(name);
}

export function checked(form, name) {
  return [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)].filter((e) => e.checked).map((e) => e.value);
}

export function single(form, name) {
  const element = field(form, name);
  if (!element) return null;
  if (element instanceof RadioNodeList || element.type === "radio") return checked(form, name)[0] ?? null;
  return element.value === "" ? null : element.value;
}

export function number(value) {
  return value === null || value === "" ? null : Number(value);
}

// The answers per question key, as the form holds them now.
export function answersOf(form) {
  const answers = {};
  for (const question of form.querySelectorAll(".question")) {
    const name = question.dataset.field;
    const reads = question.dataset.reads; // how the question's kind is read (app/questions: ``reads``)
    if (reads === "point") {
      answers[question.dataset.questionKey] = { lat: field(form, `${name}_lat`).value, lon: field(form, `${name}_lon`).value, accuracy: field(form, `${name}_accuracy`).value };
    } else if (reads === "photos") {
      answers[question.dataset.questionKey] = field(form, name).value.split(/[\s,]+/).filter(Boolean);
    } else if (reads === "choices") {
      answers[question.dataset.questionKey] = checked(form, name);
    } else {
      answers[question.dataset.questionKey] = single(form, name);
    }
  }
  return answers;
}

// The same shape app/capture/forms.py:payload_of builds, as the sync API takes it.
export function interviewPayload(form) {
  const data = form.dataset;
  const answers = answersOf(form);
  const payload = {
    client_version: 1,
    uuid: field(form, "uuid").value,
    project_id: Number(data.projectId),
    round_id: Number(data.roundId),
    guide_version_id: Number(data.guideVersionId),
    // A paper form typed in began on the day written on it (noon, local time), whatever the page set on load.
    started_at: form.elements.filled_on && form.elements.filled_on.value
      ? new Date(`${form.elements.filled_on.value}T12:00:00`).toISOString()
      : field(form, "started_at").value,
    ended_at: new Date().toISOString(),
    consent: field(form, "consent").checked,
    area_id: number(single(form, "area_id")),
    street: field(form, "street").value,
    gps: { lat: field(form, "gps_lat").value, lon: field(form, "gps_lon").value, accuracy: field(form, "gps_accuracy").value },
    respondent_type: single(form, "respondent_type"),
    mode: form.elements.mode ? form.elements.mode.value || "talk" : "talk",
    age_band: single(form, "age_band"),
    answers,
    tags: checked(form, "tags"),
  };
  // The interviewer's reflection, where the page asks it (not on a paper form typed in at a desk).
  if (field(form, "surprised")) {
    payload.reflection = { surprised: field(form, "surprised").value, resident_words: field(form, "resident_words").value, listening_level: single(form, "listening_level") };
  }
  if (!payload.gps.lat && !payload.gps.lon) payload.gps = null;
  // Who was heard, by name, where the project allows it (the page shows the fields then).
  if (field(form, "named_name") && (field(form, "named_name").value.trim() || field(form, "named_organisation").value.trim())) {
    payload.named = { name: field(form, "named_name").value, organisation: field(form, "named_organisation").value };
  }
  if (field(form, "contact_wanted").checked) {
    payload.contact = { name: field(form, "contact_name").value, email: field(form, "contact_email").value, phone: field(form, "contact_phone").value, note: field(form, "contact_note").value };
  }
  return payload;
}

// Whether a question has an answer on the form (a location needs both numbers).
export function isAnswered(form, question) {
  const name = question.dataset.field;
  return question.dataset.reads === "point"
    ? Boolean(field(form, `${name}_lat`).value && field(form, `${name}_lon`).value)
    : [...question.querySelectorAll("input, select, textarea")].some((e) => (e.type === "radio" || e.type === "checkbox" ? e.checked : e.value.trim()));
}
