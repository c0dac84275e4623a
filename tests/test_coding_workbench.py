"""The coding workbench through the pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Code, Coding, Memo, Sentiment


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


def code_id(query, world, key):
    return query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_a.id, Code.key == key)))


def test_the_queue_lists_open_answers_and_contributions_with_filters(client, world):
    client.login(world.coord_a.email)
    base = f"/projects/{world.project_a.id}/coding/"
    page = client.get(base).text
    assert "Meer groen" in page and "Te donker bij het fietspad" in page and "2 uitspraken" in page
    uncoded = client.get(base + "?uncoded=1").text  # the fixture coded the contribution
    assert "Meer groen" in uncoded and "Te donker bij het fietspad" not in uncoded
    assert "Meer groen" not in client.get(base + "?q=donker").text


def test_code_a_fragment_by_its_text_and_by_browser_offsets(client, world, query):
    client.login(world.coord_a.email)
    answer_id = world.fieldwork_a["answer_id"]
    answer = query(lambda: db.session.get(Answer, answer_id))
    url = f"/projects/{world.project_a.id}/coding/answers/{answer.id}"
    text = answer.text or "Meer groen"
    assert client.get(url).status_code == 200
    response = client.form_post(
        url,
        {
            "code": str(code_id(query, world, "GRN-ONDH")),
            "fragment": "groen",
            "sentiment": "suggestion",
            "is_quote": "y",
            "memo": "goed citaat",
        },
    )
    assert response.status_code == 302
    response = client.form_post(url, {"code": str(code_id(query, world, "GRN-KLIM")), "start": "0", "end": "4"})
    assert response.status_code == 302
    missing = client.form_post(url, {"code": str(code_id(query, world, "GRN-KLIM")), "fragment": "bestaat niet"})
    assert missing.status_code == 422 and "Dit fragment staat niet in de tekst." in missing.text
    codings = query(
        lambda: db.session.execute(
            sa.select(Coding.fragment, Coding.start, Coding.end, Coding.sentiment, Coding.is_quote, Memo.text)
            .outerjoin(Memo, Memo.coding_id == Coding.id)
            .where(Coding.answer_id == answer.id)
            .order_by(Coding.id)
        ).all()
    )
    assert codings == [("groen", 5, 10, Sentiment.suggestion, True, "goed citaat"), (text[0:4], 0, 4, None, False, None)]
    coding = query(lambda: db.session.scalar(sa.select(Coding.id).where(Coding.answer_id == answer.id).limit(1)))
    assert client.form_post(f"/projects/{world.project_a.id}/coding/codings/{coding}/delete").status_code == 302
    assert query(lambda: db.session.get(Coding, coding)) is None


def test_only_coordinators_code(client_factory, world):
    for user in (world.viewer_a, world.interviewer_a):
        c = client_factory()
        c.login(user.email)
        assert c.get(f"/projects/{world.project_a.id}/coding/").status_code == 403


def test_keyword_rules_only_suggest(client, world, query):
    client.login(world.coord_a.email)
    project = world.project_a
    verl = code_id(query, world, "HEEL-VERL")
    group = query(lambda: db.session.get(Code, verl).group_id)
    saved = client.form_post(
        f"/projects/{project.id}/codebook/codes/{verl}",
        {
            "edit-group": str(group),
            "edit-name": "Openbare verlichting",
            "edit-description": "",
            "edit-colour": "#6d4c41",
            "edit-keywords": "lantaarn*| donker |(verlichting",
        },
    )
    assert saved.status_code == 302
    assert query(lambda: db.session.get(Code, verl).keywords) == "lantaarn*|donker|(verlichting"
    url = f"/projects/{project.id}/coding/contributions/{world.fieldwork_a['contribution_id']}"  # "Te donker bij het fietspad"
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Coding)))
    page = client.get(url).text
    assert "Suggesties" in page and "Openbare verlichting" in page and "trefwoorden" in page
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Coding))) == before  # never applied silently
    accepted = client.form_post(url, {"code": str(verl), "accept": "suggestion"})
    assert accepted.status_code == 302
    coding = query(lambda: db.session.scalar(sa.select(Coding).where(Coding.code_id == verl)))
    assert coding.source.value == "suggestion" and coding.start is None
    assert "Suggesties" not in client.get(url).text  # a code it has is no longer suggested


def test_keyword_patterns():
    from app.coding.services import keyword_pattern

    pattern = keyword_pattern("lantaarn*|donker|(a+)+b")
    assert pattern.search("De LANTAARNPAAL is kapot") and pattern.search("te donker hier")
    assert not pattern.search("donkergroen gras")  # whole words unless the term ends in *
    assert not pattern.search("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac")  # special characters are plain text
    assert keyword_pattern("  |  ") is None


def test_field_tags_are_suggested_and_confirmed_as_such(app, client, world, query):
    from app.models import Interview
    from app.models.fieldwork import interview_tags

    project = world.project_a
    bomen = code_id(query, world, "GRN-BOOM")
    with app.app_context():
        db.session.execute(interview_tags.insert().values(interview_id=world.fieldwork_a["interview_id"], code_id=bomen))
        db.session.commit()
        assert db.session.get(Interview, world.fieldwork_a["interview_id"]) is not None
    client.login(world.coord_a.email)
    url = f"/projects/{project.id}/coding/answers/{world.fieldwork_a['answer_id']}"
    page = client.get(url).text
    assert "veldthema" in page and "Bomen" in page
    client.form_post(url, {"code": str(bomen), "accept": "quick_tag"})
    source = query(lambda: db.session.scalar(sa.select(Coding.source).where(Coding.code_id == bomen)))
    assert source.value == "quick_tag"


def test_the_filters_wait_in_a_closed_panel_until_one_is_used(client, world):
    """The queue is the first thing on the screen; the filter panel opens when a filter is set."""
    from lxml import html as lxml_html

    client.login(world.coord_a.email)
    url = f"/projects/{world.project_a.id}/coding/"
    panel = lxml_html.fromstring(client.get(url).text).xpath("//form[contains(@class, 'filter-panel')]/details")[0]
    assert panel.get("open") is None and panel.xpath("summary/text()")[0].strip() == "Meer filters"
    opened = lxml_html.fromstring(client.get(url, query_string={"uncoded": "1"}).text).xpath(
        "//form[contains(@class, 'filter-panel')]/details"
    )[0]
    assert opened.get("open") is not None and "(1)" in opened.xpath("summary/text()")[0]


def test_the_queue_counts_no_further_than_it_says(client, world, query, monkeypatch):
    """Counting a million statements on every view cost more than the page: the queue counts to
    QUEUE_COUNTED and says "more than" beyond it (here lowered to 1, with two statements)."""
    from app.coding import queries as coding_queries
    from app.filters import Filters
    from app.models import Project

    def counts():
        project = db.session.get(Project, world.project_a.id)
        return coding_queries.count(project, Filters()), coding_queries.count(project, Filters(), up_to=1)

    assert query(counts) == (2, 1)
    client.login(world.coord_a.email)
    url = f"/projects/{world.project_a.id}/coding/"
    assert "2 uitspraken" in client.get(url).text
    monkeypatch.setattr(coding_queries, "QUEUE_COUNTED", 1)
    page = client.get(url).text
    assert "Meer dan 1 uitspraken; de nieuwste eerst." in page and "2 uitspraken" not in page
    assert "Meer groen" in page and "Te donker bij het fietspad" in page  # the page itself still shows them all
