// Self-completion: the interviewer hands the tablet to the resident, who sees only the guide's
// questions in large type. The interviewer's own fields, the menus and the rest of the app are
// inert (not shown, not reachable by touch or keyboard) until the interviewer types the code shown
// when handing over. The interview is marked as filled in by the resident (mode "self").
const form = document.querySelector("[data-capture][data-offline=interview]");
const start = document.querySelector("[data-self-start]");
const handOver = document.querySelector("[data-self-dialog]");
const unlock = document.querySelector("[data-self-unlock]");
const bar = document.querySelector("[data-self-bar]");

let code = "";
let leaving = null;

function locked() {
  return [...document.querySelectorAll("[data-interviewer-only], .site-header, .syncbar, .capture-head, .skip-link, main > .flashes")];
}

function lock() {
  document.body.classList.add("self-completion");
  for (const part of locked()) part.inert = true;
  bar.hidden = false;
  form.elements.mode.value = "self";
  // The back button and closing the page ask first: the resident cannot wander into the app.
  history.pushState({ self: true }, "");
  leaving = () => history.pushState({ self: true }, "");
  window.addEventListener("popstate", leaving);
  window.addEventListener("beforeunload", warn);
  const first = form.querySelector(".question input, .question select, .question textarea");
  window.scrollTo(0, 0);
  if (first) first.focus();
}

function release() {
  document.body.classList.remove("self-completion");
  for (const part of locked()) part.inert = false;
  bar.hidden = true;
  window.removeEventListener("popstate", leaving);
  window.removeEventListener("beforeunload", warn);
}

function warn(event) {
  event.preventDefault();
  event.returnValue = "";
}

if (form && start && handOver && unlock && bar) {
  start.addEventListener("click", () => {
    code = String(Math.floor(1000 + Math.random() * 9000));
    handOver.querySelector("[data-self-code]").textContent = code;
    handOver.showModal();
  });
  handOver.addEventListener("close", () => {
    if (handOver.returnValue === "start") lock();
  });
  bar.querySelector("[data-self-done]").addEventListener("click", () => {
    unlock.querySelector("[data-self-error]").hidden = true;
    unlock.querySelector("[data-self-input]").value = "";
    unlock.showModal();
  });
  unlock.addEventListener("close", () => {
    if (unlock.returnValue !== "unlock") return;
    const input = unlock.querySelector("[data-self-input]");
    if (input.value.trim() === code) {
      release();
      form.querySelector(".submit-bar").scrollIntoView({ block: "center" });
      return;
    }
    unlock.querySelector("[data-self-error]").hidden = false;
    input.setAttribute("aria-invalid", "true");
    unlock.showModal();
  });
}
