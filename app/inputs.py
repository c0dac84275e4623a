"""What any input must be before the app looks at it: storable text, ids a database key can hold,
JSON of a sane shape. One place, so that every path (forms, query strings, the sync API, backup
files, imports) answers the same bad value with the same clear 4xx instead of a 500 or garbage.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .i18n import N_

DATABASE_INT_MAX = 2**31 - 1  # every table's key (PostgreSQL's integer)
JSON_INT_MAX = 2**53  # what a browser's JSON can carry exactly
MAX_JSON_DEPTH = 32
DIGITS = re.compile(r"[0-9]{1,10}\Z")
# Control characters other than tab and line breaks, and halves of a surrogate pair: no text a
# person typed holds them, UTF-8 cannot store the latter, PostgreSQL refuses NUL, and escape
# sequences would reach a coordinator's terminal through the logs.
# Written with escapes so that the tablet's checks can use the same source (a JavaScript RegExp
# with the "u" flag, where a surrogate range matches halves only).
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None


def database_id(value: Any) -> int | None:
    """An id as a device or a form sends it (a number or its digits), or None if it can name nothing."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and DIGITS.match(value.strip()):  # not str.isdigit(): "²" is a digit to it
        value = int(value.strip())
    if isinstance(value, int) and 0 < value <= DATABASE_INT_MAX:
        return value
    return None


class JSONRefused(ValueError):
    """The body is not JSON the app takes; ``where`` names the place, ``reason`` says what is wrong."""

    def __init__(self, reason: str, where: str = ""):
        super().__init__(reason)
        self.reason, self.where = reason, where


def _no_constant(name: str) -> Any:
    raise JSONRefused("not-a-number", "")


def parse_json(data: bytes | str) -> Any:
    """JSON as the standard defines it (no NaN or Infinity); too deep for the parser is a syntax error.

    What the values may be (and how deep a record nests) is json_problem's to say, per record."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        document = json.loads(text, parse_constant=_no_constant)
    except JSONRefused:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise JSONRefused("syntax") from None
    return document


def json_problem(value: Any, where: str = "", depth: int = 0) -> JSONRefused | None:
    """The first value in a JSON document no field of the app can take, or None."""
    if depth > MAX_JSON_DEPTH:
        return JSONRefused("depth", where)
    if isinstance(value, str):
        return None if storable(value) else JSONRefused("characters", where)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if abs(value) <= JSON_INT_MAX else JSONRefused("number", where)
    if isinstance(value, float):
        return None if math.isfinite(value) else JSONRefused("number", where)
    if isinstance(value, list):
        for index, item in enumerate(value):
            problem = json_problem(item, f"{where}.{index}" if where else str(index), depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not storable(key):
                return JSONRefused("characters", where)
            problem = json_problem(item, f"{where}.{key}" if where else str(key), depth + 1)
            if problem:
                return problem
    return None


REASONS = {
    "characters": N_("This text holds a character that cannot be stored (a control character or half of a character pair)."),
    "number": N_("This number is out of range."),
    "depth": N_("The data is nested too deeply."),
    "not-a-number": N_("The body is not valid JSON."),
    "syntax": N_("The body is not valid JSON."),
}


def reason_text(problem: JSONRefused) -> str:
    """The message id for a refusal (translated where it is shown)."""
    return REASONS[problem.reason]


def query_id(value: str) -> int:
    """``request.args.get("round", type=query_id)``: an id, or the default for one that can name nothing."""
    found = database_id(value)
    if found is None:
        raise ValueError(value)
    return found


def page_number(value: str) -> int:
    """A page or position in a list: 1 to 100,000 (beyond that no list goes; an offset stays small)."""
    number = int(value)
    if not 1 <= number <= 100_000:
        raise ValueError(value)
    return number


def list_position(value: str) -> int:
    """A 0-based position in a filtered list (the coding queue's previous and next)."""
    number = int(value)
    if not 0 <= number <= DATABASE_INT_MAX:
        raise ValueError(value)
    return number
