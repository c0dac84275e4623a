"""Statements: what one resident said that can be coded — an answer to an open question, or a contribution.

The two are stored apart (an answer belongs to an interview and a question, a contribution to an
information round), but what the coding queue, the samples, the dashboards and the demo read of them is
the same: a text, when, in which round and area, from which person, coded how. ``SOURCES`` describes each
kind once; ``selects`` gives one SELECT per kind that can pass the filters, each with the same named
columns, and ``union`` puts them together. A new filter is written once, in ``conditions``; a new column
once, in ``Source.columns``.

Each kind stays its own SELECT underneath (rather than a view): each is read in order from its own
indexes, which the coding queue's first pages rely on (see ``coding.queries._window``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .extensions import db
from .filters import CONTRIBUTION as CONTRIBUTION_DIMENSIONS
from .filters import INTERVIEW as INTERVIEW_DIMENSIONS
from .filters import Dimensions, Filters, source_conditions
from .models import Answer, Coding, Contribution, Interview, Project, Question, ThemeFact
from .models.fieldwork import contribution_tags, interview_tags


@dataclass(frozen=True)
class Source:
    """Where one kind of statement keeps what is read and filtered."""

    kind: str  # "answer" or "contribution": a statement's key is (kind, id)
    model: Any
    columns: Mapping[str, Any]  # the named columns every kind has (see COLUMNS)
    joins: tuple[tuple[Any, Any], ...]  # the tables the columns come from, beside the model
    stored: tuple[Any, ...]  # what makes a row a statement (an answer with text)
    coding: Any  # Coding's link to this kind
    dimensions: Dimensions  # the person heard, for ``source_conditions``
    fact: Any  # ThemeFact's link to the person heard
    tag: Any  # the quick tags' link to the person heard
    profile: bool  # answers a guide's question and has a respondent profile


COLUMNS = ("id", "text", "at", "round_id", "area_id", "person_id", "interview_id")

ANSWER = Source(
    kind="answer",
    model=Answer,
    columns={
        "id": Answer.id,
        "text": Answer.text,
        "at": Interview.started_at,
        "round_id": Interview.round_id,
        "area_id": Interview.area_id,
        "person_id": Interview.id,  # the person heard: the interview
        "interview_id": Interview.id,
    },
    joins=((Interview, Interview.id == Answer.interview_id),),
    stored=(Answer.text != "",),
    coding=Coding.answer_id,
    dimensions=INTERVIEW_DIMENSIONS,
    fact=ThemeFact.interview_id,
    tag=interview_tags.c.interview_id,
    profile=True,
)
CONTRIBUTION = Source(
    kind="contribution",
    model=Contribution,
    columns={
        "id": Contribution.id,
        "text": Contribution.text,
        "at": Contribution.recorded_at,
        "round_id": Contribution.round_id,
        "area_id": Contribution.area_id,
        "person_id": Contribution.id,  # a contribution is one person's
        "interview_id": sa.cast(sa.null(), sa.Integer),
    },
    joins=(),
    stored=(),
    coding=Coding.contribution_id,
    dimensions=CONTRIBUTION_DIMENSIONS,
    fact=ThemeFact.contribution_id,
    tag=contribution_tags.c.contribution_id,
    profile=False,
)
SOURCES = (ANSWER, CONTRIBUTION)
BY_KIND = {source.kind: source for source in SOURCES}


def select(source: Source, names: Iterable[str]) -> sa.Select[Any]:
    """The statements of one kind, as rows of the named columns ("kind" names the kind)."""
    columns = [sa.literal(source.kind).label("kind") if name == "kind" else source.columns[name].label(name) for name in names]
    query = sa.select(*columns).select_from(source.model)
    for table, on in source.joins:
        query = query.join(table, on)
    return query.where(*source.stored)


def _main_codings(link: Any, **where: Any) -> sa.Select[Any]:
    """The statements (by ``link``, a Coding column) with a coding of the project's own (not a sample's)."""
    query = sa.select(link).where(link.is_not(None), Coding.sample_id.is_(None))
    for name, value in where.items():
        query = query.where(getattr(Coding, name) == value)
    return query


def heard(project: Project, f: Filters, source: Source) -> list[Any]:
    """The filters on who was heard (round, area, period, profile, …) and the question, as conditions on one
    kind of statement (which ``passes`` them)."""
    where = source_conditions(project, f, source.dimensions)
    if f.question:
        where.append(Answer.question_id.in_(sa.select(Question.id).where(Question.key == f.question)))
    return where


def conditions(project: Project, f: Filters, source: Source) -> list[Any]:
    """All the filters as conditions on one kind of statement: who was heard, and what was said and how it is coded."""
    where = heard(project, f, source)
    statement_id, person = source.columns["id"], source.columns["person_id"]
    if f.also_code_id:  # the people (not the statements) who raised that theme too
        also = sa.select(source.fact).where(ThemeFact.project_id == project.id, ThemeFact.scope == "", ThemeFact.code_id == f.also_code_id)
        where.append(person.in_(also))
    if f.search:
        where.append(source.columns["text"].ilike(f"%{f.search}%"))
    if f.tagged:
        where.append(person.in_(sa.select(source.tag)))
    coded: dict[str, Any] = {}
    if f.code_id:
        coded["code_id"] = f.code_id
    if f.sentiment:
        coded["sentiment"] = f.sentiment
    if coded:
        where.append(statement_id.in_(_main_codings(source.coding, **coded)))
    if f.uncoded:  # NOT EXISTS: probes the index per statement instead of building a set of all codings
        where.append(~sa.exists().where(source.coding == statement_id, Coding.sample_id.is_(None)))
    return where


def passes(source: Source, f: Filters) -> bool:
    """Whether statements of this kind can pass the filters (contributions answer no question, have no profile)."""
    return source.profile or not f.interviews_only


def selects(project: Project, f: Filters, *names: str) -> list[tuple[Source, sa.Select[Any]]]:
    """Per kind that can pass the filters: the statements that do, as rows of the named columns."""
    return [(source, select(source, names).where(*conditions(project, f, source))) for source in SOURCES if passes(source, f)]


def union(project: Project, f: Filters, *names: str) -> sa.Subquery:
    """All statements that pass the filters, of every kind, as one subquery of the named columns."""
    queries = [query for _, query in selects(project, f, *names)]
    return (sa.union_all(*queries) if len(queries) > 1 else queries[0]).subquery()


def _per_source(keys: Iterable[tuple[str, int]]) -> Iterator[tuple[Source, list[int]]]:
    """The ids of these (kind, id) keys, per kind that has any."""
    keys = list(keys)
    for source in SOURCES:
        ids = [i for kind, i in keys if kind == source.kind]
        if ids:
            yield source, ids


def by_keys(keys: Iterable[tuple[str, int]], *names: str) -> dict[tuple[str, int], Any]:
    """The named columns of the statements with these (kind, id) keys; one query per kind."""
    found: dict[tuple[str, int], Any] = {}
    for source, ids in _per_source(keys):
        rows = db.session.execute(select(source, ("id", *names)).where(source.columns["id"].in_(ids)))
        found.update(((source.kind, row.id), row) for row in rows)
    return found


def records(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Answer | Contribution]:
    """The stored answers and contributions with these (kind, id) keys."""
    found: dict[tuple[str, int], Any] = {}
    for source, ids in _per_source(keys):
        found.update(((source.kind, r.id), r) for r in db.session.scalars(sa.select(source.model).where(source.model.id.in_(ids))))
    return found


def codings_of(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[Coding]]:
    """The project's own codings of these statements, in the order they were made; one query per kind,
    each through its statement index."""
    found: dict[tuple[str, int], list[Coding]] = {}
    for source, ids in _per_source(keys):
        # Sorted here: an ORDER BY id lets SQLite walk every coding by id instead of using the index.
        codings = db.session.scalars(
            sa.select(Coding).where(source.coding.in_(ids), Coding.sample_id.is_(None)).options(selectinload(Coding.code))
        )
        for coding in sorted(codings, key=lambda c: c.id):
            found.setdefault((source.kind, coding.answer_id or coding.contribution_id), []).append(coding)  # type: ignore[arg-type]
    return found
