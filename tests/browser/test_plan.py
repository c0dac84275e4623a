"""From residents' words to the plan, through the pages a coordinator and a policy maker see: target
levels set on the elements page, perceived quality against them, closed questions counted, an action
item for the plan, the participation record, an area's page and its report as a PDF."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import login, open_project

pytestmark = pytest.mark.browser
VIEWER = ("beleid@buitenbinnen.example", "beleid-demo-2027")


def shot(page, name: str) -> None:
    """Screenshots for a person to look at, when WALK_DIR says where."""
    if os.environ.get("WALK_DIR"):
        page.screenshot(path=str(Path(os.environ["WALK_DIR"]) / f"{name}.png"), full_page=True)


def test_a_coordinator_takes_the_field_work_to_the_plan(page_at, demo_server):
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server)
    project = open_project(page)

    page.get_by_role("navigation", name="Project").get_by_role("link", name="Opzet").click()
    page.get_by_role("link", name="Elementen en ambitieniveaus").click()
    expect(page.get_by_role("heading", name="Elementen en ambitieniveaus")).to_be_visible()
    expect(page.get_by_label("Heesters en bodembedekkers")).to_have_value("B")  # the demo's own target
    page.get_by_label("Zwerfafval").select_option(label="C laag")
    page.get_by_role("button", name="Ambitieniveaus opslaan").click()
    expect(page.get_by_text("Ambitieniveaus opgeslagen: 1 gewijzigd.")).to_be_visible()
    expect(page.get_by_label("Zwerfafval")).to_have_value("C")
    shot(page, "elements-1024")

    page.goto(project + "/insights/quality")
    table = page.get_by_role("table", name=re.compile("Oordelen over Heesters en bodembedekkers"))
    expect(table.get_by_role("columnheader", name="Ambitieniveau", exact=True)).to_be_visible()
    first = table.locator("tbody tr").first
    expect(first.locator("td").nth(7)).to_have_text(re.compile(r"^(A\+|A|B|C|D) "))  # a level, never a mean
    expect(first.locator("td").nth(8)).to_have_text("B")
    expect(first.locator("td").nth(9)).to_have_text(re.compile(r"^\d+\s%$"))
    shot(page, "quality-1024")

    page.get_by_role("link", name="Gesloten vragen").click()
    expect(page.get_by_role("heading", name=re.compile("Wat moet als eerste worden aangepakt"))).to_be_visible()
    shot(page, "closed-1024")

    page.get_by_role("link", name="Participatie").click()
    rounds = page.get_by_role("table", name="Rondes")
    expect(rounds.get_by_role("rowheader", name="Bewonersavond Muziekwijk")).to_be_visible()
    expect(rounds.get_by_role("row", name=re.compile("Bewonersavond Muziekwijk")).get_by_role("cell").nth(3)).to_have_text("42")
    shot(page, "participation-1024")

    page.get_by_role("link", name="Per gebied").click()
    expect(page.locator(".area-name")).to_have_text("Het hele project")
    part = page.locator(".area-children a").first
    name = part.inner_text()
    part.click()
    expect(page.locator(".area-name")).to_contain_text(name)
    expect(page.get_by_role("heading", name="Wat bewoners het meest noemden")).to_be_visible()
    shot(page, "area-1024")
    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport als pdf").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.startswith("wat-we-hoorden-")
    page.get_by_role("link", name="Rapport om af te drukken").click()
    expect(page.get_by_role("heading", name=re.compile(f"Wat we hoorden in .*{re.escape(name)}"))).to_be_visible()
    shot(page, "report-1024")

    page.goto(project + "/actions/new")
    page.get_by_label("Titel").fill("Lantaarnpalen Bachstraat vervangen")
    page.get_by_label("Element", exact=True).select_option(label="Openbare verlichting")
    page.get_by_label("Objectverwijzing").fill("BGT-LP-0042")
    page.get_by_label("Gepland jaar").fill("2028")
    page.get_by_label("Geschatte kosten (euro)").fill("12.500")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Lantaarnpalen Bachstraat vervangen")).to_be_visible()
    expect(page.get_by_text("€ 12.500")).to_be_visible()
    expect(page.get_by_text("Openbare verlichting")).to_be_visible()
    assert page.errors == []


def test_a_policy_maker_reads_an_area_with_small_numbers_hidden_on_a_phone(page_at, demo_server):
    page = page_at(390, 844, has_touch=True)
    login(page, demo_server, *VIEWER)
    page.goto(demo_server.url + "/projects/1/insights/area")
    expect(page.locator(".area-name")).to_have_text("Het hele project")
    values = page.locator(".area-children li").all_inner_texts()
    assert values and all(re.search(r": (< 3|\d+ (mensen|persoon) gehoord)$", v) for v in values), values
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 390 + 1  # no sideways scrolling on a phone
    shot(page, "area-viewer-390")
    assert page.errors == []
