"""Accessibility as a test: axe-core (npm, pinned in package-lock.json) runs in Chromium over every page
each role reaches by following the links it is shown; a critical or serious WCAG 2.1 A/AA finding fails."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.test_pages import login
from tests.conftest import require_service

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ROLES = {
    "admin": ("beheer@buitenbinnen.example", "beheer-demo-2027"),
    "coordinator": ("coordinator@buitenbinnen.example", "coordinator-demo-2027"),
    "interviewer": ("interviewer@buitenbinnen.example", "interviewer-demo-2027"),
    "policy maker": ("beleid@buitenbinnen.example", "beleid-demo-2027"),
}
# Links that end the session, download a file or change something on a GET are not pages to check.
SKIP = re.compile(r"/logout|/download|format=csv|\.json$|\.csv$|\.xlsx$|\.qdc$|\.pdf\b|/export\.|/sw\.js|/static/|/api/")
PER_ROLE = 90  # pages per role at most: one of each kind (ids and query values folded together)


def kind_of(url: str) -> str:
    """One page per kind: /projects/1/interviews/17 and /projects/1/interviews/18 are the same page."""
    parts = urlsplit(url)
    query = "&".join(sorted(p.split("=")[0] for p in parts.query.split("&") if p)) if parts.query else ""
    return re.sub(r"\d+|[A-Z0-9]{4}-[A-Z0-9]{4}", "N", parts.path) + ("?" + query if query else "")


def axe_findings(page) -> list[str]:
    result = page.evaluate(
        """async () => {
          const run = axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                         resultTypes: ['violations']});
          const late = new Promise((_, reject) => setTimeout(() => reject(new Error('axe did not finish in 20 s')), 20000));
          const r = await Promise.race([run, late]);
          return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
        }"""
    )
    return result


def walk(page, start: str, base: str) -> tuple[list[str], dict[str, list[str]]]:
    seen: set[str] = set()
    queue = deque([start])
    visited: list[str] = []
    problems: dict[str, list[str]] = {}
    while queue and len(visited) < PER_ROLE:
        url = queue.popleft()
        if kind_of(url) in seen:
            continue
        seen.add(kind_of(url))
        response = page.goto(url)
        if response is None or not response.ok or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(url)
        page.evaluate(AXE.read_text())
        found = axe_findings(page)
        if found:
            problems[urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")] = found
        for href in page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(base) and not SKIP.search(target) and kind_of(target) not in seen:
                queue.append(target)
    return visited, problems


def test_every_page_each_role_reaches_passes_axe(chromium, demo_server):
    if not AXE.exists():
        require_service("axe-core", f"{AXE} not found (make test-browser runs npm ci)")
    # No service worker: it would precache every page in the background while the walk runs (the offline
    # tests cover it), and a walk is steadier without that load.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, service_workers="block")
    context.add_init_script("window.print = () => {}")  # the printable pages open the print dialog, which would wait forever
    context.set_default_timeout(20_000)
    # One page for every role (log out, log in as the next): closing a page right after the logout's
    # navigation could hang Playwright's Page.close for good.
    page = context.new_page()
    try:
        report: dict[str, dict[str, list[str]]] = {}
        counts = {}
        for role, (email, password) in ROLES.items():
            login(page, demo_server, email, password)
            visited, problems = walk(page, demo_server.url + "/", demo_server.url)
            counts[role] = len(visited)
            if problems:
                report[role] = problems
            page.goto(demo_server.url + "/")
            page.get_by_role("button", name="Uitloggen", exact=True).click()
            page.wait_for_url(re.compile(r".*/login"))
        # Anonymous: the login page.
        page.goto(demo_server.url + "/login")
        page.evaluate(AXE.read_text())
        found = axe_findings(page)
        if found:
            report["anonymous"] = {"/login": found}
    finally:
        context.close()
    # Every kind of page each role is shown a link to (the walk folds ids together): proof the walk went far.
    assert counts["coordinator"] >= 35 and counts["policy maker"] >= 20 and counts["interviewer"] >= 10 and counts["admin"] >= 8, counts
    assert report == {}, "\n".join(f"{role} {url}: {found}" for role, pages in report.items() for url, found in pages.items())
