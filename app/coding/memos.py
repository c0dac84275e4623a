"""Memos: the team's notes on the project, a code, a statement or a coding, as researchers keep them.

A memo has an author and dates and belongs to the project; it is listed and searched on the memo
page, shown where it is about (the code, the statement, the coding) and exported with the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..i18n import N_
from ..models import Answer, Code, Coding, Memo, Project, User
from .services import CodingError, Input, input_link, input_project_id

MAX_LENGTH = 5000
SUBJECTS = ("project", "code", "statement", "coding")


def subject_of(memo: Memo) -> str:
    """What a memo is about: "project", "code", "statement" or "coding"."""
    if memo.code_id is not None:
        return "code"
    if memo.coding_id is not None:
        return "coding"
    if memo.answer_id is not None or memo.contribution_id is not None:
        return "statement"
    return "project"


def clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CodingError(N_("Write the memo."))
    if len(text) > MAX_LENGTH:
        raise CodingError(N_("A memo is at most %(max)s characters."), max=MAX_LENGTH)
    return text


def add_memo(
    project: Project, author: User, text: str, *, code: Code | None = None, target: Input | None = None, coding: Coding | None = None
) -> Memo:
    """A new memo on the project (no subject), a code, a statement (``target``) or a coding."""
    if sum(subject is not None for subject in (code, target, coding)) > 1:
        raise CodingError(N_("A memo is about one thing."))
    link: dict[str, Any] = {}
    if code is not None:
        if code.project_id != project.id:
            raise CodingError(N_("This input or code belongs to another project."))
        link = {"code_id": code.id}
    elif target is not None:
        if input_project_id(target) != project.id:
            raise CodingError(N_("This input or code belongs to another project."))
        link = input_link(target)
    elif coding is not None:
        if coding.project_id != project.id:
            raise CodingError(N_("This input or code belongs to another project."))
        link = {"coding_id": coding.id}
    memo = Memo(project_id=project.id, author_id=author.id, text=clean_text(text), **link)
    db.session.add(memo)
    db.session.flush()
    audit.record("memo.create", memo, details={"about": subject_of(memo), **link})
    return memo


def change_memo(memo: Memo, text: str) -> bool:
    """A memo's new text; False when it did not change."""
    text = clean_text(text)
    if text == memo.text:
        return False
    memo.text = text
    db.session.flush()
    audit.record("memo.update", memo, details={"about": subject_of(memo)})
    return True


def remove_memo(memo: Memo) -> None:
    audit.record("memo.delete", memo, details={"about": subject_of(memo)})
    db.session.delete(memo)
    db.session.flush()


def set_coding_memo(coding: Coding, author: User, text: str) -> None:
    """The memo a coder keeps on a coding (one per author): written, changed, or removed when emptied."""
    mine = db.session.scalar(sa.select(Memo).where(Memo.coding_id == coding.id, Memo.author_id == author.id).order_by(Memo.id))
    if not (text or "").strip():
        if mine is not None:
            remove_memo(mine)
        return
    if mine is None:
        add_memo(db.session.get(Project, coding.project_id), author, text, coding=coding)  # type: ignore[arg-type]
    else:
        change_memo(mine, text)


def memos_on(target: Input) -> list[Memo]:
    """The memos on a statement (not those on its codings: they are shown with each coding)."""
    return list(db.session.scalars(sa.select(Memo).filter_by(**input_link(target)).options(selectinload(Memo.author)).order_by(Memo.id)))


@dataclass(frozen=True)
class MemoList:
    memos: list[Memo]
    total: int  # all that match, of which at most LIMIT are listed


LIMIT = 500


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def memos_of(project: Project, search: str = "", about: str = "", author_id: int | None = None) -> MemoList:
    """The project's memos, newest first: those whose text holds ``search`` (any case), about one kind
    of thing (``SUBJECTS``), by one author (``author_id``)."""
    query = sa.select(Memo).where(Memo.project_id == project.id)
    if author_id is not None:
        query = query.where(Memo.author_id == author_id)
    if search.strip():
        query = query.where(sa.func.lower(Memo.text).like(f"%{escape_like(search.strip().lower())}%", escape="\\"))
    if about == "project":
        query = query.where(Memo.code_id.is_(None), Memo.answer_id.is_(None), Memo.contribution_id.is_(None), Memo.coding_id.is_(None))
    elif about == "code":
        query = query.where(Memo.code_id.is_not(None))
    elif about == "statement":
        query = query.where(sa.or_(Memo.answer_id.is_not(None), Memo.contribution_id.is_not(None)))
    elif about == "coding":
        query = query.where(Memo.coding_id.is_not(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    memos = db.session.scalars(
        query.options(
            selectinload(Memo.author),
            selectinload(Memo.code),
            selectinload(Memo.answer).selectinload(Answer.question),
            selectinload(Memo.contribution),
            selectinload(Memo.coding).selectinload(Coding.code),
            selectinload(Memo.coding).selectinload(Coding.answer),
            selectinload(Memo.coding).selectinload(Coding.contribution),
        )
        .order_by(Memo.created_at.desc(), Memo.id.desc())
        .limit(LIMIT)
    )
    return MemoList(list(memos), total)


def statement_of(memo: Memo) -> Input | None:
    """The statement a memo is about, directly or through its coding."""
    if memo.answer is not None:
        return memo.answer
    if memo.contribution is not None:
        return memo.contribution
    if memo.coding is not None:
        return memo.coding.answer or memo.coding.contribution
    return None
