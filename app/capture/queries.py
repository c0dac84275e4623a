"""Reading interviews and contributions, limited to what the current user may read."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..access import input_filter
from ..extensions import db
from ..models import Contribution, Interview, Project, Round
from ..paging import Page, page_of

# Per kind of input: the model, its time column and the relations a list shows.
LISTS = {
    "interviews": (Interview, Interview.started_at, (Interview.area, Interview.interviewer, Interview.round, Interview.tags)),
    "contributions": (
        Contribution,
        Contribution.recorded_at,
        (Contribution.area, Contribution.author, Contribution.round, Contribution.tags),
    ),
}


def listing(kind: str, project: Project, page: int = 1, round_id: int | None = None) -> Page:
    """A page of interviews or contributions the current user may read, newest first."""
    model, moment, relations = LISTS[kind]
    where = [model.project_id == project.id, input_filter(model)]
    if round_id:
        where.append(model.round_id == round_id)
    query = sa.select(model).where(*where).options(*(selectinload(r) for r in relations)).order_by(moment.desc(), model.id.desc())
    return page_of(query, sa.select(sa.func.count()).select_from(model).where(*where), page)


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
            .options(
                selectinload(Contribution.area),
                selectinload(Contribution.tags),
                selectinload(Contribution.author),
                selectinload(Contribution.element),
            )
            .order_by(Contribution.recorded_at.desc(), Contribution.id.desc())
            .limit(200)
        )
    )
