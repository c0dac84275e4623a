"""The dashboards' aggregates, for the project's own coding (never a sample's) under the shared filters.

Theme figures come from the pre-aggregated ``ThemeFact`` rows (one per person heard and theme);
ratings, reflections and action items are read from their own tables. Every figure carries the
number of people behind it, so views for viewers can hide small numbers.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from .. import statements
from ..elements.services import elements_of, resolve, targets_of
from ..extensions import db
from ..filters import CONTRIBUTION, INTERVIEW, Dimensions, Filters, area_ids, source_conditions
from ..models import (
    ActionInput,
    ActionItem,
    ActionStatus,
    AgeBand,
    Answer,
    Area,
    AreaLevel,
    Code,
    CodeGroup,
    Coding,
    ContactDetails,
    Contribution,
    Guide,
    GuideVersion,
    Interview,
    ListeningLevel,
    Project,
    Question,
    QuestionType,
    Reflection,
    RespondentType,
    Round,
    ThemeFact,
)
from ..paging import PAGE_SIZE, Page
from ..questions import KINDS, kind_of
from ..questions.quality import QUALITY_LEVELS as ALL_LEVELS
from ..questions.quality import QUALITY_SCORES, below, median_level

QUALITY_LEVELS = list(ALL_LEVELS)


@dataclass(frozen=True)
class Figure:
    """A number and how many people it rests on (for small-number suppression)."""

    value: float | int | None
    people: int


# -- conditions ----------------------------------------------------------------------------------

FACT = Dimensions(
    ThemeFact.project_id,
    ThemeFact.round_id,
    ThemeFact.area_id,
    ThemeFact.worker_id,
    day=ThemeFact.day,
    respondent=ThemeFact.respondent_type,
    age=ThemeFact.age_band,
    version=ThemeFact.guide_version_id,
    interview=ThemeFact.interview_id,
)


def fact_conditions(project: Project, f: Filters) -> list[Any]:
    """The filters on the theme facts: the source's details, and the question as the facts' scope."""
    return [ThemeFact.scope == (f.question or ""), *source_conditions(project, f, FACT)]


def interview_conditions(project: Project, f: Filters, with_question: bool = True) -> list[Any]:
    """The same filters on interviews (for ratings and reflections, which are not coded); with the
    question filter: interviews that answered it."""
    conditions = source_conditions(project, f, INTERVIEW)
    if f.question and with_question:  # probed per interview through the (interview, question) key
        questions = list(
            db.session.scalars(
                sa.select(Question.id)
                .join(GuideVersion, GuideVersion.id == Question.version_id)
                .join(Guide, Guide.id == GuideVersion.guide_id)
                .where(Guide.project_id == project.id, Question.key == f.question)
            )
        )
        # An alias of its own: a query that already reads answers (an export's count) would otherwise
        # correlate this probe's answers with its own and leave it nothing to select from.
        probe = aliased(Answer)
        conditions.append(sa.exists().where(probe.interview_id == Interview.id, probe.question_id.in_(questions or [-1])))
    return conditions


# -- theme overview ------------------------------------------------------------------------------


@dataclass
class ThemeRow:
    id: int
    key: str
    name: str
    colour: str
    group: str
    people: int = 0  # interviews + contributions
    interviews: int = 0
    inputs: int = 0
    positive: Figure = Figure(0, 0)
    negative: Figure = Figure(0, 0)
    suggestion: Figure = Figure(0, 0)
    share: Figure = Figure(None, 0)  # of the coded interviews

    @property
    def contributions(self) -> int:
        return self.people - self.interviews


@dataclass
class Totals:
    people: int = 0
    interviews: int = 0
    inputs: int = 0

    @property
    def contributions(self) -> int:
        return self.people - self.interviews


def _measures() -> list[Any]:
    return [
        sa.func.count().label("people"),
        sa.func.count(ThemeFact.interview_id).label("interviews"),
        sa.func.sum(ThemeFact.inputs).label("inputs"),
        *(sa.func.sum(getattr(ThemeFact, s)).label(s) for s in ("positive", "negative", "suggestion")),
        *(
            sa.func.sum(sa.case((getattr(ThemeFact, s) > 0, 1), else_=0)).label(f"{s}_people")
            for s in ("positive", "negative", "suggestion")
        ),
    ]


def totals_statement(project: Project, f: Filters) -> sa.Select[Any]:
    return sa.select(*_measures()[:3]).where(*fact_conditions(project, f), ThemeFact.code_id.is_(None), ThemeFact.group_id.is_(None))


def totals(project: Project, f: Filters) -> Totals:
    """The people (and inputs) with any coding under the filters: the base of every share."""
    row = db.session.execute(totals_statement(project, f)).one()
    return Totals(row.people or 0, row.interviews or 0, row.inputs or 0)


def interview_count_statement(project: Project, f: Filters) -> sa.Select[Any]:
    return sa.select(sa.func.count()).select_from(Interview).where(*interview_conditions(project, f))


def interview_count(project: Project, f: Filters) -> int:
    """All interviews under the filters, coded or not (to show how far coding has come)."""
    return db.session.scalar(interview_count_statement(project, f)) or 0


def themes_statement(project: Project, f: Filters, level: str = "code") -> sa.Select[Any]:
    """Per code (or group): the figures of the theme overview, from the facts."""
    column = ThemeFact.group_id if level == "group" else ThemeFact.code_id
    condition = [ThemeFact.code_id.is_(None), ThemeFact.group_id.is_not(None)] if level == "group" else [ThemeFact.code_id.is_not(None)]
    return sa.select(column.label("theme"), *_measures()).where(*fact_conditions(project, f), *condition).group_by(column)


def overview(project: Project, f: Filters, level: str = "code") -> tuple[list[ThemeRow], Totals]:
    """Per code (or per code group): people, interviews, inputs, sentiment and share of interviews."""
    base = totals(project, f)
    if level == "group":
        themes = {
            g.id: ThemeRow(g.id, g.key, g.name, g.colour, "")
            for g in db.session.scalars(
                sa.select(CodeGroup).where(CodeGroup.project_id == project.id).order_by(CodeGroup.position, CodeGroup.key)
            )
        }
    else:
        themes = {
            c.id: ThemeRow(c.id, c.key, c.name, c.colour, g.name)
            for c, g in db.session.execute(
                sa.select(Code, CodeGroup)
                .join(CodeGroup, CodeGroup.id == Code.group_id)
                .where(Code.project_id == project.id)
                .order_by(CodeGroup.position, Code.position, Code.key)
            )
        }
    for row in db.session.execute(themes_statement(project, f, level)):
        theme = themes.get(row.theme)
        if theme is None:
            continue
        theme.people, theme.interviews, theme.inputs = row.people, row.interviews, row.inputs
        for sentiment in ("positive", "negative", "suggestion"):
            setattr(theme, sentiment, Figure(getattr(row, sentiment), getattr(row, f"{sentiment}_people")))
        theme.share = Figure(row.interviews / base.interviews if base.interviews else None, row.interviews)
    return [t for t in themes.values() if t.people], base


# -- areas ---------------------------------------------------------------------------------------

LEVELS = [AreaLevel.stadsdeel, AreaLevel.wijk, AreaLevel.buurt]


@dataclass
class AreaColumns:
    level: AreaLevel
    columns: list[Area]
    of: dict[int, int | None]  # area id → the column's area id (None: not within a column)


def area_columns(project: Project, f: Filters, level: str | None) -> AreaColumns:
    """The areas at one level (inside the filtered area) as columns, and where every area belongs."""
    areas = list(db.session.scalars(sa.select(Area).where(Area.project_id == project.id)))
    present = {a.level for a in areas}
    chosen = AreaLevel(level) if level in AreaLevel._value2member_map_ else None
    if chosen is None:
        within = next((a for a in areas if a.id == f.area_id), None)
        below = LEVELS[LEVELS.index(within.level) + 1 :] if within else LEVELS
        chosen = next((lv for lv in below if lv in present), within.level if within else AreaLevel.stadsdeel)
    root = next((a.path for a in areas if a.id == f.area_id), None)
    columns = sorted(
        (a for a in areas if a.level == chosen and (root is None or a.path == root or a.path.startswith(root + "/"))),
        key=lambda a: [p.casefold() for p in a.path.split("/")],
    )
    by_path = {a.path: a.id for a in columns}
    of: dict[int, int | None] = {}
    for area in areas:
        parts = area.path.split("/")
        of[area.id] = next((by_path[p] for p in ("/".join(parts[:n]) for n in range(len(parts), 0, -1)) if p in by_path), None)
    return AreaColumns(chosen, columns, of)


@dataclass
class AreaTable:
    columns: AreaColumns
    themes: list[ThemeRow]
    cells: dict[tuple[int, int | None], Figure]  # (theme, column area or None) → people with the theme
    shares: dict[tuple[int, int | None], Figure]
    bases: dict[int | None, int]  # column → coded people


def area_table(project: Project, f: Filters, level: str | None, themes_level: str = "code") -> AreaTable:
    """People per theme (code, or code group) and area column, and the share of the column's coded people."""
    columns = area_columns(project, f, level)
    themes, _ = overview(project, f, themes_level)
    theme = ThemeFact.group_id if themes_level == "group" else ThemeFact.code_id
    of_level = (
        [ThemeFact.code_id.is_(None), ThemeFact.group_id.is_not(None)] if themes_level == "group" else [ThemeFact.code_id.is_not(None)]
    )
    conditions = fact_conditions(project, f)
    bases: dict[int | None, int] = defaultdict(int)
    for area_id, people in db.session.execute(
        sa.select(ThemeFact.area_id, sa.func.count())
        .where(*conditions, ThemeFact.code_id.is_(None), ThemeFact.group_id.is_(None))
        .group_by(ThemeFact.area_id)
    ):
        bases[columns.of.get(area_id) if area_id else None] += people
    counts: dict[tuple[int, int | None], int] = defaultdict(int)
    for theme_id, area_id, people in db.session.execute(
        sa.select(theme, ThemeFact.area_id, sa.func.count()).where(*conditions, *of_level).group_by(theme, ThemeFact.area_id)
    ):
        counts[(theme_id, columns.of.get(area_id) if area_id else None)] += people
    cells = {key: Figure(n, n) for key, n in counts.items()}
    shares = {key: Figure(n / bases[key[1]] if bases[key[1]] else None, n) for key, n in counts.items()}
    return AreaTable(columns, themes, cells, shares, dict(bases))


