"""The whole conversation around a statement: every answer of its interview, or the contributions
around it in its round's session, with the project's codings laid over each text.

A text is cut into pieces where a coding starts or ends, so each piece knows the codings that cover
it (a highlight in the innermost one's colour); whole-text codings cover the statement as a block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Answer, Coding, Contribution, Interview, Question
from .services import Input, input_key, input_text

AROUND = 15  # contributions shown before and after the current one in a session


@dataclass
class Piece:
    text: str
    codings: list[Coding]  # those covering it, the shortest (innermost) last

    @property
    def top(self) -> Coding | None:
        return self.codings[-1] if self.codings else None


@dataclass
class Block:
    key: str  # "answer:12" or "contribution:7"
    target: Any  # the Answer or Contribution
    question: Question | None  # an answer's question (None for a contribution)
    text: str
    codable: bool  # a text to code (an open answer or a contribution), not a closed answer
    current: bool
    codings: list[Coding] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)

    @property
    def whole(self) -> list[Coding]:
        return [c for c in self.codings if c.start is None]


def pieces(text: str, codings: list[Coding]) -> list[Piece]:
    """``text`` cut at every fragment's start and end, each piece with the fragments covering it."""
    spans = [c for c in codings if c.start is not None and c.end is not None and c.end <= len(text)]
    cuts = sorted({0, len(text), *(c.start for c in spans), *(c.end for c in spans)})  # type: ignore[misc]
    found = []
    for start, end in pairwise(cuts):
        if start >= end:
            continue
        covering = [c for c in spans if c.start <= start and end <= c.end]  # type: ignore[operator]
        covering.sort(key=lambda c: (-(c.end - c.start), c.id))  # type: ignore[operator]
        found.append(Piece(text[start:end], covering))
    return found


def _codings_by_key(answer_ids: list[int], contribution_ids: list[int]) -> dict[str, list[Coding]]:
    found: dict[str, list[Coding]] = defaultdict(list)
    conditions = []
    if answer_ids:
        conditions.append(Coding.answer_id.in_(answer_ids))
    if contribution_ids:
        conditions.append(Coding.contribution_id.in_(contribution_ids))
    if not conditions:
        return found
    rows = db.session.scalars(
        sa.select(Coding)
        .where(sa.or_(*conditions), Coding.sample_id.is_(None))
        .options(selectinload(Coding.code), selectinload(Coding.memos))
        .order_by(Coding.start, Coding.id)
    )
    for coding in rows:
        found[f"answer:{coding.answer_id}" if coding.answer_id else f"contribution:{coding.contribution_id}"].append(coding)
    return found


def conversation(target: Input, owner_id: int | None = None) -> list[Block]:
    """The statements around ``target``, in order: its interview's answers in guide order, or the
    contributions recorded around it in the same round (``owner_id``: only that person's)."""
    if isinstance(target, Answer):
        interview = db.session.get(Interview, target.interview_id)
        by_question = {a.question_id: a for a in db.session.scalars(sa.select(Answer).where(Answer.interview_id == interview.id))}  # type: ignore[union-attr]
        answers = [(q, by_question[q.id]) for q in interview.guide_version.questions if q.id in by_question]  # type: ignore[union-attr]
        codings = _codings_by_key([a.id for _q, a in answers], [])
        blocks = [
            Block(f"answer:{a.id}", a, q, input_text(a), bool(a.text), a.id == target.id, codings.get(f"answer:{a.id}", []))
            for q, a in answers
        ]
    else:
        query = sa.select(Contribution).where(Contribution.round_id == target.round_id)
        if owner_id is not None:
            query = query.where(Contribution.author_id == owner_id)
        order = (Contribution.recorded_at, Contribution.id)
        before = list(
            db.session.scalars(
                query.where(sa.tuple_(*order) < (target.recorded_at, target.id)).order_by(*(c.desc() for c in order)).limit(AROUND)
            )
        )
        after = list(db.session.scalars(query.where(sa.tuple_(*order) > (target.recorded_at, target.id)).order_by(*order).limit(AROUND)))
        contributions = [*reversed(before), target, *after]
        codings = _codings_by_key([], [c.id for c in contributions])
        blocks = [
            Block(input_key(c), c, None, input_text(c), True, c.id == target.id, codings.get(input_key(c), [])) for c in contributions
        ]
    for block in blocks:
        block.pieces = pieces(block.text, block.codings) if block.codable else []
    return blocks


def coding_in(blocks: list[Block], coding_id: int | None) -> Coding | None:
    """A coding shown in this conversation (to edit it here), else None."""
    return next((c for block in blocks for c in block.codings if c.id == coding_id), None)


def statement_in(blocks: list[Block], key: str) -> Any:
    """A codable statement of this conversation by its key, else None."""
    return next((block.target for block in blocks if block.key == key and block.codable), None)
