from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..i18n import ACTION_STATUS_LABELS, PRIORITY_LABELS
from ..inputs import database_id
from ..models import ActionStatus, Priority
from .services import YEARS, ActionData


class ActionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], description=_l('E.g. "Extra lantaarnpalen Spoordreef".'))
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)], render_kw={"rows": 4})
    code_id = SelectField(_l("Theme"), validate_choice=False)
    area_id = SelectField(_l("Area"), validate_choice=False)
    location = StringField(_l("Location"), validators=[Length(max=300)], description=_l("Street, square or landmark; no house numbers."))
    priority = SelectField(
        _l("Urgency"), choices=lambda: [SelectChoice(k.value, v) for k, v in PRIORITY_LABELS.items()], default=Priority.medium.value
    )
    department = StringField(_l("Responsible department"), validators=[Length(max=200)])
    element_id = SelectField(_l("Element"), validate_choice=False, description=_l("The public-space element (CROW) it is about, if any."))
    object_ref = StringField(
        _l("Object reference"),
        validators=[Length(max=200)],
        description=_l("The object in the municipality's own registers, e.g. a BGT or asset id."),
    )
    planned_year = StringField(_l("Planned year"), render_kw={"inputmode": "numeric"}, description=_l("E.g. 2028."))
    estimated_cost = StringField(
        _l("Estimated cost (euros)"), render_kw={"inputmode": "numeric"}, description=_l("Whole euros, e.g. 12.500.")
    )
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

    def validate_planned_year(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if text and not (text.isascii() and text.isdigit() and YEARS[0] <= int(text) <= YEARS[1]):
            raise ValidationError(_l("Give a year from %(first)s to %(last)s.", first=YEARS[0], last=YEARS[1]))

    def validate_estimated_cost(self, field: StringField) -> None:
        if (field.data or "").strip() and euros(field.data) is None:
            raise ValidationError(_l("Give the estimated cost in whole euros."))

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
            planned_year=int(self.planned_year.data) if (self.planned_year.data or "").strip() else None,
            estimated_cost=euros(self.estimated_cost.data) if (self.estimated_cost.data or "").strip() else None,
            element_id=database_id(self.element_id.data),
            object_ref=(self.object_ref.data or "").strip(),
        )

    def load(self, action: Any) -> None:
        """The stored values as the form shows them (numbers as people type them)."""
        self.planned_year.data = str(action.planned_year) if action.planned_year else ""
        self.estimated_cost.data = f"{action.estimated_cost:,}".replace(",", ".") if action.estimated_cost is not None else ""
        self.element_id.data = str(action.element_id) if action.element_id else ""


EURO_PATTERN = re.compile(r"(?:€\s*)?(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,(?:-|00?))?\Z")


def euros(text: str | None) -> int | None:
    """Whole euros as people type them: "12500", "12.500", "12 500", "€ 12.500,-"; None for anything else."""
    match = EURO_PATTERN.match((text or "").strip())
    if not match:
        return None
    value = int(re.sub(r"[.\s]", "", match.group(1)))
    return value if value < 10**12 else None
