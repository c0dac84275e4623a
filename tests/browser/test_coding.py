"""A coordinator codes a fragment of an answer by selecting it, on a tablet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import login

pytestmark = pytest.mark.browser


def test_code_a_fragment_by_selecting_it(page_at, demo_server):
    page = page_at(1024, 768, has_touch=True)
    login(page, demo_server)
    page.goto(demo_server.url + "/projects/1/coding/?uncoded=1")
    page.locator("ul.queue").get_by_role("link", name="Code").first.click()
    page.wait_for_load_state("domcontentloaded")  # the selection script runs before this
    text = page.locator(".statement-current [data-coding-text]")  # the queue's statement in its whole conversation
    content = text.inner_text()
    word = next(w for w in content.split() if len(w) > 5).strip(".,")
    start = content.index(word)
    page.evaluate(
        """([start, end]) => {
            const node = document.querySelector('.statement-current [data-coding-text]').firstChild;
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, end);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [start, start + len(word)],
    )
    expect(page.get_by_label("Fragment (optioneel)")).to_have_value(word)
    page.get_by_label("Code", exact=True).select_option(label="HEEL-VERL Openbare verlichting")
    page.get_by_role("group", name="Sentiment").get_by_label("negatief").tap()
    page.get_by_role("button", name="Code toepassen").tap()
    expect(page.get_by_text("Gecodeerd.")).to_be_visible()
    coded = page.locator("section").filter(has_text="Coderingen")
    expect(coded).to_contain_text(f"“{word}”")
    expect(coded).to_contain_text("Openbare verlichting")
    assert page.errors == []
