"""Keep the theme facts (``ThemeFact``) in step with the coding they are derived from.

A source's facts are recomputed from its codings whenever something that feeds them changes:
a coding is added, changed or removed, an answer is removed, an interview's or contribution's
details are corrected, a code moves to another group. Changes made through the ORM are noticed
by session events and applied just before the commit, in the same transaction; code that writes
codings with bulk statements calls ``touch`` (or ``rebuild``) itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from .models import Answer, Code, Coding, Contribution, Interview, Question, Sentiment, ThemeFact

CHUNK = 500  # sources per statement
_PENDING = "theme_facts_pending"
_facts = ThemeFact.__table__
# A project's own coding (not a sample's), written so that no planner reads it through the index on
# sample_id: "sample_id IS NULL" matches every main coding, and a refresh read that way grows with the
# whole table (1.2 s at 1M codings) instead of with the source's few codings.
MAIN_CODING = (Coding.sample_id + 0).is_(None)


def _zone() -> tzinfo:
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else "Europe/Amsterdam"
    return ZoneInfo(name)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for first in range(0, len(ordered), CHUNK):
        yield ordered[first : first + CHUNK]


def _answer_rows(connection: sa.Connection, ids: list[int]) -> Any:
    return connection.execute(answer_select(ids)).tuples()


def answer_select(ids: list[int]) -> sa.Select[Any]:
    """The main codings of these interviews' answers, with what a fact records of each."""
    return (
        sa.select(
            Interview.id,
            Interview.project_id,
            Interview.round_id,
            Interview.area_id,
            Interview.started_at,
            Interview.respondent_type,
            Interview.age_band,
            Interview.guide_version_id,
            Interview.interviewer_id,
            Answer.id,
            Question.key,
            Coding.code_id,
            Code.group_id,
            Coding.sentiment,
            Coding.is_quote,
        )
        .select_from(Coding)
        .join(Answer, Answer.id == Coding.answer_id)
        .join(Interview, Interview.id == Answer.interview_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Code, Code.id == Coding.code_id)
        .where(Interview.id.in_(ids), MAIN_CODING)
    )


def _contribution_rows(connection: sa.Connection, ids: list[int]) -> Any:
    none = sa.null()
    return connection.execute(
        sa.select(
            Contribution.id,
            Contribution.project_id,
            Contribution.round_id,
            Contribution.area_id,
            Contribution.recorded_at,
            none,
            none,
            none,
            Contribution.author_id,
            Contribution.id,
            sa.literal(""),
            Coding.code_id,
            Code.group_id,
            Coding.sentiment,
            Coding.is_quote,
        )
        .select_from(Coding)
        .join(Contribution, Contribution.id == Coding.contribution_id)
        .join(Code, Code.id == Coding.code_id)
        .where(Contribution.id.in_(ids), MAIN_CODING)
    ).tuples()


_SENTIMENT = {Sentiment.positive: 1, Sentiment.negative: 2, Sentiment.suggestion: 3}


def _aggregate(rows: Any, kind: str, zone: tzinfo) -> list[dict[str, Any]]:
    """One fact per (source, theme, scope) from coding rows. Inputs are kept in sets, so an input
    coded twice with a theme (two fragments) counts once. Written for speed: a rebuild runs this
    over every coding of a project."""
    interview = kind == "interview"
    sources: dict[int, tuple[tuple[Any, ...], dict[tuple[Any, ...], list[Any]]]] = {}
    for (
        source,
        project_id,
        round_id,
        area_id,
        at,
        respondent,
        age,
        version,
        worker,
        input_id,
        scope,
        code_id,
        group_id,
        sentiment,
        quote,
    ) in rows:
        entry = sources.get(source)
        if entry is None:
            entry = sources[source] = ((project_id, round_id, area_id, at, respondent, age, version, worker), {})
        themes = entry[1]
        keys = [(code_id, None, ""), (None, group_id, ""), (None, None, "")]  # the code, its group, coded at all
        if interview:
            keys += [(code_id, None, scope), (None, group_id, scope), (None, None, scope)]
        slot = _SENTIMENT.get(sentiment) if sentiment is not None else None
        for key in keys:
            measures = themes.get(key)
            if measures is None:
                measures = themes[key] = [set(), set(), set(), set(), 0]
            measures[0].add(input_id)
            if slot:
                measures[slot].add(input_id)
            if quote:
                measures[4] += 1
    out = []
    for source, ((project_id, round_id, area_id, at, respondent, age, version, worker), themes) in sources.items():
        common = {
            "project_id": project_id,
            "interview_id": source if interview else None,
            "contribution_id": None if interview else source,
            "round_id": round_id,
            "area_id": area_id,
            "day": at.astimezone(zone).date(),
            "respondent_type": respondent,
            "age_band": age,
            "guide_version_id": version,
            "worker_id": worker,
        }
        for (code_id, group_id, scope), (inputs, positive, negative, suggestion, quotes) in themes.items():
            out.append(
                {
                    **common,
                    "code_id": code_id,
                    "group_id": group_id,
                    "scope": scope,
                    "inputs": len(inputs),
                    "positive": len(positive),
                    "negative": len(negative),
                    "suggestion": len(suggestion),
                    "quotes": quotes,
                }
            )
    return out


