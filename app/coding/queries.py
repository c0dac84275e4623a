"""The coding queue: the statements (open answers and contributions), with their codings, filtered and paginated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from .. import statements
from ..extensions import db
from ..filters import Filters
from ..models import Coding, Guide, GuideVersion, Project, Question
from ..paging import PAGE_SIZE, Page
from ..questions import codable_types


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


MERGE_LIMIT = 2000  # up to this many rows per kind, merge here; deeper pages sort in the database


def _window(project: Project, filters: Filters, offset: int, limit: int) -> list[Any]:
    """The (kind, id, at) rows at ``offset`` of the queue, newest first.

    Each kind is read in order from its own index, at most offset + limit rows, and the two are
    merged here: page 1 of 100,000 inputs reads 100 rows instead of sorting them all. Deep pages
    let the database sort the keys of both kinds together instead."""
    arms = [query for _, query in statements.selects(project, filters, "kind", "id", "at")]
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


# The queue counts this far and says "more than" beyond: counting a million statements on every page
# view cost more than the page itself, and no one pages that deep.
QUEUE_COUNTED = 10_000


def count(project: Project, filters: Filters, up_to: int | None = None) -> int:
    """The statements that pass the filters; with ``up_to``, counted no further than that."""
    total = 0
    for _, query in statements.selects(project, filters, "id"):
        if up_to is not None:
            query = query.limit(up_to - total)
        total += db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        if up_to is not None and total >= up_to:
            break
    return total


def _items(rows: list[Any]) -> list[QueueItem]:
    found = statements.by_keys(((r.kind, r.id) for r in rows), "text", "round_id", "area_id")
    items = []
    for row in rows:
        statement = found[(row.kind, row.id)]
        items.append(QueueItem(row.kind, row.id, statement.text, statement.round_id, statement.area_id, row.at))
    return items


def queue(project: Project, filters: Filters | None = None, page: int = 1) -> Page:
    """Open answers (text questions) and contributions of the project, newest first."""
    filters = filters or Filters()
    number = max(1, page)
    items = _items(_window(project, filters, (number - 1) * PAGE_SIZE, PAGE_SIZE))
    _attach_codings(items)
    total = count(project, filters, up_to=QUEUE_COUNTED + 1)
    return Page(items, number, total, capped=total > QUEUE_COUNTED)


def item_at(project: Project, filters: Filters, position: int) -> QueueItem | None:
    """The input at ``position`` (0-based) of the filtered queue: for "previous" and "next"."""
    if position < 0:
        return None
    rows = _window(project, filters, position, 1)
    return _items(rows)[0] if rows else None


def _attach_codings(items: list[QueueItem]) -> None:
    found = statements.codings_of((item.kind, item.id) for item in items)
    for item in items:
        item.codings = found.get((item.kind, item.id), [])


def open_questions(project: Project) -> list[tuple[str, str]]:
    """(key, label) of the project's open questions, one per key (the newest label)."""
    rows = db.session.execute(
        sa.select(Question.key, Question.label)
        .join(GuideVersion, GuideVersion.id == Question.version_id)
        .join(Guide, Guide.id == GuideVersion.guide_id)
        .where(Guide.project_id == project.id, Question.type.in_(codable_types()))
        .order_by(Question.key, Question.id.desc())
    ).all()
    seen: dict[str, str] = {}
    for key, label in rows:
        seen.setdefault(key, label)
    return sorted(seen.items(), key=lambda kv: kv[1])
