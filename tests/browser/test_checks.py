"""The tablet checks an interview as the server does (issue 17, finding 2).

static/js/checks.js reads the guide version and the server's description of its checks
(``device_checks``); here it runs in Chromium on generated answers and whole interviews, and every
verdict (which fields have a problem, the message, which questions apply) must equal the one of
app/capture/validation.py on the same input. Runs without the app: the page and the module are
served by Playwright from the repository's static folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.capture.validation import MESSAGES, Context, device_checks, is_shown, validate_answers, validate_interview
from app.models import QuestionType
from app.questions.quality import QUALITY_LEVELS

pytestmark = pytest.mark.browser
STATIC = Path(__file__).resolve().parents[2] / "static"
EXAMPLES = int(os.environ.get("CHECKS_EXAMPLES", "150"))
AREAS = {1, 2}
OPTIONS = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c d", "label": "C D"}]


def question(key: str, kind: str, required: bool = False, options: Any = None, config: Any = None, show_if: Any = None) -> dict[str, Any]:
    return {
        "key": key,
        "type": kind,
        "label": key,
        "help": "",
        "required": required,
        "options": options or [],
        "config": config or {},
        "show_if": show_if,
    }


# Every kind of question, with bounds, required ones and show-if rules on each kind a rule may use.
GUIDE = [
    question("naam", "short_text", required=True),
    question("verhaal", "long_text"),
    question("keuze", "single_choice", options=OPTIONS),
    question("keuzes", "multi_choice", options=OPTIONS, required=True),
    question("schaal", "scale", config={"min": 0, "max": 10}),
    question("schaal_standaard", "scale"),
    question("veilig", "yes_no"),
    question("jaren", "number", config={"min": -5, "max": 100, "integer": True}, required=True),
    question("bedrag", "number", config={"min": 0.5}),
    question("vrij_getal", "number"),
    question("datum", "date"),
    question("kwaliteit", "quality", config={"element": "Groen"}),
    question("plek", "gps"),
    question("gebied", "area"),
    question("als_veilig", "short_text", required=True, show_if={"question": "veilig", "op": "equals", "value": "yes"}),
    question("als_b", "yes_no", required=True, show_if={"question": "keuzes", "op": "includes", "value": "b"}),
    question("als_vijf", "short_text", required=True, show_if={"question": "jaren", "op": "equals", "value": "5"}),
    question("als_schaal", "number", required=True, show_if={"question": "schaal", "op": "equals", "value": "3"}),
    question("als_keuze", "date", required=True, show_if={"question": "keuze", "op": "equals", "value": "c d"}),
    question("als_kwaliteit", "quality", required=True, show_if={"question": "kwaliteit", "op": "equals", "value": "C"}),
    question("als_tekst", "number", show_if={"question": "naam", "op": "equals", "value": "ja"}),
    question("als_als", "short_text", required=True, show_if={"question": "als_b", "op": "equals", "value": "no"}),
]
QUESTIONS = [SimpleNamespace(**{**q, "type": QuestionType(q["type"])}) for q in GUIDE]
DEFINITION = {"guide": {"id": 1, "sections": [{"title": "", "questions": GUIDE}]}, "checks": device_checks(lambda text: text)}

ODD = ["", " ", "\u00a0", "\ufeff", "\x85", "\u2028", "\x1c", "\x00", "\x07", "\ud800", "\udfff", "😀", "e\u0301", "\r\n", "\t"]
SPECIAL_NUMBERS = [
    "1e999",
    "-1e999",
    "1e-400",
    "nan",
    "inf",
    "Infinity",
    "0x10",
    "1_000",
    "١٢",
    "²",
    "1,000.5",
    "1.000,5",
    "5,0",
    ".5",
    "5.",
    "+3",
    "-0",
    "1 250",
    "\u00a05",
    "5\u00a0",
    "  7  ",
    "5,",
    ",5",
    "1e5",
    "1E-2",
    "12 jaar",
    "3",
    "5",
    "100",
    "101",
    "-5",
    "-6",
    "0.5",
    "0,49",
    "9007199254740993",
    "3.0",
    "3,0",
    "03",
]
numbers = st.one_of(
    st.sampled_from(SPECIAL_NUMBERS),
    st.from_regex(r"\A[ +-]?[0-9 ]{0,5}([.,][0-9]{0,3})?([eE][+-]?[0-9]{1,3})?\Z"),
    st.integers(-20, 120).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
texts = st.one_of(
    st.lists(st.sampled_from(["a", "b", " ", "é", *ODD]), max_size=6).map("".join),
    st.tuples(
        st.sampled_from(["", " ", "\u00a0", "\ufeff", "\x85"]), st.integers(495, 505), st.sampled_from(["", " ", "\x1c", "\u3000"])
    ).map(lambda t: t[0] + "x" * t[1] + t[2]),
    st.integers(495, 505).map(lambda n: "e\u0301" * n),  # NFC makes two characters one
    st.integers(495, 505).map(lambda n: "😀" * n),  # one character, two UTF-16 units
)
choice_values = st.sampled_from(["a", "b", "c d", " a ", "x", "", "A", "\u00a0b", "b\u0085", "😀"])
dates = st.one_of(
    st.sampled_from(
        [
            "2024-02-29",
            "2023-02-29",
            "2024-02-30",
            "1899-12-31",
            "1900-01-01",
            "2100-12-31",
            "2101-01-01",
            "0000-01-01",
            "20240101",
            "2024-W01-1",
            "2024-1-1",
            " 2024-05-01 ",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "１２３４-01-01",
        ]
    ),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
)
levels = st.sampled_from([*QUALITY_LEVELS, "a+", " b ", "E", "", "ß", "c\u00a0"])
yes_no = st.sampled_from(["yes", "no", "ja", "Nee", " TRUE ", "false", "y", "", "maybe", "JA\u00a0"])
points = st.fixed_dictionaries(
    {
        "lat": st.one_of(numbers, st.sampled_from(["52.37", "91", "-90", "90.0000001"])),
        "lon": st.one_of(numbers, st.sampled_from(["5.21", "180", "-180.5"])),
        "accuracy": st.one_of(numbers, st.just("")),
    }
)
areas = st.sampled_from(["1", "2", "3", "²", " 2 ", "0", "", "99999999999", "01"])
VALUES = {
    "short_text": texts,
    "long_text": texts,
    "single_choice": choice_values,
    "multi_choice": st.lists(choice_values, max_size=4),
    "scale": numbers,
    "yes_no": yes_no,
    "number": numbers,
    "date": dates,
    "quality": levels,
    "gps": points,
    "area": areas,
}
answers = st.fixed_dictionaries({}, optional={q["key"]: st.one_of(st.none(), VALUES[q["type"]]) for q in GUIDE})


def server_verdict(raw: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    clean, errors = validate_answers(QUESTIONS, raw, Context(area_ids=AREAS))
    shown = [q.key for q in QUESTIONS if is_shown(q, clean)]
    return {
        key: messages[0].text % messages[0].params if messages[0].params else messages[0].text for key, messages in errors.items()
    }, shown


@pytest.fixture(scope="module")
def checks_page(chromium: Any) -> Iterator[Any]:
    """A page with static/js/checks.js loaded as ``window.check``, served from the repository."""
    context = chromium.new_context()
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def serve(route: Any) -> None:
        path = route.request.url.split("/static/", 1)[-1]
        route.fulfill(path=str(STATIC / path), content_type="text/javascript") if "/static/" in route.request.url else route.fulfill(
            body="<!doctype html><title>checks</title>", content_type="text/html"
        )

    page.route("http://checks.test/**", serve)
    page.goto("http://checks.test/")
    page.evaluate(
        """async (definition) => {
            const { checker } = await import("/static/js/checks.js");
            window.check = checker(JSON.parse(definition));
        }""",
        json.dumps(DEFINITION),
    )
    yield page
    assert page.errors == []
    context.close()


def device_verdict(page: Any, method: str, raw: Any) -> dict[str, Any]:
    # As JSON text with \\u escapes: a lone surrogate reaches the page as the one a form would hold.
    return page.evaluate(
        """([method, raw]) => {
            const { errors, shown } = window.check[method](JSON.parse(raw), { areas: new Set([1, 2]) });
            return { errors: Object.fromEntries(Object.entries(errors).map(([key, problem]) => [key, window.check.message(problem)])), shown: [...shown] };
        }""",
        [method, json.dumps(raw)],
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CHECKS_RANDOM") is None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=answers)
def test_answers_are_judged_on_the_tablet_as_on_the_server(checks_page, raw):
    errors, shown = server_verdict(raw)
    device = device_verdict(checks_page, "answers", raw)
    assert device["errors"] == errors
    assert device["shown"] == shown


contacts = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "name": st.one_of(texts, st.just("")),
            "email": st.sampled_from(
                ["", "kees@example.nl", "kees@example", "kees example.nl", "k@e.nl\u00a0", " k@e.nl", "a@b.c" + "x" * 250, "k\x00@e.nl"]
            ),
            "phone": st.sampled_from(["", "06 1234 5678", "0" * 41, "\u00a0"]),
            "note": st.one_of(texts, st.just("")),
        }
    ),
)
interviews = st.fixed_dictionaries(
    {
        "consent": st.booleans(),
        "area_id": st.one_of(st.none(), st.sampled_from([1, 2, 3, 0, 2**31])),
        "street": st.one_of(texts, st.integers(118, 122).map(lambda n: "s" * n), st.just("")),
        "gps": st.one_of(st.none(), points),
        "answers": answers,
        "reflection": st.fixed_dictionaries(
            {"surprised": st.one_of(texts, st.just("")), "resident_words": st.one_of(texts, st.just("")), "listening_level": st.none()}
        ),
        "contact": contacts,
    }
)
# What the page fills in itself; the tablet's checks leave these to the server.
FILLED_IN = {"uuid", "started_at", "ended_at", "tags", "receipt_code", "respondent_type", "age_band", "reflection.listening_level"}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CHECKS_RANDOM") is None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(form=interviews)
def test_whole_interviews_are_judged_on_the_tablet_as_on_the_server(checks_page, form):
    payload = {
        "uuid": "7d1f3c59-1111-4a36-9d1e-0c1a4c4f4f4f",
        "started_at": "2026-11-30T10:00:00+00:00",
        "ended_at": "2026-11-30T10:10:00+00:00",
        "tags": [],
        **form,
    }
    if payload["contact"] is None:
        del payload["contact"]
    _clean, errors = validate_interview(QUESTIONS, payload, Context(area_ids=AREAS, code_ids_by_uuid={}))
    expected = {key: m[0].text % m[0].params if m[0].params else m[0].text for key, m in errors.items() if key not in FILLED_IN}
    assert device_verdict(checks_page, "interview", payload)["errors"] == expected


def test_the_description_names_every_message_the_tablet_uses():
    """A message name the module uses must be one the server defines (else the tablet shows the name)."""
    source = (STATIC / "js" / "checks.js").read_text()
    import re

    used = set(re.findall(r'(?:fail|Problem)\("(\w+)"', source))
    assert used and used <= set(MESSAGES)
    assert set(device_checks(lambda t: t)["messages"]) == set(MESSAGES)
