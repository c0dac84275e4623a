"""Themes on the map: per area (a buurt, wijk or stadsdeel) the share of the people heard who raised a
theme, the perceived quality against the target, and where the people who raised it were, rounded to a
grid. Every map is drawn from the same rows as the table beside it, so the two cannot disagree, and a
policy maker's view hides small numbers on both."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..areas.maps import features
from ..extensions import db
from ..filters import Filters
from ..models import Area, Contribution, Interview, Project, ThemeFact
from . import queries
from .display import Display

# Sequential blues for a share (ColorBrewer "Blues", 5 classes), as the heat table's five steps.
SHARE_COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
NO_DATA = "#f5f5f5"
HIDDEN = "#d9d9d9"
# The CROW levels from very high to very low (ColorBrewer "RdYlGn", reversed to A+ green … D red).
QUALITY_COLOURS = {"A+": "#1a9850", "A": "#91cf60", "B": "#d9ef8b", "C": "#fc8d59", "D": "#d73027"}
# Points are counted per cell of about 250 m; a cell's centre stands for them, never a home.
CELL_METRES = 250


@dataclass
class AreaFigure:
    area: Area
    heard: queries.Figure  # people heard there whose input was coded
    raised: queries.Figure  # of them, who raised the theme
    share: queries.Figure
    colour: str
    hidden: bool


@dataclass
class ThemeMap:
    level: str
    themes: list[queries.ThemeRow]
    theme: queries.ThemeRow | None
    rows: list[AreaFigure] = field(default_factory=list)  # every area at the level, heard there or not
    other: queries.Figure = field(default_factory=lambda: queries.Figure(0, 0))  # raised it outside the areas shown (no or another area)

    def geojson(self) -> list[dict[str, Any]]:
        by_id = {r.area.id: r for r in self.rows}
        return features([r.area for r in self.rows], lambda a: {"colour": by_id[a.id].colour})

    @property
    def heard_rows(self) -> list[AreaFigure]:
        """The table's rows: the areas where somebody was heard (the map colours the rest as such)."""
        return [r for r in self.rows if r.heard.people or r.raised.people]


def step(share: float | None) -> int:
    """1–5 as the heat table colours a share (0: none)."""
    return min(5, max(1, math.ceil((share or 0) * 5))) if share else 0


def theme_map(project: Project, f: Filters, level: str | None, code_id: int | None, display: Display) -> ThemeMap:
    table = queries.area_table(project, f, level)
    themes = sorted(table.themes, key=lambda t: (-t.people, t.key))
    theme = next((t for t in themes if t.id == code_id), themes[0] if themes else None)
    found = ThemeMap(table.columns.level.value, themes, theme)
    if theme is None:
        return found
    for area in table.columns.columns:
        heard = table.bases.get(area.id, 0)
        raised = table.cells.get((theme.id, area.id), queries.Figure(0, 0))
        share = table.shares.get((theme.id, area.id), queries.Figure(0.0 if heard else None, raised.people))
        hidden = display.hidden(raised) or display.hidden(display.fig(heard))
        colour = HIDDEN if hidden else (SHARE_COLOURS[max(step(share.value), 1) - 1] if heard else NO_DATA)
        found.rows.append(AreaFigure(area, display.fig(heard), raised, share, colour, hidden))
    found.other = table.cells.get((theme.id, None), queries.Figure(0, 0))
    return found


@dataclass
class QualityFigure:
    area: Area
    row: queries.QualityRow
    colour: str
    hidden: bool


@dataclass
class QualityMap:
    level: str
    elements: list[queries.QualityElement]
    element: queries.QualityElement | None
    rows: list[QualityFigure] = field(default_factory=list)  # the areas with ratings
    areas: list[Area] = field(default_factory=list)  # every area at the level, on the map

    def geojson(self) -> list[dict[str, Any]]:
        by_id = {r.area.id: r.colour for r in self.rows}
        return features(self.areas, lambda a: {"colour": by_id.get(a.id, NO_DATA)})


def quality_map(project: Project, f: Filters, level: str | None, index: int, display: Display) -> QualityMap:
    elements, columns = queries.quality(project, f, level)
    element = elements[index] if 0 <= index < len(elements) else (elements[0] if elements else None)
    found = QualityMap(columns.level.value, elements, element, areas=columns.columns)
    if element is None:
        return found
    for row in element.rows:
        if row.area is None or not row.column_id or row.column_id < 0:
            continue  # all areas together, or no area: in the table's totals, not on the map
        hidden = display.hidden(row.rated)
        median = row.median.value
        colour = HIDDEN if hidden else QUALITY_COLOURS.get(median, NO_DATA) if median else NO_DATA
        found.rows.append(QualityFigure(row.area, row, colour, hidden))
    return found


@dataclass
class Cell:
    lat: float  # the cell's centre, rounded
    lon: float
    people: queries.Figure
    hidden: bool


@dataclass
class PointMap:
    cells: list[Cell]
    exact: list[tuple[float, float]]  # the points themselves, for those who may see people
    without: int  # people who raised it without a location
    outlines: list[dict[str, Any]] = field(default_factory=list)  # the areas, for orientation

    def shown(self, display: Display) -> list[dict[str, Any]]:
        """The cells the map draws: those a reader may see, with the count as the table says it."""
        return [{"lat": c.lat, "lon": c.lon, "n": c.people.value, "text": display.num(c.people)} for c in self.cells if not c.hidden]


def _grid(lat: float, lon: float) -> tuple[int, int]:
    size = CELL_METRES / 111_320
    return math.floor(lat / size), math.floor(lon / (size / math.cos(math.radians(52))))


def _centre(cell: tuple[int, int]) -> tuple[float, float]:
    size = CELL_METRES / 111_320
    return round((cell[0] + 0.5) * size, 4), round((cell[1] + 0.5) * size / math.cos(math.radians(52)), 4)


def point_map(project: Project, f: Filters, code_id: int | None, display: Display, exact: bool) -> PointMap:
    """Where the people who raised the theme were (their interview's or contribution's point), counted
    per cell; cells resting on fewer people than the threshold are hidden for a policy maker."""
    conditions = [*queries.fact_conditions(project, f)]
    conditions += [ThemeFact.code_id == code_id] if code_id else [ThemeFact.code_id.is_(None), ThemeFact.group_id.is_(None)]
    points: list[tuple[float, float]] = []
    without = 0
    for model, column in ((Interview, ThemeFact.interview_id), (Contribution, ThemeFact.contribution_id)):
        for lat, lon in db.session.execute(
            sa.select(model.gps_lat, model.gps_lon).select_from(ThemeFact).join(model, model.id == column).where(*conditions)
        ):
            if lat is None or lon is None:
                without += 1
            else:
                points.append((lat, lon))
    counts = Counter(_grid(lat, lon) for lat, lon in points)
    cells = []
    for cell, n in sorted(counts.items()):
        figure = queries.Figure(n, n)
        lat, lon = _centre(cell)
        cells.append(Cell(lat, lon, figure, display.hidden(figure)))
    areas = [a for a in db.session.scalars(sa.select(Area).where(Area.project_id == project.id)) if a.level.value != "buurt"]
    return PointMap(cells, points if exact else [], without, features(areas))
