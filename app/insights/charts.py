"""Charts drawn on the server as SVG: the geometry is worked out here, the markup (with a title and a
description for screen readers, every mark a link to the inputs behind it) in templates/insights/_charts.html.
The numbers always stand in a table next to the chart as well."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WIDTH = 720  # viewBox units; the SVG scales to its container
LABEL = 300  # room for the labels left of the bars: 30 characters at 13 px
ROW = 34
# Lines need colours that tell apart (codes of one group share a colour): after Okabe–Ito, safe for colour
# blindness and at least 3:1 against the page, with a dash pattern each, so a line is known without its colour.
SERIES_COLOURS = ["#0072B2", "#D55E00", "#007A5A", "#AA3377", "#8B5A00", "#6A3D9A", "#000000"]
SERIES_DASHES = ["none", "8 4", "2 4", "12 4 2 4", "4 4", "1 3", "16 6"]
QUALITY_COLOURS = {"A+": "#1b5e20", "A": "#43a047", "B": "#c0ca33", "C": "#fb8c00", "D": "#c62828", "?": "#9e9e9e"}


@dataclass
class Bar:
    label: str
    text: str  # the value as shown
    length: float  # in viewBox units
    y: float
    colour: str
    href: str | None = None


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    height: float
    label_width: int = LABEL
    width: int = WIDTH


def bar_chart(chart_id: str, title: str, description: str, items: list[dict[str, Any]]) -> BarChart:
    """Horizontal bars; each item: label, value (None when hidden), text, colour, href."""
    top = max((i["value"] or 0 for i in items), default=0) or 1
    room = WIDTH - LABEL - 70
    bars = [
        Bar(i["label"], i["text"], room * (i["value"] or 0) / top, 8 + n * ROW, i.get("colour") or "#1f5f8b", i.get("href"))
        for n, i in enumerate(items)
    ]
    return BarChart(chart_id, title, description, bars, 16 + ROW * len(items))


@dataclass
class Point:
    x: float
    y: float
    text: str
    href: str | None = None


@dataclass
class Series:
    label: str
    colour: str
    dash: str = ""
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class LineChart:
    id: str
    title: str
    description: str
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    left: int = 50
    top: int = 16
    bottom: int = 250  # y of the x axis
    width: int = WIDTH
    height: int = 300

    @property
    def legend(self) -> list[tuple[str, str, str]]:
        return [(s.label, s.colour, s.dash) for s in self.series]


def line_chart(chart_id: str, title: str, description: str, x_labels: list[str], series: list[dict[str, Any]]) -> LineChart:
    """Lines over periods; each series: label, values (None when hidden: no point), texts, hrefs."""
    chart = LineChart(chart_id, title, description, [], [], [])
    top = max((v or 0 for s in series for v in s["values"]), default=0) or 1
    span = chart.width - chart.left - 50  # room for the last label
    step = span / max(1, len(x_labels) - 1)
    height = chart.bottom - chart.top

    def y(value: float) -> float:
        return chart.bottom - height * value / top

    every = max(1, len(x_labels) // 8)  # at most about eight labels under the axis
    chart.x_labels = [(chart.left + n * step, label) for n, label in enumerate(x_labels) if n % every == 0]
    ticks = sorted({0, round(top / 2), top})
    chart.y_ticks = [(y(t), str(t)) for t in ticks]
    for n, s in enumerate(series):
        points = [
            Point(chart.left + n * step, y(value), text, href)
            for n, (value, text, href) in enumerate(zip(s["values"], s["texts"], s["hrefs"]))
            if value is not None
        ]
        chart.series.append(Series(s["label"], SERIES_COLOURS[n % len(SERIES_COLOURS)], SERIES_DASHES[n % len(SERIES_DASHES)], points))
    return chart


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    text: str
    href: str | None = None


@dataclass
class StackedRow:
    label: str
    y: float
    segments: list[Segment]


@dataclass
class StackedChart:
    id: str
    title: str
    description: str
    rows: list[StackedRow]
    legend: list[tuple[str, str, str]]
    height: float
    label_width: int = LABEL
    width: int = WIDTH


def stacked_chart(
    chart_id: str, title: str, description: str, rows: list[dict[str, Any]], levels: list[str], names: dict[str, Any]
) -> StackedChart:
    """100 % bars, one per row; each row: label and per level a value (None when hidden), text, href;
    ``names``: the levels' names for the legend."""
    room = WIDTH - LABEL - 20
    out = []
    for n, row in enumerate(rows):
        total = sum(v or 0 for v in row["values"].values()) or 1
        x = float(LABEL)
        segments = []
        for level in levels:
            value = row["values"].get(level) or 0
            if value:
                width = room * value / total
                segments.append(
                    Segment(x, width, QUALITY_COLOURS.get(level, "#777"), f"{level}: {row['texts'][level]}", row["hrefs"].get(level))
                )
                x += width
        out.append(StackedRow(row["label"], 8 + n * ROW, segments))
    legend = [(names.get(level, level), QUALITY_COLOURS.get(level, "#777"), "") for level in levels]
    return StackedChart(chart_id, title, description, out, legend, 48 + ROW * len(rows))
