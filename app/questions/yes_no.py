"""Yes or no."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice

from ..models import Area, QuestionType
from .base import Formatter, Invalid, QuestionKind, QuestionLike, Workbook

YES_WORDS, NO_WORDS = ("yes", "ja", "true"), ("no", "nee", "false")


class YesNo(QuestionKind):
    type = QuestionType.yes_no
    reads = "yes_no"
    label = _l("Yes / no")
    show_if_op = "equals"
    counted = "options"

    def count_options(self, question: Any) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def count_keys(self, value: Any) -> list[str]:
        return ["yes" if value else "no"] if isinstance(value, bool) else []

    def stored_as(self, key: str) -> list[str]:
        return ["true"] if key == "yes" else ["false"] if key == "no" else []

    def show_if_values(self, question: QuestionLike) -> list[str] | None:
        return ["yes", "no"]

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        raise Invalid("yes_no")

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
        return {"": RadioField(question.label, choices=choices, validate_choice=False, description=question.help)}

    def text(self, question: Any, value: Any) -> str:
        return _("Yes") if value else _("No")

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        yes, no = _("Yes"), _("No")
        return lambda raw, text: ("", None) if raw is None or raw == "null" else ((yes, 1.0) if raw == "true" else (no, 0.0))
