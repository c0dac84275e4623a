"""Kinds of guide questions: one class per ``QuestionType``, one module per kind, collected here.

Everything that depends on the type of a question is in its kind: how a recorded value is read and
checked, the form field that collects it, how it reads on screen and in the workbook, which show-if
rules may look at it, what is wrong with its settings, which XLSForm types import as it. A new kind
is a module here (and its template partial, templates/capture/questions/<type>.html, if the
default field rendering does not fit).
"""

from __future__ import annotations

from typing import Any

from .area import AreaKind
from .base import QuestionKind
from .choice import MultiChoice, SingleChoice
from .date import Date
from .gps import Gps
from .number import Number, Scale
from .photo import Photo
from .quality import Quality
from .text import LongText, ShortText
from .yes_no import YesNo

KINDS: dict[str, QuestionKind] = {}


def register(kind: QuestionKind) -> QuestionKind:
    KINDS[kind.name] = kind
    return kind


for _kind in (ShortText, LongText, SingleChoice, MultiChoice, Scale, YesNo, Number, Date, AreaKind, Gps, Quality, Photo):
    register(_kind())


def choices() -> list[tuple[str, Any]]:
    """The kinds as the guide editor offers them: (name, label)."""
    return [(name, kind.label) for name, kind in KINDS.items()]


def codable_types() -> list[str]:
    """The types whose answers are statements that can be coded (the open questions)."""
    return [name for name, kind in KINDS.items() if kind.codable]


def device_kinds() -> dict[str, dict[str, Any]]:
    """How the tablet reads each kind offline (static/js/checks.js), by type."""
    return {name: kind.device() for name, kind in KINDS.items()}


def kind_of(question_or_type: Any) -> QuestionKind:
    """The kind of a question (anything with ``type``), or of a type itself."""
    kind = getattr(question_or_type, "type", question_or_type)
    return KINDS[str(getattr(kind, "value", kind))]
