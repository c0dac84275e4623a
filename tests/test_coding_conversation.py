"""Issue 24: the whole conversation beside the queue, changing a coding in place, and memos."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.capture import services as capture
from app.capture.validation import validate_contribution
from app.coding.conversation import pieces
from app.extensions import db
from app.models import AuditEvent, Code, Coding, Memo, Project, Round, User


def contributions(world, *texts, minutes=10):
    """Contributions in project A's information round, a minute apart, by its interviewer."""
    project = db.session.get(Project, world.project_a.id)
    round_ = db.session.get(Round, world.fieldwork_a["info_round_id"])
    made = []
    for n, text in enumerate(texts):
        clean, errors = validate_contribution(
            {"uuid": str(uuid.uuid4()), "recorded_at": datetime.now(UTC) - timedelta(minutes=minutes - n), "text": text},
            capture.context_for(project),
        )
        assert clean is not None, errors
        made.append(capture.record_contribution(project, round_, db.session.get(User, world.interviewer_a.id), clean)[0].id)
    db.session.commit()
    return made


def code_id(world, key):
    return db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_a.id, Code.key == key))


class Span:
    def __init__(self, id_, start, end):
        self.id, self.start, self.end = id_, start, end


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(1, 40)), max_size=6))
def test_pieces_cover_the_text_once_and_know_the_codings_over_them(text, spans):
    codings = [Span(n + 1, a, a + b) for n, (a, b) in enumerate(spans) if a + b <= len(text)] + [Span(99, None, None)]
    cut = pieces(text, codings)  # type: ignore[arg-type]
    assert "".join(p.text for p in cut) == text and all(p.text for p in cut)
    position = 0
    for piece in cut:
        start, end = position, position + len(piece.text)
        assert {c.id for c in piece.codings} == {c.id for c in codings if c.start is not None and c.start <= start and end <= c.end}
        if piece.codings:  # the innermost (shortest) coding is on top
            assert piece.top.end - piece.top.start == min(c.end - c.start for c in piece.codings)
        position = end


def test_a_selection_in_another_statement_of_the_session_codes_that_statement(app, client, world, query):
    first, second = query(lambda: contributions(world, "Te weinig bankjes op het plein.", "De fontein staat altijd droog."))
    url = f"/projects/{world.project_a.id}/coding/contributions/{first}"
    client.login(world.coord_a.email)
    page = client.get(url).text
    assert "Het hele gesprek" not in page and "Bijdragen in deze ronde" in page
    assert f'data-input="contribution:{second}"' in page and "De fontein staat altijd droog." in page
    code = query(lambda: code_id(world, "GRN-ONDH"))
    sent = {"code": str(code), "start": "3", "end": "10", "fragment": "fontein", "input": f"contribution:{second}"}
    assert client.form_post(url, sent).status_code == 302
    rows = query(
        lambda: db.session.execute(
            sa.select(Coding.contribution_id, Coding.fragment).where(Coding.code_id == code, Coding.contribution_id.in_([first, second]))
        ).all()
    )
    assert rows == [(second, "fontein")]
    # A statement that is not in this conversation (another round's, made up, or of another project) is refused.
    for wrong in (
        f"answer:{world.fieldwork_a['answer_id']}",
        "contribution:999999",
        f"contribution:{world.fieldwork_b['contribution_id']}",
        "x:1",
    ):
        refused = client.form_post(url, {**sent, "input": wrong, "code": str(query(lambda: code_id(world, "GRN-BOOM")))})
        assert refused.status_code == 422 and "Deze uitspraak hoort niet bij dit gesprek." in refused.text
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Coding).where(Coding.code_id == code_id(world, "GRN-BOOM"))))
        == 0
    )


