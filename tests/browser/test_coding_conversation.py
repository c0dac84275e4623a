"""Issue 24: coding in the whole conversation, as researchers do in Taguette or QualCoder: select words in
any answer of the interview to code them, open a highlight to change its coding, keep memos."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import database_rows
from tests.browser.test_pages import login

pytestmark = pytest.mark.browser

# An uncoded answer of the Muziekwijk project whose interview has another uncoded open answer.
TWO_OPEN_ANSWERS = """
    SELECT a.id, b.id FROM answers a
    JOIN interviews i ON i.id = a.interview_id
    JOIN answers b ON b.interview_id = a.interview_id AND b.id <> a.id AND b.text <> ''
    WHERE i.project_id = 1 AND a.text <> ''
      AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.answer_id = a.id OR c.answer_id = b.id)
    ORDER BY a.id LIMIT 1"""


def double_click_word(page, statement, word: str) -> None:
    """Double-click a word where it stands in a statement's text, as a coder selects it."""
    box = page.evaluate(
        """([key, word]) => {
            const text = document.querySelector(`[data-coding-text][data-input="${key}"]`);
            const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const at = node.data.indexOf(word);
              if (at < 0) continue;
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + word.length);
              const r = range.getBoundingClientRect();
              return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
            }
            return null;
        }""",
        [statement, word],
    )
    assert box, f"{word!r} is not in {statement}"
    page.mouse.dblclick(box["x"], box["y"])


def long_word(text: str, after: str = "") -> str:
    return next(w for w in re.findall(r"[A-Za-zÀ-ÿ]{6,}", text) if w != after)


def test_code_in_the_whole_conversation_change_the_coding_and_keep_memos(page_at, demo_server):
    (current, other), *_ = database_rows(demo_server, TWO_OPEN_ANSWERS)
    page = page_at(1440, 900)
    login(page, demo_server)
    page.goto(f"{demo_server.url}/projects/1/coding/answers/{current}")
    conversation = page.get_by_role("region", name="Het hele gesprek")
    expect(conversation.locator(".statement-current")).to_contain_text("in de lijst")
    other_text = conversation.locator(f'[data-input="answer:{other}"]')
    word = long_word(other_text.inner_text())

    # Select a word in the other answer of the interview: the form says which answer is coded.
    double_click_word(page, f"answer:{other}", word)
    form = page.locator("form[data-coding-form]")
    expect(form.get_by_label("Fragment (optioneel)")).to_have_value(word)
    expect(form.locator("[data-coding-target]")).to_contain_text("U codeert: ")
    form.get_by_label("Code", exact=True).select_option(label="HEEL-VERL Openbare verlichting")
    form.get_by_role("group", name="Sentiment").get_by_label("negatief").click()
    form.get_by_role("button", name="Code toepassen").click()
    expect(page.get_by_text("Gecodeerd.", exact=True)).to_be_visible()
    mark = page.locator(f'[data-input="answer:{other}"] mark')
    expect(mark).to_have_text(word)
    expect(page.locator(f'[data-input="answer:{other}"]').locator("xpath=..").locator("[data-stripe]")).to_have_count(1)
    ((coding, code, start, end, sentiment),) = database_rows(
        demo_server,
        f'SELECT c.id, k.key, c.start, c."end", c.sentiment FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.answer_id = {other}',
    )
    assert (code, end - start, sentiment) == ("HEEL-VERL", len(word), "negative")
    assert database_rows(demo_server, f"SELECT count(*) FROM codings WHERE answer_id = {current}") == [(0,)]

    # Choose the highlight: its coding opens to be changed; change code, span, sentiment, quote and memo.
    page.wait_for_load_state("load")  # the page's script has set up the highlights (and scrolled to the statement)
    mark.click()
    expect(page.get_by_role("heading", name="Codering wijzigen")).to_be_visible()
    edit = page.locator("form[data-coding-form]")
    expect(edit.get_by_label("Code", exact=True)).to_have_value(
        str(database_rows(demo_server, "SELECT id FROM codes WHERE project_id = 1 AND key = 'HEEL-VERL'")[0][0])
    )
    second = long_word(other_text.inner_text(), after=word)
    double_click_word(page, f"answer:{other}", second)
    expect(edit.get_by_label("Fragment (optioneel)")).to_have_value(second)
    edit.get_by_label("Code", exact=True).select_option(label="GRN-ONDH Groenonderhoud")
    edit.get_by_role("group", name="Sentiment").get_by_label("suggestie").click()
    edit.get_by_label("Citaat voor rapportages").check()
    edit.get_by_label("Memo").fill("Gaat eigenlijk over maaien, niet over licht.")
    edit.get_by_role("button", name="Wijziging opslaan").click()
    expect(page.get_by_text("Codering gewijzigd.")).to_be_visible()
    expect(page.locator(f'[data-input="answer:{other}"] mark')).to_have_text(second)
    ((kept, code, fragment, sentiment, quote),) = database_rows(
        demo_server,
        f"SELECT c.id, k.key, c.fragment, c.sentiment, c.is_quote FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.answer_id = {other}",
    )
    assert (kept, code, fragment, sentiment, bool(quote)) == (coding, "GRN-ONDH", second, "suggestion", True)  # the same coding, changed
    assert database_rows(demo_server, f"SELECT text FROM memos WHERE coding_id = {coding}") == [
        ("Gaat eigenlijk over maaien, niet over licht.",)
    ]
    assert database_rows(demo_server, f"SELECT count(*) FROM audit_events WHERE action = 'coding.update' AND object_id = '{coding}'") == [
        (1,)
    ]

    # A memo on the statement in the queue, then found on the memo page by searching.
    memos = page.get_by_role("region", name="Memo's bij deze uitspraak")
    memos.get_by_label("Memo").fill("Bewoner noemt de sporthal twee keer: navragen bij wijkbeheer.")
    memos.get_by_role("button", name="Memo toevoegen").click()
    expect(page.get_by_text("Memo opgeslagen.")).to_be_visible()
    expect(page.get_by_role("region", name="Memo's bij deze uitspraak")).to_contain_text("navragen bij wijkbeheer")
    page.get_by_role("navigation", name="Lijst").get_by_role("link", name="Memo's").click()
    page.get_by_role("search", name="Memo's zoeken").get_by_label("Zoeken").fill("wijkbeheer")
    page.get_by_role("search", name="Memo's zoeken").get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("1 memo", exact=True)).to_be_visible()
    page.get_by_role("link", name="Naar de uitspraak").click()
    expect(page.locator(".statement-current")).to_be_visible()
    assert page.url.endswith(f"/coding/answers/{current}")
    assert page.errors == []


