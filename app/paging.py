"""Paging: a page of a list and its place among the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .extensions import db

PAGE_SIZE = 50


@dataclass
class Page:
    items: list[Any]
    number: int
    total: int
    capped: bool = False  # counted only so far: there are more than ``total`` (and more pages)

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.number - 1) * PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or (self.capped and len(self.items) == PAGE_SIZE)


def page_of(query: sa.Select[Any], count_query: sa.Select[Any], number: int) -> Page:
    """Page ``number`` (from 1) of the objects ``query`` selects; ``count_query`` counts them all."""
    number = max(1, number)
    total = db.session.scalar(count_query) or 0
    items = list(db.session.scalars(query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)))
    return Page(items, number, total)
