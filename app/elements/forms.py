"""Forms of the elements page: target levels for one area (or the project), and an element's details."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..i18n import QUALITY_LABELS
from ..models import Element
from .services import LEVELS


class ElementForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    group = StringField(_l("Group"), validators=[Length(max=60)], description=_l('E.g. "Groen", "Verharding", "Reiniging".'))
    aspects = StringField(_l("What is looked at"), validators=[Length(max=300)], description=_l('E.g. "gaten, scheuren, oneffenheden".'))
    archived = BooleanField(_l("Archived (no longer offered for new questions)"))


class TargetsForm(FlaskForm):
    """One select per element, named ``e<id>``; the empty choice: no target of its own."""

    field_names: list[tuple[Element, str]]

    @classmethod
    def build(cls, elements: list[Element], empty: Any, data: Any = None) -> TargetsForm:
        attrs: dict[str, Any] = {}
        for element in elements:
            choices = [SelectChoice("", empty(element))] + [SelectChoice(lv, QUALITY_LABELS[lv]) for lv in LEVELS]
            attrs[f"e{element.id}"] = SelectField(element.name, choices=choices)
        form_class = type("ElementTargetsForm", (cls,), attrs)
        form = form_class(formdata=data) if data is not None else form_class()
        form.field_names = [(e, f"e{e.id}") for e in elements]
        return form

    def levels(self) -> dict[int, str | None]:
        return {element.id: (self[name].data or None) for element, name in self.field_names}