# -- themes × attributes ---------------------------------------------------------------------------

ATTRIBUTES = ("area", "round", "respondent", "age", "answer")  # answer: to a closed question (``key``)


@dataclass
class AttributeColumn:
    value: Any  # the column's value as a filter takes it (an area or round id, an enum value), None: unknown
    label: str


@dataclass
class AttributeTable:
    by: str  # one of ATTRIBUTES
    columns: list[AttributeColumn]
    themes: list[ThemeRow]
    cells: dict[tuple[int, Any], int]  # (theme, column value) → people with the theme
    bases: dict[Any, int]  # column value → people heard there whose input was coded
    totals: dict[int, int]  # theme → people with the theme in any column
    question: ClosedQuestion | None = None  # by "answer": the question whose options are the columns
    everyone: int | None = None  # people heard (coded), where a person can be in several columns

    @property
    def heard(self) -> int:
        """People heard whose input was coded, each once (the columns' sum, unless several choices)."""
        return self.everyone if self.everyone is not None else sum(self.bases.values())

    def column_share(self, theme_id: int, value: Any) -> Figure:
        """Of the people heard (coded) in the column, the share that raised the theme."""
        n = self.cells.get((theme_id, value), 0)
        return Figure(n / self.bases[value] if self.bases.get(value) else None, n)

    def row_share(self, theme_id: int, value: Any) -> Figure:
        """Of the people who raised the theme, the share heard in the column."""
        n = self.cells.get((theme_id, value), 0)
        return Figure(n / self.totals[theme_id] if self.totals.get(theme_id) else None, n)


