"""The filters the workbench, the dashboards and the exports share, and their SQL conditions.

``Filters`` is what a filter bar holds (and puts back into a URL); ``source_conditions`` turns the ones
that describe the person heard into conditions on any record that carries those details
(``Dimensions``: interviews, contributions, theme facts). Which filters a user may use is access's
rule (``access.filter_args``: policy makers do not filter by person).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from .extensions import db
from .inputs import query_id
from .models import AgeBand, Answer, Area, Contribution, Guide, GuideVersion, Interview, Project, Question, RespondentType, Sentiment
from .questions import kind_of


def _enum(kind: Any, value: str) -> Any:
    return kind(value) if value in kind._value2member_map_ else None


ANSWER = re.compile(r"([A-Za-z0-9_]{1,64}):(.{1,200})\Z", re.DOTALL)  # "veilig:no": a question key and an option


def _answer(value: str) -> tuple[str, str] | None:
    found = ANSWER.match(value)
    return (found.group(1), found.group(2)) if found else None


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
    answer: tuple[str, str] | None = None  # (question key, option): people who chose it (interviews only)
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
            answer=_answer(args.get("answer", "")),
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
            "answer": f"{self.answer[0]}:{self.answer[1]}" if self.answer else None,
        }
        return {k: v for k, v in values.items() if v}

    @property
    def interviews_only(self) -> bool:
        """Whether the filters select something only interviews have (contributions drop out)."""
        return bool(self.question or self.respondent_type or self.age_band or self.version_id or self.answer)

    def period(self) -> tuple[datetime | None, datetime | None]:
        """The period as UTC instants: from the start of the first local day to the end of the last."""
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        start = datetime.combine(self.date_from, time(), zone) if self.date_from else None
        end = datetime.combine(self.date_to + timedelta(days=1), time(), zone) if self.date_to else None
        return start, end


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
    interview: Any = None  # the interview's id, for what it answered


INTERVIEW = Dimensions(
    Interview.project_id,
    Interview.round_id,
    Interview.area_id,
    Interview.interviewer_id,
    moment=Interview.started_at,
    respondent=Interview.respondent_type,
    age=Interview.age_band,
    version=Interview.guide_version_id,
    interview=Interview.id,
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
    if f.answer and d.interview is not None:
        conditions.append(answered(project, d.interview, *f.answer))
    return conditions


def answered(project: Project, interview: Any, key: str, option: str) -> Any:
    """A condition: the interview ``interview`` answered the closed question ``key`` (any guide version)
    with ``option`` (one of the options counted for it: a choice, yes or no, a scale point). The stored
    JSON text is compared with how that option is stored, as each question kind says."""
    probe = aliased(Answer)  # its own alias: the query may read answers itself
    stored = sa.cast(probe.value, sa.Text)
    matches = []
    for question in db.session.scalars(
        sa.select(Question)
        .join(GuideVersion, GuideVersion.id == Question.version_id)
        .join(Guide, Guide.id == GuideVersion.guide_id)
        .where(Guide.project_id == project.id, Question.key == key)
    ):
        kind = kind_of(question)
        if kind.counted != "options":
            continue
        if kind.stored_within():
            matches.append(sa.and_(probe.question_id == question.id, stored.contains(json.dumps(option), autoescape=True)))
        elif forms := kind.stored_as(option):
            matches.append(sa.and_(probe.question_id == question.id, stored.in_(forms)))
    if not matches:
        return sa.false()
    return sa.exists().where(probe.interview_id == interview, sa.or_(*matches))
