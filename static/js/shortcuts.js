// Keyboard shortcuts for the coding workbench. Keys act only when no text field has focus, so
// typing a memo or a search is never hijacked. Elements declare their key: data-key="n" is
// clicked (a link or button) or focused (a field). The queue adds j/k/x/Enter on its rows.
const typing = (element) => element && (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));

const rows = () => Array.from(document.querySelectorAll("[data-row]"));

function move(step) {
  const all = rows();
  if (all.length === 0) return;
  const current = all.indexOf(document.activeElement.closest("[data-row]"));
  const next = all[Math.min(all.length - 1, Math.max(0, current + step))] || all[0];
  next.focus();
  next.scrollIntoView({ block: "nearest" });
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey && event.key === "Enter") {
    const form = document.querySelector("[data-coding-form]");
    if (form) { event.preventDefault(); form.requestSubmit(); }
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  const row = document.activeElement && document.activeElement.closest && document.activeElement.closest("[data-row]");
  if (event.key === "j" || event.key === "k") {
    event.preventDefault();
    move(event.key === "j" ? 1 : -1);
  } else if (row && event.key === "x") {
    event.preventDefault();
    const box = row.querySelector("input[type=checkbox]");
    box.checked = !box.checked;
  } else if (row && event.key === "Enter" && document.activeElement === row) {
    event.preventDefault();
    row.querySelector("[data-open]").click();
  } else {
    const target = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
    if (!target) return;
    event.preventDefault();
    if (typing(target)) target.focus();
    else target.click();
  }
});
