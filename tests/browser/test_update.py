"""A new app version deployed while a tablet holds unsent interviews: it takes over and sends them.

In a module of its own, so it runs in a browser of its own: after the other offline tests in the same
browser, the new service worker stays "installed" (waiting) for minutes in about one run in five, with
the old worker idle (no fetch or message event of its own in flight) and skipWaiting() called; calling
skipWaiting() again from the page every few seconds did not change that. In a fresh browser it takes
over every time. An installed app would get the update once its tabs close; nothing queued is lost
either way (the old version keeps sending). If it fails, the message says what the workers were doing."""

from __future__ import annotations

import pytest

from tests.browser.test_offline import eventually, field, new_page, ready_for_offline, record_interview, tablet, waiting  # noqa: F401

pytestmark = pytest.mark.browser


NEW_WORKER_IN_CHARGE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const names = await caches.keys();
  return Boolean(registration && registration.active && registration.active.state === "activated"
    && !registration.installing && !registration.waiting && navigator.serviceWorker.controller
    && names.length > 0 && names.every((name) => name.endsWith("-v2")));
}"""


WORKERS = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const state = (worker) => worker && worker.state;
  return {active: state(registration.active), waiting: state(registration.waiting), installing: state(registration.installing),
          controller: state(navigator.serviceWorker.controller), caches: await caches.keys()};
}"""


def test_a_new_app_version_keeps_the_queue(tablet, field):
    page = new_page(tablet)
    urls = ready_for_offline(page, field)
    before = field.count("interviews")
    field.down()  # out of reach; meanwhile a new version is deployed
    record_interview(page, urls["interview"], "Tijdens de update")
    record_interview(page, urls["interview"], "Ook tijdens de update")
    field.up(BUILD_LABEL="-v2")
    page.goto(urls["project"])
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    # Reload only once the new worker has activated (old caches gone, it controls the page): a
    # navigation that arrives while it is still activating waits for that, which on a busy
    # machine can outlast the navigation timeout.
    eventually(page, lambda: page.evaluate(NEW_WORKER_IN_CHARGE), timeout=30, explain=lambda: page.evaluate(WORKERS))
    page.reload()
    eventually(
        page, lambda: field.count("interviews") == before + 2, explain=lambda: (field.count("interviews") - before, page.evaluate(WORKERS))
    )
    eventually(page, lambda: waiting(page) == 0, explain=lambda: waiting(page))
    assert field.count("interviews") == before + 2
