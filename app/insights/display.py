"""How figures show: with small numbers hidden from viewers (a cell resting on fewer people than the
project's threshold shows as "< n"), so no one in a small street can be recognised."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.numbers import get_group_symbol
from flask_babel import format_decimal, get_locale

from ..privacy import pseudonymise
from .queries import Figure


@dataclass(frozen=True)
class Display:
    suppress: bool  # a viewer: hide small numbers, pseudonymise text
    threshold: int
    # Whole numbers and percentages are formatted here: a table of a thousand cells would spend most
    # of its time in Babel's general number formatting.
    group: str = field(default_factory=lambda: get_group_symbol(get_locale() or "nl"))

    def _whole(self, value: float) -> str:
        return f"{round(value):,}".replace(",", self.group)

    def hidden(self, figure: Figure | None) -> bool:
        return bool(self.suppress and figure is not None and 0 < figure.people < self.threshold)

    def small(self) -> str:
        return f"< {self.threshold}"

    def num(self, figure: Figure | None) -> str:
        if figure is None or figure.value is None:
            return "–"
        if self.hidden(figure):
            return self.small()
        return self._whole(figure.value) if float(figure.value).is_integer() else format_decimal(figure.value)

    def pct(self, figure: Figure | None) -> str:
        if figure is None or figure.value is None:
            return "–"
        return self.small() if self.hidden(figure) else self._whole(figure.value * 100) + "\u00a0%"

    def sort_value(self, figure: Figure | None) -> float:
        """For sorting: hidden figures sort as equal, so their order does not tell them apart."""
        if figure is None or figure.value is None or self.hidden(figure):
            return -1.0
        return float(figure.value)

    def text(self, text: str) -> str:
        return pseudonymise(text) if self.suppress else text

    def fig(self, value: Any) -> Figure:
        """A plain count as a figure (the count is its own number of people)."""
        return Figure(value, value or 0)
