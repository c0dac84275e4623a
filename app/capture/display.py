"""How a stored answer reads on screen."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..extensions import db
from ..i18n import QUALITY_LABELS
from ..models import Area, Question, QuestionType


def answer_text(question: Question, value: Any) -> str:
    labels = {o["value"]: o["label"] for o in question.options or []}
    kind = question.type
    if kind == QuestionType.single_choice:
        return labels.get(value, str(value))
    if kind == QuestionType.multi_choice:
        return ", ".join(labels.get(v, str(v)) for v in value)
    if kind == QuestionType.yes_no:
        return _("Yes") if value else _("No")
    if kind == QuestionType.area:
        area = db.session.get(Area, value)
        return area.path.replace("/", " › ") if area else "–"
    if kind == QuestionType.gps:
        accuracy = f" (± {round(value['accuracy'])} m)" if value.get("accuracy") is not None else ""
        return f"{value['lat']}, {value['lon']}{accuracy}"
    if kind == QuestionType.quality:
        return str(QUALITY_LABELS.get(value, value))
    return str(value)
