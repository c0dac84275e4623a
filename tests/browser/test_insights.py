"""The dashboards on a tablet: a bar leads to the inputs behind it; a viewer's small bars lead nowhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import login

pytestmark = pytest.mark.browser
VIEWER = ("beleid@buitenbinnen.example", "beleid-demo-2027")


def test_a_bar_leads_to_the_inputs_behind_it(page_at, demo_server):
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server)
    page.goto(demo_server.url + "/projects/1/insights/")
    chart = page.get_by_role("group", name="Mensen per thema")  # a chart of links is a group, not an image
    expect(chart).to_be_visible()
    bar = chart.locator("a").first
    label = bar.locator("title").text_content()  # "KEY Name: n"
    theme, people = label.rsplit(": ", 1)
    bar.locator("rect").tap()
    page.wait_for_url(re.compile(r"/insights/inputs\?"))
    expect(page.get_by_role("heading", name="De uitspraken achter het cijfer")).to_be_visible()
    expect(page.get_by_text(theme.split(" ", 1)[1], exact=False).first).to_be_visible()
    listed = int(re.search(r"\d+", page.get_by_role("status").first.inner_text()).group())
    assert listed >= int(people)  # every person behind the bar has at least one input here
    assert page.errors == []  # nothing blocked by the CSP


def test_a_viewer_sees_small_bars_without_a_number_or_a_link(page_at, demo_server):
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server, *VIEWER)
    page.goto(demo_server.url + "/projects/1/insights/")
    chart = page.locator("figure.chart > svg").filter(has=page.locator("title", has_text="Mensen per thema"))
    expect(chart).to_be_visible()
    values = chart.locator("text.chart-value").all_text_contents()
    assert values and all(v == "< 3" or int(v) >= 3 for v in values)
    hidden = sum(v == "< 3" for v in values)
    assert chart.locator("a").count() == len(values) - hidden
    assert page.errors == []


def test_a_coordinator_sets_themes_against_a_closed_questions_answers_and_follows_a_cell(page_at, demo_server):
    """Issue 24.3: "Kolommen per antwoord op" a closed question; a cell leads to the statements of the
    people who gave that answer and raised that theme."""
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server)
    page.goto(demo_server.url + "/projects/1/insights/matrix")
    page.get_by_label("Kolommen per antwoord op").select_option(label="Voelt u zich 's avonds veilig op straat?")
    page.get_by_role("button", name="Toon").click()
    table = page.get_by_role("table", name=re.compile("antwoord op “Voelt u zich 's avonds veilig op straat\\?”"))
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Ja")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Nee")).to_be_visible()
    cell = table.get_by_role("link", name=re.compile(r", Nee: \d+")).first
    people = int(re.search(r", Nee: (\d+)", cell.get_attribute("aria-label")).group(1))
    cell.tap()
    page.wait_for_url(re.compile(r"/insights/inputs\?"))
    expect(page.get_by_text("van mensen die antwoordden: “Voelt u zich 's avonds veilig op straat?”: Nee")).to_be_visible()
    listed = int(re.search(r"\d+", page.get_by_role("status").first.inner_text()).group())
    assert listed >= people  # every person in the cell has at least one statement here
    assert page.errors == []
