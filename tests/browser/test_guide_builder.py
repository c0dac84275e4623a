"""The guide builder, as a coordinator uses it: a nine-question guide with a show-if rule built on one
page with the keyboard and the controls on screen, and published after its confirmation, counting
every action (a key press, a typed text, a choice from a list, a click)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import database_rows
from tests.browser.test_pages import login, open_project

pytestmark = pytest.mark.browser

# (question, type as the list names it or None for the default "Korte tekst", options, rule)
GUIDE = [
    ("Woont u in deze buurt?", "Ja / nee", None, None),
    ("Hoe komt u meestal hier?", "Eén keuze", "Fiets\nAuto\nBus\nLopend", None),
    ("Waarom bent u hier komen wonen?", None, None, "Woont u in deze buurt? is ja"),
    ("Wat vindt u van het groen in uw straat?", None, None, None),
    ("Wat mist u in de buurt?", "Lange tekst", None, None),
    ("Welke plekken gebruikt u?", "Meerdere keuzes", "Speeltuin\nPark\nSportveld", None),
    ("Hoe voelt u zich hier 's avonds op straat?", None, None, None),
    ("Wat zou u als eerste aanpakken?", None, None, None),
    ("Wilt u nog iets kwijt?", None, None, None),
]


class Actions:
    """What a person does, counted: each key press, typed text, choice or click is one action."""

    def __init__(self, page: Any):
        self.page, self.count = page, 0

    def type(self, text: str) -> None:
        self.count += 1
        self.page.keyboard.type(text)

    def press(self, key: str, navigates: bool = False) -> None:
        self.count += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)

    def choose(self, label: str) -> None:
        """Pick from the list that has the focus."""
        self.count += 1
        self.page.locator(":focus").select_option(label=label)

    def click(self, target: Any) -> None:
        self.count += 1
        target.click()


def test_a_coordinator_builds_a_nine_question_guide_with_the_keyboard_and_publishes_it(demo_server, page_at):
    page = page_at(1024, 768)
    login(page, demo_server)
    open_project(page)
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Opzet", exact=True).click()
    page.get_by_role("navigation", name="Opzet").get_by_role("link", name="Gespreksleidraden", exact=True).click()

    act = Actions(page)
    act.click(page.get_by_label("Naam van de gespreksleidraad"))
    act.type("Buurtgesprek Muziekwijk")
    act.press("Enter", navigates=True)
    for label, kind, options, rule in GUIDE:
        # The builder puts the cursor in the next question's text, after every question added.
        expect(page.locator(":focus")).to_have_attribute("data-submit-on-enter", "")
        act.type(label)
        if kind or rule:
            act.press("Tab")  # to the type
        if kind:
            act.choose(kind)
        if options:
            act.press("Tab")  # to the options, shown for a choice question
            act.type(options)
        if rule:
            act.press("Tab")  # past the type, to "Alleen tonen als"
            act.choose(rule)
        act.press("Control+Enter" if (kind or rule) else "Enter", navigates=True)
        expect(page.locator(".question-list")).to_contain_text(label)

    # The preview beside the builder shows the guide as the tablet will.
    preview = page.frame_locator("iframe[title='Voorbeeld van de gespreksleidraad zoals op de tablet']")
    expect(preview.get_by_text("Welke plekken gebruikt u?")).to_be_visible()
    expect(preview.locator("[data-show-if-question]")).to_have_count(1)

    act.click(page.get_by_role("link", name="Deze versie publiceren"))
    expect(page.get_by_role("heading", level=2)).to_have_text("Versie 1 van Buurtgesprek Muziekwijk publiceren?")
    expect(page.locator("main")).to_contain_text("Dit is de eerste versie van de gespreksleidraad: 9 vragen.")
    act.click(page.get_by_role("button", name="Ja, versie 1 publiceren"))
    expect(page.locator(".flash-success")).to_contain_text("Versie 1 is gepubliceerd")
    print(f"\nnine questions with a show-if rule, published: {act.count} actions")
    assert act.count < 40, act.count
    assert page.errors == []

    rows = database_rows(
        demo_server,
        "SELECT q.key, q.type, q.label, q.options, q.show_if, v.status FROM guide_questions q"
        " JOIN guide_versions v ON v.id = q.version_id JOIN guides g ON g.id = v.guide_id"
        " JOIN guide_sections s ON s.id = q.section_id"
        " WHERE g.name = 'Buurtgesprek Muziekwijk' ORDER BY s.position, q.position",
    )
    loads = lambda value: json.loads(value) if isinstance(value, str) else value  # noqa: E731
    assert [row.label for row in rows] == [label for label, *_ in GUIDE]
    assert {row.status for row in rows} == {"published"}
    assert [row.type for row in rows] == [
        "yes_no", "single_choice", "short_text", "short_text", "long_text", "multi_choice", "short_text", "short_text", "short_text",
    ]  # fmt: skip
    keys = [row.key for row in rows]
    assert len(set(keys)) == 9 and keys[0] == "woont_buurt" and keys[1] == "komt_meestal_hier"  # made from the text
    assert loads(rows[1].options) == [{"value": v, "label": v.title()} for v in ("fiets", "auto", "bus", "lopend")]
    assert loads(rows[2].show_if) == {"question": "woont_buurt", "op": "equals", "value": "yes"}
    assert all(loads(row.show_if) is None for i, row in enumerate(rows) if i != 2)
