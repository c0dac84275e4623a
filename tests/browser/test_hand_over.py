"""Handing the tablet over: the resident answers alone in large type with the interviewer's fields and
the rest of the app locked until the interviewer's code; and a paper form typed in at a desk."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import database_rows as rows
from tests.browser.test_pages import login

pytestmark = pytest.mark.browser
INTERVIEWER = ("interviewer@buitenbinnen.example", "interviewer-demo-2027")


def open_round(page: Any) -> None:
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").click()
    page.get_by_role("link", name="Veldwerk").click()
    page.get_by_role("link", name="Straatgesprekken Muziekwijk Zuid").click()


def test_the_resident_fills_in_alone_and_only_the_interviewers_code_unlocks(page_at, demo_server):
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server, *INTERVIEWER)
    open_round(page)
    page.get_by_role("link", name="Start een gesprek").click()
    page.get_by_label("De bewoner heeft de tekst hierboven gehoord").tap()
    page.get_by_label("Straat (geen huisnummer)").fill("Sweelinckpad")

    page.get_by_role("button", name="De bewoner vult zelf in").tap()
    code = page.locator("[data-self-code]").inner_text()
    assert len(code) == 4 and code.isdigit()
    page.get_by_role("button", name="Tablet geven").tap()

    # Locked: no menu, none of the interviewer's fields; large type; the questions are there.
    for hidden in (
        page.locator(".site-header"),
        page.get_by_role("heading", name="Waar"),
        page.get_by_role("button", name="Gesprek opslaan"),
    ):
        expect(hidden).to_be_hidden()
    assert page.evaluate("document.querySelector('.site-header').inert && document.querySelector('.submit-bar').inert")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.capture-form')).fontSize)")
    assert size >= 20, size
    page.get_by_role("group", name="Hoe tevreden bent u over de buitenruimte in uw straat?").get_by_label("5").tap()
    page.get_by_label("Wat zou u verbeteren in uw straat of buurt?").fill("Meer bankjes langs de vaart, dan kan ik onderweg even zitten.")
    page.keyboard.press("Shift+Tab")  # the keyboard cannot leave the questions either
    assert page.evaluate("!document.activeElement.closest('[data-interviewer-only], .site-header')")

    # Handing back: a wrong code keeps it locked, the right one opens the interviewer's fields again.
    page.get_by_role("button", name="Klaar: teruggeven").tap()
    page.get_by_label("Uw code om de tablet terug te nemen").fill("0000" if code != "0000" else "1111")
    page.get_by_role("button", name="Ontgrendelen").tap()
    expect(page.get_by_text("Deze code klopt niet.")).to_be_visible()
    page.get_by_label("Uw code om de tablet terug te nemen").fill(code)
    page.get_by_role("button", name="Ontgrendelen").tap()
    expect(page.get_by_role("heading", name="Waar")).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.get_by_label("Straat (geen huisnummer)")).to_have_value("Sweelinckpad")  # the interviewer's part kept

    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    expect(page.locator("[data-local-receipt] .receipt-code")).to_be_visible()
    expect(page.locator("[data-receipt-status]")).to_contain_text("opgeslagen")
    assert rows(demo_server, "SELECT mode, street FROM interviews WHERE street = 'Sweelinckpad'") == [("self", "Sweelinckpad")]
    assert page.errors == []


def test_a_paper_form_is_printed_and_typed_in_at_a_desk(page_at, demo_server):
    page = page_at(1440, 900)
    login(page, demo_server, *INTERVIEWER)
    open_round(page)
    page.get_by_role("link", name="Papieren versie afdrukken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Straatgesprek buitenruimte")
    expect(page.locator(".paper-question").filter(has_text="Hoe tevreden bent u")).to_contain_text("☐ 1")
    expect(page.locator("main")).to_contain_text("Alleen als u bij vraag")
    page.go_back()

    page.get_by_role("link", name="Papieren versie invoeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Papieren versie invoeren")
    page.get_by_label("Ingevuld op").fill("2026-11-14")
    page.get_by_label("De bewoner heeft op de papieren versie ingestemd").check()
    page.get_by_role("group", name="Hoe tevreden bent u over de buitenruimte in uw straat?").get_by_label("2").check()
    page.get_by_label("Wat zou u verbeteren in uw straat of buurt?").fill(
        "Op papier: de stoep bij de apotheek is te smal voor een rollator."
    )
    page.get_by_role("button", name="Gesprek opslaan").click()
    page.get_by_role("button", name="Opslaan en afronden").click()
    expect(page.locator("[data-local-receipt] .receipt-code")).to_be_visible()
    expect(page.locator("[data-receipt-status]")).to_contain_text("opgeslagen")
    found = rows(
        demo_server,
        "SELECT i.mode, i.started_at FROM interviews i JOIN answers a ON a.interview_id = i.id WHERE a.text LIKE 'Op papier:%'",
    )
    assert len(found) == 1 and found[0][0] == "paper"
    assert str(found[0][1]).startswith("2026-11-14"), found  # the day on the form (noon in Amsterdam: 11:00 UTC)
    assert page.errors == []
