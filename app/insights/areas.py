"""What one area (or the whole project) said, for its page, the workbook's *Per area* sheet and the
printable report: people heard, top themes, perceived quality against the target level, residents'
priorities, a few flagged quotes and the action items. Every figure keeps the people it rests on,
so a policy maker's view hides small numbers as the dashboards do."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from ..actions.services import ActionFilters, listing
from ..extensions import db
from ..filters import Filters
from ..models import ActionItem, Area, Project, QuestionType
from . import queries

TOP_THEMES = 5
TOP_OPTIONS = 3
QUOTES = 3
CHOICES = (QuestionType.single_choice.value, QuestionType.multi_choice.value)
# A choice question that asks what comes first (its key or text says so): until the guide builder lets
# a coordinator mark such a question, these words find it ("Wat moet als eerste worden aangepakt?",
# "Welke onderwerpen vindt u het belangrijkst?", a key "prioriteit").
ASKS_PRIORITY = re.compile(r"priori|eerst|belangrijk|urgent|first|important|most", re.IGNORECASE)


@dataclass
class Priority:
    """The options most chosen in one choice question, as residents put them first."""

    key: str
    question: str
    options: list[tuple[str, queries.Figure, queries.Figure]]  # label, people, share of those who answered
    answered: queries.Figure


@dataclass
class AreaSummary:
    area: Area | None  # None: the whole project
    children: list[tuple[Area, int]]  # the areas one level down, with the people heard there
    interviews: int = 0
    contributions: int = 0
    coded: queries.Totals = field(default_factory=queries.Totals)
    themes: list[queries.ThemeRow] = field(default_factory=list)
    quality: list[tuple[queries.QualityElement, queries.QualityRow]] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    quotes: list[tuple[queries.ThemeRow, queries.Quote]] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    actions_total: int = 0

    @property
    def people(self) -> int:
        return self.interviews + self.contributions


def summary(project: Project, f: Filters, area: Area | None, hidden: Any = lambda figure: False) -> AreaSummary:
    """The area's page: ``f`` without its own area (the area given decides), ``hidden`` says which
    figures a reader may not see (no quote from a theme too few people raised)."""
    scoped = replace(f, area_id=area.id if area else None)
    found = AreaSummary(area, _children(project, scoped, area))
    records, _columns = queries.participation(project, scoped, None)
    found.interviews = sum(r.interviews for r in records)
    found.contributions = sum(r.contributions for r in records)
    themes, found.coded = queries.overview(project, scoped)
    found.themes = sorted(themes, key=lambda t: (-t.people, t.key))[:TOP_THEMES]
    elements, _ = queries.quality(project, scoped, None)
    found.quality = [(e, e.rows[0]) for e in elements]
    closed, _ = queries.closed_questions(project, scoped, None)
    for question in closed:
        if question.type not in CHOICES or not question.rows or not ASKS_PRIORITY.search(f"{question.key} {question.label}"):
            continue
        together = question.rows[0]
        best = sorted(question.options, key=lambda o: (-(together.counts[o[0]].value or 0), o[1]))[:TOP_OPTIONS]
        found.priorities.append(
            Priority(
                question.key,
                question.label,
                [(label, together.counts[k], together.shares[k]) for k, label in best if together.counts[k].value],
                together.answered,
            )
        )
    for theme in found.themes:
        if len(found.quotes) >= QUOTES or hidden(queries.Figure(theme.people, theme.people)):
            continue
        page = queries.quotes(project, scoped, theme.id, 1)
        flagged = [q for q in page.items if q.is_quote]
        if flagged:
            found.quotes.append((theme, flagged[0]))
    actions = listing(project, ActionFilters(area_id=area.id if area else None))
    found.actions, found.actions_total = list(actions.items), actions.total
    return found


def _children(project: Project, f: Filters, area: Area | None) -> list[tuple[Area, int]]:
    """The areas one level down (the stadsdelen for the project), with the people heard in each."""
    children = list(
        db.session.scalars(
            sa.select(Area).where(Area.project_id == project.id, Area.parent_id == (area.id if area else None)).order_by(Area.name)
        )
    )
    if not children:
        return []
    # One count with the children's level as the area columns (a query per child grew with the tree).
    records, _columns = queries.participation(project, f, children[0].level.value)
    people: dict[int | None, int] = defaultdict(int)
    for record in records:
        for column, n in record.per_area.items():
            people[column] += n
    return [(child, people.get(child.id, 0)) for child in children]
