"""What was coded: one row per coded fragment (*Coding*), and the fragments marked as quotes (*Quotes*)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...extensions import db
from ...i18n import (
    SENTIMENT_LABELS,
)
from ...models import (
    Answer,
    Coding,
    Contribution,
    Interview,
)
from .base import (
    BOOL,
    DATE,
    TEXT,
    Column,
    Scope,
    Sheet,
    reference,
    stream,
)


class CodingRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    kind: Any
    question_key: Any
    fragment: Any
    code: Any
    theme: Any
    group: Any
    sentiment: Any
    quote: Any


class QuoteRow(NamedTuple):
    """A row of the sheet, one field per column."""

    key: Any
    theme: Any
    group: Any
    quote: Any
    reference: Any
    area: Any
    date: Any
    sentiment: Any


def coding_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Reference"), TEXT, 12),
        Column(_("Kind"), TEXT, 13),
        Column(_("Question key"), TEXT, 16),
        Column(_("Fragment"), TEXT, 60, _("The coded words; the whole text when the whole answer was coded.")),
        Column(_("Code"), TEXT, 10),
        Column(_("Theme"), TEXT, 28),
        Column(_("Group"), TEXT, 24),
        Column(_("Sentiment"), TEXT, 12),
        Column(_("Quote"), BOOL, 9, _("Marked as a quote for reports.")),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")
    labels = {s.value: str(label) for s, label in SENTIMENT_LABELS.items()}

    def rows() -> Iterator[Sequence[Any]]:
        query = (
            sa.select(
                Interview.receipt_code,
                Answer.question_id,
                Coding.start,
                Coding.fragment,
                Answer.text,
                Coding.code_id,
                Coding.sentiment,
                Coding.is_quote,
            )
            .select_from(Coding)
            .join(Answer, Answer.id == Coding.answer_id)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Coding.sample_id.is_(None), *scope.interview_conditions())
            .order_by(Coding.id)
        )
        questions = scope.question_ids()
        if questions is not None:
            query = query.where(Answer.question_id.in_(questions))
        codes, text = scope.codes, scope.text
        keys = {qid: q.key for qid, q in scope.questions.items()}
        for receipt, question_id, start, fragment, whole, code_id, sentiment, is_quote in stream(query):
            key, name, group = codes[code_id]
            yield CodingRow(
                receipt,
                interview_kind,
                keys[question_id],
                text(fragment if start is not None else whole),
                key,
                name,
                group,
                labels[sentiment.value] if sentiment else "",
                bool(is_quote),
            )
        conditions = scope.contribution_conditions()
        if conditions is None:
            return
        for r in stream(
            sa.select(Contribution.id, Coding.start, Coding.fragment, Contribution.text, Coding.code_id, Coding.sentiment, Coding.is_quote)
            .select_from(Coding)
            .join(Contribution, Contribution.id == Coding.contribution_id)
            .where(Coding.sample_id.is_(None), *conditions)
            .order_by(Coding.id)
        ):
            key, name, group = codes[r.code_id]
            yield CodingRow(
                reference("contribution", r.id),
                contribution_kind,
                "",
                text(r.fragment if r.start is not None else r.text),
                key,
                name,
                group,
                labels[r.sentiment.value] if r.sentiment else "",
                bool(r.is_quote),
            )

    return Sheet(
        "coding",
        pgettext("sheet", "Coding"),
        "Coding",
        _("One row per coded fragment: which words got which theme."),
        columns,
        rows,
        row=CodingRow,
    )


def quotes_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Key"), TEXT, 8),
        Column(_("Theme"), TEXT, 28),
        Column(_("Group"), TEXT, 24),
        Column(_("Quote"), TEXT, 70),
        Column(_("Reference"), TEXT, 12),
        Column(_("Area"), TEXT, 30),
        Column(_("Date"), DATE, 12),
        Column(_("Sentiment"), TEXT, 12),
    ]
    labels = {s.value: str(label) for s, label in SENTIMENT_LABELS.items()}

    def rows() -> Iterator[Sequence[Any]]:
        found = []
        answers = (
            sa.select(
                Coding.code_id,
                Coding.id,
                Coding.start,
                Coding.fragment,
                Answer.text,
                Coding.sentiment,
                Interview.receipt_code.label("ref"),
                Interview.area_id,
                Interview.started_at.label("at"),
                sa.literal(0).label("cid"),
            )
            .select_from(Coding)
            .join(Answer, Answer.id == Coding.answer_id)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Coding.is_quote, Coding.sample_id.is_(None), *scope.interview_conditions())
        )
        questions = scope.question_ids()
        if questions is not None:
            answers = answers.where(Answer.question_id.in_(questions))
        found += db.session.execute(answers).all()
        conditions = scope.contribution_conditions()
        if conditions is not None:
            found += db.session.execute(
                sa.select(
                    Coding.code_id,
                    Coding.id,
                    Coding.start,
                    Coding.fragment,
                    Contribution.text,
                    Coding.sentiment,
                    sa.literal(None).label("ref"),
                    Contribution.area_id,
                    Contribution.recorded_at.label("at"),
                    Contribution.id.label("cid"),
                )
                .select_from(Coding)
                .join(Contribution, Contribution.id == Coding.contribution_id)
                .where(Coding.is_quote, Coding.sample_id.is_(None), *conditions)
            ).all()
        found.sort(key=lambda r: (scope.codes[r.code_id][0], r.id))
        for r in found:
            key, name, group = scope.codes[r.code_id]
            local = scope.local(r.at)
            yield QuoteRow(
                key,
                name,
                group,
                scope.text(r.fragment if r.start is not None else r.text),
                r.ref or reference("contribution", r.cid),
                scope.area_path(r.area_id),
                local.date() if local else None,
                labels[r.sentiment.value] if r.sentiment else "",
            )

    return Sheet(
        "quotes", pgettext("sheet", "Quotes"), "Quotes", _("The fragments marked as quotes, per theme."), columns, rows, row=QuoteRow
    )
