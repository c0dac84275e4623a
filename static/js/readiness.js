// "Klaar voor offline": which rounds, guides and pages this device holds, since when, and what is
// missing. Read from the bundle kept in IndexedDB and the pages kept by the service worker, so it
// tells the truth offline too.
import * as store from "./store.js";
import { format, keptPages, userId, workerActive } from "./sync.js";

export async function readiness() {
  const worker = await workerActive();
  const meta = await store.get("meta", "bundle");
  if (!meta || meta.user_id !== userId || !meta.bundle) return { prepared: false, worker, missing: [] };
  const kept = await keptPages(meta.bundle.pages);
  const missing = [...kept].filter(([, since]) => !since).map(([url]) => url);
  const dates = [...kept.values()].filter(Boolean);
  const oldest = dates.length ? new Date(Math.min(...dates)) : null;
  return { prepared: true, worker, bundle: meta.bundle, checkedAt: new Date(meta.checked_at), oldest, kept, missing };
}

function when(date) {
  return date.toLocaleString(document.documentElement.lang, { dateStyle: "short", timeStyle: "short" });
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

// The rounds this person records in, each with its guide and whether its pages are here.
export function rounds(state) {
  return state.bundle.projects.flatMap((project) => project.rounds.map((round) => {
    const guide = project.guide_versions.find((v) => v.id === round.guide_version_id) || null;
    const pages = (round.pages || []).map((url) => ({ url, since: state.kept.get(url) || null }));
    return { project, round, guide, pages };
  }));
}

let rendering = 0;
export async function renderReadiness(section) {
  const labels = section.querySelector("[data-ready-labels]").dataset;
  const mine = ++rendering;
  const state = await readiness();
  if (mine !== rendering) return state; // a later render (the worker took over, the bundle came) says it
  const headline = section.querySelector("[data-ready-state]");
  const detail = section.querySelector("[data-ready-detail]");
  const table = section.querySelector("[data-ready-rounds]");
  const ready = state.prepared && state.worker && state.missing.length === 0;
  section.dataset.ready = ready ? "yes" : "no";
  headline.className = `flash ${ready ? "flash-success" : "flash-error"}`;
  if (!state.prepared) {
    headline.textContent = labels.never;
  } else if (ready) {
    const all = rounds(state);
    headline.textContent = format(labels.ready, {
      rounds: all.length, guides: new Set(all.filter((r) => r.guide).map((r) => r.guide.id)).size, pages: state.kept.size,
    });
  } else {
    headline.textContent = state.worker ? format(labels.missing, { n: state.missing.length }) : labels.noWorker;
  }
  detail.textContent = state.prepared
    ? [format(labels.checked, { when: when(state.checkedAt) }), state.oldest ? format(labels.since, { when: when(state.oldest) }) : ""].filter(Boolean).join(" ")
    : "";
  table.replaceChildren();
  if (state.prepared) {
    for (const { project, round, guide, pages } of rounds(state)) {
      const row = document.createElement("tr");
      const here = pages.filter((p) => p.since).length;
      const status = cell(here === pages.length ? labels.here : format(labels.notHere, { n: pages.length - here }));
      status.dataset.state = here === pages.length ? "here" : "missing";
      row.append(cell(project.name), cell(round.name), cell(guide ? `${guide.name} v${guide.number}` : labels.noGuide), status);
      table.append(row);
    }
  }
  section.querySelector("[data-ready-table]").hidden = !state.prepared || table.children.length === 0;
  return state;
}

// On the "no connection" page: what does work here without a network.
export async function renderOfflineLinks(list) {
  const state = await readiness();
  if (!state.prepared) return;
  const labels = list.dataset;
  const items = [];
  for (const { project, round, pages } of rounds(state)) {
    for (const page of pages.filter((p) => p.since)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = page.url;
      link.className = "button";
      link.textContent = `${project.name} · ${round.name}${page.url.endsWith("/interviews/new") ? ` · ${labels.newInterview}` : ""}`;
      item.append(link);
      items.push(item);
    }
  }
  list.replaceChildren(...items);
  list.closest("[data-offline-links]").hidden = items.length === 0;
}
