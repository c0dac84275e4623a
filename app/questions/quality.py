"""Perceived quality of a public-space element on CROW's scale (beeldkwaliteit A+ .. D)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice

from ..i18n import N_, QUALITY_LABELS
from ..models import Area, QuestionType
from .base import Formatter, Invalid, QuestionKind, QuestionLike, Workbook, json_string

QUALITY_LEVELS = ("A+", "A", "B", "C", "D", "?")
QUALITY_SCORES = {"A+": 5, "A": 4, "B": 3, "C": 2, "D": 1}  # "?" (don't know) has none


class Quality(QuestionKind):
    type = QuestionType.quality
    reads = "level"
    label = _l("Perceived quality (CROW A+ to D)")
    show_if_op = "equals"

    def show_if_values(self, question: QuestionLike) -> list[str] | None:
        return list(QUALITY_LEVELS)

    def problems(self, question: QuestionLike) -> list[tuple[str, dict[str, Any]]]:
        problems = super().problems(question)
        element = str(question.config.get("element", "")).strip()
        if not element or len(element) > 120:
            problems.append((N_('Name the public-space element that is rated (e.g. "Groen", "Verharding").'), {}))
        return problems

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> str:
        text = str(value).strip().upper() if isinstance(value, str) else None
        if text not in QUALITY_LEVELS:
            raise Invalid("quality")
        return text

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        choices = [SelectChoice(level, QUALITY_LABELS[level]) for level in QUALITY_LEVELS]
        return {"": RadioField(question.label, choices=choices, validate_choice=False, description=question.help)}

    def text(self, question: Any, value: Any) -> str:
        return str(QUALITY_LABELS.get(value, value))

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        names = {level: str(label) for level, label in QUALITY_LABELS.items()}
        return lambda raw, text: (
            ("", None) if raw is None or raw == "null" else (names.get(v := json_string(raw), v), QUALITY_SCORES.get(v))
        )


def median_level(counts: dict[str, int]) -> str | None:
    """The median of ratings on the ordinal CROW scale (never a mean): the level of the middle rating
    with "don't know" left out. With an even number of ratings and two middle levels, the lower one:
    a plan errs towards maintenance rather than away from it."""
    rated = sum(n for level, n in counts.items() if level in QUALITY_SCORES)
    if not rated:
        return None
    seen, middle = 0, (rated + 1) // 2  # counted from the lowest level up: the lower middle
    for level in sorted(QUALITY_SCORES, key=QUALITY_SCORES.__getitem__):
        seen += counts.get(level, 0)
        if seen >= middle:
            return level
    return None  # unreachable: seen reaches rated


def below(counts: dict[str, int], target: str | None) -> tuple[int, int]:
    """How many ratings fall below the target level, of how many (with a level) — (0, 0) without a target."""
    if target not in QUALITY_SCORES:
        return 0, 0
    rated = sum(n for level, n in counts.items() if level in QUALITY_SCORES)
    return sum(n for level, n in counts.items() if level in QUALITY_SCORES and QUALITY_SCORES[level] < QUALITY_SCORES[target]), rated