def test_a_coordinator_lets_the_suggestions_learn_and_accepts_a_learned_one(page_at, demo_server, make_app):
    """Issue 24.5: after thirty codings a coordinator has the suggestions learn again, sees a learned
    suggestion with its confidence on a statement no keyword rule catches, and accepts it."""
    from app.extensions import db
    from tests.test_learned_suggestions import add_statement, code_many_in

    app = make_app(demo_server.env["DATABASE_URL"])
    with app.app_context():
        round_id = code_many_in(1)
        target = add_statement(1, round_id, "Bij de brug is het 's avonds pikkedonker, de lampen doen het niet")
        db.session.commit()
        target_id = target.id
    with app.app_context():  # a context of its own: no session holds a connection while the pool goes
        db.engine.dispose()
    page = page_at(1024, 768)
    login(page, demo_server)
    page.goto(f"{demo_server.url}/projects/1/coding/")
    expect(page.locator("#learned")).to_contain_text("Geleerde suggesties")
    page.get_by_role("button", name="Nu opnieuw leren").click()
    # Opening the queue may have set it learning already; either way the page says it takes a minute.
    expect(page.get_by_text("dat duurt hooguit een minuut", exact=False)).to_be_visible()
    for _attempt in range(60):  # the training runs in the background: look again as a person would
        if "codes geleerd van" in page.locator("#learned").inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.locator("#learned")).to_contain_text("codes geleerd van")

    page.goto(f"{demo_server.url}/projects/1/coding/contributions/{target_id}")
    suggestion = page.get_by_role("region", name="Suggesties").locator("li", has_text="Openbare verlichting")
    expect(suggestion).to_contain_text("geleerd van eerdere coderingen")
    expect(suggestion).to_contain_text("% zeker")
    suggestion.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_text("Gecodeerd.", exact=True)).to_be_visible()
    rows = database_rows(
        demo_server, f"SELECT k.key, c.source FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.contribution_id = {target_id}"
    )
    assert rows == [("HEEL-VERL", "model")]
    assert page.errors == []
