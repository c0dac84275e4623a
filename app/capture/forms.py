"""HTML forms for capture, built from the guide version (as indico builds survey forms).

The fields only collect what was entered; checking is done by ``validation``, the same code the
sync API uses, and its messages are put back on the fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..guides.services import version_json
from ..i18n import AGE_BAND_LABELS, LISTENING_LABELS, QUALITY_LABELS, RESPONDENT_LABELS
from ..models import Area, Code, Element, GuideVersion, Question, RespondentType
from ..models.projects import DEFAULT_RESPONDENTS
from ..questions import kind_of
from ..questions.photo import PhotoListField
from ..questions.quality import QUALITY_LEVELS
from ..widgets import MultiCheckboxField, area_choices
from .validation import Errors, device_checks


def field_name(question: Question) -> str:
    return f"q_{question.id}"


class InterviewFormBase(FlaskForm):
    uuid = HiddenField()
    started_at = HiddenField()
    mode = HiddenField(default="talk")  # "self" while the resident fills it in alone, "paper" when typed in from paper
    filled_on = DateField(_l("Filled in on"), validators=[Optional()], description=_l("The day on the paper form."))
    consent = BooleanField(_l("The resident has heard the text above and agrees to the interview"))
    area_id = SelectField(_l("Area"), validate_choice=False)
    street = StringField(_l("Street (no house number)"), render_kw={"autocomplete": "off"})
    gps_lat = StringField(_l("Latitude"), render_kw={"inputmode": "decimal"})
    gps_lon = StringField(_l("Longitude"), render_kw={"inputmode": "decimal"})
    gps_accuracy = StringField(_l("Accuracy (metres)"), render_kw={"inputmode": "decimal"})
    respondent_type = RadioField(_l("Who is the resident?"), validate_choice=False)
    age_band = SelectField(_l("Age"), validate_choice=False)
    tags = MultiCheckboxField(_l("Themes mentioned"), validate_choice=False)
    surprised = TextAreaField(_l("What surprised me?"))
    resident_words = TextAreaField(_l("In the resident's words"))
    listening_level = RadioField(_l("I mostly listened from"), validate_choice=False)
    contact_wanted = BooleanField(_l("The resident asks for feedback and leaves contact details"))
    contact_name = StringField(_l("Name"), render_kw={"autocomplete": "off"})
    contact_email = EmailField(_l("Email address"), render_kw={"autocomplete": "off"})
    contact_phone = StringField(_l("Phone"), render_kw={"autocomplete": "off", "inputmode": "tel"})
    contact_note = TextAreaField(_l("What the resident wants to hear back about"))
    # Who was heard, by name: only where the project allows it (the page shows these fields then).
    named_name = StringField(_l("Name of who was heard"), render_kw={"autocomplete": "off"})
    named_organisation = StringField(_l("Organisation or initiative"), render_kw={"autocomplete": "off"})


def interview_form(
    version: GuideVersion, areas: list[Area], codes: list[Code], respondents: Sequence[str] = DEFAULT_RESPONDENTS, **kwargs: Any
) -> InterviewFormBase:
    """A form class for this guide version, instantiated (from the request, or ``obj``/data).
    ``respondents``: the kinds of respondent the project offers, in its order."""

    class InterviewForm(InterviewFormBase):
        pass

    for question in version.questions:
        name = field_name(question)
        for suffix, question_field in kind_of(question).form_fields(question, areas).items():
            setattr(InterviewForm, name + suffix, question_field)
    form = InterviewForm(**kwargs)
    form.area_id.choices = area_choices(areas)
    form.respondent_type.choices = [SelectChoice(k, RESPONDENT_LABELS[RespondentType(k)]) for k in respondents]
    form.age_band.choices = [SelectChoice("", "—")] + [SelectChoice(k.value, v) for k, v in AGE_BAND_LABELS.items()]
    form.listening_level.choices = [SelectChoice(k.value, v) for k, v in LISTENING_LABELS.items()]
    form.tags.choices = [SelectChoice(str(c.uuid), c.name) for c in codes]
    if not form.uuid.data:
        form.uuid.data = str(uuid.uuid4())
    if not form.started_at.data:
        form.started_at.data = datetime.now(UTC).isoformat(timespec="seconds")
    return form


def payload_of(form: InterviewFormBase, version: GuideVersion, now: datetime | None = None) -> dict[str, Any]:
    """The form's content in the shape the validator (and the sync API) takes."""
    answers: dict[str, Any] = {}
    for question in version.questions:
        answers[question.key] = kind_of(question).form_value(form, field_name(question))
    started = form.started_at.data
    if form.mode.data == "paper" and form.filled_on.data:  # the day it was written, at noon where the project is
        started = datetime.combine(form.filled_on.data, time(12), tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).isoformat()
    payload: dict[str, Any] = {
        "uuid": form.uuid.data,
        "started_at": started,
        "ended_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "consent": form.consent.data,
        "area_id": form.area_id.data,
        "street": form.street.data,
        "gps": {"lat": form.gps_lat.data, "lon": form.gps_lon.data, "accuracy": form.gps_accuracy.data},
        "respondent_type": form.respondent_type.data,
        "age_band": form.age_band.data,
        "mode": form.mode.data or "talk",
        "answers": answers,
        "tags": form.tags.data or [],
        "reflection": {
            "surprised": form.surprised.data,
            "resident_words": form.resident_words.data,
            "listening_level": form.listening_level.data,
        },
    }
    if form.contact_wanted.data:
        payload["contact"] = {
            "name": form.contact_name.data,
            "email": form.contact_email.data,
            "phone": form.contact_phone.data,
            "note": form.contact_note.data,
        }
    if (form.named_name.data or "").strip() or (form.named_organisation.data or "").strip():
        payload["named"] = {"name": form.named_name.data, "organisation": form.named_organisation.data}
    return payload


