"""The one validator: every question type, show-if rules, and whole interviews and contributions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.capture.validation import (
    Context,
    is_shown,
    normalise_text,
    validate_answers,
    validate_contribution,
    validate_interview,
)
from app.guides.definition import QuestionDef
from app.models import QuestionType as T

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
CONTEXT = Context(area_ids={10, 11}, code_ids_by_uuid={"5b2c1f8e-0000-4000-8000-000000000001": 7})
OPTIONS = [{"value": "groen", "label": "Groen"}, {"value": "spelen", "label": "Spelen"}, {"value": "afval", "label": "Afval"}]


def q(kind: T, **kwargs: Any) -> QuestionDef:
    return QuestionDef(key="v", type=kind, label="Vraag", **kwargs)


TYPES = {
    "short": q(T.short_text),
    "long": q(T.long_text),
    "single": q(T.single_choice, options=OPTIONS),
    "multi": q(T.multi_choice, options=OPTIONS),
    "scale": q(T.scale, config={"min": 1, "max": 5}),
    "yes_no": q(T.yes_no),
    "number": q(T.number, config={"min": 0, "max": 120, "integer": False}),
    "integer": q(T.number, config={"integer": True}),
    "date": q(T.date),
    "area": q(T.area),
    "gps": q(T.gps),
    "quality": q(T.quality, config={"element": "Groen"}),
}

VALID = [
    ("short", "  Meer bankjes  ", "Meer bankjes"),
    ("long", "Regel een\r\nRegel twee", "Regel een\nRegel twee"),
    ("single", "spelen", "spelen"),
    ("multi", ["afval", "groen", "afval"], ["groen", "afval"]),  # guide order, once each
    ("multi", "spelen", ["spelen"]),
    ("scale", "4", 4),
    ("scale", 1, 1),
    ("yes_no", "yes", True),
    ("yes_no", "nee", False),
    ("yes_no", False, False),
    ("number", "3,5", 3.5),  # Dutch decimal comma
    ("number", 12, 12),
    ("integer", "42", 42),
    ("date", "2027-02-28", "2027-02-28"),
    ("area", "11", 11),
    ("gps", {"lat": "52.3702", "lon": "5.2141", "accuracy": "8"}, {"lat": 52.3702, "lon": 5.2141, "accuracy": 8.0}),
    ("gps", {"lat": 52.37, "lon": 5.21, "accuracy": ""}, {"lat": 52.37, "lon": 5.21, "accuracy": None}),
    ("quality", "a+", "A+"),
    ("quality", "?", "?"),
]

INVALID = [
    ("short", "x" * 501, "At most %(max)s characters."),
    ("short", {"a": 1}, "Give a text."),
    ("long", "x" * 10_001, "At most %(max)s characters."),
    ("single", "parkeren", "Choose one of the options."),
    ("single", ["groen"], "Choose one of the options."),
    ("multi", ["groen", "bomen"], "Not an option: %(values)s."),
    ("multi", 3, "Choose one or more of the options."),
    ("scale", "6", "Choose a whole number from %(min)s to %(max)s."),
    ("scale", "2.5", "Choose a whole number from %(min)s to %(max)s."),
    ("scale", "veel", "Choose a whole number from %(min)s to %(max)s."),
    ("yes_no", "misschien", "Answer yes or no."),
    ("number", "veel", "Give a number."),
    ("number", "-1", "At least %(min)s."),
    ("number", "121", "At most %(max)s."),
    ("number", "nan", "Give a number."),
    ("integer", "4,5", "Give a whole number."),
    ("date", "28-02-2027", "Give a date (yyyy-mm-dd)."),
    ("date", "1850-01-01", "Give a date between 1900 and 2100."),
    ("area", "99", "Choose an area of this project."),
    ("area", "Filmwijk", "Choose an area of this project."),
    ("gps", {"lat": "91", "lon": "5"}, "This location does not exist on earth."),
    ("gps", {"lat": "52.3", "lon": ""}, "Give a location as latitude and longitude."),
    ("gps", {"lat": "52.3", "lon": "5.2", "accuracy": "-3"}, "The accuracy must be a number of metres."),
    ("gps", "52.3,5.2", "Give a location as latitude and longitude."),
    ("quality", "E", 'Choose A+, A, B, C, D or "don\'t know".'),
]


@pytest.mark.parametrize(("kind", "raw", "clean"), VALID)
def test_valid_answers_are_cleaned(kind, raw, clean):
    answers, errors = validate_answers([TYPES[kind]], {"v": raw}, CONTEXT)
    assert errors == {}
    assert answers == {"v": clean}


@pytest.mark.parametrize(("kind", "raw", "message"), INVALID)
def test_invalid_answers_get_a_message(kind, raw, message):
    answers, errors = validate_answers([TYPES[kind]], {"v": raw}, CONTEXT)
    assert answers == {}
    assert [m.text for m in errors["v"]] == [message]


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_required_questions_need_an_answer_and_optional_ones_do_not(kind):
    question = TYPES[kind]
    for empty in (None, "", "   ", [], {"lat": "", "lon": "", "accuracy": ""}):
        question.required = True
        _answers, errors = validate_answers([question], {"v": empty}, CONTEXT)
        assert [m.text for m in errors["v"]] == ["This question needs an answer."]
        question.required = False
        assert validate_answers([question], {"v": empty}, CONTEXT) == ({}, {})


def test_messages_carry_their_parameters():
    _answers, errors = validate_answers([TYPES["scale"]], {"v": "9"}, CONTEXT)
    assert errors["v"][0].params == {"min": 1, "max": 5}


SHOW_IF_GUIDE = [
    QuestionDef("veilig", T.yes_no, "Veilig?"),
    QuestionDef("waar", T.short_text, "Waar niet?", required=True, show_if={"question": "veilig", "op": "equals", "value": "no"}),
    QuestionDef("onderwerpen", T.multi_choice, "Onderwerpen", options=OPTIONS),
    QuestionDef(
        "spelen", T.long_text, "Wat mist u?", required=True, show_if={"question": "onderwerpen", "op": "includes", "value": "spelen"}
    ),
    QuestionDef("cijfer", T.scale, "Cijfer", config={"min": 1, "max": 5}),
    QuestionDef("waarom_laag", T.short_text, "Waarom zo laag?", show_if={"question": "cijfer", "op": "equals", "value": "1"}),
    # depends on a question that is itself hidden: hidden too
    QuestionDef("plek", T.short_text, "Welke plek?", show_if={"question": "waar", "op": "equals", "value": "tunnel"}),
]


@pytest.mark.parametrize(
    ("raw", "expected_answers", "expected_errors"),
    [
        ({"veilig": "yes", "waar": "tunnel", "plek": "x"}, {"veilig": True}, {}),  # hidden answers are dropped
        ({"veilig": "no"}, {"veilig": False}, {"waar": "This question needs an answer."}),  # shown and required
        ({"veilig": "no", "waar": "tunnel", "plek": "onder het spoor"}, {"veilig": False, "waar": "tunnel", "plek": "onder het spoor"}, {}),
        ({"onderwerpen": ["groen"], "spelen": "schommel"}, {"onderwerpen": ["groen"]}, {}),
        ({"onderwerpen": ["groen", "spelen"]}, {"onderwerpen": ["groen", "spelen"]}, {"spelen": "This question needs an answer."}),
        ({"cijfer": "1", "waarom_laag": "kapot"}, {"cijfer": 1, "waarom_laag": "kapot"}, {}),
        ({"cijfer": "2", "waarom_laag": "kapot"}, {"cijfer": 2}, {}),
        ({}, {}, {}),  # nothing answered: nothing shown that is required
    ],
)
def test_show_if_rules(raw, expected_answers, expected_errors):
    answers, errors = validate_answers(SHOW_IF_GUIDE, raw, CONTEXT)
    assert answers == expected_answers
    assert {k: v[0].text for k, v in errors.items()} == expected_errors


def test_is_shown_treats_yes_no_as_words():
    assert is_shown(SHOW_IF_GUIDE[1], {"veilig": False})
    assert not is_shown(SHOW_IF_GUIDE[1], {"veilig": True})
    assert not is_shown(SHOW_IF_GUIDE[1], {})


def test_text_is_normalised_for_coding():
    assert normalise_text("  Cafe\u0301\r\nen\rzo ") == "Café\nen\nzo"


def interview_payload(**changes: Any) -> dict[str, Any]:
    payload = {
        "uuid": str(uuid.uuid4()),
        "consent": True,
        "started_at": (NOW - timedelta(minutes=10)).isoformat(),
        "ended_at": NOW.isoformat(),
        "area_id": 10,
        "street": "Bachstraat",
        "gps": {"lat": 52.37, "lon": 5.21, "accuracy": 12},
        "respondent_type": "resident",
        "age_band": "65_79",
        "answers": {"veilig": "yes"},
        "tags": ["5B2C1F8E-0000-4000-8000-000000000001"],
        "reflection": {"surprised": "Veel", "resident_words": "", "listening_level": "empathic"},
        "contact": {"name": "", "email": "bewoner@example.org", "phone": "", "note": ""},
    }
    payload.update(changes)
    return payload


def test_a_complete_interview_is_accepted():
    clean, errors = validate_interview(SHOW_IF_GUIDE, interview_payload(), CONTEXT, now=NOW)
    assert errors == {}
    assert clean.answers == {"veilig": True}
    assert clean.tag_ids == [7]
    assert clean.gps == {"lat": 52.37, "lon": 5.21, "accuracy": 12.0}
    assert clean.reflection["listening_level"] == "empathic"
    assert clean.contact["email"] == "bewoner@example.org"
    assert (
        clean.fingerprint() == validate_interview(SHOW_IF_GUIDE, interview_payload(uuid=str(clean.uuid)), CONTEXT, now=NOW)[0].fingerprint()
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": False}, "consent", "Record the resident's consent before the interview."),
        ({"consent": None}, "consent", "Record the resident's consent before the interview."),
        ({"uuid": "niet-een-uuid"}, "uuid", "A record needs the UUID the device gave it."),
        ({"started_at": "gisteren"}, "started_at", "Give a date and time."),
        ({"started_at": "2027-03-01T11:00:00"}, "started_at", "Give a date and time with its time zone."),
        ({"ended_at": "2027-03-01T11:00:00+00:00"}, "ended_at", "The interview ends before it starts."),
        ({"ended_at": (NOW + timedelta(days=2)).isoformat()}, "ended_at", "This time is not plausible (check the device's clock)."),
        ({"area_id": 99}, "area_id", "Choose an area of this project."),
        ({"street": "x" * 121}, "street", "At most %(max)s characters."),
        ({"gps": {"lat": 100, "lon": 5}}, "gps", "This location does not exist on earth."),
        ({"respondent_type": "toerist"}, "respondent_type", "Not a valid choice."),
        ({"age_band": "40"}, "age_band", "Not a valid choice."),
        ({"tags": ["onbekend"]}, "tags", "Unknown theme: %(tag)s."),
        ({"answers": {"veilig": "soms"}}, "answers.veilig", "Answer yes or no."),
        ({"answers": ["veilig"]}, "answers", "Answers must be given per question key."),
        (
            {"contact": {"name": "Jan", "email": "", "phone": ""}},
            "contact.email",
            "For feedback we need an email address or a phone number.",
        ),
        ({"contact": {"email": "geen-adres"}}, "contact.email", "This is not an email address."),
        ({"reflection": {"listening_level": "luid"}}, "listening_level", "Not a valid choice."),
        ({"receipt_code": "ABCD-1234"}, "receipt_code", "Not a valid receipt code."),
    ],
)
def test_interview_problems_are_reported_per_field(changes, field, message):
    clean, errors = validate_interview(SHOW_IF_GUIDE, interview_payload(**changes), CONTEXT, now=NOW)
    assert clean is None
    assert message in [m.text for m in errors[field]]


def test_contact_and_reflection_are_optional():
    clean, errors = validate_interview(
        SHOW_IF_GUIDE, interview_payload(contact=None, reflection={"surprised": "", "listening_level": ""}), CONTEXT, now=NOW
    )
    assert errors == {} and clean.contact is None and clean.reflection is None


def test_contributions():
    payload = {
        "uuid": str(uuid.uuid4()),
        "recorded_at": NOW.isoformat(),
        "text": " Te donker\r\nbij de tunnel ",
        "area_id": "11",
        "tags": [],
    }
    clean, errors = validate_contribution(payload, CONTEXT, now=NOW)
    assert errors == {} and clean.text == "Te donker\nbij de tunnel" and clean.area_id == 11
    clean, errors = validate_contribution({**payload, "text": "  ", "area_id": "5"}, CONTEXT, now=NOW)
    assert clean is None
    assert [m.text for m in errors["text"]] == ["Write down what was said."]
    assert [m.text for m in errors["area_id"]] == ["Choose an area of this project."]


@pytest.mark.parametrize(
    ("pattern", "good"),
    [
        ("app.capture.validation:RECEIPT_PATTERN", "AC3D-EFHJ"),
        ("app.capture.validation:EMAIL_PATTERN", "kees@example.nl"),
        ("app.guides.definition:KEY_PATTERN", "groen_oordeel"),
        ("app.codebook.services:KEY_PATTERN", "GRN-KLIM"),
    ],
)
def test_patterns_refuse_a_trailing_line_break(pattern, good):
    """`$` also matches before a final "\\n": a receipt code "AC3D-EFHJ\\n" was accepted and stored so."""
    import importlib

    module, name = pattern.split(":")
    compiled = getattr(importlib.import_module(module), name)
    assert compiled.match(good) and not compiled.match(good + "\n")
