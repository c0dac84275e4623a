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
from ...models.fieldwork import contribution_tags, interview_tags
from .base import (
    BOOL,
    DATE,
    TEXT,
    Column,
    Scope,
    Sheet,
    plain,
    reference,
    stream,
)


class CodingRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    kind: Any
    round: Any
    date: Any
    district: Any
    neighbourhood: Any
    quarter: Any
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
        *_where_columns(),
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
                Interview.round_id,
                scope.moment(Interview.started_at),
                Interview.area_id,
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
        where = _where(scope)
        for receipt, round_id, at, area_id, question_id, start, fragment, whole, code_id, sentiment, is_quote in stream(query):
            key, name, group = codes[code_id]
            yield CodingRow(
                receipt,
                interview_kind,
                *where(round_id, at, area_id),
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
            sa.select(
                Contribution.id,
                Contribution.round_id,
                scope.moment(Contribution.recorded_at),
                Contribution.area_id,
                Coding.start,
                Coding.fragment,
                Contribution.text,
                Coding.code_id,
                Coding.sentiment,
                Coding.is_quote,
            )
            .select_from(Coding)
            .join(Contribution, Contribution.id == Coding.contribution_id)
            .where(Coding.sample_id.is_(None), *conditions)
            .order_by(Coding.id)
        ):
            key, name, group = codes[r.code_id]
            yield CodingRow(
                reference("contribution", r.id),
                contribution_kind,
                *where(r.round_id, r.recorded_at, r.area_id),
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
        _("One row per coded fragment: which words got which theme, with the round, date and area for pivots."),
        columns,
        rows,
        row=CodingRow,
    )


def _where_columns() -> list[Column]:
    """Where and when a statement was heard, as pivot columns (the same in every long sheet)."""
    return [
        Column(_("Round"), TEXT, 28),
        Column(_("Date"), DATE, 12, _("The day of the interview or contribution, local time.")),
        Column(_("District"), TEXT, 16, _("Stadsdeel.")),
        Column(_("Neighbourhood"), TEXT, 18, _("Wijk.")),
        Column(_("Quarter"), TEXT, 18, _("Buurt.")),
    ]


def _where(scope: Scope) -> Any:
    """(round, date, stadsdeel, wijk, buurt) of a statement from its round id, stored time and area id."""
    rounds = {rid: r.name for rid, r in scope.rounds.items()}
    local, parts = scope.local, scope.area_parts

    def where(round_id: int, at: Any, area_id: int | None) -> tuple[Any, ...]:
        moment = local(at)
        return (rounds.get(round_id, ""), moment.date() if moment else None, *parts(area_id))

    return where


class StatementThemeRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    kind: Any
    round: Any
    date: Any
    district: Any
    neighbourhood: Any
    quarter: Any
    respondent: Any
    age: Any
    question_key: Any
    code: Any
    theme: Any
    group: Any
    sentiment: Any
    quote: Any