def show_errors(form: FlaskForm, version: GuideVersion, errors: Errors) -> None:
    """Put the validator's messages on the form's fields, translated."""
    by_key = {q.key: q for q in version.questions}
    # Hidden fields (uuid, times) cannot show a message: theirs go to the top of the form.
    targets = {
        "gps": "gps_lat",
        "contact.email": "contact_email",
        "contact.name": "contact_name",
        "contact.phone": "contact_phone",
        "contact.note": "contact_note",
        "reflection.listening_level": "listening_level",
        "uuid": "",
        "started_at": "",
        "ended_at": "",
    }
    for key, messages in errors.items():
        if key.startswith("answers."):
            question = by_key.get(key.removeprefix("answers."))
            name = kind_of(question).error_field(field_name(question)) if question else None
        else:
            name = targets.get(key, key)
        target = form._fields.get(name) if name else None
        texts = [_(m.text, **m.params) for m in messages]
        if target is None:
            form.form_errors.extend(texts)
        else:
            target.errors = list(target.errors) + texts


class ContributionForm(FlaskForm):
    uuid = HiddenField()
    text = TextAreaField(_l("What was said"), render_kw={"rows": 3})
    area_id = SelectField(_l("Area"), validate_choice=False)
    street = StringField(_l("Street (no house number)"), render_kw={"autocomplete": "off"})
    tags = MultiCheckboxField(_l("Theme"), validate_choice=False)
    photos = PhotoListField()
    # An observation on a walk (shown on a walk's page): where exactly, the element and how it looks.
    gps_lat = StringField(_l("Latitude"), render_kw={"inputmode": "decimal"})
    gps_lon = StringField(_l("Longitude"), render_kw={"inputmode": "decimal"})
    gps_accuracy = StringField(_l("Accuracy (metres)"), render_kw={"inputmode": "decimal"})
    element_id = SelectField(_l("Public-space element"), validate_choice=False)
    quality = RadioField(_l("How does it look?"), validate_choice=False)
    receipt_code = StringField(
        _l("Receipt code (optional)"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 12},
        description=_l("When the resident takes a card: the code written on it, so they can see or withdraw what they said."),
    )

    def prepare(self, areas: list[Area], codes: list[Code], elements: list[Element] = ()) -> ContributionForm:  # type: ignore[assignment]
        self.area_id.choices = area_choices(areas)
        self.tags.choices = [SelectChoice(str(c.uuid), c.name) for c in codes]
        self.element_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(e.id), e.name) for e in elements]
        self.quality.choices = [SelectChoice(level, QUALITY_LABELS[level]) for level in QUALITY_LEVELS]
        if not self.uuid.data:
            self.uuid.data = str(uuid.uuid4())
        return self

    def payload(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "uuid": self.uuid.data,
            "recorded_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
            "text": self.text.data,
            "area_id": self.area_id.data,
            "street": self.street.data,
            "tags": self.tags.data or [],
            "receipt_code": self.receipt_code.data or None,
            "photos": self.photos.data or [],
            "gps": {"lat": self.gps_lat.data, "lon": self.gps_lon.data, "accuracy": self.gps_accuracy.data},
            "element_id": self.element_id.data,
            "quality": self.quality.data,
        }

    def show_errors(self, errors: Errors) -> None:
        for key, messages in errors.items():
            target = self._fields.get("gps_lat" if key == "gps" else key)
            texts = [_(m.text, **m.params) for m in messages]
            if target is None:
                self.form_errors.extend(texts)
            else:
                target.errors = list(target.errors) + texts


def device_definition(version: GuideVersion) -> dict[str, Any]:
    """What the capture page's script checks the form against: the guide version as the offline
    bundle carries it, and the validator's own messages, patterns and limits."""
    return {"guide": version_json(version), "checks": device_checks(_)}