def attribute_table(
    project: Project,
    f: Filters,
    by: str,
    level: str | None = None,
    labels: dict[str, Any] | None = None,
    key: str = "",
    catalogue: Catalogue | None = None,
) -> AttributeTable:
    """People per theme (code) and value of an attribute of the person heard: area (at a level), round,
    respondent type, age band or their answer to the closed question ``key`` (``catalogue``: the
    project's closed questions, when the caller has read them already); each cell with the share of its
    column and of its row."""
    by = by if by in ATTRIBUTES else "area"
    labels = labels or {}
    conditions = [*fact_conditions(project, f)]
    if by == "answer":
        catalogue = catalogue or closed_catalogue(project)
        question = catalogue[0].get(key)
        if question is not None and question.kind == "options":
            return answer_table(project, f, conditions, question, catalogue)
        by = "area"
    if by == "area":
        areas = area_columns(project, f, level)
        column = ThemeFact.area_id
        columns = [AttributeColumn(a.id, a.label) for a in areas.columns]
        place = lambda value: areas.of.get(value) if value else None  # noqa: E731
    elif by == "round":
        column = ThemeFact.round_id
        columns = [
            AttributeColumn(r.id, r.name)
            for r in db.session.scalars(sa.select(Round).where(Round.project_id == project.id).order_by(Round.starts_on, Round.id))
        ]
        place = lambda value: value  # noqa: E731
    else:
        column = ThemeFact.respondent_type if by == "respondent" else ThemeFact.age_band
        enum = RespondentType if by == "respondent" else AgeBand
        columns = [AttributeColumn(member.value, str(labels.get(member, member.value))) for member in enum]
        place = lambda value: value.value if value is not None else None  # noqa: E731
    bases: dict[Any, int] = defaultdict(int)
    for value, people in db.session.execute(
        sa.select(column, sa.func.count()).where(*conditions, ThemeFact.code_id.is_(None), ThemeFact.group_id.is_(None)).group_by(column)
    ):
        bases[place(value)] += people
    cells: dict[tuple[int, Any], int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    for theme_id, value, people in db.session.execute(
        sa.select(ThemeFact.code_id, column, sa.func.count())
        .where(*conditions, ThemeFact.code_id.is_not(None))
        .group_by(ThemeFact.code_id, column)
    ):
        cells[(theme_id, place(value))] += people
        totals[theme_id] += people
    themes, _ = overview(project, f)
    themes.sort(key=lambda t: (t.group, t.key))
    shown = [c for c in columns if bases.get(c.value)]
    if bases.get(None):
        shown.append(AttributeColumn(None, ""))
    return AttributeTable(by, shown, themes, dict(cells), dict(bases), dict(totals))


def answer_table(project: Project, f: Filters, conditions: list[Any], question: ClosedQuestion, catalogue: Catalogue) -> AttributeTable:
    """``attribute_table`` by the options of a closed question: people per theme and option chosen (with
    several choices, in each column they chose); who did not answer it (contributions, other guides)
    in the column "unknown"."""
    _found, kinds, question_keys, _order = catalogue
    asked = [qid for qid, key in question_keys.items() if key == question.key and kinds[qid].counted == "options"]
    value = sa.cast(Answer.value, sa.Text)
    cells: dict[tuple[int, Any], int] = defaultdict(int)
    bases: dict[Any, int] = defaultdict(int)
    answered: dict[int | None, int] = defaultdict(int)  # theme (None: everyone) → people who answered
    person = sa.or_(ThemeFact.code_id.is_not(None), ThemeFact.group_id.is_(None))  # a theme's fact, or the person's own
    for theme_id, question_id, raw, people in db.session.execute(
        sa.select(ThemeFact.code_id, Answer.question_id, value, sa.func.count())
        .join(Answer, Answer.interview_id == ThemeFact.interview_id)
        .where(*conditions, person, Answer.question_id.in_(asked or [-1]))
        .group_by(ThemeFact.code_id, Answer.question_id, value)
    ):
        hits = kinds[question_id].count_keys(json.loads(raw)) if raw else []
        if not hits:
            continue
        answered[theme_id] += people
        for hit in hits:
            if theme_id is None:
                bases[hit] += people
            else:
                cells[(theme_id, hit)] += people
    totals: dict[int, int] = {}
    everyone = 0
    for theme_id, people in db.session.execute(
        sa.select(ThemeFact.code_id, sa.func.count()).where(*conditions, person).group_by(ThemeFact.code_id)
    ):
        if theme_id is None:
            everyone = people
        else:
            totals[theme_id] = people
            if people > answered[theme_id]:
                cells[(theme_id, None)] = people - answered[theme_id]
    if everyone > answered[None]:
        bases[None] = everyone - answered[None]
    themes, _ = overview(project, f)
    themes.sort(key=lambda t: (t.group, t.key))
    shown = [AttributeColumn(option, label) for option, label in question.options if bases.get(option)]
    if bases.get(None):
        shown.append(AttributeColumn(None, ""))
    return AttributeTable("answer", shown, themes, dict(cells), dict(bases), totals, question, everyone)


# -- trend ---------------------------------------------------------------------------------------


def bucket_start(day: date, period: str) -> date:
    return day.replace(day=1) if period == "month" else day - timedelta(days=day.weekday())


def bucket_end(start: date, period: str) -> date:
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start + timedelta(days=6)


@dataclass
class Trend:
    period: str
    buckets: list[date]
    themes: list[ThemeRow]  # the themes shown, most people first
    cells: dict[tuple[int, date], Figure]
    bases: dict[date, int]


def trend(project: Project, f: Filters, period: str = "month", limit: int = 6) -> Trend:
    period = "week" if period == "week" else "month"
    themes, _ = overview(project, f)
    if f.code_id:
        shown = [t for t in themes if t.id == f.code_id]
    else:
        shown = sorted(themes, key=lambda t: (-t.people, t.key))[:limit]
    conditions = fact_conditions(project, f)
    bases: dict[date, int] = defaultdict(int)
    for day, people in db.session.execute(
        sa.select(ThemeFact.day, sa.func.count())
        .where(*conditions, ThemeFact.code_id.is_(None), ThemeFact.group_id.is_(None))
        .group_by(ThemeFact.day)
    ):
        bases[bucket_start(day, period)] += people
    counts: dict[tuple[int, date], int] = defaultdict(int)
    if shown:
        for code_id, day, people in db.session.execute(
            sa.select(ThemeFact.code_id, ThemeFact.day, sa.func.count())
            .where(*conditions, ThemeFact.code_id.in_([t.id for t in shown]))
            .group_by(ThemeFact.code_id, ThemeFact.day)
        ):
            counts[(code_id, bucket_start(day, period))] += people
    buckets: list[date] = []
    if bases:
        current, last = min(bases), max(bases)
        while current <= last:  # every period in between, also the empty ones
            buckets.append(current)
            current = bucket_start(bucket_end(current, period) + timedelta(days=1), period)
    return Trend(period, buckets, shown, {k: Figure(n, n) for k, n in counts.items()}, dict(bases))


# -- co-occurrence -------------------------------------------------------------------------------


@dataclass
class Pair:
    first: ThemeRow
    second: ThemeRow
    together: Figure
    of_first: Figure  # share of the first theme's people who raised the second too
    of_second: Figure


def cooccurrence(project: Project, f: Filters, limit: int = 30) -> list[Pair]:
    """Pairs of codes raised by the same person (interview or contribution), most frequent first.

    The database lists each person's codes as one string and counts the people per list (many people
    raise the same themes: at 50,000 people some 10,000 lists); the pairs of each list are counted here.
    A self-join in the database probes the facts once per row and is far slower."""
    themes = {t.id: t for t in overview(project, f)[0]}
    code = sa.cast(ThemeFact.code_id, sa.String)
    if db.session.get_bind().dialect.name == "postgresql":  # in order, so that equal lists group together
        codes_of_person = sa.func.string_agg(code, aggregate_order_by(sa.literal_column("','"), ThemeFact.code_id))
    else:  # SQLite before 3.44 cannot order an aggregate: the same themes in another order group apart
        codes_of_person = sa.func.group_concat(code, ",")
    people = (
        sa.select(codes_of_person.label("codes"))
        .where(*fact_conditions(project, f), ThemeFact.code_id.is_not(None))
        .group_by(ThemeFact.interview_id, ThemeFact.contribution_id)
        .having(sa.func.count() > 1)
        .subquery()
    )
    lists: Counter[tuple[int, ...]] = Counter()
    for joined, n in db.session.execute(sa.select(people.c.codes, sa.func.count()).group_by(people.c.codes)):
        lists[tuple(sorted(int(c) for c in joined.split(",")))] += n
    counts: Counter[tuple[int, int]] = Counter()
    for codes, n in lists.items():
        for pair in combinations(codes, 2):
            counts[pair] += n
    pairs = []
    for (first, second), n in counts.items():
        a, b = themes.get(first), themes.get(second)
        if a and b:
            pairs.append(Pair(a, b, Figure(n, n), Figure(n / a.people, n), Figure(n / b.people, n)))
    pairs.sort(key=lambda p: (-p.together.value, p.first.key, p.second.key))  # type: ignore[operator]
    return pairs[:limit]


# -- perceived quality ---------------------------------------------------------------------------


@dataclass
class QualityRow:
    area: Area | None  # None: all areas together
    counts: dict[str, Figure] = field(default_factory=dict)
    rated: Figure = Figure(0, 0)  # ratings with a level (not "don't know")
    median: Figure = Figure(None, 0)  # a level, A+ … D: the scale is ordinal, never averaged
    targets: list[str] = field(default_factory=list)  # the target levels that hold for these ratings (usually one)
    below: Figure = Figure(None, 0)  # share of the ratings (with a level and a target) below their area's target
    column_id: int | None = None

    @property
    def target(self) -> str:
        return " / ".join(self.targets)


@dataclass
class QualityElement:
    element: str
    keys: list[str]  # the question keys that rate this element
    rows: list[QualityRow]
    element_id: int | None = None  # None: a question names an element the project does not have


def _quality_questions(project: Project) -> dict[int, tuple[str, str]]:
    """Question id → (element as the question names it, key) for the project's perceived-quality questions."""
    rows = db.session.execute(
        sa.select(Question.id, Question.key, Question.config)
        .join(GuideVersion, GuideVersion.id == Question.version_id)
        .join(Guide, Guide.id == GuideVersion.guide_id)
        .where(Guide.project_id == project.id, Question.type == QuestionType.quality)
    )
    return {qid: (str((config or {}).get("element", "")).strip() or key, key) for qid, key, config in rows}


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    below: int = 0
    judged: int = 0  # ratings with a level and a target
    targets: set[str] = field(default_factory=set)

    def add(self, other: _Tally) -> None:
        for lv, n in other.counts.items():
            self.counts[lv] += n
        self.below += other.below
        self.judged += other.judged
        self.targets |= other.targets


def _row(area: Area | None, tally: _Tally, column_id: int | None = None) -> QualityRow:
    rated = sum(n for level, n in tally.counts.items() if level in QUALITY_SCORES)
    return QualityRow(
        area,
        {level: Figure(tally.counts.get(level, 0), tally.counts.get(level, 0)) for level in QUALITY_LEVELS},
        Figure(rated, rated),
        Figure(median_level(tally.counts), rated),
        sorted(tally.targets, key=lambda lv: -QUALITY_SCORES[lv]),
        Figure(tally.below / tally.judged if tally.judged else None, tally.judged),
        column_id,
    )


def quality(project: Project, f: Filters, level: str | None) -> tuple[list[QualityElement], AreaColumns]:
    """Ratings on the CROW scale per element and area: the distribution, the median level, and the
    share below the target level — each rating against the target that holds in its own area."""
    questions = _quality_questions(project)
    columns = area_columns(project, f, level)
    catalogue = elements_of(project)
    targets = targets_of(project)
    # element (its id, or the name a question gives) → area id → level → ratings
    found: dict[Any, dict[int | None, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    named: dict[Any, tuple[str, int | None]] = {}
    of_question: dict[int, Any] = {}
    for question_id, (name, _key) in questions.items():
        element = resolve(catalogue, name)
        of_question[question_id] = element.id if element else name
        named[of_question[question_id]] = (element.name, element.id) if element else (name, None)
    if questions:
        value = sa.cast(Answer.value, sa.Text)
        for question_id, area_id, raw, n in db.session.execute(
            sa.select(Answer.question_id, Interview.area_id, value, sa.func.count())
            .join(Interview, Interview.id == Answer.interview_id)
            .where(*interview_conditions(project, f, with_question=False), Answer.question_id.in_(questions))
            .group_by(Answer.question_id, Interview.area_id, value)
        ):
            level_ = json.loads(raw) if raw else None
            if level_ in QUALITY_LEVELS:
                found[of_question[question_id]][area_id][level_] += n
    names = {a.id: a for a in columns.columns}
    elements = []
    for element in sorted(found, key=lambda e: named[e][0].casefold()):
        name, element_id = named[element]
        per_column: dict[int | None, _Tally] = defaultdict(_Tally)
        together = _Tally()
        for area_id, counts in found[element].items():
            tally = _Tally(counts)
            target = targets.level(element_id, area_id) if element_id else None
            if target:
                tally.targets.add(target)
                tally.below, tally.judged = below(counts, target)
            per_column[columns.of.get(area_id) if area_id else None].add(tally)
            together.add(tally)
        rows = [_row(None, together)]
        rows += [_row(names[a.id], per_column[a.id], a.id) for a in columns.columns if a.id in per_column]
        if None in per_column:
            rows.append(_row(None, per_column[None], -1))
        keys = sorted({key for q, (_n, key) in questions.items() if of_question[q] == element})
        elements.append(QualityElement(name, keys, rows, element_id))
    return elements, columns


def rated_interviews(project: Project, f: Filters, key: str, level: str, page: int = 1) -> Page:
    """The interviews behind a rating figure: those that gave ``level`` to the question ``key``."""
    query = (
        sa.select(Interview)
        .join(Answer, Answer.interview_id == Interview.id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            *interview_conditions(project, f, with_question=False),
            Question.key == key,
            Question.type == QuestionType.quality,
            sa.cast(Answer.value, sa.Text) == json.dumps(level),
        )
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    number = max(1, page)
    items = list(
        db.session.scalars(
            query.order_by(Interview.started_at.desc(), Interview.id.desc()).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
        )
    )
    return Page(items, number, total)


# -- quotes --------------------------------------------------------------------------------------


@dataclass
class Quote:
    kind: str
    input_id: int
    text: str
    is_quote: bool
    sentiment: Any
    area_id: int | None
    at: Any
    interview_id: int | None


QUOTES_COUNTED = 1000


def _quote_arms(project: Project, f: Filters, code_id: int) -> list[sa.Select[Any]]:
    """The theme's quotes and coded fragments, per kind of statement, under the filters on who was heard."""
    shown = [Coding.code_id == code_id, Coding.sample_id.is_(None), sa.or_(Coding.is_quote, Coding.start.is_not(None))]
    return [
        statements.select(source, ("kind", "id", "text", "area_id", "at", "interview_id"))
        .add_columns(Coding.id.label("coding_id"), Coding.fragment, Coding.is_quote, Coding.sentiment)
        .join(Coding, source.coding == source.columns["id"])
        .where(*shown, *statements.heard(project, f, source))
        for source in statements.SOURCES
        if statements.passes(source, f)
    ]


def quotes(project: Project, f: Filters, code_id: int, page: int = 1) -> Page:
    """Flagged quotes of a theme first, then its other coded fragments; the latest coded first.

    Each kind is read in that order from the codings' (code, quote, id) index, at most as far as
    the page reaches, and the two are merged here (as the coding queue does)."""
    arms = _quote_arms(project, f, code_id)
    # Counted up to just past the cap: a popular theme has tens of thousands of fragments, and no
    # one pages past the first thousand; the page says "more than 1,000" then.
    total = min(
        QUOTES_COUNTED + 1,
        sum(db.session.scalar(sa.select(sa.func.count()).select_from(arm.limit(QUOTES_COUNTED + 1).subquery())) or 0 for arm in arms),
    )
    number = max(1, page)
    offset = (number - 1) * PAGE_SIZE
    rows = []
    for arm in arms:
        rows += db.session.execute(arm.order_by(Coding.is_quote.desc(), Coding.id.desc()).limit(offset + PAGE_SIZE)).all()
    rows.sort(key=lambda r: (not r.is_quote, -r.coding_id))
    items = [
        Quote(r.kind, r.id, r.fragment or r.text, bool(r.is_quote), r.sentiment, r.area_id, r.at, r.interview_id)
        for r in rows[offset : offset + PAGE_SIZE]
    ]
    return Page(items, number, total)


# -- action items --------------------------------------------------------------------------------


@dataclass
class ActionSummary:
    by_status: dict[ActionStatus, int]
    by_theme: dict[int | None, dict[ActionStatus, int]]
    by_area: dict[int | None, dict[ActionStatus, int]]
    heard_back: int  # residents have been told

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def action_summary(project: Project, f: Filters) -> ActionSummary:
    """Action items by status, theme and area (the area filter applies: they have no round or period)."""
    conditions = [ActionItem.project_id == project.id]
    if f.area_id:
        conditions.append(ActionItem.area_id.in_(area_ids(project, f.area_id)))
    by_status: dict[ActionStatus, int] = dict.fromkeys(ActionStatus, 0)
    by_theme: dict[int | None, dict[ActionStatus, int]] = defaultdict(lambda: dict.fromkeys(ActionStatus, 0))
    by_area: dict[int | None, dict[ActionStatus, int]] = defaultdict(lambda: dict.fromkeys(ActionStatus, 0))
    for status, code_id, area_id, n in db.session.execute(
        sa.select(ActionItem.status, ActionItem.code_id, ActionItem.area_id, sa.func.count())
        .where(*conditions)
        .group_by(ActionItem.status, ActionItem.code_id, ActionItem.area_id)
    ):
        by_status[status] += n
        by_theme[code_id][status] += n
        by_area[area_id][status] += n
    heard_back = db.session.scalar(sa.select(sa.func.count()).where(*conditions, ActionItem.feedback_given)) or 0
    return ActionSummary(by_status, dict(by_theme), dict(by_area), heard_back)


# -- team learning -------------------------------------------------------------------------------

TEAM_MINIMUM = 2  # interviewers behind a round's figures, so none of them points at one person


@dataclass
class TeamRound:
    round_id: int
    name: str
    interviewers: int
    reflections: int
    levels: dict[Any, int]
    surprised: list[str]

    @property
    def shown(self) -> bool:
        return self.interviewers >= TEAM_MINIMUM


def team(project: Project, f: Filters) -> list[TeamRound]:
    """Reflections per round, at team level only: listening levels and what surprised the team.
    A round reflected on by fewer than two interviewers is not broken down (it would be one person)."""
    conditions = interview_conditions(project, f)
    stats = db.session.execute(
        sa.select(Interview.round_id, Round.name, sa.func.count(sa.distinct(Interview.interviewer_id)), sa.func.count())
        .select_from(Reflection)
        .join(Interview, Interview.id == Reflection.interview_id)
        .join(Round, Round.id == Interview.round_id)
        .where(*conditions)
        .group_by(Interview.round_id, Round.name)
        .order_by(Round.name)
    ).all()
    rounds = {rid: TeamRound(rid, name, people, n, dict.fromkeys(ListeningLevel, 0), []) for rid, name, people, n in stats}
    for round_id, level, n in db.session.execute(
        sa.select(Interview.round_id, Reflection.listening_level, sa.func.count())
        .select_from(Reflection)
        .join(Interview, Interview.id == Reflection.interview_id)
        .where(*conditions, Reflection.listening_level.is_not(None))
        .group_by(Interview.round_id, Reflection.listening_level)
    ):
        rounds[round_id].levels[level] = n
    for round_id, text in db.session.execute(
        sa.select(Interview.round_id, Reflection.surprised)
        .select_from(Reflection)
        .join(Interview, Interview.id == Reflection.interview_id)
        .where(*conditions, Reflection.surprised != "")
    ):
        rounds[round_id].surprised.append(text)
    for round_ in rounds.values():
        round_.surprised.sort(key=str.casefold)  # not in the order they were recorded: that could tell who wrote what
    return list(rounds.values())


def people_behind(project: Project, f: Filters) -> int:
    """How many people (interviews, contributions) the inputs under the filters come from."""
    people = 0
    for _, query in statements.selects(project, f, "person_id"):
        found = query.subquery()
        people += db.session.scalar(sa.select(sa.func.count(sa.distinct(found.c.person_id)))) or 0
    return people


# -- closed questions ------------------------------------------------------------------------------


@dataclass
class ClosedRow:
    """One area column of a closed question (the first row: all areas)."""

    area: Area | None
    column_id: int | None
    answered: Figure = Figure(0, 0)  # people who answered the question
    counts: dict[str, Figure] = field(default_factory=dict)  # option → people who chose it
    shares: dict[str, Figure] = field(default_factory=dict)  # of those who answered (choices: can add up past 100 %)
    median: Figure = Figure(None, 0)  # numbers only
    low_quartile: Figure = Figure(None, 0)
    high_quartile: Figure = Figure(None, 0)
    lowest: Figure = Figure(None, 0)
    highest: Figure = Figure(None, 0)


@dataclass
class ClosedQuestion:
    key: str
    label: str
    kind: str  # "options" or "number"
    multiple: bool  # several options per answer
    options: list[tuple[str, str]]
    rows: list[ClosedRow]
    type: str = ""  # the newest version's question type


def quantile(values: list[tuple[float, int]], p: float) -> float | None:
    """The p-quantile of (value, how often) pairs sorted by value, interpolated between neighbours
    (as spreadsheets' QUARTILE.INC and Python's statistics.quantiles(method="inclusive"))."""
    n = sum(count for _, count in values)
    if not n:
        return None
    position = p * (n - 1)
    below_index, fraction = int(position), position - int(position)

    def at(index: int) -> float:
        seen = 0
        for value, count in values:
            seen += count
            if index < seen:
                return value
        return values[-1][0]

    low = at(below_index)
    return low if not fraction else low + (at(below_index + 1) - low) * fraction


def _closed_row(question: ClosedQuestion, area: Area | None, column_id: int | None, tally: dict[Any, int], answered: int) -> ClosedRow:
    row = ClosedRow(area, column_id, Figure(answered, answered))
    if question.kind == "number":
        values = sorted((v, n) for v, n in tally.items())
        for name, p in (("median", 0.5), ("low_quartile", 0.25), ("high_quartile", 0.75), ("lowest", 0.0), ("highest", 1.0)):
            setattr(row, name, Figure(quantile(values, p), answered))
    else:
        for key, _label in question.options:
            n = tally.get(key, 0)
            row.counts[key] = Figure(n, n)
            row.shares[key] = Figure(n / answered if answered else None, n)
    return row


ALL_AREAS = -2  # the tally of all areas together (None: no or another area, as in the other views)


# The closed questions by key, each version's kind and key by question id, and the order keys were first asked in.
Catalogue = tuple[dict[str, ClosedQuestion], dict[int, Any], dict[int, str], dict[str, int]]


def closed_catalogue(project: Project) -> Catalogue:
    """The project's closed questions by key, across guide versions (the newest text and options first,
    options only older versions had after them): the questions, each version's kind by question id,
    each question id's key, and the order the keys were first asked in."""
    counted = [name for name, kind in KINDS.items() if kind.counted]
    questions = list(
        db.session.scalars(
            sa.select(Question)
            .join(GuideVersion, GuideVersion.id == Question.version_id)
            .join(Guide, Guide.id == GuideVersion.guide_id)
            .where(Guide.project_id == project.id, Question.type.in_(counted))
            .order_by(Guide.id, GuideVersion.number, Question.position)
        )
    )
    kinds = {q.id: kind_of(q) for q in questions}
    first_seen: dict[str, int] = {}
    for n, q in enumerate(questions):
        first_seen.setdefault(q.key, n)
    question_keys = {q.id: q.key for q in questions}
    found: dict[str, ClosedQuestion] = {}
    for question in reversed(questions):  # the newest version's text and options first
        kind = kinds[question.id]
        entry = found.get(question.key)
        if entry is None:
            entry = found[question.key] = ClosedQuestion(
                question.key, question.label, kind.counted or "", question.type == QuestionType.multi_choice, [], [], kind.name
            )
        elif entry.kind != kind.counted:
            continue  # a key that changed kind: its older answers are not counted with the newer
        # Options older versions had and the newest does not are still counted, after the others.
        known = {k for k, _ in entry.options}
        entry.options += [(k, label) for k, label in kind.count_options(question) if k not in known]
    return found, kinds, question_keys, first_seen


def option_questions(project: Project, catalogue: Catalogue | None = None) -> list[ClosedQuestion]:
    """The closed questions whose answers are options (choices, yes/no, scale), in the order first asked."""
    found, _kinds, _keys, first_seen = catalogue or closed_catalogue(project)
    return sorted((q for q in found.values() if q.kind == "options"), key=lambda q: first_seen[q.key])


def answer_label(project: Project, answer: tuple[str, str] | None) -> str | None:
    """A filter on an answer in words: “Voelt u zich veilig?”: Nee; None without one (or an unknown key)."""
    if answer is None:
        return None
    question = closed_catalogue(project)[0].get(answer[0])
    if question is None:
        return None
    return f"“{question.label}”: {dict(question.options).get(answer[1], answer[1])}"


def closed_questions(project: Project, f: Filters, level: str | None) -> tuple[list[ClosedQuestion], AreaColumns]:
    """Per closed question (choices, scale, yes/no, number; by key, across guide versions): how many
    people answered and chose each option, or the median and spread of a number, per area column."""
    columns = area_columns(project, f, level)
    found, kinds, question_keys, first_seen = closed_catalogue(project)
    if not found:
        return [], columns
    tallies: dict[tuple[str, int | None], dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    answered: dict[tuple[str, int | None], int] = defaultdict(int)
    value = sa.cast(Answer.value, sa.Text)
    for question_id, area_id, raw, n in db.session.execute(
        sa.select(Answer.question_id, Interview.area_id, value, sa.func.count())
        .join(Interview, Interview.id == Answer.interview_id)
        .where(*interview_conditions(project, f, with_question=False), Answer.question_id.in_(question_keys))
        .group_by(Answer.question_id, Interview.area_id, value)
    ):
        decoded = json.loads(raw) if raw else None
        if decoded is None:
            continue
        key = question_keys[question_id]
        entry = found[key]
        if kinds[question_id].counted != entry.kind:
            continue
        column = columns.of.get(area_id) if area_id else None
        if entry.kind == "number":
            if isinstance(decoded, bool) or not isinstance(decoded, (int, float)):
                continue
            hits: list[Any] = [float(decoded)]
        else:
            hits = kinds[question_id].count_keys(decoded)
            if not hits:
                continue
        for slot in ((key, ALL_AREAS), (key, column)):
            answered[slot] += n
            for hit in hits:
                tallies[slot][hit] += n
    names = {a.id: a for a in columns.columns}
    result = []
    for key, entry in found.items():
        if not answered.get((key, ALL_AREAS)):
            continue
        entry.rows.append(_closed_row(entry, None, None, tallies[(key, ALL_AREAS)], answered[(key, ALL_AREAS)]))
        for a in columns.columns:
            if answered.get((key, a.id)):
                entry.rows.append(_closed_row(entry, names[a.id], a.id, tallies[(key, a.id)], answered[(key, a.id)]))
        if answered.get((key, None)):
            entry.rows.append(_closed_row(entry, None, -1, tallies[(key, None)], answered[(key, None)]))
        result.append(entry)
    result.sort(key=lambda e: first_seen[e.key])
    return result, columns


# -- participation ---------------------------------------------------------------------------------


@dataclass
class RoundRecord:
    """One round as the plan's participation chapter records it."""

    round: Round
    interviews: int = 0
    contributions: int = 0
    first: Any = None  # the first and last moment someone was heard
    last: Any = None
    asked_feedback: int = 0  # residents who left contact details to hear back
    heard_back: int = 0  # of them, those whose words rest under an action item marked "residents heard back"
    per_area: dict[int | None, int] = field(default_factory=lambda: defaultdict(int))  # area column → people

    @property
    def people(self) -> int:
        return self.interviews + self.contributions


def participation(project: Project, f: Filters, level: str | None) -> tuple[list[RoundRecord], AreaColumns]:
    """Every round (the round, period and area filters apply) with how many people were heard, where,
    and how many asked for feedback and heard back."""
    columns = area_columns(project, f, level)
    query = sa.select(Round).where(Round.project_id == project.id)
    if f.round_id:
        query = query.where(Round.id == f.round_id)
    records = {r.id: RoundRecord(r) for r in db.session.scalars(query.order_by(Round.starts_on, Round.starts_at, Round.id))}
    people = interview_conditions(project, f)
    for round_id, area_id, n, first, last in db.session.execute(
        sa.select(
            Interview.round_id, Interview.area_id, sa.func.count(), sa.func.min(Interview.started_at), sa.func.max(Interview.started_at)
        )
        .where(*people)
        .group_by(Interview.round_id, Interview.area_id)
    ):
        _heard(records.get(round_id), columns.of.get(area_id) if area_id else None, n, first, last, "interviews")
    if not f.interviews_only:
        conditions = source_conditions(project, f, CONTRIBUTION)
        for round_id, area_id, n, first, last in db.session.execute(
            sa.select(
                Contribution.round_id,
                Contribution.area_id,
                sa.func.count(),
                sa.func.min(Contribution.recorded_at),
                sa.func.max(Contribution.recorded_at),
            )
            .where(*conditions)
            .group_by(Contribution.round_id, Contribution.area_id)
        ):
            _heard(records.get(round_id), columns.of.get(area_id) if area_id else None, n, first, last, "contributions")
    told = (
        sa.select(Answer.interview_id)
        .join(ActionInput, ActionInput.answer_id == Answer.id)
        .join(ActionItem, ActionItem.id == ActionInput.action_id)
        .where(ActionItem.feedback_given)
    )
    for round_id, asked, heard in db.session.execute(
        sa.select(Interview.round_id, sa.func.count(), sa.func.sum(sa.case((Interview.id.in_(told), 1), else_=0)))
        .join(ContactDetails, ContactDetails.interview_id == Interview.id)
        .where(*people)
        .group_by(Interview.round_id)
    ):
        if round_id in records:
            records[round_id].asked_feedback, records[round_id].heard_back = asked, heard or 0
    return list(records.values()), columns


def _heard(record: RoundRecord | None, column: int | None, n: int, first: Any, last: Any, kind: str) -> None:
    if record is None:
        return
    setattr(record, kind, getattr(record, kind) + n)
    record.per_area[column] += n
    record.first = first if record.first is None else min(record.first, first)
    record.last = last if record.last is None else max(record.last, last)
