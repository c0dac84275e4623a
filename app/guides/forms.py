"""Forms of the guide editor."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..models import Question, QuestionType
from ..questions import choices, kind_of
from .definition import QuestionDef, option_list


class GuideForm(FlaskForm):
    name = StringField(_l("Name of the guide"), validators=[DataRequired(), Length(max=200)])


class SectionForm(FlaskForm):
    title = StringField(_l("Section title"), validators=[Length(max=200)])


class FileForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


class CopyForm(FlaskForm):
    target = SelectField(_l("Copy to project"), validate_choice=False)


class QuestionForm(FlaskForm):
    section = SelectField(_l("Section"), validate_choice=False)
    type = SelectField(_l("Type"), choices=[SelectChoice(name, label) for name, label in choices()])
    key = StringField(
        _l("Key"),
        validators=[Optional(), Length(max=64)],
        description=_l(
            'A short name that stays the same in every version and export, e.g. "groen_oordeel". Left empty, it is made from the question.'
        ),
    )
    label = TextAreaField(_l("Question"), validators=[DataRequired()], render_kw={"rows": 2})
    help = TextAreaField(_l("Help text"), render_kw={"rows": 2})
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Options (choice questions)"),
        render_kw={"rows": 5},
        description=_l('One per line, as "value = label" or just the label.'),
    )
    scale_min = StringField(_l("Scale from"), default="1", render_kw={"inputmode": "numeric"})
    scale_max = StringField(_l("Scale to"), default="5", render_kw={"inputmode": "numeric"})
    min_label = StringField(_l("Label of the lowest point"), description=_l('E.g. "very dissatisfied".'))
    max_label = StringField(_l("Label of the highest point"), description=_l('E.g. "very satisfied".'))
    number_min = StringField(_l("Lowest number allowed"), render_kw={"inputmode": "decimal"})
    number_max = StringField(_l("Highest number allowed"), render_kw={"inputmode": "decimal"})
    integer = BooleanField(_l("Whole numbers only"))
    element = SelectField(
        _l("Public-space element rated"),
        validate_choice=False,
        description=_l("From the project's elements (Setup › Elements and target levels), where its target level is set too."),
    )
    max_photos = StringField(
        _l("At most this many photos"), default="3", render_kw={"inputmode": "numeric"}, description=_l("From 1 to 10.")
    )
    # The show-if rule as people choose it: an earlier question's option ("Woont u hier? is Ja").
    condition = SelectField(_l("Show only if"), validate_choice=False)
    # Any other rule (a number, a text): question, condition and value typed apart.
    show_if_question = SelectField(_l("Show only if question"), validate_choice=False)
    show_if_op = SelectField(
        _l("Condition"),
        choices=[SelectChoice("equals", _l("is")), SelectChoice("includes", _l("includes"))],
    )
    show_if_value = StringField(_l("Value"), description=_l('The option value, "yes" or "no", a number or a level such as B.'))

    def prepare(self, sections: list[Any], earlier: list[Question], elements: list[tuple[str, str]] = ()) -> QuestionForm:  # type: ignore[assignment]
        """``elements``: the project's (key, name) pairs a perceived-quality question may rate."""
        self.element.choices = [SelectChoice("", _l("— choose an element —"))] + [SelectChoice(k, n) for k, n in elements]
        self.section.choices = [SelectChoice(str(s.id), s.title or _l("Section %(n)s", n=i)) for i, s in enumerate(sections, start=1)]
        self.show_if_question.choices = [SelectChoice("", _l("— always show —"))] + [
            SelectChoice(q.key, f"{q.key}: {q.label[:60]}") for q in earlier
        ]
        self._earlier = {q.key: q for q in earlier}
        self._yes_no_keys = {q.key for q in earlier if q.type == QuestionType.yes_no}
        self.condition.choices = [SelectChoice("", _l("— always show —")), *condition_choices(earlier)]
        return self

    def load(self, question: Question) -> None:
        """Fill the form from a stored question (on GET)."""
        config = question.config or {}
        self.section.data = str(question.section_id)
        self.type.data = kind_of(question).name
        self.key.data, self.label.data, self.help.data, self.required.data = question.key, question.label, question.help, question.required
        self.options.data = "\n".join(f"{o['value']} = {o['label']}" for o in question.options or [])
        self.scale_min.data = str(config.get("min", 1)) if question.type == QuestionType.scale else "1"
        self.scale_max.data = str(config.get("max", 5)) if question.type == QuestionType.scale else "5"
        self.min_label.data, self.max_label.data = config.get("min_label", ""), config.get("max_label", "")
        if question.type == QuestionType.number:
            self.number_min.data = "" if config.get("min") is None else str(config.get("min"))
            self.number_max.data = "" if config.get("max") is None else str(config.get("max"))
            self.integer.data = bool(config.get("integer"))
        if question.type == QuestionType.photo:
            self.max_photos.data = str(config.get("max_photos", 3))
        self.element.data = config.get("element", "")
        if self.element.data and self.element.data not in {c.value for c in self.element.choices}:
            # An older guide names its element in words, or an archived one: keep it choosable.
            self.element.choices.append(SelectChoice(self.element.data, self.element.data))
        rule = question.show_if or {}
        chosen = f"{rule.get('question', '')}={rule.get('value', '')}"
        if rule and chosen in {c.value for c in self.condition.choices}:
            self.condition.data = chosen
            return
        self.show_if_question.data = rule.get("question", "")
        self.show_if_op.data = rule.get("op", "equals")
        value = rule.get("value", "")
        # A yes/no answer is stored as yes/no; people read and type ja/nee (or yes/no in English).
        if rule.get("question") in getattr(self, "_yes_no_keys", ()):
            value = {"yes": str(_l("yes")), "no": str(_l("no"))}.get(value, value)
        self.show_if_value.data = value

    def validate_element(self, field: SelectField) -> None:
        if self.type.data == QuestionType.quality.value and field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(_l("Choose the element from the list."))

    def to_def(self) -> QuestionDef:
        kind = kind_of(self.type.data).type
        config: dict[str, Any] = {}
        if kind == QuestionType.scale:
            config = {
                "min": _int_or_text(self.scale_min.data),
                "max": _int_or_text(self.scale_max.data),
                "min_label": (self.min_label.data or "").strip(),
                "max_label": (self.max_label.data or "").strip(),
            }
        elif kind == QuestionType.number:
            config = {
                "min": _number_or_none(self.number_min.data),
                "max": _number_or_none(self.number_max.data),
                "integer": bool(self.integer.data),
            }
        elif kind == QuestionType.quality:
            config = {"element": (self.element.data or "").strip()}
        elif kind == QuestionType.photo:
            config = {"max_photos": _int_or_text(self.max_photos.data)}
        choice = kind in (QuestionType.single_choice, QuestionType.multi_choice)
        show_if = None
        if self.condition.data:
            key, _sep, value = self.condition.data.partition("=")
            target = self._earlier.get(key)
            show_if = {"question": key, "op": (kind_of(target).show_if_op if target else None) or "equals", "value": value}
        elif self.show_if_question.data:
            value = (self.show_if_value.data or "").strip()
            if self.show_if_question.data in getattr(self, "_yes_no_keys", ()):
                spoken = {str(_l("yes")).casefold(): "yes", str(_l("no")).casefold(): "no"}
                value = spoken.get(value.casefold(), value)
            show_if = {"question": self.show_if_question.data, "op": self.show_if_op.data, "value": value}
        return QuestionDef(
            key=(self.key.data or "").strip(),
            type=kind,
            label=(self.label.data or "").strip(),
            help=(self.help.data or "").strip(),
            required=bool(self.required.data),
            options=option_list(self.options.data or "") if choice else [],
            config=config,
            show_if=show_if,
        )


def condition_choices(earlier: list[Any]) -> list[SelectChoice]:
    """Each option of an earlier question a show-if rule can compare with, as one choice
    ("key=value"): the rule is picked from what the other question offers, never typed."""
    found = []
    for question in earlier:
        kind = kind_of(question)
        values = kind.show_if_values(question) if kind.show_if_op else None
        if not values:
            continue
        labels = {"yes": _l("yes"), "no": _l("no")} | {o["value"]: o["label"] for o in question.options or []}
        verb = _l("includes") if kind.show_if_op == "includes" else _l("is")
        text = question.label if len(question.label) <= 60 else question.label[:59] + "…"
        for value in values:
            found.append(SelectChoice(f"{question.key}={value}", f"{text} {verb} {labels.get(value, value)}"))
    return found


def _int_or_text(value: str | None) -> Any:
    try:
        return int(str(value).strip())
    except ValueError:
        return value


def _number_or_none(value: str | None) -> Any:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text  # the guide check reports it
    if not math.isfinite(number) or abs(number) > 1e15:
        return text  # "1e999", "nan": the guide check reports it too
    return int(number) if number == int(number) else number
