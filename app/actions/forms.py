from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..i18n import ACTION_STATUS_LABELS, PRIORITY_LABELS
from ..inputs import database_id
from ..models import ActionStatus, Priority
from .services import ActionData


class ActionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], description=_l('E.g. "Extra lantaarnpalen Spoordreef".'))
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)], render_kw={"rows": 4})
    code_id = SelectField(_l("Theme"), validate_choice=False)
    area_id = SelectField(_l("Area"), validate_choice=False)
    location = StringField(_l("Location"), validators=[Length(max=300)], description=_l("Street, square or landmark; no house numbers."))
    priority = SelectField(
        _l("Priority"), choices=lambda: [SelectChoice(k.value, v) for k, v in PRIORITY_LABELS.items()], default=Priority.medium.value
    )
    department = StringField(_l("Responsible department"), validators=[Length(max=200)])
    status = SelectField(
        _l("Status"), choices=lambda: [SelectChoice(k.value, v) for k, v in ACTION_STATUS_LABELS.items()], default=ActionStatus.new.value
    )
    rejection_reason = TextAreaField(
        _l("Reason for rejection"),
        validators=[Length(max=5000)],
        render_kw={"rows": 2},
        description=_l("Required when the action is rejected."),
    )
    feedback_given = BooleanField(_l("Residents have heard back"))

    def to_data(self) -> ActionData:
        return ActionData(
            title=self.title.data or "",
            description=self.description.data or "",
            code_id=database_id(self.code_id.data),
            area_id=database_id(self.area_id.data),
            location=(self.location.data or "").strip(),
            priority=Priority(self.priority.data),
            department=(self.department.data or "").strip(),
            status=ActionStatus(self.status.data),
            rejection_reason=(self.rejection_reason.data or "").strip(),
            feedback_given=bool(self.feedback_given.data),
        )
