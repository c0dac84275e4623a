// The language the resident reads the questions in, switched during the talk: each question's text,
// help and options come from its translations (data-i18n); the answers keep the same values.
const switcher = document.querySelector("[data-languages]");
const dutch = new WeakMap(); // an element's own (Dutch) text, kept the first time it is replaced

function firstText(element) {
  if (!element) return null;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) });
  return walker.nextNode();
}

function put(node, text) {
  if (!node) return;
  if (!dutch.has(node)) dutch.set(node, node.textContent);
  node.textContent = text || dutch.get(node);
}

function show(language) {
  for (const question of document.querySelectorAll(".question[data-i18n]")) {
    const text = language === "nl" ? null : JSON.parse(question.dataset.i18n)[language];
    const label = question.querySelector("legend, label:not(.tile)");
    put(firstText(label), text ? text.label : null);
    const help = question.querySelector("p.help");
    if (help) put(firstText(help), text ? text.help : null); // no translated help: the Dutch one stays
    for (const input of question.querySelectorAll("label.tile input")) {
      const options = (text && text.options) || {};
      put(firstText(input.closest("label").querySelector("span")), options[input.value] ?? null);
    }
    for (const option of question.querySelectorAll("option[value]:not([value=''])")) {
      const options = (text && text.options) || {};
      put(firstText(option), options[option.value] ?? null);
    }
    if (language === "nl" || !text) {
      question.removeAttribute("lang");
      question.removeAttribute("dir");
    } else {
      question.lang = language;
      question.dir = switcher.querySelector(`[data-language="${language}"]`).dir || "ltr";
    }
  }
}

if (switcher) {
  switcher.addEventListener("click", (event) => {
    const button = event.target.closest("[data-language]");
    if (!button) return;
    for (const other of switcher.querySelectorAll("[data-language]")) other.setAttribute("aria-pressed", String(other === button));
    show(button.dataset.language);
  });
}
