// Guide builder: each question form shows only the settings of its chosen type, and is sent with
// the keyboard (Enter in the question, Ctrl+Enter anywhere in the form).
document.documentElement.classList.add("js");

function showSettings(form) {
  const type = form.querySelector("select[name$='type']");
  if (!type) return;
  for (const part of form.querySelectorAll(".type-settings")) {
    part.hidden = !part.dataset.types.split(" ").includes(type.value);
  }
}

for (const form of document.querySelectorAll("[data-question-form]")) {
  showSettings(form);
  form.addEventListener("change", (event) => {
    if (event.target.matches("select[name$='type']")) showSettings(form);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    const inQuestion = event.target.matches("[data-submit-on-enter]") && !event.shiftKey;
    if (inQuestion || event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

// After a question is added the page opens at the next one's form (autofocus); a refused form
// opens at its list of problems.
const summary = document.querySelector(".question-form .error-summary");
if (summary) summary.focus();
