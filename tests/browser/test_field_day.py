"""An interviewer's day in the field, on one tablet (issue 17): online once to get ready, offline for
the round, a browser restart on the same profile, then back with the server first down and then up.

Every record arrives once, every receipt code finds its record, and at each step the tablet said
what was true: ready for offline, saved on this device, waiting, the server not reachable, log in
again, a refusal named and fixed, all sent.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, new_page
from tests.browser.test_offline import (  # noqa: F401 (field is a fixture)
    INTERVIEWER,
    TABLET,
    Field,
    answer_interview,
    archive_theme,
    eventually,
    field,
    record_contribution,
    record_interview,
    waiting,
)
from tests.browser.test_pages import login

pytestmark = pytest.mark.browser


def tablet(chromium: Any, profile: Path) -> Any:
    """The tablet's browser with its own profile on disk: closing it is the browser's restart."""
    return chromium.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=TABLET, has_touch=True
    )


def bar(page: Any) -> Any:
    return page.locator("[data-syncbar] [data-sync-count]")


CODE = re.compile(r"^[ACDEFHJKMNPRTUVWXY3479]{4}-[ACDEFHJKMNPRTUVWXY3479]{4}$")


def receipt_code(page: Any) -> str:
    """The code on the receipt, once the interview is saved and the receipt is shown."""
    code = page.locator("[data-local-receipt] .receipt-code")
    expect(code).to_have_text(CODE)
    return code.inner_text()


def test_a_day_in_the_field(chromium: Any, field: Field, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    interviews, contributions = field.count("interviews"), field.count("contributions")

    # Morning, at the office: log in and get the tablet ready on "Dit apparaat".
    context = tablet(chromium, profile)
    page = new_page(context)
    login(page, field, *INTERVIEWER)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Dit apparaat").tap()
    page.get_by_role("button", name="Nu klaarmaken").tap()
    expect(page.locator("[data-ready-state]")).to_contain_text("Klaar voor offline.", timeout=30000)
    rounds = page.locator("[data-ready-rounds] tr")
    street_round = rounds.filter(has_text="Straatgesprekken")
    expect(street_round.locator("td").last).to_have_text("Klaar")

    # Out in the street, no signal.
    context.set_offline(True)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn projecten").tap()
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").first.tap()
    page.get_by_role("link", name="Veldwerk").first.tap()
    page.get_by_role("link", name="Straatgesprekken Muziekwijk Zuid").first.tap()
    expect(page.locator("[data-round-ready]")).to_contain_text("klaar voor offline")
    round_url = page.url
    page.get_by_role("link", name="Start een gesprek").tap()
    answer_interview(page, "4", "Meer bankjes langs het water", touch=True)
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    first = receipt_code(page)
    expect(page.locator("[data-receipt-status]")).to_have_text("Opgeslagen op dit apparaat; het wordt verstuurd zodra er verbinding is.")

    # The second resident names a theme; the coordinator archives it at the office later today.
    page.get_by_role("link", name="Volgend gesprek").tap()
    answer_interview(page, "2", "De lantaarns bij de brug doen het niet", touch=True)
    themes = page.get_by_role("group", name="Genoemde thema's")
    theme = themes.locator("label.tile").first
    theme_name = theme.inner_text().strip()
    theme.tap()
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    second = receipt_code(page)

    # The third is interrupted: the tablet reloads the page half-way (offline), the interview is back.
    page.get_by_role("link", name="Volgend gesprek").tap()
    answer_interview(page, "5", "Het park is prachtig", touch=True)
    page.wait_for_url(re.compile(r".*\?draft="))
    page.reload()
    expect(page.get_by_label("Wat zou u verbeteren in uw straat of buurt?")).to_have_value("Het park is prachtig")
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    third = receipt_code(page)
    assert len({first, second, third}) == 3

    # In the evening, notes at the residents' evening.
    page.goto(round_url.rsplit("/", 1)[0])
    page.get_by_role("link", name="Bewonersavond Muziekwijk").first.tap()
    for text in ("Graag een zebrapad bij de school", "Het gras wordt te weinig gemaaid"):
        record_contribution(page, text)
    expect(page.locator("[data-local-notes] .note-status").first).to_have_text("nog te versturen")
    assert waiting(page) == 5
    expect(bar(page)).to_contain_text("5")
    assert field.count("interviews") == interviews  # nothing has reached the server

    # The tablet's browser is closed and opened again; meanwhile the server is down for maintenance.
    context.close()
    field.down()
    archive_theme(field, re.match(r".*/projects/\d+", round_url).group(0), theme_name)
    context = tablet(chromium, profile)
    page = new_page(context)
    page.goto(field.url + "/device")  # the server does not answer: the kept page opens
    expect(page.get_by_role("heading", name="Dit apparaat", level=1)).to_be_visible(timeout=15000)
    expect(page.locator("[data-queue] tr[data-status=waiting]")).to_have_count(5)
    page.get_by_role("button", name="Nu versturen").first.tap()
    expect(bar(page)).to_contain_text("server is niet bereikbaar")
    assert waiting(page) == 5

    # The server is back: the waiting items go at once (had the restart lost the sign-in, the bar
    # would ask to log in again first; Chromium keeps it with the profile).
    field.up()
    page.get_by_role("button", name="Nu versturen").first.tap()
    arrived = lambda: field.count("interviews") == interviews + 2 and field.count("contributions") == contributions + 2  # noqa: E731
    eventually(page, lambda: arrived() or "Log opnieuw in" in bar(page).inner_text(), timeout=20)
    if not arrived():
        login(page, field, *INTERVIEWER)
    eventually(page, arrived)
    expect(bar(page)).to_have_text("Aandacht nodig: 1")  # all sent but the one the server refused

    # One was refused: "Dit apparaat" names it and keeps it; reopened, fixed and saved, it keeps its code.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Dit apparaat").tap()
    refused = page.locator("[data-queue] tr").filter(has_text="aandacht")
    expect(refused).to_contain_text(second)
    expect(refused).to_contain_text(f"Het veldthema {theme_name} is niet meer in gebruik")
    expect(refused).to_contain_text("Het gesprek staat nog op dit apparaat")
    refused.get_by_role("button", name="Openen als concept").tap()
    expect(page.get_by_text("De server heeft dit gesprek geweigerd")).to_be_visible()
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    expect(page.locator("[data-local-receipt] .receipt-code")).to_have_text(second)
    expect(page.locator("[data-receipt-status]")).to_have_text("Verstuurd: het gesprek is opgeslagen.", timeout=15000)

    # Every record arrived once; every code the residents hold finds its own.
    assert field.count("interviews") == interviews + 3
    assert field.count("contributions") == contributions + 2
    for code in (first, second, third):
        assert field.count("interviews", f"receipt_code = '{code}'") == 1
    page.goto(field.url + "/device")
    expect(page.locator("[data-queue] tr[data-status=waiting]")).to_have_count(0)
    expect(page.locator("[data-queue] tr[data-status=attention]")).to_have_count(0)
    assert page.errors == []
    context.close()