def statement_themes_sheet(scope: Scope) -> Sheet:
    """One row per statement and theme (a statement with two fragments of one theme counts once):
    the long table a pivot counts statements and people from, without codes joined in one cell."""
    columns = [
        Column(_("Reference"), TEXT, 12),
        Column(_("Kind"), TEXT, 13),
        *_where_columns(),
        Column(_("Respondent"), TEXT, 14),
        Column(_("Age"), TEXT, 11),
        Column(_("Question key"), TEXT, 16),
        Column(_("Code"), TEXT, 10),
        Column(_("Theme"), TEXT, 28),
        Column(_("Group"), TEXT, 24),
        Column(_("Sentiment"), TEXT, 14, _("The sentiments the statement's fragments of this theme were coded with.")),
        Column(_("Quote"), BOOL, 9, _("A fragment of this theme in the statement is marked as a quote.")),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")

    def rows() -> Iterator[Sequence[Any]]:
        where, codes, sentiments = _where(scope), scope.codes, scope.sentiments
        respondents, ages = scope.respondents, scope.age_bands
        keys = {qid: q.key for qid, q in scope.questions.items()}
        per_statement = (
            sa.func.aggregate_strings(Coding.sentiment, ",").label("sentiments"),
            sa.func.max(sa.case((Coding.is_quote, 1), else_=0)).label("quote"),
        )
        query = (
            sa.select(
                Interview.receipt_code,
                Interview.round_id,
                scope.moment(Interview.started_at),
                Interview.area_id,
                plain(Interview.respondent_type),
                plain(Interview.age_band),
                Answer.question_id,
                Coding.code_id,
                *per_statement,
            )
            .select_from(Coding)
            .join(Answer, Answer.id == Coding.answer_id)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Coding.sample_id.is_(None), *scope.interview_conditions())
            .group_by(Interview.id, Answer.id, Coding.code_id)
            .order_by(Interview.id, Answer.id, Coding.code_id)
        )
        questions = scope.question_ids()
        if questions is not None:
            query = query.where(Answer.question_id.in_(questions))
        for r in stream(query):
            key, name, group = codes[r.code_id]
            yield StatementThemeRow(
                r.receipt_code,
                interview_kind,
                *where(r.round_id, r.started_at, r.area_id),
                respondents.get(r.respondent_type, ""),
                ages.get(r.age_band, ""),
                keys[r.question_id],
                key,
                name,
                group,
                sentiments(r.sentiments),
                bool(r.quote),
            )
        conditions = scope.contribution_conditions()
        if conditions is None:
            return
        for r in stream(
            sa.select(
                Contribution.id,
                Contribution.round_id,
                scope.moment(Contribution.recorded_at),
                Contribution.area_id,
                Coding.code_id,
                *per_statement,
            )
            .select_from(Coding)
            .join(Contribution, Contribution.id == Coding.contribution_id)
            .where(Coding.sample_id.is_(None), *conditions)
            .group_by(Contribution.id, Coding.code_id)
            .order_by(Contribution.id, Coding.code_id)
        ):
            key, name, group = codes[r.code_id]
            yield StatementThemeRow(
                reference("contribution", r.id),
                contribution_kind,
                *where(r.round_id, r.recorded_at, r.area_id),
                "",
                "",
                "",
                key,
                name,
                group,
                sentiments(r.sentiments),
                bool(r.quote),
            )

    return Sheet(
        "statement_themes",
        pgettext("sheet", "Statements × themes"),
        "StatementThemes",
        _(
            "One row per statement and theme, with round, date, area and respondent: the table to pivot on (count rows, or distinct references for people)."
        ),
        columns,
        rows,
        row=StatementThemeRow,
    )


class FieldThemeRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    kind: Any
    round: Any
    date: Any
    district: Any
    neighbourhood: Any
    quarter: Any
    code: Any
    theme: Any
    group: Any


def field_themes_sheet(scope: Scope) -> Sheet:
    """The field themes the interviewer tapped during the talk: one row per interview or contribution and theme."""
    columns = [
        Column(_("Reference"), TEXT, 12),
        Column(_("Kind"), TEXT, 13),
        *_where_columns(),
        Column(_("Code"), TEXT, 10),
        Column(_("Theme"), TEXT, 28),
        Column(_("Group"), TEXT, 24),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")

    def rows() -> Iterator[Sequence[Any]]:
        where, codes = _where(scope), scope.codes
        for r in stream(
            sa.select(
                Interview.receipt_code, Interview.round_id, scope.moment(Interview.started_at), Interview.area_id, interview_tags.c.code_id
            )
            .select_from(interview_tags)
            .join(Interview, Interview.id == interview_tags.c.interview_id)
            .where(*scope.interview_conditions())
            .order_by(Interview.started_at, Interview.id, interview_tags.c.code_id)
        ):
            key, name, group = codes[r.code_id]
            yield FieldThemeRow(r.receipt_code, interview_kind, *where(r.round_id, r.started_at, r.area_id), key, name, group)
        conditions = scope.contribution_conditions()
        if conditions is None:
            return
        for r in stream(
            sa.select(
                Contribution.id,
                Contribution.round_id,
                scope.moment(Contribution.recorded_at),
                Contribution.area_id,
                contribution_tags.c.code_id,
            )
            .select_from(contribution_tags)
            .join(Contribution, Contribution.id == contribution_tags.c.contribution_id)
            .where(*conditions)
            .order_by(Contribution.recorded_at, Contribution.id, contribution_tags.c.code_id)
        ):
            key, name, group = codes[r.code_id]
            yield FieldThemeRow(
                reference("contribution", r.id), contribution_kind, *where(r.round_id, r.recorded_at, r.area_id), key, name, group
            )

    return Sheet(
        "field_themes",
        pgettext("sheet", "Field themes"),
        "FieldThemes",
        _("The field themes the interviewer tapped during the talk, before any coding: one row per interview or contribution and theme."),
        columns,
        rows,
        row=FieldThemeRow,
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
