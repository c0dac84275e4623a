"""A date."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField

from ..models import Area, QuestionType
from .base import Invalid, QuestionKind, QuestionLike

DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
DATE_YEARS = (1900, 2100)


class Date(QuestionKind):
    type = QuestionType.date
    reads = "date"
    label = _l("Date")
    xlsform_types = ("date",)

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> str:
        text = value.strip() if isinstance(value, str) else ""
        try:
            if not DATE_PATTERN.match(text):
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            raise Invalid("date") from None
        if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:
            raise Invalid("date_range")
        return day.isoformat()

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        return {"": StringField(question.label, render_kw={"type": "date"}, description=question.help)}
