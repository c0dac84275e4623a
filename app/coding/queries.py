"""The coding queue: open answers and contributions, with their codings, filtered and paginated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..capture.queries import PAGE_SIZE, Page
from ..extensions import db
from ..models import Answer, Coding, Contribution, Interview, Project


@dataclass
class QueueItem:
    kind: str  # "answer" or "contribution"
    id: int
    text: str
    round_id: int
    area_id: int | None
    codings: list[Coding] = field(default_factory=list)


def queue(project: Project, page: int = 1, round_id: int | None = None, code_id: int | None = None, uncoded: bool = False, search: str = "") -> Page:
    """Open answers (text questions) and contributions of the project, newest first."""
    answers = (
        sa.select(sa.literal("answer").label("kind"), Answer.id, Answer.text, Interview.round_id, Interview.area_id, Interview.started_at.label("at"))
        .join(Interview, Interview.id == Answer.interview_id)
        .where(Interview.project_id == project.id, Answer.text != "")
    )
    contributions = sa.select(
        sa.literal("contribution").label("kind"), Contribution.id, Contribution.text, Contribution.round_id, Contribution.area_id, Contribution.recorded_at.label("at")
    ).where(Contribution.project_id == project.id)
    if round_id:
        answers, contributions = answers.where(Interview.round_id == round_id), contributions.where(Contribution.round_id == round_id)
    if search:
        pattern = f"%{search.strip()[:100]}%"
        answers, contributions = answers.where(Answer.text.ilike(pattern)), contributions.where(Contribution.text.ilike(pattern))
    if code_id or uncoded:
        coded_answers = sa.select(Coding.answer_id).where(Coding.answer_id.is_not(None))
        coded_contributions = sa.select(Coding.contribution_id).where(Coding.contribution_id.is_not(None))
        if code_id:
            coded_answers, coded_contributions = coded_answers.where(Coding.code_id == code_id), coded_contributions.where(Coding.code_id == code_id)
            answers, contributions = answers.where(Answer.id.in_(coded_answers)), contributions.where(Contribution.id.in_(coded_contributions))
        else:
            answers, contributions = answers.where(Answer.id.not_in(coded_answers)), contributions.where(Contribution.id.not_in(coded_contributions))
    union = sa.union_all(answers, contributions).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(union)) or 0
    number = max(1, page)
    rows = db.session.execute(
        sa.select(union).order_by(union.c.at.desc(), union.c.kind, union.c.id.desc()).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    ).all()
    items = [QueueItem(r.kind, r.id, r.text, r.round_id, r.area_id) for r in rows]
    _attach_codings(items)
    return Page(items, number, total)


def _attach_codings(items: list[QueueItem]) -> None:
    answers = [i.id for i in items if i.kind == "answer"]
    contributions = [i.id for i in items if i.kind == "contribution"]
    codings = db.session.scalars(
        sa.select(Coding)
        .where(sa.or_(Coding.answer_id.in_(answers), Coding.contribution_id.in_(contributions)))
        .options(selectinload(Coding.code))
        .order_by(Coding.id)
    ).all() if items else []
    by_input: dict[tuple[str, int], list[Any]] = {}
    for coding in codings:
        key = ("answer", coding.answer_id) if coding.answer_id else ("contribution", coding.contribution_id)
        by_input.setdefault(key, []).append(coding)  # type: ignore[arg-type]
    for item in items:
        item.codings = by_input.get((item.kind, item.id), [])
