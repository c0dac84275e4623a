"""One of the project's areas."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField

from ..extensions import db
from ..inputs import database_id
from ..models import Area, QuestionType
from ..widgets import area_choices
from .base import Areas, Formatter, Invalid, QuestionKind, QuestionLike, Workbook, decoded


class AreaKind(QuestionKind):
    type = QuestionType.area
    reads = "area"
    label = _l("Area")

    def coerce(self, question: QuestionLike, value: Any, areas: Areas) -> int:
        area_id = database_id(value)
        if area_id is None or not areas.has_area(area_id):
            raise Invalid("area")
        return area_id

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        return {"": SelectField(question.label, choices=area_choices(areas), validate_choice=False, description=question.help)}

    def text(self, question: Any, value: Any) -> str:
        area = db.session.get(Area, value)
        return area.label if area else "–"

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        return decoded(lambda value: (workbook.area_path(value) if isinstance(value, int) else "", None))
