"""Open questions: a line of text, or a longer story."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField, TextAreaField

from ..inputs import storable
from ..models import Area, QuestionType
from ..text import normalise_text
from .base import Formatter, Invalid, QuestionKind, QuestionLike, Workbook

MAX_SHORT_TEXT = 500
MAX_LONG_TEXT = 10_000


class ShortText(QuestionKind):
    type = QuestionType.short_text
    label = _l("Short text")
    limit: ClassVar[int] = MAX_SHORT_TEXT
    codable = True
    reads = "text"
    show_if_op = "equals"
    xlsform_types = ("text",)

    def device(self) -> dict[str, Any]:
        return {"reads": self.reads, "limit": self.limit}

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> str:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or value != value:
            raise Invalid("text")
        if isinstance(value, str) and not storable(value):
            raise Invalid("unstorable")
        text = normalise_text(value)
        if len(text) > self.limit:
            raise Invalid("too_long", max=self.limit)
        return text

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        return {"": StringField(question.label, description=question.help)}

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        return lambda raw, text: (workbook.text(text), None)  # the words are in the answer's text


class LongText(ShortText):
    type = QuestionType.long_text
    label = _l("Long text")
    limit = MAX_LONG_TEXT
    show_if_op = None
    xlsform_types = ()

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        return {"": TextAreaField(question.label, description=question.help)}
