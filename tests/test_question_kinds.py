"""A kind of question is one module: registered, it is rendered, checked, displayed and exported
without a change anywhere else (issue 18, point 1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from flask import render_template_string
from wtforms import Field, StringField

from app.capture.display import answer_text
from app.capture.forms import interview_form, payload_of
from app.capture.validation import Context, validate_answers
from app.exports.sheets import _formatter
from app.questions import KINDS, kind_of, register
from app.questions.base import Invalid, QuestionKind, decoded


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
        assert _formatter(workbook, postcode)('"1234 AB"', "") == ("1234", None)
        assert _formatter(workbook, postcode)(None, "") == ("", None)


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
    from app.insights.privacy import coarse

    gps, text = KINDS["gps"], KINDS["short_text"]
    point = {"lat": 52.3701234, "lon": 5.2112345, "accuracy": 4.0}
    assert gps.masked_text(None, point, coarse) == f"{coarse(52.3701234)}, {coarse(5.2112345)}"
    assert coarse(52.3701234) != 52.3701234  # it is rounded
    assert text.masked_text(None, "Bij Kerkstraat 12", coarse) is None  # pseudonymised as text instead


def test_only_gps_answers_are_personal_in_themselves_and_the_purge_keeps_them_rounded():
    from app.insights.privacy import coarse
    from app.residents.retention import PERSONAL_KINDS

    assert [str(t.value) for t in PERSONAL_KINDS] == ["gps"]
    kept = KINDS["gps"].expired({"lat": 52.3712345, "lon": 5.2223456, "accuracy": 6}, coarse)
    assert kept == {"lat": coarse(52.3712345), "lon": coarse(5.2223456), "accuracy": None}
    assert KINDS["gps"].expired(None, coarse) is None
