"""The answers: one row per answer and per contribution (*Answers*), and one row per interview with a column per question (*Answers wide*)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...models import (
    Answer,
    Coding,
    Contribution,
    Interview,
)
from ...questions import kind_of
from .base import (
    DATETIME,
    FLOAT,
    GENERAL,
    TEXT,
    Column,
    Scope,
    Sheet,
    answer_reader,
    codes_per,
    raw_value,
    reference,
    stream,
)


class AnswerRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    kind: Any
    date: Any
    area: Any
    question_key: Any
    question: Any
    answer: Any
    number: Any
    codes: Any
    sentiment: Any


def answers_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Reference"), TEXT, 12, _("The interview's receipt code, or C- and the number of a contribution.")),
        Column(_("Kind"), TEXT, 13),
        Column(_("Date"), DATETIME, 17),
        Column(_("Area"), TEXT, 30),
        Column(_("Question key"), TEXT, 16, _("The same key across guide versions: pivot on this.")),
        Column(_("Question"), TEXT, 40),
        Column(
            _("Answer"),
            TEXT,
            60,
            _(
                "As given; names of choices instead of their codes. Addresses, e-mail addresses and phone numbers are replaced unless personal data is included."
            ),
        ),
        Column(
            _("Number"),
            FLOAT,
            10,
            _("The answer as a number where it has one: scales and numbers; yes = 1, no = 0; perceived quality A+ = 5 … D = 1."),
            GENERAL,  # as given: a whole number stays whole, a decimal keeps its decimals
        ),
        Column(_("Codes"), TEXT, 36, _("The themes coded in this answer.")),
        Column(_("Sentiment"), TEXT, 16),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")

    def rows() -> Iterator[Sequence[Any]]:
        formatters = {qid: answer_reader(scope, q) for qid, q in scope.questions.items()}
        coded = codes_per(Coding.answer_id)
        query = (
            sa.select(
                Interview.receipt_code,
                scope.moment(Interview.started_at),
                Interview.area_id,
                Answer.question_id,
                raw_value(),
                Answer.text,
                coded.c.codes,
                coded.c.sentiments,
            )
            .select_from(Answer)
            .join(Interview, Interview.id == Answer.interview_id)
            .outerjoin(coded, coded.c.input_id == Answer.id)
            .where(*scope.interview_conditions())
            .order_by(Interview.started_at, Interview.id, Answer.id)
        )
        questions = scope.question_ids()
        if questions is not None:
            query = query.where(Answer.question_id.in_(questions))
        area, local, code_names, sentiment_names = scope.area_path, scope.local, scope.code_names, scope.sentiments
        labels = {qid: (q.key, q.label) for qid, q in scope.questions.items()}
        for receipt, started, area_id, question_id, value, text, codes, sentiments in stream(query):
            key, label = labels[question_id]
            shown, number = formatters[question_id](value, text)
            yield AnswerRow(
                receipt,
                interview_kind,
                local(started),
                area(area_id),
                key,
                label,
                shown,
                number,
                code_names(codes),
                sentiment_names(sentiments),
            )
        conditions = scope.contribution_conditions()
        if conditions is None:
            return
        coded = codes_per(Coding.contribution_id)
        for r in stream(
            sa.select(
                Contribution.id,
                scope.moment(Contribution.recorded_at),
                Contribution.area_id,
                Contribution.text,
                coded.c.codes,
                coded.c.sentiments,
            )
            .outerjoin(coded, coded.c.input_id == Contribution.id)
            .where(*conditions)
            .order_by(Contribution.recorded_at, Contribution.id)
        ):
            yield AnswerRow(
                reference("contribution", r.id),
                contribution_kind,
                scope.local(r.recorded_at),
                area(r.area_id),
                "",
                "",
                scope.text(r.text),
                None,
                scope.code_names(r.codes),
                scope.sentiments(r.sentiments),
            )

    return Sheet(
        "answers",
        pgettext("sheet", "Answers"),
        "Answers",
        _("One row per answer (and per contribution), with its codes: made for pivot tables."),
        columns,
        rows,
        row=AnswerRow,
    )


def wide_sheet(scope: Scope) -> Sheet:
    version_id = scope.wide_version()
    questions = (
        sorted((q for q in scope.questions.values() if q.version_id == version_id), key=lambda q: (q.section.position, q.position))
        if version_id
        else []
    )
    position = {q.id: n for n, q in enumerate(questions)}
    columns = [
        Column(_("Reference"), TEXT, 12),
        Column(_("Date"), DATETIME, 17),
        Column(_("Area"), TEXT, 30),
        *(
            Column(
                f"{q.key}: {q.label}",
                FLOAT if kind_of(q).numeric else TEXT,
                24,
                _("Answer to “%(question)s”.", question=q.label),
                GENERAL,
            )
            for q in questions
        ),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        if not questions:
            return
        formatters = {q.id: answer_reader(scope, q) for q in questions}
        numeric = {q.id for q in questions if kind_of(q).numeric}
        current: list[Any] | None = None
        current_id = None
        for interview_id, receipt, started, area_id, question_id, value, text in stream(
            sa.select(
                Interview.id,
                Interview.receipt_code,
                scope.moment(Interview.started_at),
                Interview.area_id,
                Answer.question_id,
                raw_value(),
                Answer.text,
            )
            .select_from(Interview)
            .outerjoin(Answer, Answer.interview_id == Interview.id)
            .where(*scope.interview_conditions(), Interview.guide_version_id == version_id)
            .order_by(Interview.started_at, Interview.id)
        ):
            if interview_id != current_id:
                if current is not None:
                    yield current
                current_id = interview_id
                current = [receipt, scope.local(started), scope.area_path(area_id), *([None] * len(questions))]
            if question_id in position:
                shown, number = formatters[question_id](value, text)
                current[3 + position[question_id]] = number if question_id in numeric else shown  # type: ignore[index]
        if current is not None:
            yield current

    about = _("One row per interview taken with %(version)s, one column per question.", version=scope.versions.get(version_id, "–"))
    return Sheet("answers_wide", pgettext("sheet", "Answers wide"), "AnswersWide", about, columns, rows)
