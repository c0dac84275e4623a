"""Forms for planning rounds and for an information-round session."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..i18n import INFO_FORMAT_LABELS
from ..questions.photo import PhotoListField
from ..widgets import IntegerField, MultiCheckboxField


class RoundForm(FlaskForm):
    STREET_FIELDS = ("starts_on", "ends_on", "area_ids")
    INFO_FIELDS = ("info_format", "place", "starts_at")

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], description=_l('E.g. "Street interviews round 1".'))
    guide_id = SelectField(_l("Interview guide"), validate_choice=False)
    # street interviews
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("Until"), validators=[Optional()])
    area_ids = MultiCheckboxField(_l("Areas"), validate_choice=False)
    interviewer_ids = MultiCheckboxField(
        _l("Interviewers"), validate_choice=False, description=_l("Nobody chosen: every interviewer of the project may record.")
    )
    # information round
    info_format = SelectField(_l("Kind of meeting"), choices=[SelectChoice(k.value, v) for k, v in INFO_FORMAT_LABELS.items()])
    place = StringField(_l("Place"), validators=[Length(max=200)], description=_l('E.g. "Wijkcentrum De Ontmoeting".'))
    starts_at = DateTimeLocalField(_l("Starts at"), validators=[Optional()], format="%Y-%m-%dT%H:%M")

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date is before the start date."))


class SessionForm(FlaskForm):
    attendee_count = IntegerField(_l("Number of attendees"), validators=[Optional(), NumberRange(min=0, max=100_000)])
    session_notes = TextAreaField(_l("Session notes"), validators=[Length(max=20_000)], render_kw={"rows": 4})
    photos = PhotoListField()  # photos taken since the details were last saved (their files follow)
