"""The team's memos (*Memos*): on the project, a code, a statement or a coding, with who wrote them when."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...i18n import MEMO_SUBJECT_LABELS
from ...models import Answer, Coding, Contribution, Interview, Memo
from .base import DATE, TEXT, Column, Scope, Sheet, reference, stream


class MemoRow(NamedTuple):
    """A row of the sheet, one field per column."""

    about: Any
    code: Any
    theme: Any
    reference: Any
    fragment: Any
    memo: Any
    author: Any
    written: Any
    changed: Any


def memos_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("About"), TEXT, 14),
        Column(_("Code"), TEXT, 10),
        Column(_("Theme"), TEXT, 26),
        Column(_("Reference"), TEXT, 12, _("The statement the memo is about, or the one its coding is in.")),
        Column(_("Fragment"), TEXT, 40, _("The coded words, for a memo on a coding.")),
        Column(_("Memo"), TEXT, 70),
        Column(_("Written by"), TEXT, 18),
        Column(_("Written on"), DATE, 12),
        Column(_("Changed on"), DATE, 12),
    ]
    about = {subject: str(label) for subject, label in MEMO_SUBJECT_LABELS.items()}
    columns_read = (
        Memo.code_id,
        Memo.coding_id,
        Memo.text,
        Memo.author_id,
        scope.moment(Memo.created_at),
        scope.moment(Memo.updated_at),
        Coding.code_id.label("coded_with"),
        Coding.start,
        Coding.fragment,
    )

    def row(r: Any, kind: str, ref: str) -> MemoRow:
        code_id = r.code_id or r.coded_with
        key, name, _group = scope.codes.get(code_id, ("", "", "")) if code_id else ("", "", "")
        written, changed = scope.local(r.created_at), scope.local(r.updated_at)
        return MemoRow(
            about[kind],
            key,
            name,
            ref,
            scope.text(r.fragment) if r.coding_id and r.start is not None else "",
            scope.text(r.text),
            scope.worker(r.author_id),
            written.date() if written else None,
            changed.date() if changed else None,
        )

    def rows() -> Iterator[Sequence[Any]]:
        # On the project and on codes: every one.
        for r in stream(
            sa.select(*columns_read)
            .select_from(Memo)
            .outerjoin(Coding, sa.false())
            .where(Memo.project_id == scope.project.id, Memo.answer_id.is_(None), Memo.contribution_id.is_(None), Memo.coding_id.is_(None))
            .order_by(Memo.id)
        ):
            yield row(r, "code" if r.code_id else "project", "")
        # On a statement or its coding: those of the statements the export covers.
        answer = sa.func.coalesce(Memo.answer_id, Coding.answer_id)
        for r in stream(
            sa.select(*columns_read, Interview.receipt_code, Interview.id.label("interview_id"))
            .select_from(Memo)
            .outerjoin(Coding, Coding.id == Memo.coding_id)
            .join(Answer, Answer.id == answer)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Memo.project_id == scope.project.id, *scope.interview_conditions())
            .order_by(Memo.id)
        ):
            yield row(r, "coding" if r.coding_id else "statement", reference("interview", r.interview_id, r.receipt_code))
        conditions = scope.contribution_conditions()
        if conditions is None:
            return
        contribution = sa.func.coalesce(Memo.contribution_id, Coding.contribution_id)
        for r in stream(
            sa.select(*columns_read, Contribution.id.label("contribution_id"))
            .select_from(Memo)
            .outerjoin(Coding, Coding.id == Memo.coding_id)
            .join(Contribution, Contribution.id == contribution)
            .where(Memo.project_id == scope.project.id, *conditions)
            .order_by(Memo.id)
        ):
            yield row(r, "coding" if r.coding_id else "statement", reference("contribution", r.contribution_id))

    return Sheet(
        "memos",
        pgettext("sheet", "Memos"),
        "Memos",
        _("The team's memos while coding: on the project, a code, a statement or a coding."),
        columns,
        rows,
        row=MemoRow,
    )