def test_a_coding_is_changed_in_place_and_the_change_is_audited(app, client, world, query):
    (target,) = query(lambda: contributions(world, "Het gras bij de speeltuin is te lang."))
    url = f"/projects/{world.project_a.id}/coding/contributions/{target}"
    client.login(world.coord_a.email)
    assert client.form_post(url, {"code": str(query(lambda: code_id(world, "GRN-BOOM"))), "fragment": "gras"}).status_code == 302
    coding = query(lambda: db.session.scalar(sa.select(Coding.id).where(Coding.contribution_id == target)))
    form = client.get(f"{url}?coding={coding}").text
    assert "Codering wijzigen" in form and 'value="gras"' in form and "Wijziging opslaan" in form
    ondh = query(lambda: code_id(world, "GRN-ONDH"))
    changed = {"code": str(ondh), "fragment": "speeltuin", "sentiment": "negative", "is_quote": "y", "memo": "Over maaien."}
    assert client.form_post(f"{url}?coding={coding}", changed).status_code == 302
    row = query(
        lambda: db.session.execute(
            sa.select(Coding.id, Coding.code_id, Coding.start, Coding.end, Coding.fragment, Coding.is_quote).where(
                Coding.contribution_id == target
            )
        ).one()
    )
    at = "Het gras bij de speeltuin is te lang.".index("speeltuin")
    assert tuple(row) == (coding, ondh, at, at + 9, "speeltuin", True)
    events = query(
        lambda: db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "coding.update", AuditEvent.object_id == str(coding))
        ).all()
    )
    (event,) = events
    assert set(event.details["changes"]) == {"code_id", "span", "sentiment", "is_quote"}
    assert event.details["changes"]["span"] == [[4, 8], [at, at + 9]]
    assert query(lambda: db.session.scalars(sa.select(Memo.text).where(Memo.coding_id == coding)).all()) == ["Over maaien."]
    # Bad input: a fragment not in the text, a code of another project, an archived code: 4xx, nothing changed.
    assert client.form_post(f"{url}?coding={coding}", {**changed, "fragment": "bestaat niet"}).status_code == 422
    foreign = query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_b.id).limit(1)))
    assert client.form_post(f"{url}?coding={coding}", {**changed, "code": str(foreign)}).status_code == 404

    def archive():
        db.session.get(Code, code_id(world, "GRN-KLIM")).archived = True
        db.session.commit()

    query(archive)
    archived = client.form_post(f"{url}?coding={coding}", {**changed, "code": str(query(lambda: code_id(world, "GRN-KLIM")))})
    assert archived.status_code == 422 and "gearchiveerd" in archived.text
    row_after = query(
        lambda: db.session.execute(
            sa.select(Coding.id, Coding.code_id, Coding.start, Coding.end, Coding.fragment, Coding.is_quote).where(
                Coding.contribution_id == target
            )
        ).one()
    )
    assert tuple(row_after) == tuple(row)
    # Emptying the memo removes the editor's memo on the coding.
    assert client.form_post(f"{url}?coding={coding}", {**changed, "memo": ""}).status_code == 302
    assert query(lambda: db.session.scalars(sa.select(Memo.text).where(Memo.coding_id == coding)).all()) == []


def test_memos_on_the_project_a_code_and_a_statement_listed_searched_and_kept_by_their_author(app, client, client_factory, world, query):
    project = world.project_a
    page = f"/projects/{project.id}/coding/memos"
    client.login(world.coord_a.email)
    assert "Zie ook de bewonersavond." in client.get(page).text  # the fixture's memo on a coding
    code = query(lambda: code_id(world, "GRN-ONDH"))
    assert client.form_post(page, {"about": "project", "text": "Ronde 1 is klaar; nu verlichting uitdiepen."}).status_code == 302
    assert client.form_post(page, {"about": f"code:{code}", "text": "Alleen onderhoud, niet het ontwerp."}).status_code == 302
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Memo)))
    for bad in (
        {"about": "project", "text": "  "},
        {"about": "code:abc", "text": "x"},
        {"about": "elsewhere", "text": "x"},
        {"about": "project", "text": "x" * 5001},
    ):
        assert client.form_post(page, bad).status_code == 422
    foreign = query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_b.id).limit(1)))
    assert client.form_post(page, {"about": f"code:{foreign}", "text": "x"}).status_code == 404
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Memo))) == before
    listed = client.get(page + "?q=ONTWERP").text
    assert "Alleen onderhoud, niet het ontwerp." in listed and "Ronde 1 is klaar" not in listed and "1 memo" in listed
    assert (
        "Ronde 1 is klaar" in client.get(page + "?about=project").text
        and "Alleen onderhoud" not in client.get(page + "?about=project").text
    )
    assert "Geen memo's gevonden." in client.get(page + "?q=100%25_").text  # % and _ are letters, not wildcards

    # A memo on a statement, on its coding page; an empty one is refused there.
    (target,) = query(lambda: contributions(world, "Meer prullenbakken bij de school."))
    url = f"/projects/{project.id}/coding/contributions/{target}"
    assert client.form_post(url, {"memo-text": ""}).status_code == 422
    assert client.form_post(url, {"memo-text": "Ook genoemd op de bewonersavond."}).status_code == 302
    assert "Ook genoemd op de bewonersavond." in client.get(url).text
    mine = query(lambda: db.session.scalar(sa.select(Memo.id).where(Memo.contribution_id == target)))

    # Someone else who codes may read the memos but not change or remove the coordinator's.
    def allow():
        db.session.get(Project, project.id).interviewers_may_code = True
        db.session.commit()

    query(allow)
    other = client_factory()
    other.login(world.interviewer_a.email)
    assert other.form_post(f"{page}/{mine}", {"text": "overschreven"}).status_code in (403, 404)
    assert other.form_post(f"{page}/{mine}/delete").status_code in (403, 404)
    assert client.form_post(f"{page}/{mine}", {"text": ""}).status_code == 303  # refused, back to the form
    assert client.form_post(f"{page}/{mine}", {"text": "Ook genoemd op de bewonersavond van 3 maart."}).status_code == 302
    assert client.form_post(f"{page}/{mine}/delete").status_code == 302
    actions = query(
        lambda: db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.object_type == "Memo", AuditEvent.object_id == str(mine)).order_by(AuditEvent.id)
        ).all()
    )
    assert actions == ["memo.create", "memo.update", "memo.delete"]
