// Coding by selecting words: in the text on the page, or (in the whole conversation) in any of its
// statements. The selection's offsets (UTF-16, as the browser counts) go into hidden fields with the
// statement's key; the server turns them into character offsets of the stored text. A highlight
// opens its coding; the margin's stripes are set beside the words they code.
const form = document.querySelector("[data-coding-form]");
const texts = [...document.querySelectorAll("[data-coding-text]")];
const fixed = form ? form.dataset.fixedInput : undefined; // editing one coding: only its own statement
const target = document.querySelector("[data-coding-target]");

function offsetWithin(text, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(text);
  range.setEnd(node, offset);
  return range.toString().length;
}

function labelOf(text) {
  const label = text.getAttribute("aria-labelledby");
  return label ? document.getElementById(label)?.firstChild?.textContent.trim() || "" : "";
}

function capture() {
  const selection = document.getSelection();
  if (!form || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  const text = texts.find((t) => t.contains(range.startContainer) && t.contains(range.endContainer));
  if (!text || (fixed && text.dataset.input !== fixed)) return;
  const start = offsetWithin(text, range.startContainer, range.startOffset);
  const end = offsetWithin(text, range.endContainer, range.endOffset);
  form.elements.start.value = String(Math.min(start, end));
  form.elements.end.value = String(Math.max(start, end));
  form.elements.fragment.value = selection.toString();
  if (form.elements.input && !fixed) form.elements.input.value = text.dataset.input || "";
  if (target && texts.length > 1) target.textContent = `${target.dataset.prefix || ""}${labelOf(text)}`;
}

// A stripe beside the lines its coding covers (without this script they stand the text's height).
function placeStripes() {
  for (const text of texts) {
    const body = text.parentElement;
    const top = body.getBoundingClientRect().top;
    for (const stripe of body.querySelectorAll("[data-stripe]")) {
      if (stripe.hasAttribute("data-whole")) continue;
      const marks = [...text.querySelectorAll("mark[data-covers]")].filter((m) => m.dataset.covers.split(" ").includes(stripe.dataset.stripe));
      if (!marks.length) continue;
      const first = marks[0].getBoundingClientRect();
      const last = marks[marks.length - 1].getBoundingClientRect();
      stripe.style.top = `${first.top - top}px`;
      stripe.style.bottom = "auto";
      stripe.style.height = `${Math.max(last.bottom - first.top, 16)}px`;
    }
  }
}

if (form && texts.length) {
  document.addEventListener("selectionchange", capture);
  for (const text of texts) {
    for (const name of ["mouseup", "touchend", "keyup"]) text.addEventListener(name, capture);
    // A tap or click on a highlight (not the end of a selection) opens that coding.
    text.addEventListener("click", (event) => {
      const mark = event.target.closest("mark[data-edit]");
      const selection = document.getSelection();
      if (mark && (!selection || selection.isCollapsed)) location.assign(mark.dataset.edit);
    });
  }
  capture(); // a selection made before this script ran
  form.elements.fragment.addEventListener("input", () => {
    form.elements.start.value = "";
    form.elements.end.value = "";
    if (form.elements.input && !fixed) form.elements.input.value = "";
    if (target) target.textContent = "";
  });
  placeStripes();
  window.addEventListener("resize", placeStripes);
  document.querySelector(".statement-current")?.scrollIntoView({ block: "nearest" });
}
