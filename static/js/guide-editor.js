// Question editor: show only the settings that belong to the chosen question type.
document.documentElement.classList.add("js");
const type = document.querySelector("select[name=type]");
function showSettings() {
  for (const fieldset of document.querySelectorAll(".type-settings")) {
    fieldset.hidden = !fieldset.dataset.types.split(" ").includes(type.value);
  }
}
if (type) {
  type.addEventListener("change", showSettings);
  showSettings();
}
