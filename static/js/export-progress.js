// Follows a background export: asks for its status every second and shows the progress and,
// when ready, the download link. Without script the page has a refresh link instead.
const box = document.querySelector(".export-job");
if (box) {
  const texts = document.getElementById("export-texts").dataset;
  const state = document.getElementById("export-state");
  const bar = document.getElementById("export-progress");
  const rows = document.getElementById("export-rows");
  const link = document.getElementById("export-download");
  for (const element of document.querySelectorAll(".no-js-only")) element.hidden = true;

  const show = (job) => {
    const percent = Math.round(job.progress * 100);
    bar.value = percent;
    bar.textContent = `${percent} %`;
    rows.textContent = texts.rows.replace("{done}", job.rows_done).replace("{expected}", job.rows_expected);
    if (job.status === "done") {
      state.textContent = texts.done;
      link.hidden = false;
      return true;
    }
    if (job.status === "failed" || job.status === "expired") {
      state.textContent = job.error || texts.failed;
      return true;
    }
    return false;
  };

  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok && show(await response.json())) return;
    } catch (error) {
      // offline for a moment: try again
    }
    setTimeout(poll, 1000);
  };
  poll();
}