def refresh(connection: sa.Connection, interview_ids: Iterable[int] = (), contribution_ids: Iterable[int] = ()) -> None:
    """Recompute the facts of these interviews and contributions from their codings."""
    zone = _zone()
    for kind, model, column, ids, read in (
        ("interview", Interview, _facts.c.interview_id, interview_ids, _answer_rows),
        ("contribution", Contribution, _facts.c.contribution_id, contribution_ids, _contribution_rows),
    ):
        for chunk in _chunks(ids):
            # Lock the sources (PostgreSQL; SQLite writes one at a time anyway), so two coders of one
            # interview cannot each write facts from a snapshot without the other's coding.
            connection.execute(sa.select(model.id).where(model.id.in_(chunk)).order_by(model.id).with_for_update(key_share=True))
            connection.execute(_facts.delete().where(column.in_(chunk)))
            rows = _aggregate(read(connection, chunk), kind, zone)
            if rows:
                connection.execute(_facts.insert(), rows)


def rebuild(connection: sa.Connection, project_id: int | None = None) -> None:
    """All facts (of one project) anew: after a migration, a bulk load, or to repair."""
    where_interview = [Interview.project_id == project_id] if project_id else []
    where_contribution = [Contribution.project_id == project_id] if project_id else []
    connection.execute(_facts.delete().where(*([_facts.c.project_id == project_id] if project_id else [])))
    refresh(
        connection,
        connection.scalars(
            sa.select(Interview.id).where(
                *where_interview, Interview.id.in_(sa.select(Answer.interview_id).where(Answer.id.in_(sa.select(Coding.answer_id))))
            )
        ),
        connection.scalars(sa.select(Contribution.id).where(*where_contribution, Contribution.id.in_(sa.select(Coding.contribution_id)))),
    )


def _sources_of_codes(connection: sa.Connection, code_ids: set[int]) -> tuple[set[int], set[int]]:
    """Sources with facts of these codes (as they were) or codings of them (as they are)."""
    interviews = set(
        connection.scalars(sa.select(_facts.c.interview_id).where(_facts.c.code_id.in_(code_ids), _facts.c.interview_id.is_not(None)))
    )
    interviews |= set(
        connection.scalars(sa.select(Answer.interview_id).join(Coding, Coding.answer_id == Answer.id).where(Coding.code_id.in_(code_ids)))
    )
    contributions = set(
        connection.scalars(sa.select(_facts.c.contribution_id).where(_facts.c.code_id.in_(code_ids), _facts.c.contribution_id.is_not(None)))
    )
    contributions |= set(
        connection.scalars(sa.select(Coding.contribution_id).where(Coding.code_id.in_(code_ids), Coding.contribution_id.is_not(None)))
    )
    return interviews, contributions


# -- following the session -----------------------------------------------------------------------


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(_PENDING, {"answers": set(), "interviews": set(), "contributions": set(), "codes": set()})


def touch(session: Session, *, codes: Iterable[int] = (), interviews: Iterable[int] = (), contributions: Iterable[int] = ()) -> None:
    """Have these codes' (or sources') facts recomputed before the session commits: for changes
    made with bulk statements, which the session does not see."""
    pending = _pending(session)
    pending["codes"].update(codes)
    pending["interviews"].update(interviews)
    pending["contributions"].update(contributions)


def _after_flush(session: Session, _context: Any) -> None:
    pending = None
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Coding):
            pending = pending or _pending(session)
            if obj.answer_id is not None:
                pending["answers"].add(obj.answer_id)
            if obj.contribution_id is not None:
                pending["contributions"].add(obj.contribution_id)
        elif isinstance(obj, Answer) and obj.interview_id is not None:
            (pending := pending or _pending(session))["interviews"].add(obj.interview_id)
        elif isinstance(obj, Interview) and obj not in session.new:
            (pending := pending or _pending(session))["interviews"].add(obj.id)
        elif isinstance(obj, Contribution) and obj not in session.new:
            (pending := pending or _pending(session))["contributions"].add(obj.id)
        elif isinstance(obj, Code) and obj in session.dirty and sa.inspect(obj).attrs.group_id.history.has_changes():
            (pending := pending or _pending(session))["codes"].add(obj.id)


def apply_pending(session: Session) -> None:
    """Recompute the facts of everything noticed since the last commit (also callable early)."""
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending or not any(pending.values()):
        return
    connection = session.connection()
    interviews, contributions = set(pending["interviews"]), set(pending["contributions"])
    if pending["answers"]:
        interviews |= set(connection.scalars(sa.select(Answer.interview_id).where(Answer.id.in_(pending["answers"]))))
        # An answer removed in this transaction took its codings along; its interview is among
        # the interviews already (the Answer was in the flush).
    if pending["codes"]:
        more_interviews, more_contributions = _sources_of_codes(connection, pending["codes"])
        interviews |= more_interviews
        contributions |= more_contributions
    refresh(connection, interviews, contributions)


def init_app() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        # Not cleared on a rollback: recomputing a source that did not change after all is harmless.
        event.listen(Session, "before_commit", apply_pending)
