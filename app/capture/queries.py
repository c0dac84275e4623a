"""Reading interviews and contributions, limited to what the current user may read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..access import input_filter
from ..extensions import db
from ..models import Contribution, Interview, Project, Round

PAGE_SIZE = 50


@dataclass
class Page:
    items: list[Any]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _page(query: sa.Select[Any], count_query: sa.Select[Any], number: int) -> Page:
    number = max(1, number)
    total = db.session.scalar(count_query) or 0
    items = list(db.session.scalars(query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)))
    return Page(items, number, total)


def interviews(project: Project, page: int = 1, round_id: int | None = None) -> Page:
    where = [Interview.project_id == project.id, input_filter(Interview)]
    if round_id:
        where.append(Interview.round_id == round_id)
    query = (
        sa.select(Interview)
        .where(*where)
        .options(selectinload(Interview.area), selectinload(Interview.interviewer), selectinload(Interview.round), selectinload(Interview.tags))
        .order_by(Interview.started_at.desc(), Interview.id.desc())
    )
    return _page(query, sa.select(sa.func.count()).select_from(Interview).where(*where), page)


def contributions(project: Project, page: int = 1, round_id: int | None = None) -> Page:
    where = [Contribution.project_id == project.id, input_filter(Contribution)]
    if round_id:
        where.append(Contribution.round_id == round_id)
    query = (
        sa.select(Contribution)
        .where(*where)
        .options(selectinload(Contribution.area), selectinload(Contribution.author), selectinload(Contribution.round), selectinload(Contribution.tags))
        .order_by(Contribution.recorded_at.desc(), Contribution.id.desc())
    )
    return _page(query, sa.select(sa.func.count()).select_from(Contribution).where(*where), page)


def interviews_in_round(round_: Round) -> list[Interview]:
    return list(
        db.session.scalars(
            sa.select(Interview)
            .where(Interview.round_id == round_.id, input_filter(Interview))
            .options(selectinload(Interview.area), selectinload(Interview.interviewer))
            .order_by(Interview.started_at.desc())
            .limit(100)
        )
    )


def contributions_in_round(round_: Round) -> list[Contribution]:
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .where(Contribution.round_id == round_.id, input_filter(Contribution))
            .options(selectinload(Contribution.area), selectinload(Contribution.tags), selectinload(Contribution.author))
            .order_by(Contribution.recorded_at.desc(), Contribution.id.desc())
            .limit(200)
        )
    )
