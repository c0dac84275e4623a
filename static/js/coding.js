// Coding a fragment by selecting it: the selection's offsets (UTF-16, as the browser counts)
// go into hidden fields; the server turns them into character offsets of the stored text.
const text = document.querySelector("[data-coding-text]");
const form = document.querySelector("[data-coding-form]");

function offsetWithin(node, offset) {
  const range = document.createRange();
  range.selectNodeContents(text);
  range.setEnd(node, offset);
  return range.toString().length;
}

function capture() {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
  const start = offsetWithin(range.startContainer, range.startOffset);
  const end = offsetWithin(range.endContainer, range.endOffset);
  form.elements.start.value = String(Math.min(start, end));
  form.elements.end.value = String(Math.max(start, end));
  form.elements.fragment.value = selection.toString();
}

if (text && form) {
  document.addEventListener("selectionchange", capture);
  for (const name of ["mouseup", "touchend", "keyup"]) text.addEventListener(name, capture);
  capture(); // a selection made before this script ran
  form.elements.fragment.addEventListener("input", () => { form.elements.start.value = ""; form.elements.end.value = ""; });
}
