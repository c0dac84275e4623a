// "Print" buttons on pages meant for paper (the resident's copy, the information card).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
