"""Codings: whole inputs and fragments, offsets on real-world text, merges keep every coding."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.capture import services as capture
from app.capture.validation import validate_contribution
from app.coding import memos, services
from app.extensions import db
from app.models import Answer, AuditEvent, Code, Coding, Contribution, Memo, Project, Round, Sentiment, User

TEXT = "Bij de Chopinstraat 🌳 is het 's avonds donker.\r\nDe lantaarn bij café ‘De Hoek’ is kapot 💡."


@pytest.fixture
def contribution(app, world):
    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        clean, _errors = validate_contribution(
            {"uuid": str(uuid.uuid4()), "recorded_at": datetime.now(UTC).isoformat(), "text": TEXT},
            capture.context_for(project),
        )
        record, _ = capture.record_contribution(
            project, db.session.get(Round, world.fieldwork_a["info_round_id"]), db.session.get(User, world.coord_a.id), clean
        )
        db.session.commit()
        return record.id


def code(key, world):
    return db.session.scalar(sa.select(Code).where(Code.project_id == world.project_a.id, Code.key == key))


def test_fragment_offsets_survive_emoji_accents_and_line_breaks(app, world, contribution):
    with app.app_context():
        target = db.session.get(Contribution, contribution)
        text = services.input_text(target)
        assert "\r" not in text and text.count("\n") == 1  # CRLF normalised at capture
        start, end = services.find_fragment(text, "lantaarn bij café ‘De Hoek’ is kapot 💡")
        coding = services.apply_code(
            db.session.get(Project, world.project_a.id),
            target,
            code("HEEL-VERL", world),
            db.session.get(User, world.coord_a.id),
            start,
            end,
            Sentiment.negative,
            is_quote=True,
        )
        db.session.commit()
        assert coding.fragment == "lantaarn bij café ‘De Hoek’ is kapot 💡"
        assert text[coding.start : coding.end] == coding.fragment
        # the browser counts UTF-16 units: the tree and bulb emoji take two each
        utf16 = text.encode("utf-16-le")
        js_start = len(text[:start].encode("utf-16-le")) // 2
        js_end = len(text[:end].encode("utf-16-le")) // 2
        assert js_start == start + 1 and (services.utf16_to_index(text, js_start), services.utf16_to_index(text, js_end)) == (start, end)
        assert len(utf16) // 2 == len(text) + 2


def test_whole_inputs_spans_and_duplicates(app, world, contribution):
    with app.app_context():
        audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "coding.create"))
        project = db.session.get(Project, world.project_a.id)
        target = db.session.get(Contribution, contribution)
        coder = db.session.get(User, world.coord_a.id)
        whole = services.apply_code(project, target, code("SOC-VEIL", world), coder)
        again = services.apply_code(project, target, code("SOC-VEIL", world), coder)
        assert whole.id == again.id and (whole.start, whole.end, whole.fragment) == (None, None, "")
        for start, end in ((5, 5), (-1, 3), (3, 10_000)):
            with pytest.raises(services.CodingError, match="outside the text"):
                services.apply_code(project, target, code("SOC-VEIL", world), coder, start, end)
        with pytest.raises(services.CodingError, match="both its start and its end"):
            services.apply_code(project, target, code("SOC-VEIL", world), coder, 3, None)
        archived = code("SCH-HOND", world)
        archived.archived = True
        with pytest.raises(services.CodingError, match="archived"):
            services.apply_code(project, target, archived, coder)
        other = db.session.scalar(sa.select(Code).where(Code.project_id == world.project_b.id).limit(1))
        with pytest.raises(services.CodingError, match="another project"):
            services.apply_code(project, target, other, coder)
        answer = db.session.scalar(sa.select(Answer).where(Answer.interview_id == world.fieldwork_b["interview_id"]).limit(1))
        with pytest.raises(services.CodingError, match="another project"):
            services.apply_code(project, answer, code("SOC-VEIL", world), coder)
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "coding.create")) == audited + 1
        )


def test_the_database_refuses_a_coding_without_exactly_one_input(app, world, contribution):
    with app.app_context():
        db.session.add(Coding(project_id=world.project_a.id, code_id=code("SOC-VEIL", world).id, answer_id=None, contribution_id=None))
        with pytest.raises(sa.exc.IntegrityError):
            with db.session.begin_nested():
                db.session.flush()


def test_merge_keeps_every_coding(app, client, world, contribution, query):
    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        target = db.session.get(Contribution, contribution)
        coder = db.session.get(User, world.coord_a.id)
        answer = db.session.scalar(sa.select(Answer).where(Answer.interview_id == world.fieldwork_a["interview_id"]).limit(1))
        answer_id = answer.id
        services.apply_code(project, target, code("SCH-ZWRF", world), coder, 0, 6, Sentiment.negative)
        services.apply_code(project, target, code("SCH-BAKK", world), coder, 0, 6)
        memos.add_memo(
            project, coder, "Zie ook de bewonersavond", coding=services.apply_code(project, answer, code("SCH-ZWRF", world), coder)
        )
        db.session.commit()
        source, into = code("SCH-ZWRF", world).id, code("SCH-BAKK", world).id
    client.login(world.coord_a.email)
    assert client.form_post(f"/projects/{world.project_a.id}/codebook/codes/{source}/merge", {"merge-target": str(into)}).status_code == 302
    codings = query(
        lambda: db.session.execute(
            sa.select(Coding.code_id, Coding.sentiment, Memo.text)
            .outerjoin(Memo, Memo.coding_id == Coding.id)
            .where(sa.or_(Coding.contribution_id == contribution, Coding.answer_id == answer_id))
            .order_by(Coding.id)
        ).all()
    )
    assert codings == [(into, Sentiment.negative, None), (into, None, None), (into, None, "Zie ook de bewonersavond")]
