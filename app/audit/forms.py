"""The audit log's filter bar (a GET form: filters belong in the address)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from .labels import ACTIONS, OBJECTS, RESULTS
from .queries import AuditFilters


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Who (e-mail address)"), validators=[Length(max=254)])
    action = SelectField(_l("What happened"), validate_choice=False)
    object_type = SelectField(_l("Object"), validate_choice=False)
    object_id = StringField(_l("Object number"), validators=[Length(max=64)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    result = SelectField(
        _l("Result"),
        choices=[
            SelectChoice("", _l("any")),
            *(SelectChoice(value, label) for value, label in RESULTS.items()),
        ],
        default="",
    )

    def prepare(self, object_types: list[str]) -> AuditFilterForm:
        self.action.choices = [
            SelectChoice("", _l("anything")),
            *sorted((SelectChoice(a, str(label)) for a, label in ACTIONS.items()), key=lambda c: c.label),
        ]
        self.object_type.choices = [SelectChoice("", _l("any")), *(SelectChoice(t, OBJECTS.get(t, t)) for t in object_types)]
        return self

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self) -> AuditFilters:
        return AuditFilters(
            actor=(self.actor.data or "").strip(),
            action=(self.action.data or "").strip(),
            object_type=self.object_type.data or "",
            object_id=(self.object_id.data or "").strip(),
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            result=self.result.data or "",
        )
