"""The coding queue: open answers and contributions, with their codings, filtered and paginated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ..capture.queries import PAGE_SIZE, Page
from ..extensions import db
from ..inputs import query_id
from ..models import (
    AgeBand,
    Answer,
    Area,
    Coding,
    Contribution,
    Guide,
    GuideVersion,
    Interview,
    Project,
    Question,
    QuestionType,
    RespondentType,
    Sentiment,
    ThemeFact,
)
from ..models.fieldwork import contribution_tags, interview_tags

TEXT_TYPES = (QuestionType.short_text, QuestionType.long_text)


@dataclass
class QueueItem:
    kind: str  # "answer" or "contribution"
    id: int
    text: str
    round_id: int
    area_id: int | None
    at: datetime | None = None
    codings: list[Coding] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def _enum(kind: Any, value: str) -> Any:
    return kind(value) if value in kind._value2member_map_ else None


def _date(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2100 else None  # a filter's day and the next stay in range in any zone


# The filters every dashboard shares (and an export takes over); the others belong to one view.
SHARED_FILTERS = frozenset({"round", "from", "to", "area", "respondent", "age", "question", "version", "interviewer"})


@dataclass
class Filters:
    """The filters of the workbench and the dashboards, as they come from the URL (and go back into it)."""

    round_id: int | None = None
    question: str = ""  # a question key: the same question across guide versions
    area_id: int | None = None  # the area and every area inside it
    interviewer_id: int | None = None
    code_id: int | None = None
    uncoded: bool = False
    tagged: bool = False  # has quick tags from the field
    sentiment: Sentiment | None = None
    search: str = ""
    date_from: date | None = None  # local dates, both included
    date_to: date | None = None
    respondent_type: RespondentType | None = None  # profile and guide version: interviews only
    age_band: AgeBand | None = None
    version_id: int | None = None
    also_code_id: int | None = None  # from people who also raised this theme (co-occurrence)
    owner_id: int | None = None  # set for interviewers: only their own input

    @classmethod
    def from_args(cls, args: Any, owner_id: int | None = None) -> Filters:
        return cls(
            round_id=args.get("round", type=query_id),
            question=args.get("question", "")[:64],
            area_id=args.get("area", type=query_id),
            interviewer_id=args.get("interviewer", type=query_id),
            code_id=args.get("code", type=query_id),
            uncoded=args.get("uncoded") == "1",
            tagged=args.get("tagged") == "1",
            sentiment=_enum(Sentiment, args.get("sentiment", "")),
            search=args.get("q", "").strip()[:100],
            date_from=_date(args.get("from", "")),
            date_to=_date(args.get("to", "")),
            respondent_type=_enum(RespondentType, args.get("respondent", "")),
            age_band=_enum(AgeBand, args.get("age", "")),
            version_id=args.get("version", type=query_id),
            also_code_id=args.get("also", type=query_id),
            owner_id=owner_id,
        )

    def as_args(self) -> dict[str, Any]:
        """The filters as URL arguments (for the pager and the links back to the queue)."""
        values = {
            "round": self.round_id,
            "question": self.question,
            "area": self.area_id,
            "interviewer": self.interviewer_id,
            "code": self.code_id,
            "uncoded": "1" if self.uncoded else None,
            "tagged": "1" if self.tagged else None,
            "sentiment": self.sentiment.value if self.sentiment else None,
            "q": self.search,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "respondent": self.respondent_type.value if self.respondent_type else None,
            "age": self.age_band.value if self.age_band else None,
            "version": self.version_id,
            "also": self.also_code_id,
        }
        return {k: v for k, v in values.items() if v}

    @property
    def interviews_only(self) -> bool:
        """Whether the filters select something only interviews have (contributions drop out)."""
        return bool(self.question or self.respondent_type or self.age_band or self.version_id)

    def period(self) -> tuple[datetime | None, datetime | None]:
        """The period as UTC instants: from the start of the first local day to the end of the last."""
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        start = datetime.combine(self.date_from, time(), zone) if self.date_from else None
        end = datetime.combine(self.date_to + timedelta(days=1), time(), zone) if self.date_to else None
        return start, end


def _main_codings(link: Any, **where: Any) -> sa.Select[Any]:
    """The inputs (by ``link``, a Coding column) with a coding of the project's own (not a sample's)."""
    query = sa.select(link).where(link.is_not(None), Coding.sample_id.is_(None))
    for name, value in where.items():
        query = query.where(getattr(Coding, name) == value)
    return query


def area_ids(project: Project, area_id: int) -> list[int]:
    """The area (of this project) and every area inside it, as a list: a list of ids lets the
    planners use the indexes (a subquery made PostgreSQL read every fact row of the project)."""
    area = db.session.get(Area, area_id)
    if area is None or area.project_id != project.id:
        return [-1]
    return list(
        db.session.scalars(
            sa.select(Area.id).where(
                Area.project_id == project.id, sa.or_(Area.id == area.id, Area.path.startswith(area.path + "/", autoescape=True))
            )
        )
    )


@dataclass(frozen=True)
class Dimensions:
    """Where a kind of record keeps what the filters select on (None: it has no such thing)."""

    project: Any
    round: Any
    area: Any
    worker: Any  # the interviewer or the author
    moment: Any = None  # a UTC instant, compared with the period's bounds
    day: Any = None  # or a local date, compared with the period's dates
    respondent: Any = None
    age: Any = None
    version: Any = None


INTERVIEW = Dimensions(
    Interview.project_id,
    Interview.round_id,
    Interview.area_id,
    Interview.interviewer_id,
    moment=Interview.started_at,
    respondent=Interview.respondent_type,
    age=Interview.age_band,
    version=Interview.guide_version_id,
)
CONTRIBUTION = Dimensions(
    Contribution.project_id, Contribution.round_id, Contribution.area_id, Contribution.author_id, moment=Contribution.recorded_at
)


def source_conditions(project: Project, f: Filters, d: Dimensions) -> list[Any]:
    """The filters that describe the person heard (round, area, interviewer, period, profile, guide
    version) as conditions on interviews, contributions or anything that copies their details.
    A filter on something the kind does not have is left out: ``interviews_only`` says so."""
    conditions = [d.project == project.id]
    for worker in (f.owner_id, f.interviewer_id):
        if worker is not None:
            conditions.append(d.worker == worker)
    if f.round_id:
        conditions.append(d.round == f.round_id)
    if f.area_id:
        conditions.append(d.area.in_(area_ids(project, f.area_id)))
    if d.day is not None:
        conditions += [d.day >= f.date_from] if f.date_from else []
        conditions += [d.day <= f.date_to] if f.date_to else []
    else:
        start, end = f.period()
        conditions += [d.moment >= start] if start else []
        conditions += [d.moment < end] if end else []
    for column, value in ((d.respondent, f.respondent_type), (d.age, f.age_band), (d.version, f.version_id)):
        if value and column is not None:
            conditions.append(column == value)
    return conditions


def input_selects(project: Project, filters: Filters) -> tuple[sa.Select[Any], sa.Select[Any] | None]:
    """The answers and the contributions that pass the filters, as (kind, id, at) rows (None: no
    contributions can)."""
    answers = (
        sa.select(sa.literal("answer").label("kind"), Answer.id, Interview.started_at.label("at"))
        .join(Interview, Interview.id == Answer.interview_id)
        .where(Answer.text != "")
    )
    contributions: sa.Select[Any] | None = sa.select(
        sa.literal("contribution").label("kind"), Contribution.id, Contribution.recorded_at.label("at")
    )
    f = filters
    if f.question:
        answers = answers.where(Answer.question_id.in_(sa.select(Question.id).where(Question.key == f.question)))
    if f.interviews_only:
        contributions = None  # contributions answer no question and have no profile
    a = source_conditions(project, f, INTERVIEW)  # conditions on answers (their interviews) and on contributions
    c = source_conditions(project, f, CONTRIBUTION)
    if f.also_code_id:  # the people (not the inputs) who raised that theme too
        also = (
            sa.select(ThemeFact.interview_id, ThemeFact.contribution_id)
            .where(ThemeFact.project_id == project.id, ThemeFact.scope == "", ThemeFact.code_id == f.also_code_id)
            .subquery()
        )
        a.append(Interview.id.in_(sa.select(also.c.interview_id)))
        c.append(Contribution.id.in_(sa.select(also.c.contribution_id)))
    if f.search:
        pattern = f"%{f.search}%"
        a.append(Answer.text.ilike(pattern))
        c.append(Contribution.text.ilike(pattern))
    if f.tagged:
        a.append(Interview.id.in_(sa.select(interview_tags.c.interview_id)))
        c.append(Contribution.id.in_(sa.select(contribution_tags.c.contribution_id)))
    coded: dict[str, Any] = {}
    if f.code_id:
        coded["code_id"] = f.code_id
    if f.sentiment:
        coded["sentiment"] = f.sentiment
    if coded:
        a.append(Answer.id.in_(_main_codings(Coding.answer_id, **coded)))
        c.append(Contribution.id.in_(_main_codings(Coding.contribution_id, **coded)))
    if f.uncoded:  # NOT EXISTS: probes the index per input instead of building a set of all codings
        a.append(~sa.exists().where(Coding.answer_id == Answer.id, Coding.sample_id.is_(None)))
        c.append(~sa.exists().where(Coding.contribution_id == Contribution.id, Coding.sample_id.is_(None)))
    answers = answers.where(*a)
    if contributions is not None:
        contributions = contributions.where(*c)
    return answers, contributions


MERGE_LIMIT = 2000  # up to this many rows per kind, merge here; deeper pages sort in the database


def _window(project: Project, filters: Filters, offset: int, limit: int) -> list[Any]:
    """The (kind, id, at) rows at ``offset`` of the queue, newest first.

    Each kind is read in order from its own index, at most offset + limit rows, and the two are
    merged here: page 1 of 100,000 inputs reads 100 rows instead of sorting them all. Deep pages
    let the database sort the keys of both kinds together instead."""
    arms = [arm for arm in input_selects(project, filters) if arm is not None]
    if offset + limit > MERGE_LIMIT:
        union = sa.union_all(*arms).subquery() if len(arms) > 1 else arms[0].subquery()
        return list(
            db.session.execute(sa.select(union).order_by(union.c.at.desc(), union.c.kind, union.c.id.desc()).limit(limit).offset(offset))
        )
    rows: list[Any] = []
    for arm in arms:
        at = arm.selected_columns.at
        rows += db.session.execute(arm.order_by(at.desc(), arm.selected_columns.id.desc()).limit(offset + limit)).all()
    rows.sort(key=lambda r: (-r.at.timestamp(), r.kind, -r.id))
    return rows[offset : offset + limit]


def count(project: Project, filters: Filters) -> int:
    total = 0
    for arm in input_selects(project, filters):
        if arm is not None:
            total += db.session.scalar(sa.select(sa.func.count()).select_from(arm.subquery())) or 0
    return total


def _items(rows: list[Any]) -> list[QueueItem]:
    answers = {
        r.id: r
        for r in db.session.execute(
            sa.select(Answer.id, Answer.text, Interview.round_id, Interview.area_id)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Answer.id.in_([r.id for r in rows if r.kind == "answer"]))
        )
    }
    contributions = {
        r.id: r
        for r in db.session.execute(
            sa.select(Contribution.id, Contribution.text, Contribution.round_id, Contribution.area_id).where(
                Contribution.id.in_([r.id for r in rows if r.kind == "contribution"])
            )
        )
    }
    items = []
    for row in rows:
        found = (answers if row.kind == "answer" else contributions)[row.id]
        items.append(QueueItem(row.kind, row.id, found.text, found.round_id, found.area_id, row.at))
    return items


def queue(project: Project, filters: Filters | None = None, page: int = 1) -> Page:
    """Open answers (text questions) and contributions of the project, newest first."""
    filters = filters or Filters()
    number = max(1, page)
    items = _items(_window(project, filters, (number - 1) * PAGE_SIZE, PAGE_SIZE))
    _attach_codings(items)
    return Page(items, number, count(project, filters))


def item_at(project: Project, filters: Filters, position: int) -> QueueItem | None:
    """The input at ``position`` (0-based) of the filtered queue: for "previous" and "next"."""
    if position < 0:
        return None
    rows = _window(project, filters, position, 1)
    return _items(rows)[0] if rows else None


def codings_by_input(keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[Coding]]:
    """The project's own codings of the given inputs ("answer"/"contribution", id), in the order
    they were made; one query per kind, each through its input index."""
    found: dict[tuple[str, int], list[Coding]] = {}
    for kind, column in (("answer", Coding.answer_id), ("contribution", Coding.contribution_id)):
        ids = [i for k, i in keys if k == kind]
        if not ids:
            continue
        # Sorted here: an ORDER BY id lets SQLite walk every coding by id instead of using the index.
        codings = db.session.scalars(
            sa.select(Coding).where(column.in_(ids), Coding.sample_id.is_(None)).options(selectinload(Coding.code))
        )
        for coding in sorted(codings, key=lambda c: c.id):
            found.setdefault((kind, coding.answer_id or coding.contribution_id), []).append(coding)  # type: ignore[arg-type]
    return found


def _attach_codings(items: list[QueueItem]) -> None:
    found = codings_by_input([(item.kind, item.id) for item in items])
    for item in items:
        item.codings = found.get((item.kind, item.id), [])


def open_questions(project: Project) -> list[tuple[str, str]]:
    """(key, label) of the project's open questions, one per key (the newest label)."""
    rows = db.session.execute(
        sa.select(Question.key, Question.label)
        .join(GuideVersion, GuideVersion.id == Question.version_id)
        .join(Guide, Guide.id == GuideVersion.guide_id)
        .where(Guide.project_id == project.id, Question.type.in_(TEXT_TYPES))
        .order_by(Question.key, Question.id.desc())
    ).all()
    seen: dict[str, str] = {}
    for key, label in rows:
        seen.setdefault(key, label)
    return sorted(seen.items(), key=lambda kv: kv[1])
