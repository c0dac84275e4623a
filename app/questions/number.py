"""Numbers: a scale of whole numbers (tiles), or a number typed in."""

from __future__ import annotations

import json
import math
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice, StringField

from ..i18n import N_
from ..models import Area, QuestionType
from .base import Formatter, Invalid, QuestionKind, QuestionLike, Workbook, finite_number

SCALE_DEFAULT = (1, 5)


def _bound(value: Any) -> float | None:
    """A bound from the guide editor or a file, or None when it is no finite number."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and abs(number) <= 1e15 else None


def _number_formatter(raw: str | None, text: str) -> tuple[str, float | None]:
    if raw is None or raw == "null":
        return "", None
    try:
        return raw, float(raw)  # a JSON number is its own text
    except ValueError:
        value = json.loads(raw)
        return str(value), float(value) if isinstance(value, (int, float)) else None


class Number(QuestionKind):
    type = QuestionType.number
    reads = "number"
    label = _l("Number")
    show_if_op = "equals"
    xlsform_types = ("integer", "decimal")
    numeric = True
    counted = "number"

    def problems(self, question: QuestionLike) -> list[tuple[str, dict[str, Any]]]:
        problems = super().problems(question)
        low, high = question.config.get("min"), question.config.get("max")
        if (low not in (None, "") and _bound(low) is None) or (high not in (None, "") and _bound(high) is None):
            problems.append((N_("The lowest and highest number must be numbers."), {}))
        elif _bound(low) is not None and _bound(high) is not None and _bound(low) > _bound(high):  # type: ignore[operator]
            problems.append((N_("The lowest number is above the highest."), {}))
        return problems

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> int | float:
        try:
            number = finite_number(value)
        except (ValueError, TypeError):
            raise Invalid("number") from None
        if question.config.get("integer") and number != int(number):
            raise Invalid("whole")
        low, high = question.config.get("min"), question.config.get("max")
        if low not in (None, "") and number < float(low):
            raise Invalid("at_least", min=low)
        if high not in (None, "") and number > float(high):
            raise Invalid("at_most", max=high)
        return int(number) if number == int(number) and abs(number) < 2**53 else number

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        return {"": StringField(question.label, render_kw={"inputmode": "decimal"}, description=question.help)}

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        return _number_formatter


class Scale(Number):
    type = QuestionType.scale
    reads = "scale"
    label = _l("Scale")
    xlsform_types = ()
    counted = "options"

    def count_options(self, question: Any) -> list[tuple[str, str]]:
        low, high = self.range(question)
        ends = {low: question.config.get("min_label", ""), high: question.config.get("max_label", "")}
        return [(str(n), f"{n} ({ends[n]})" if ends.get(n) else str(n)) for n in range(low, high + 1)]

    def count_keys(self, value: Any) -> list[str]:
        return [str(int(value))] if isinstance(value, (int, float)) and not isinstance(value, bool) else []

    def stored_as(self, key: str) -> list[str]:
        return [key, f"{key}.0"] if key.isdigit() and key.isascii() else []

    def range(self, question: Any) -> tuple[int, int]:
        return int(question.config.get("min", SCALE_DEFAULT[0])), int(question.config.get("max", SCALE_DEFAULT[1]))

    def problems(self, question: QuestionLike) -> list[tuple[str, dict[str, Any]]]:
        low, high = _bound(question.config.get("min")), _bound(question.config.get("max"))
        problems = QuestionKind.problems(self, question)
        if low is None or high is None or low != int(low) or high != int(high) or not 0 <= low < high <= 10:
            problems.append((N_("A scale runs between two whole numbers from 0 to 10, the lowest first."), {}))
        return problems

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> int:
        low, high = self.range(question)
        try:
            number = finite_number(value)
        except ValueError:
            number = None  # type: ignore[assignment]
        if number is None or number != int(number) or not low <= number <= high:
            raise Invalid("scale", min=low, max=high)
        return int(number)

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        low, high = self.range(question)
        choices = [SelectChoice(str(n), str(n)) for n in range(low, high + 1)]
        return {"": RadioField(question.label, choices=choices, validate_choice=False, description=question.help)}
