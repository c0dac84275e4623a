"""A field worker on a 1024x768 touch screen records an interview and a sticky-note contribution."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import login

pytestmark = pytest.mark.browser
INTERVIEWER = ("interviewer@buitenbinnen.example", "interviewer-demo-2027")


def test_record_an_interview_end_to_end(page_at, demo_server):
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server, *INTERVIEWER)
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").click()
    page.get_by_role("link", name="Veldwerk").click()  # the fieldwork tab opens on the rounds
    page.get_by_role("link", name="Straatgesprekken Muziekwijk Zuid").click()
    page.get_by_role("link", name="Start een gesprek").click()

    assert page.get_by_text("Wat u vertelt, gebruiken we voor het beheer- en onderhoudsplan").is_visible()
    page.get_by_label("De bewoner heeft de tekst hierboven gehoord").tap()
    page.get_by_label("Straat (geen huisnummer)").fill("Bachstraat")
    page.get_by_label("Bewoner", exact=True).tap()
    page.get_by_role("group", name="Hoe tevreden bent u over de buitenruimte in uw straat?").get_by_label("4").tap()
    page.get_by_label("Wat zou u verbeteren in uw straat of buurt?").fill("Meer licht bij het fietspad langs de vaart.")
    page.get_by_role("group", name="Hoe ziet het groen er volgens u uit?").get_by_label("C laag").tap()

    # show-if: the follow-up question appears only after "no"
    follow_up = page.get_by_label("Waar voelt u zich niet veilig?")
    assert not follow_up.is_visible()
    page.get_by_role("group", name="Voelt u zich 's avonds veilig op straat?").get_by_label("Nee").tap()
    assert follow_up.is_visible()
    follow_up.fill("Het fietstunneltje")
    page.get_by_role("group", name="Welke onderwerpen vindt u het belangrijkst?").get_by_label("Spelen").tap()
    page.get_by_label("Wat mist u aan speelplekken?").fill("Een trapveldje.")
    page.get_by_role("group", name="Genoemde thema's").get_by_label("Openbare verlichting").tap()

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    receipt = page.locator("[data-local-receipt] .receipt-code")
    expect(receipt).to_be_visible()
    code = receipt.inner_text()
    assert re.fullmatch(r"[ACDEFHJKMNPRTUVWXY3479]{4}-[ACDEFHJKMNPRTUVWXY3479]{4}", code)
    expect(page.locator("[data-syncbar]")).to_be_hidden()  # sent at once: nothing waits

    page.get_by_role("link", name="Terug naar de ronde").click()
    page.get_by_role("row").filter(has_text=code).get_by_role("link").click()
    detail = page.locator("main").inner_text()
    assert "Meer licht bij het fietspad langs de vaart." in detail and "Het fietstunneltje" in detail
    assert code in detail
    assert page.errors == []


def test_record_contributions_in_sticky_note_mode(page_at, demo_server):
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server, *INTERVIEWER)
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").click()
    page.get_by_role("link", name="Veldwerk").click()  # the fieldwork tab opens on the rounds
    page.get_by_role("link", name="Bewonersavond Muziekwijk").click()
    before = page.locator(".note").count()
    heading = page.locator("#contributions-heading")
    counted = int(heading.inner_text().split()[0])
    page.get_by_label("Wat er gezegd werd").fill('De bankjes bij de vijver zijn <kapot> " onmouseover="x')
    page.get_by_label("Gebied").select_option(label="Almere Stad › Muziekwijk Zuid")
    page.get_by_label("Straat (geen huisnummer)").fill("Vivaldipad")
    page.get_by_role("group", name="Thema").get_by_label("Straatmeubilair").tap()
    page.get_by_role("button", name="Opslaan en volgende").tap()
    expect(page.get_by_text("Bijdrage opgeslagen. Volgende!")).to_be_visible()
    assert page.locator(".note").count() == before + 1
    assert page.locator(".note").first.inner_text().startswith("De bankjes bij de vijver zijn <kapot>")
    # Ready for the next one, which may be someone else's about another place: nothing carries over,
    # and the count above says what was saved.
    assert page.get_by_label("Wat er gezegd werd").input_value() == ""
    assert page.get_by_label("Straat (geen huisnummer)").input_value() == ""
    assert page.get_by_label("Gebied").input_value() == ""
    expect(heading).to_have_text(f"{counted + 1} bijdragen")
    expect(page.get_by_text("Nog geen bijdragen.")).to_have_count(0)
    assert page.errors == []
