"""Forms for projects and their members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..i18n import RESPONDENT_LABELS, ROLE_LABELS
from ..models import Role
from ..models.projects import DEFAULT_RESPONDENTS
from ..widgets import IntegerField, MultiCheckboxField
from .services import ProjectData


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class ProjectForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l('For example "Groot onderhoud Muziekwijk Zuid 2027".'),
    )
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=5000)])
    sponsor = StringField(_l("Sponsor"), validators=[Length(max=200)], description=_l("The director who commissions the project."))
    starts_on = DateField(_l("Start date"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    resident_text = TextAreaField(
        _l("Text for residents"),
        validators=[Length(max=5000)],
        description=_l("Read out before each interview: what happens with the resident's input."),
    )
    contact_info = TextAreaField(
        _l("How residents reach the municipality"),
        validators=[Length(max=1000)],
        description=_l("On the public information page and the card residents get: a phone number, an e-mail address, a web page."),
    )
    retention_months = IntegerField(
        _l("Keep the input for (months)"),
        default=24,
        validators=[DataRequired(), NumberRange(min=1, max=120)],
        description=_l("Interviews and contributions older than this are deleted; action items keep their own text."),
    )
    personal_retention_months = IntegerField(
        _l("Keep personal data for (months)"),
        default=12,
        validators=[DataRequired(), NumberRange(min=1, max=120)],
        description=_l("Contact details, exact GPS points and addresses, e-mail addresses and phone numbers in what residents said."),
    )
    interviewers_may_code = BooleanField(
        _l("Interviewers may code their own input"),
        description=_l("They see only what they recorded themselves on the coding workbench."),
    )
    small_numbers = IntegerField(
        _l("Hide figures based on fewer people than"),
        default=3,
        validators=[DataRequired(), NumberRange(min=1, max=100)],
        description=_l("Policy makers see such a figure as “< n” on the dashboards, so no one in a small street can be recognised."),
    )
    publish_results = BooleanField(
        _l("Show the results on the public information page"),
        description=_l(
            "Residents who scan the information card see the themes heard per area (no texts; small numbers hidden) and the action items with their status."
        ),
    )
    respondent_types = MultiCheckboxField(
        _l("Who is heard"),
        description=_l("The kinds of respondent an interview offers to choose from."),
        choices=lambda: [SelectChoice(k.value, v) for k, v in RESPONDENT_LABELS.items()],
        validators=[DataRequired(_l("Choose at least one kind of respondent."))],
        default=list(DEFAULT_RESPONDENTS),
    )
    named_contacts = BooleanField(
        _l("Record who was heard by name (initiators, organisations)"),
        description=_l(
            "Only for talks with people who speak for an initiative or an organisation. Names are kept apart from the answers, "
            "seen only by who may see contact details, and removed with the personal data."
        ),
    )
    archived = BooleanField(_l("Archived"))

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date is before the start date."))

    def validate_personal_retention_months(self, field: IntegerField) -> None:
        if field.data and self.retention_months.data and field.data > self.retention_months.data:
            raise ValidationError(_l("Personal data cannot be kept longer than the input itself."))

    def to_data(self) -> ProjectData:
        return ProjectData(
            name=self.name.data.strip(),
            purpose=self.purpose.data or "",
            sponsor=(self.sponsor.data or "").strip(),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            resident_text=self.resident_text.data or "",
            contact_info=self.contact_info.data or "",
            retention_months=self.retention_months.data,
            personal_retention_months=self.personal_retention_months.data,
            interviewers_may_code=bool(self.interviewers_may_code.data),
            small_numbers=self.small_numbers.data,
            publish_results=bool(self.publish_results.data),
            archived=bool(self.archived.data),
            named_contacts=bool(self.named_contacts.data) if self.named_contacts else False,
            respondent_types=[k.value for k in RESPONDENT_LABELS if k.value in (self.respondent_types.data or [])]
            if self.respondent_types
            else None,
        )


class NewProjectForm(ProjectForm):
    """A new project starts empty, from a template, or from another project's set-up; who is heard
    comes with that start (and is changed in the settings)."""

    respondent_types = None  # type: ignore[assignment]
    named_contacts = None  # type: ignore[assignment]
    start = RadioField(_l("Start with"), validate_choice=False, default="empty")
    copy_from = SelectField(_l("Project to copy the set-up of"), validate_choice=False)

    def to_data(self) -> ProjectData:
        return ProjectData(**{**ProjectForm.to_data(self).__dict__, "respondent_types": None, "named_contacts": False})


class MemberForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices, default=Role.interviewer.value)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
