// The server's checks of a recorded interview (app/capture/validation.py), made on the tablet
// before the resident walks away. Nothing here is a rule of its own: the guide version says which
// questions there are, which need an answer, their bounds and options and when they are shown;
// the server's description (device_checks) gives the messages, patterns and limits. Only how each
// kind of question reads a value is written here, as the validator reads it, and a browser test
// (tests/browser/test_checks.py) holds these verdicts to the server's for generated answers.

export function checker({ guide, checks }) {
  const anchored = (source, flags = "") => new RegExp(`^(?:${source})$`, flags);
  const NUMBER = anchored(checks.patterns.number);
  const DATE = anchored(checks.patterns.date);
  const EMAIL = anchored(checks.patterns.email);
  const UUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;
  const UNSTORABLE = new RegExp(checks.patterns.unstorable, "u");
  const OUTER_SPACE = new RegExp(`^${checks.patterns.space}+|${checks.patterns.space}+$`, "g");
  const limits = checks.limits;
  const questions = guide.sections.flatMap((section) => section.questions);

  class Problem {
    constructor(name, params = {}) { this.name = name; this.params = params; }
  }
  const fail = (name, params) => { throw new Problem(name, params); };

  const strip = (text) => text.replace(OUTER_SPACE, ""); // Python's str.strip()
  const length = (text) => [...text].length; // in characters, as Python counts
  const normalise = (text) => strip(text.normalize("NFC").replace(/\r\n?/g, "\n"));

  function empty(value) {
    if (value === null || value === undefined) return true;
    if (typeof value === "string") return strip(value) === "";
    if (Array.isArray(value)) return value.every(empty);
    if (typeof value === "object") return Object.values(value).every(empty);
    return false;
  }

  function number(value) {
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (typeof value !== "string") return null;
    const text = value.replaceAll(" ", "");
    if (!NUMBER.test(text)) return null;
    const parsed = Number(text.replace(",", "."));
    return Number.isFinite(parsed) ? parsed : null;
  }

  function databaseId(value) {
    const text = typeof value === "string" ? strip(value) : String(value);
    if (!/^[0-9]{1,10}$/.test(text)) return null;
    const id = Number(text);
    return id > 0 && id <= limits.id_max ? id : null;
  }



  function realDate(year, month, day) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1];
  }

  function point(value) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) fail("location");
    const lat = number(value.lat);
    const lon = number(value.lon);
    if (lat === null || lon === null) fail("location");
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) fail("off_earth");
    if (!empty(value.accuracy)) {
      const accuracy = number(value.accuracy);
      if (accuracy === null || accuracy < 0) fail("accuracy");
    }
    return { lat, lon };
  }

  // How a value is read, per reader; each kind of question names its reader and what it needs
  // (checks.kinds, from the kinds' ``device()`` in app/questions): a kind's ``coerce`` on the tablet.
  const READERS = {
    text(question, value, context, kind) {
      if (typeof value !== "string") fail("text");
      if (UNSTORABLE.test(value)) fail("unstorable");
      const clean = normalise(value);
      if (length(clean) > kind.limit) fail("too_long", { max: kind.limit });
      return clean;
    },
    choice(question, value) {
      const chosen = typeof value === "string" ? strip(value) : null;
      if (!question.options.some((option) => option.value === chosen)) fail("choose_one");
      return chosen;
    },
    choices(question, value) {
      const values = typeof value === "string" ? [value] : value;
      if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) fail("choose_some");
      const allowed = question.options.map((option) => option.value);
      const chosen = new Set(values.map(strip).filter(Boolean));
      const unknown = [...chosen].filter((v) => !allowed.includes(v)).sort();
      if (unknown.length) fail("not_option", { values: unknown.join(", ") });
      return allowed.filter((v) => chosen.has(v));
    },
    scale(question, value) {
      const low = Math.trunc(Number(question.config.min ?? limits.scale[0]));
      const high = Math.trunc(Number(question.config.max ?? limits.scale[1]));
      const given = number(value);
      if (given === null || !Number.isInteger(given) || given < low || given > high) fail("scale", { min: low, max: high });
      return given;
    },
    yes_no(question, value) {
      if (typeof value === "boolean") return value;
      const word = strip(String(value)).toLowerCase();
      if (checks.yes.includes(word)) return true;
      if (checks.no.includes(word)) return false;
      return fail("yes_no");
    },
    number(question, value) {
      const given = number(value);
      if (given === null) fail("number");
      if (question.config.integer && !Number.isInteger(given)) fail("whole");
      const { min, max } = question.config;
      if (min !== undefined && min !== null && min !== "" && given < Number(min)) fail("at_least", { min });
      if (max !== undefined && max !== null && max !== "" && given > Number(max)) fail("at_most", { max });
      return given;
    },
    date(question, value) {
      const given = typeof value === "string" ? strip(value) : "";
      if (!DATE.test(given)) fail("date");
      const [year, month, day] = given.split("-").map(Number);
      if (!realDate(year, month, day)) fail("date");
      if (year < limits.date_years[0] || year > limits.date_years[1]) fail("date_range");
      return given;
    },
    area(question, value, context) {
      const id = databaseId(value);
      if (id === null || !context.areas.has(id)) fail("area");
      return id;
    },
    point: (question, value) => point(value),
    photos(question, value) {
      const given = typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value;
      if (!Array.isArray(given) || !given.every((v) => typeof v === "string" && UUID.test(v.trim()))) fail("photos");
      const distinct = [...new Set(given.map((v) => v.trim().toLowerCase()))];
      const configured = Math.trunc(Number(question.config.max_photos ?? 3));
      const most = Number.isFinite(configured) ? Math.min(Math.max(configured, 1), 10) : 3;
      if (distinct.length > most) fail("photos_max", { max: most });
      return distinct;
    },
    level(question, value) {
      const level = typeof value === "string" ? strip(value).toUpperCase() : null;
      if (!checks.quality_levels.includes(level)) fail("quality");
      return level;
    },
  };

  // validation.is_shown: whether a question applies, given the clean answers before it.
  function isShown(question, clean) {
    const rule = question.show_if;
    if (!rule) return true;
    if (!Object.hasOwn(clean, rule.question)) return false;
    const given = clean[rule.question];
    if (rule.op === "includes") return Array.isArray(given) && given.includes(rule.value);
    if (typeof given === "boolean") return (given ? "yes" : "no") === rule.value;
    if (typeof given === "number") return number(String(rule.value)) === given;
    return String(given) === rule.value;
  }

  // validation.validate_answers: problems per question key, and which questions apply.
  function answers(raw, context = { areas: new Set() }) {
    const clean = {};
    const errors = {};
    const shown = new Set();
    for (const question of questions) {
      if (!isShown(question, clean)) continue;
      shown.add(question.key);
      const value = raw[question.key];
      if (empty(value)) {
        if (question.required) errors[question.key] = new Problem("required");
        continue;
      }
      const kind = checks.kinds[question.type];
      const read = kind && READERS[kind.reads];
      if (!read) continue; // a kind this tablet cannot read yet: the server checks it
      try {
        clean[question.key] = read(question, value, context, kind);
      } catch (problem) {
        if (!(problem instanceof Problem)) throw problem;
        errors[question.key] = problem;
      }
    }
    return { errors, shown };
  }

  // The first problem of a field is the one shown (the server lists them in the same order).
  function add(errors, key, problem) {
    if (!Object.hasOwn(errors, key)) errors[key] = problem;
  }

  // validation.plain_text
  function plain(value, key, errors) {
    if (value === null || value === undefined || value === "") return "";
    if (typeof value !== "string") { add(errors, key, new Problem("text")); return ""; }
    if (UNSTORABLE.test(value)) { add(errors, key, new Problem("unstorable")); return ""; }
    return normalise(value);
  }

  // validation.validate_interview, for what a person can change on the form (not the UUID, the
  // times or the themes, which the page itself fills in).
  function interview(payload, context = { areas: new Set() }) {
    const errors = {};
    if (!payload.consent) add(errors, "consent", new Problem("consent"));
    if (!empty(payload.area_id)) {
      const id = databaseId(payload.area_id);
      if (id === null || !context.areas.has(id)) add(errors, "area_id", new Problem("area"));
    }
    const street = plain(payload.street, "street", errors);
    if (length(street) > limits.street) add(errors, "street", new Problem("too_long", { max: limits.street }));
    if (!empty(payload.gps)) {
      try { point(payload.gps); } catch (problem) { add(errors, "gps", problem); }
    }
    const result = answers(payload.answers || {}, context);
    for (const [key, problem] of Object.entries(result.errors)) add(errors, `answers.${key}`, problem);
    if (payload.reflection && !empty(payload.reflection)) {
      for (const key of ["surprised", "resident_words"]) plain(payload.reflection[key], `reflection.${key}`, errors);
    }
    if (payload.contact && !empty(payload.contact)) {
      const contact = {};
      for (const key of ["name", "email", "phone", "note"]) contact[key] = plain(payload.contact[key], `contact.${key}`, errors);
      for (const [key, limit] of Object.entries(limits.contact)) {
        if (length(contact[key]) > limit) add(errors, `contact.${key}`, new Problem("too_long", { max: limit }));
      }
      if (contact.email && !EMAIL.test(contact.email)) add(errors, "contact.email", new Problem("email"));
      if (!(contact.email || contact.phone)) add(errors, "contact.email", new Problem("email_or_phone"));
    }
    return { errors, shown: result.shown };
  }

  function message(problem) {
    return (checks.messages[problem.name] || problem.name).replace(/%\((\w+)\)s/g, (_match, key) => String(problem.params[key]));
  }

  return { answers, interview, message, isShown };
}

// The definition the capture page carries (the same as the offline bundle's), or null.
export function pageDefinition(root = document) {
  const element = root.querySelector("script[data-guide-definition]");
  return element ? JSON.parse(element.textContent) : null;
}
