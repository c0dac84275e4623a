"""Choice questions: one option, or several."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice, SelectField

from ..i18n import N_
from ..models import Area, QuestionType
from ..widgets import MultiCheckboxField
from .base import Formatter, Invalid, QuestionKind, QuestionLike, Workbook, decoded, json_string, option_labels

MAX_OPTIONS = 100


class SingleChoice(QuestionKind):
    type = QuestionType.single_choice
    reads = "choice"
    label = _l("One choice")
    show_if_op = "equals"
    counted = "options"

    def count_options(self, question: Any) -> list[tuple[str, str]]:
        return [(o["value"], o["label"]) for o in question.options or []]

    def count_keys(self, value: Any) -> list[str]:
        return [str(value)] if isinstance(value, str) else []

    def show_if_values(self, question: QuestionLike) -> list[str] | None:
        return [o["value"] for o in question.options]

    def problems(self, question: QuestionLike) -> list[tuple[str, dict[str, Any]]]:
        values = [o["value"] for o in question.options]
        problems: list[tuple[str, dict[str, Any]]] = []
        if len(values) < 2:
            problems.append((N_("A choice question needs at least two options."), {}))
        if len(values) > MAX_OPTIONS:
            problems.append((N_("A choice question has at most %(max)s options."), {"max": MAX_OPTIONS}))
        if any(not str(v).strip() or len(str(v)) > 100 for v in values):
            problems.append((N_("Every option needs a value of at most 100 characters."), {}))
        if len(set(values)) != len(values):
            problems.append((N_("Two options have the same value."), {}))
        if any(not str(o.get("label", "")).strip() for o in question.options):
            problems.append((N_("Every option needs a label."), {}))
        return problems

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> str:
        value = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if value not in [o["value"] for o in question.options]:
            raise Invalid("choose_one")
        return value

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        choices = [SelectChoice(o["value"], o["label"]) for o in question.options]
        if len(choices) > 8:
            return {
                "": SelectField(question.label, choices=[SelectChoice("", "—"), *choices], validate_choice=False, description=question.help)
            }
        return {"": RadioField(question.label, choices=choices, validate_choice=False, description=question.help)}

    def text(self, question: Any, value: Any) -> str:
        return option_labels(question).get(value, str(value))

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        labels = option_labels(question)
        return lambda raw, text: ("", None) if raw is None or raw == "null" else (labels.get(value := json_string(raw), str(value)), None)


class MultiChoice(SingleChoice):
    type = QuestionType.multi_choice
    reads = "choices"
    label = _l("Several choices")
    show_if_op = "includes"

    def count_keys(self, value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else []

    def stored_within(self) -> bool:
        return True  # ["a", "b"]: the option "a" is one of the list's items

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> list[str]:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise Invalid("choose_some")
        allowed = [o["value"] for o in question.options]
        chosen = {v.strip() for v in values if v.strip()}
        unknown = chosen - set(allowed)
        if unknown:
            raise Invalid("not_option", values=", ".join(sorted(unknown)))
        return [v for v in allowed if v in chosen]  # in the guide's order, once each

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        choices = [SelectChoice(o["value"], o["label"]) for o in question.options]
        return {"": MultiCheckboxField(question.label, choices=choices, validate_choice=False, description=question.help)}

    def text(self, question: Any, value: Any) -> str:
        labels = option_labels(question)
        return ", ".join(labels.get(v, str(v)) for v in value)

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        labels = option_labels(question)
        return decoded(lambda value: (", ".join(labels.get(v, str(v)) for v in value or []), None))
