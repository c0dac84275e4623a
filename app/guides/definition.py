"""What a guide is made of, independent of the database, and the rules a guide must follow.

The editor, the JSON and XLSForm imports and publishing all check guides with ``check``, so a
guide that imports is a guide that can be published.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_
from ..models import QuestionType

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}\Z")
CHOICE_TYPES = {QuestionType.single_choice, QuestionType.multi_choice}
# Which questions a show-if rule may look at, and how.
SHOW_IF_OPS = {
    "equals": {
        QuestionType.single_choice,
        QuestionType.yes_no,
        QuestionType.scale,
        QuestionType.quality,
        QuestionType.short_text,
        QuestionType.number,
    },
    "includes": {QuestionType.multi_choice},
}
MAX_LABEL = 2000
MAX_OPTIONS = 100
QUALITY_LEVELS = ("A+", "A", "B", "C", "D", "?")


@dataclass
class QuestionDef:
    key: str
    type: QuestionType
    label: str
    help: str = ""
    required: bool = False
    options: list[dict[str, str]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    show_if: dict[str, str] | None = None

    @property
    def option_values(self) -> list[str]:
        return [o["value"] for o in self.options]


@dataclass
class SectionDef:
    title: str
    questions: list[QuestionDef] = field(default_factory=list)


@dataclass
class Problem:
    """A problem with a guide: where (a question key or a section), what (a message id), details."""

    where: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and abs(number) <= 1e15 else None


def check_question(question: QuestionDef, earlier: dict[str, QuestionDef]) -> list[Problem]:
    """Problems with one question, given the questions that come before it."""
    where = question.key or "?"
    problems: list[Problem] = []

    def add(message: str, **params: Any) -> None:
        problems.append(Problem(where, message, params))

    if not KEY_PATTERN.match(question.key or ""):
        add(N_("The key must start with a letter and hold only letters, digits, _ . or - (at most 64)."))
    if question.key in earlier:
        add(N_("The key %(key)s is used twice."), key=question.key)
    if not question.label.strip():
        add(N_("The question has no text."))
    elif len(question.label) > MAX_LABEL:
        add(N_("The question text is longer than %(max)s characters."), max=MAX_LABEL)

    if question.type in CHOICE_TYPES:
        values = question.option_values
        if len(values) < 2:
            add(N_("A choice question needs at least two options."))
        if len(values) > MAX_OPTIONS:
            add(N_("A choice question has at most %(max)s options."), max=MAX_OPTIONS)
        if any(not str(v).strip() or len(str(v)) > 100 for v in values):
            add(N_("Every option needs a value of at most 100 characters."))
        if len(set(values)) != len(values):
            add(N_("Two options have the same value."))
        if any(not str(o.get("label", "")).strip() for o in question.options):
            add(N_("Every option needs a label."))
    elif question.options:
        add(N_("Only choice questions have options."))

    if question.type == QuestionType.scale:
        low, high = _number(question.config.get("min")), _number(question.config.get("max"))
        if low is None or high is None or low != int(low) or high != int(high) or not 0 <= low < high <= 10:
            add(N_("A scale runs between two whole numbers from 0 to 10, the lowest first."))
    if question.type == QuestionType.number:
        low, high = question.config.get("min"), question.config.get("max")
        if (low not in (None, "") and _number(low) is None) or (high not in (None, "") and _number(high) is None):
            add(N_("The lowest and highest number must be numbers."))
        elif _number(low) is not None and _number(high) is not None and _number(low) > _number(high):  # type: ignore[operator]
            add(N_("The lowest number is above the highest."))
    if question.type == QuestionType.quality:
        element = str(question.config.get("element", "")).strip()
        if not element or len(element) > 120:
            add(N_('Name the public-space element that is rated (e.g. "Groen", "Verharding").'))

    if question.show_if:
        problems.extend(_check_show_if(question, earlier))
    return problems


def _check_show_if(question: QuestionDef, earlier: dict[str, QuestionDef]) -> list[Problem]:
    rule = question.show_if or {}
    where = question.key or "?"
    target = earlier.get(rule.get("question", ""))
    op, value = rule.get("op"), str(rule.get("value", ""))
    if target is None:
        return [Problem(where, N_("Show-if refers to %(key)s, which is not an earlier question."), {"key": rule.get("question", "")})]
    if op not in SHOW_IF_OPS or target.type not in SHOW_IF_OPS[op]:
        return [Problem(where, N_('Show-if cannot use "%(op)s" on question %(key)s.'), {"op": op, "key": target.key})]
    if not value:
        return [Problem(where, N_("Show-if needs a value to compare with."))]
    allowed: list[str] | None = None
    if target.type in CHOICE_TYPES:
        allowed = target.option_values
    elif target.type == QuestionType.yes_no:
        allowed = ["yes", "no"]
    elif target.type == QuestionType.quality:
        allowed = list(QUALITY_LEVELS)
    if allowed is not None and value not in allowed:
        return [
            Problem(
                where,
                N_("Show-if compares with %(value)s, which question %(key)s does not offer."),
                {"value": value, "key": target.key},
            )
        ]
    return []


def check(sections: list[SectionDef]) -> list[Problem]:
    """Every problem in a whole guide."""
    problems: list[Problem] = []
    earlier: dict[str, QuestionDef] = {}
    if not any(s.questions for s in sections):
        problems.append(Problem("", N_("The guide has no questions.")))
    for index, section in enumerate(sections, start=1):
        if len(section.title) > 200:
            problems.append(Problem(f"section {index}", N_("A section title is at most 200 characters.")))
        for question in section.questions:
            problems.extend(check_question(question, earlier))
            earlier.setdefault(question.key, question)
    return problems


def option_list(text: str) -> list[dict[str, str]]:
    """Options from an editor text box: one per line, "value = label" or just a label."""
    options = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        value, sep, label = line.partition("=")
        if sep:
            options.append({"value": value.strip(), "label": label.strip()})
        else:
            options.append({"value": _slug(line), "label": line})
    return options


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return slug[:100] or label[:100]
