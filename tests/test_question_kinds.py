"""A kind of question is one module: registered, it is rendered, checked, displayed and exported
without a change anywhere else (issue 18, point 1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import render_template_string
from wtforms import Field, StringField

from app.capture.display import answer_text
from app.capture.forms import interview_form, payload_of
from app.capture.validation import Context, validate_answers
from app.exports.sheets import answer_reader
from app.questions import KINDS, kind_of, register
from app.questions.base import Invalid, QuestionKind, decoded

from .test_sync_api import api, interview_payload  # noqa: F401 (api is a fixture)


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


class Postcode(QuestionKind):
    """A throwaway kind: a Dutch postcode, stored as "1234 AB", shown as "1234 AB (postcode)"."""

    type = "postcode"  # not among the app's types: nothing else needs to know it

    def coerce(self, question: Any, value: Any, areas: Any) -> str:
        match = re.fullmatch(r"\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*", value) if isinstance(value, str) else None
        if match is None:
            raise Invalid("Give a postcode like 1234 AB.")
        return f"{match.group(1)} {match.group(2).upper()}"

    def form_fields(self, question: Any, areas: list[Any]) -> dict[str, Field]:
        return {"": StringField(question.label, render_kw={"autocomplete": "postal-code"})}

    def text(self, question: Any, value: Any) -> str:
        return f"{value} (postcode)"

    def formatter(self, question: Any, workbook: Any) -> Any:
        return decoded(lambda value: (value[:4], None))  # only the digits leave in an export


@pytest.fixture
def postcode() -> Iterator[SimpleNamespace]:
    register(Postcode())
    yield SimpleNamespace(
        id=990, key="postcode", type="postcode", label="Uw postcode", help="", required=True, options=[], config={}, show_if=None
    )
    del KINDS["postcode"]


def test_a_kind_added_in_one_place_is_rendered_checked_displayed_and_exported(app, postcode):
    assert kind_of(postcode).name == "postcode"
    version = SimpleNamespace(questions=[postcode])
    with app.test_request_context("/", method="POST", data={"q_990": "1234 ab"}):
        form = interview_form(version, [], [])
        html = render_template_string(
            '{% include ["capture/questions/" ~ kind_of(q).name ~ ".html", "capture/questions/_default.html"] %}',
            form=form,
            name="q_990",
            q=postcode,
        )
        assert 'autocomplete="postal-code"' in html and "Uw postcode" in html  # rendered by its own field
        raw = payload_of(form, version)["answers"]
    assert raw == {"postcode": "1234 ab"}
    clean, errors = validate_answers([postcode], raw, Context(area_ids=set()))
    assert clean == {"postcode": "1234 AB"} and errors == {}
    _clean, errors = validate_answers([postcode], {"postcode": "12"}, Context(area_ids=set()))
    assert [m.text for m in errors["postcode"]] == ["Give a postcode like 1234 AB."]
    _clean, errors = validate_answers([postcode], {}, Context(area_ids=set()))
    assert [m.text for m in errors["postcode"]] == ["This question needs an answer."]  # required, as every kind
    with app.test_request_context("/"):
        assert answer_text(postcode, "1234 AB") == "1234 AB (postcode)"
        workbook = SimpleNamespace(text=str, point=lambda d: d, area_path=str)
        assert answer_reader(workbook, postcode)('"1234 AB"', "") == ("1234", None)
        assert answer_reader(workbook, postcode)(None, "") == ("", None)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_of_the_app_answers_for_itself(app, name):
    """Every registered kind has a form field, reads a value, and says how it reads in a workbook."""
    kind = KINDS[name]
    question = SimpleNamespace(
        id=1,
        key="k",
        type=kind.type,
        label="Vraag",
        help="",
        required=False,
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        config={"min": 1, "max": 5, "element": "Groen"},
        show_if=None,
    )
    with app.test_request_context("/"):
        assert kind.form_fields(question, [])
        assert callable(kind.formatter(question, SimpleNamespace(text=str, point=lambda d: d, area_path=str)))
    with pytest.raises(Invalid):
        kind.coerce(question, {"not": "an answer"} if name != "gps" else "nowhere", Context(area_ids=set()))


def test_a_policy_maker_reads_a_gps_answer_rounded_and_other_answers_as_their_text():
    from app.privacy import coarse

    gps, text = KINDS["gps"], KINDS["short_text"]
    point = {"lat": 52.3701234, "lon": 5.2112345, "accuracy": 4.0}
    assert gps.masked_text(None, point, coarse) == f"{coarse(52.3701234)}, {coarse(5.2112345)}"
    assert coarse(52.3701234) != 52.3701234  # it is rounded
    assert text.masked_text(None, "Bij Kerkstraat 12", coarse) is None  # pseudonymised as text instead


def test_only_gps_answers_are_personal_in_themselves_and_the_purge_keeps_them_rounded():
    from app.privacy import coarse
    from app.residents.retention import PERSONAL_KINDS

    assert [str(t.value) for t in PERSONAL_KINDS] == ["gps"]
    kept = KINDS["gps"].expired({"lat": 52.3712345, "lon": 5.2223456, "accuracy": 6}, coarse)
    assert kept == {"lat": coarse(52.3712345), "lon": coarse(5.2223456), "accuracy": None}
    assert KINDS["gps"].expired(None, coarse) is None


def test_a_new_kind_is_stored_recorded_and_read_without_a_schema_change(app, api, world, query, postcode):
    """The throwaway kind through the real path: a published guide, an interview sent by a tablet,
    the stored answer read back, on SQLite and on PostgreSQL (no CHECK on question types)."""
    import uuid

    import sqlalchemy as sa

    from app.extensions import db
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import Answer, Project, Question, RoundKind, User
    from app.rounds import services as rounds

    def set_up() -> tuple[int, int]:
        project, user = db.session.get(Project, world.project_a.id), db.session.get(User, world.coord_a.id)
        guide = guides.create_guide(
            project, "Postcodes", [SectionDef("", [QuestionDef("postcode", "postcode", "Uw postcode", required=True)])]
        )
        guides.publish(guides.draft_of(guide), user)
        round_ = rounds.create_round(project, rounds.RoundData(RoundKind.street, "Postcoderonde", guide_id=guide.id))
        db.session.commit()
        return round_.id, guides.published_of(guide).id

    round_id, version_id = query(set_up)
    payload = {**interview_payload(world), "round_id": round_id, "guide_version_id": version_id, "answers": {"postcode": "1234 ab"}}
    refused = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", {**payload, "answers": {"postcode": "12"}})
    assert refused.status_code == 422 and refused.json["fields"]["answers.postcode"] == ["Give a postcode like 1234 AB."]
    stored = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", payload)
    assert stored.status_code == 201, stored.json

    def read_back() -> tuple[Any, Any, str]:
        question = db.session.scalar(sa.select(Question).where(Question.version_id == version_id))
        answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == question.id))
        return question.type, answer.value, answer_text(question, answer.value)

    assert query(read_back) == ("postcode", "1234 AB", "1234 AB (postcode)")


def test_the_tablet_learns_a_new_kind_from_its_description(app, postcode):
    """The offline checks name each kind's reader (static/js/checks.js): a new kind that reads like an
    existing one is checked on the tablet without a change to the script."""
    from app.capture.validation import device_checks

    with app.test_request_context("/"):
        kinds = device_checks(str)["kinds"]
    assert kinds["postcode"] == {"reads": "text"} and kinds["long_text"] == {"reads": "text", "limit": 10_000}
    script = (Path(__file__).resolve().parent.parent / "static" / "js" / "checks.js").read_text(encoding="utf-8")
    readers = script[script.index("const READERS = {") : script.index("\n  };", script.index("const READERS = {"))]
    known = set(re.findall(r"^    (\w+)(?:\(|:)", readers, re.MULTILINE))
    assert {kind.reads for kind in KINDS.values()} <= known, known
    assert len(known) >= 10
