// The "no connection" page lists what does work here without a network.
import { renderOfflineLinks } from "./readiness.js";

renderOfflineLinks(document.querySelector("[data-offline-list]")).catch(() => {});
