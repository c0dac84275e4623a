"""The rows of an export, sheet by sheet: what the workbook, the CSV files and the GeoJSON are made of.

Each sheet is a list of columns and a generator of rows of plain Python values (text, numbers,
local dates and times, booleans); the writers decide how a value becomes a cell. Rows are streamed
from the database in batches, so a sheet of a million rows never sits in memory. Texts residents
wrote are pseudonymised here unless the export includes personal data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..filters import CONTRIBUTION, Filters, source_conditions
from ..i18n import (
    ACTION_STATUS_LABELS,
    AGE_BAND_LABELS,
    PRIORITY_LABELS,
    QUALITY_LABELS,
    RESPONDENT_LABELS,
    SENTIMENT_LABELS,
)
from ..insights import queries
from ..models import (
    ActionInput,
    ActionItem,
    Answer,
    Area,
    Code,
    CodeGroup,
    Coding,
    ContactDetails,
    Contribution,
    Guide,
    GuideVersion,
    Interview,
    Project,
    Question,
    QuestionType,
    Round,
    User,
)
from ..privacy import coarse, pseudonym, pseudonymise, street_only
from ..questions import kind_of
from ..questions.base import Formatter

BATCH = 2000  # rows fetched from the database at a time

TEXT, INT, FLOAT, PCT, DATETIME, DATE, BOOL = "text", "int", "float", "pct", "datetime", "date", "bool"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: float = 14
    help: str = ""


@dataclass
class Chart:
    """A bar chart of the first ``rows`` data rows: ``value`` against ``category`` (column indexes)."""

    title: str
    category: int
    value: int
    rows: int


@dataclass
class Sheet:
    key: str  # stable, for file names: "interviews"
    title: str  # the sheet's name, in the user's language
    table: str  # the Excel table's name (letters only)
    about: str
    columns: list[Column]
    rows: Callable[[], Iterator[Sequence[Any]]]
    chart: Chart | None = None


def reference(kind: str, record_id: int, receipt_code: str | None = None) -> str:
    """How a person heard is referred to in every sheet: an interview by its receipt code (which the
    resident has too), a contribution by its number."""
    return receipt_code if kind == "interview" and receipt_code else f"C-{record_id}"


@dataclass
class Scope:
    """What one export covers, and the names it looks up once instead of joining per row."""

    project: Project
    filters: Filters
    personal: bool = False  # interviewer names, contact details, house numbers, exact GPS
    version_id: int | None = None  # the guide version of the wide answers sheet
    level: str | None = None  # the area level of the columns per area
    zone: ZoneInfo = field(init=False)
    areas: dict[int, Area] = field(init=False)
    rounds: dict[int, Round] = field(init=False)
    versions: dict[int, str] = field(init=False)
    codes: dict[int, tuple[str, str, str]] = field(init=False)  # id → (key, name, group name)
    questions: dict[int, Question] = field(init=False)
    people: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        project = self.project
        self.zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        self.areas = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.project_id == project.id))}
        self.rounds = {r.id: r for r in db.session.scalars(sa.select(Round).where(Round.project_id == project.id))}
        self.versions = {
            vid: f"{name} v{number}"
            for vid, name, number in db.session.execute(
                sa.select(GuideVersion.id, Guide.name, GuideVersion.number)
                .join(Guide, Guide.id == GuideVersion.guide_id)
                .where(Guide.project_id == project.id)
            )
        }
        self.codes = {
            cid: (key, name, group)
            for cid, key, name, group in db.session.execute(
                sa.select(Code.id, Code.key, Code.name, CodeGroup.name)
                .join(CodeGroup, CodeGroup.id == Code.group_id)
                .where(Code.project_id == project.id)
            )
        }
        self.questions = {
            q.id: q
            for q in db.session.scalars(
                sa.select(Question)
                .join(GuideVersion, GuideVersion.id == Question.version_id)
                .join(Guide, Guide.id == GuideVersion.guide_id)
                .where(Guide.project_id == project.id)
                .options(selectinload(Question.section))
            )
        }
        self.people = dict(db.session.execute(sa.select(User.id, User.name)).all()) if self.personal else {}
        # Names looked up per row, worked out once: a lazy translation or a regular expression per
        # row costs more than openpyxl's own work for the cell.
        self.respondents = {k.value: str(v) for k, v in RESPONDENT_LABELS.items()}  # by stored value (see ``plain``)
        self.age_bands = {k.value: str(v) for k, v in AGE_BAND_LABELS.items()}
        self.sentiment_names = {k.value: str(v) for k, v in SENTIMENT_LABELS.items()}
        self.paths = {a.id: a.label for a in self.areas.values()}
        self.parts = {a.id: tuple(([*a.path.split("/"), "", "", ""])[:3]) for a in self.areas.values()}
        self._memo: dict[tuple[str, Any], str] = {}
        # SQLite hands back stored times as text; parsing them here is ten times faster than the
        # driver's generic parser, and the local offset is the same for a whole UTC hour.
        self.raw_times = db.engine.dialect.name == "sqlite"
        self._offsets: dict[Any, timedelta] = {}
        self._last: tuple[Any, datetime | None] = (None, None)

    # -- values as they go into a cell ----------------------------------------------------------

    def moment(self, column: Any) -> Any:
        """A time column as ``local`` takes it fastest: SQLite's stored text, or the driver's datetime."""
        return sa.type_coerce(column, sa.String).label(column.key) if self.raw_times else column

    def instant(self, moment: datetime | str) -> datetime:
        """A stored instant as a naive UTC datetime (text from SQLite, or an aware datetime)."""
        if isinstance(moment, str):
            parsed = datetime.fromisoformat(moment)
            return parsed if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)
        return moment.astimezone(UTC).replace(tzinfo=None)

    def local(self, moment: datetime | str | None) -> datetime | None:
        """A stored UTC instant as local wall-clock time (spreadsheets know no time zones)."""
        if moment is None:
            return None
        if moment == self._last[0]:  # the answers of one interview come one after another
            return self._last[1]
        utc = self.instant(moment)
        hour: Any = moment[:13] if isinstance(moment, str) else (utc.year, utc.month, utc.day, utc.hour)
        offset = self._offsets.get(hour)
        if offset is None:  # offsets change on the hour (summer time), so one per UTC hour is exact
            offset = self._offsets[hour] = utc.replace(tzinfo=UTC).astimezone(self.zone).utcoffset() or timedelta(0)
        self._last = (moment, utc + offset)
        return self._last[1]

    def minutes(self, start: datetime | str, end: datetime | str) -> float:
        return round((self.instant(end) - self.instant(start)).total_seconds() / 60, 1)

    def text(self, text: str | None) -> str:
        """A resident's text: as written when personal data is included, else pseudonymised."""
        if not text:
            return ""
        return text if self.personal else pseudonymise(text)

    def _remembered(self, kind: str, key: Any, make: Callable[[], str]) -> str:
        found = self._memo.get((kind, key))
        if found is None:
            if len(self._memo) > 100_000:  # a few thousand distinct values is usual; never grow without bound
                self._memo.clear()
            found = self._memo[(kind, key)] = make()
        return found

    def street(self, street: str | None) -> str:
        if not street or self.personal:
            return street or ""
        return self._remembered("street", street, lambda: street_only(street))

    def point(self, degrees: float | None) -> float | None:
        return degrees if self.personal else coarse(degrees)

    def worker(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if self.personal:
            return self.people.get(user_id, "")
        return self._remembered("worker", user_id, lambda: pseudonym(self.project.id, user_id))

    def area_parts(self, area_id: int | None) -> tuple[str, str, str]:
        """(stadsdeel, wijk, buurt) of an area; the levels it does not reach stay empty."""
        return self.parts.get(area_id, ("", "", "")) if area_id else ("", "", "")  # type: ignore[return-value]

    def area_path(self, area_id: int | None) -> str:
        return self.paths.get(area_id, "") if area_id else ""

    def code_names(self, joined: str | None) -> str:
        """Comma-joined code ids (as the database aggregates them) as "key name; key name"."""
        if not joined:
            return ""

        def names() -> str:
            ids = sorted({int(i) for i in joined.split(",")}, key=lambda i: self.codes.get(i, ("",))[0])
            return "; ".join(f"{self.codes[i][0]} {self.codes[i][1]}" for i in ids if i in self.codes)

        return self._remembered("codes", joined, names)

    def sentiments(self, joined: str | None) -> str:
        if not joined:
            return ""
        return self._remembered(
            "sentiments", joined, lambda: ", ".join(name for value, name in self.sentiment_names.items() if value in joined.split(","))
        )

    # -- which records ---------------------------------------------------------------------------

    def interview_conditions(self) -> list[Any]:
        return queries.interview_conditions(self.project, self.filters)

    def contribution_conditions(self) -> list[Any] | None:
        """None: the filters select something only interviews have, so no contributions."""
        if self.filters.interviews_only:
            return None
        return source_conditions(self.project, self.filters, CONTRIBUTION)

    def question_ids(self) -> list[int] | None:
        """The questions the question filter keeps (None: all)."""
        if not self.filters.question:
            return None
        return [q.id for q in self.questions.values() if q.key == self.filters.question] or [-1]

    def wide_version(self) -> int | None:
        """The guide version of the wide sheet: the chosen one, else the one most interviews used."""
        chosen = self.version_id or self.filters.version_id
        if chosen in self.versions:
            return chosen
        return db.session.scalar(
            sa.select(Interview.guide_version_id)
            .where(*self.interview_conditions())
            .group_by(Interview.guide_version_id)
            .order_by(sa.func.count().desc(), Interview.guide_version_id.desc())
            .limit(1)
        )


def plain(column: Any) -> Any:
    """An enum column as its stored value: a dictionary look-up instead of making an Enum per row."""
    return sa.type_coerce(column, sa.String).label(column.key)


def stream(statement: Any) -> Iterator[Any]:
    """Rows of ``statement`` fetched in batches (a server-side cursor on PostgreSQL), executed at the
    Core level on the session's connection: the ORM's result handling would double the cost per row."""
    yield from db.session.connection().execute(statement.execution_options(yield_per=BATCH))


def _codes_per(link: Any) -> Any:
    """The project's own codings per input (``link``: answer or contribution), as joined code ids and sentiments."""
    return (
        sa.select(
            link.label("input_id"),
            sa.func.aggregate_strings(sa.cast(Coding.code_id, sa.String), ",").label("codes"),
            sa.func.aggregate_strings(Coding.sentiment, ",").label("sentiments"),
        )
        .where(link.is_not(None), Coding.sample_id.is_(None))
        .group_by(link)
        .subquery()
    )


# -- answers as text and as a number -------------------------------------------------------------


def raw_value() -> Any:
    """An answer's value as its JSON text: decoded only for the questions that need it (an open
    answer's words are in ``Answer.text``), the same on SQLite and PostgreSQL."""
    return sa.cast(Answer.value, sa.Text).label("value")


def _formatter(scope: Scope, question: Question) -> Formatter:
    """How an answer to ``question`` reads, from its JSON text and its text: (text, number where there is one)."""
    return kind_of(question).formatter(question, scope)


# -- the sheets ----------------------------------------------------------------------------------


def interviews_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(
            _("Reference"), TEXT, 12, _("The interview's receipt code (the resident has it too), or C- and the number of a contribution.")
        ),
        Column(_("Kind"), TEXT, 13, _("Interview, or contribution in an information round.")),
        Column(_("Round"), TEXT, 28),
        Column(_("Date"), DATETIME, 17, _("When the interview started or the contribution was recorded, local time.")),
        Column(_("District"), TEXT, 16, _("Stadsdeel.")),
        Column(_("Neighbourhood"), TEXT, 18, _("Wijk.")),
        Column(_("Quarter"), TEXT, 18, _("Buurt.")),
        Column(_("Street"), TEXT, 22, _("Without house number unless personal data is included.")),
        Column(_("Latitude"), FLOAT, 11, _("WGS 84; rounded to about 100 m unless personal data is included.")),
        Column(_("Longitude"), FLOAT, 11),
        Column(_("Respondent"), TEXT, 14),
        Column(_("Age"), TEXT, 11),
        Column(_("Guide version"), TEXT, 20),
        Column(_("Duration (min)"), FLOAT, 10, _("Minutes from start to end of the interview.")),
        Column(_("Interviewer"), TEXT, 14, _("A pseudonym, the same in every export of this project, unless personal data is included.")),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")

    def rows() -> Iterator[Sequence[Any]]:
        for r in stream(
            sa.select(
                Interview.id,
                Interview.receipt_code,
                Interview.round_id,
                scope.moment(Interview.started_at),
                scope.moment(Interview.ended_at),
                Interview.area_id,
                Interview.street,
                Interview.gps_lat,
                Interview.gps_lon,
                plain(Interview.respondent_type),
                plain(Interview.age_band),
                Interview.guide_version_id,
                Interview.interviewer_id,
            )
            .where(*scope.interview_conditions())
            .order_by(Interview.started_at, Interview.id)
        ):
            round_ = scope.rounds.get(r.round_id)
            yield (
                r.receipt_code,
                interview_kind,
                round_.name if round_ else "",
                scope.local(r.started_at),
                *scope.area_parts(r.area_id),
                scope.street(r.street),
                scope.point(r.gps_lat),
                scope.point(r.gps_lon),
                scope.respondents[r.respondent_type] if r.respondent_type else "",
                scope.age_bands[r.age_band] if r.age_band else "",
                scope.versions.get(r.guide_version_id, ""),
                scope.minutes(r.started_at, r.ended_at),
                scope.worker(r.interviewer_id),
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
                Contribution.street,
                Contribution.author_id,
            )
            .where(*conditions)
            .order_by(Contribution.recorded_at, Contribution.id)
        ):
            round_ = scope.rounds.get(r.round_id)
            yield (
                reference("contribution", r.id),
                contribution_kind,
                round_.name if round_ else "",
                scope.local(r.recorded_at),
                *scope.area_parts(r.area_id),
                scope.street(r.street),
                None,
                None,
                "",
                "",
                "",
                None,
                scope.worker(r.author_id),
            )

    return Sheet(
        "interviews",
        pgettext("sheet", "Interviews"),
        "Interviews",
        _("One row per person heard: each interview and each contribution from an information round."),
        columns,
        rows,
    )


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
        ),
        Column(_("Codes"), TEXT, 36, _("The themes coded in this answer.")),
        Column(_("Sentiment"), TEXT, 16),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")

    def rows() -> Iterator[Sequence[Any]]:
        formatters = {qid: _formatter(scope, q) for qid, q in scope.questions.items()}
        coded = _codes_per(Coding.answer_id)
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
            yield (
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
        coded = _codes_per(Coding.contribution_id)
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
            yield (
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
            )
            for q in questions
        ),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        if not questions:
            return
        formatters = {q.id: _formatter(scope, q) for q in questions}
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
            yield (
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
            yield (
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
        "coding", pgettext("sheet", "Coding"), "Coding", _("One row per coded fragment: which words got which theme."), columns, rows
    )


def themes_sheet(scope: Scope) -> Sheet:
    code_table = queries.area_table(scope.project, scope.filters, scope.level)
    group_table = queries.area_table(scope.project, scope.filters, code_table.columns.level.value, "group")
    areas = code_table.columns.columns
    columns = [
        Column(_("Level"), TEXT, 9, _("Code, or code group (the group counts each person once).")),
        Column(_("Key"), TEXT, 8),
        Column(_("Theme"), TEXT, 30),
        Column(_("Group"), TEXT, 24),
        Column(_("People"), INT, 10, _("Interviews and contributions that raised the theme.")),
        Column(_("Interviews"), INT, 11),
        Column(_("Share of interviews"), PCT, 12, _("Of the coded interviews under the filters.")),
        Column(_("Contributions"), INT, 12),
        Column(_("Inputs"), INT, 9, _("Answers and contributions coded with the theme.")),
        Column(_("Positive"), INT, 10, _("Inputs coded with this sentiment.")),
        Column(_("Negative"), INT, 10),
        Column(_("Suggestion"), INT, 11),
        *(Column(a.name, INT, 12, _("People in %(area)s who raised the theme.", area=a.label)) for a in areas),
        Column(_("Other or unknown area"), INT, 14),
    ]
    code_label, group_label = _("code"), _("group")

    def theme_rows(table: queries.AreaTable, level: str) -> Iterator[Sequence[Any]]:
        for t in sorted(table.themes, key=lambda t: (-t.people, t.key)):
            yield (
                level,
                t.key,
                t.name,
                t.group,
                t.people,
                t.interviews,
                t.share.value,
                t.contributions,
                t.inputs,
                t.positive.value,
                t.negative.value,
                t.suggestion.value,
                *(table.cells.get((t.id, a.id), queries.Figure(0, 0)).value for a in areas),
                table.cells.get((t.id, None), queries.Figure(0, 0)).value,
            )

    def rows() -> Iterator[Sequence[Any]]:
        yield from theme_rows(code_table, code_label)
        yield from theme_rows(group_table, group_label)

    chart = Chart(_("People per theme (top 15)"), category=2, value=4, rows=min(15, len(code_table.themes))) if code_table.themes else None
    return Sheet(
        "themes",
        pgettext("sheet", "Themes"),
        "Themes",
        _("Per code and per code group: people, interviews, share, sentiment, and people per area, with a chart of the top themes."),
        columns,
        rows,
        chart,
    )


def quality_sheet(scope: Scope) -> Sheet:
    elements, _columns = queries.quality(scope.project, scope.filters, scope.level)
    columns = [
        Column(_("Element"), TEXT, 24, _("The public-space element rated on the CROW image-quality scale.")),
        Column(_("Area"), TEXT, 24),
        Column(_("Ratings"), INT, 9, _("Ratings with a level (not “don't know”).")),
        *(Column(str(QUALITY_LABELS[level]), INT, 11) for level in queries.QUALITY_LEVELS),
        Column(_("Mean score"), FLOAT, 10, _("A+ = 5, A = 4, B = 3, C = 2, D = 1; “don't know” left out.")),
    ]
    everywhere, elsewhere = _("All areas"), _("Other or unknown area")

    def rows() -> Iterator[Sequence[Any]]:
        for element in elements:
            for row in element.rows:
                name = row.area.name if row.area else (everywhere if row.column_id is None else elsewhere)
                yield (element.element, name, row.rated.value, *(row.counts[lv].value for lv in queries.QUALITY_LEVELS), row.mean.value)

    return Sheet(
        "quality",
        pgettext("sheet", "Perceived quality"),
        "PerceivedQuality",
        _("Per element and area: the number of ratings, their distribution A+ … D, and the mean score."),
        columns,
        rows,
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
            yield (
                key,
                name,
                group,
                scope.text(r.fragment if r.start is not None else r.text),
                r.ref or reference("contribution", r.cid),
                scope.area_path(r.area_id),
                local.date() if local else None,
                labels[r.sentiment.value] if r.sentiment else "",
            )

    return Sheet("quotes", pgettext("sheet", "Quotes"), "Quotes", _("The fragments marked as quotes, per theme."), columns, rows)


def actions_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Action no."), INT, 9),
        Column(_("Title"), TEXT, 36),
        Column(_("Description"), TEXT, 50),
        Column(_("Status"), TEXT, 12),
        Column(_("Priority"), TEXT, 10),
        Column(_("Department"), TEXT, 22),
        Column(_("Theme"), TEXT, 28),
        Column(_("Area"), TEXT, 30),
        Column(_("Location"), TEXT, 26),
        Column(_("Inputs"), INT, 9, _("Answers and contributions the action item rests on.")),
        Column(_("Residents told"), BOOL, 10, _("Whether residents have heard back about it.")),
        Column(_("Reason for rejection"), TEXT, 30),
        Column(_("Created"), DATE, 12),
        Column(_("Changed"), DATE, 12),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        conditions = [ActionItem.project_id == scope.project.id]
        if scope.filters.area_id:
            conditions.append(ActionItem.area_id.in_(queries.area_ids(scope.project, scope.filters.area_id)))
        links = sa.select(ActionInput.action_id, sa.func.count().label("n")).group_by(ActionInput.action_id).subquery()
        for action, n in db.session.execute(
            sa.select(ActionItem, links.c.n).outerjoin(links, links.c.action_id == ActionItem.id).where(*conditions).order_by(ActionItem.id)
        ):
            code = scope.codes.get(action.code_id) if action.code_id else None
            created, changed = scope.local(action.created_at), scope.local(action.updated_at)
            yield (
                action.id,
                scope.text(action.title),
                scope.text(action.description),
                str(ACTION_STATUS_LABELS[action.status]),
                str(PRIORITY_LABELS[action.priority]),
                action.department,
                f"{code[0]} {code[1]}" if code else "",
                scope.area_path(action.area_id),
                scope.text(action.location),
                n or 0,
                action.feedback_given,
                scope.text(action.rejection_reason),
                created.date() if created else None,
                changed.date() if changed else None,
            )

    return Sheet(
        "actions",
        pgettext("sheet", "Action items"),
        "ActionItems",
        _("The action items for the plan, with the number of inputs behind each (only the area filter applies)."),
        columns,
        rows,
    )


def codebook_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Group key"), TEXT, 10),
        Column(_("Group"), TEXT, 26),
        Column(_("Code"), TEXT, 10),
        Column(_("Theme"), TEXT, 30),
        Column(_("Description"), TEXT, 60),
        Column(_("Colour"), TEXT, 10, _("Hexadecimal, as on the dashboards.")),
        Column(_("Archived"), BOOL, 10),
        Column(_("UUID"), TEXT, 38, _("Stable identifier, also in the REFI-QDA codebook export.")),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        for code, group in db.session.execute(
            sa.select(Code, CodeGroup)
            .join(CodeGroup, CodeGroup.id == Code.group_id)
            .where(Code.project_id == scope.project.id)
            .order_by(CodeGroup.position, CodeGroup.key, Code.position, Code.key)
        ):
            yield (group.key, group.name, code.key, code.name, code.description, code.colour, code.archived, str(code.uuid))

    return Sheet(
        "codebook",
        pgettext("sheet", "Codebook"),
        "Codebook",
        _("The project's codes with their group, description and colour."),
        columns,
        rows,
    )


def contacts_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Reference"), TEXT, 12),
        Column(_("Name"), TEXT, 24),
        Column(_("E-mail"), TEXT, 30),
        Column(_("Phone"), TEXT, 16),
        Column(_("Note"), TEXT, 40),
        Column(_("Given on"), DATE, 12),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        for contact, receipt in db.session.execute(
            sa.select(ContactDetails, Interview.receipt_code)
            .join(Interview, Interview.id == ContactDetails.interview_id)
            .where(*scope.interview_conditions())
            .order_by(Interview.started_at, Interview.id)
        ):
            given = scope.local(contact.created_at)
            yield (receipt, contact.name, contact.email, contact.phone, contact.note, given.date() if given else None)

    return Sheet(
        "contacts",
        pgettext("sheet", "Contact details"),
        "ContactDetails",
        _("Residents who asked for feedback, with how to reach them. Personal data: handle with care, delete when done."),
        columns,
        rows,
    )


def workbook_sheets(scope: Scope) -> list[Sheet]:
    """The data sheets in the workbook's order (contact details only when personal data is included)."""
    sheets = [
        interviews_sheet(scope),
        answers_sheet(scope),
        wide_sheet(scope),
        coding_sheet(scope),
        themes_sheet(scope),
        quality_sheet(scope),
        quotes_sheet(scope),
        actions_sheet(scope),
        codebook_sheet(scope),
    ]
    if scope.personal:
        sheets.append(contacts_sheet(scope))
    return sheets


def gps_features(scope: Scope) -> Iterator[dict[str, Any]]:
    """GeoJSON features: the interviews with a GPS point, and answers to GPS questions."""
    coded = _codes_per(Coding.answer_id)
    per_interview = (
        sa.select(Answer.interview_id, sa.func.aggregate_strings(coded.c.codes, ",").label("codes"))
        .join(coded, coded.c.input_id == Answer.id)
        .group_by(Answer.interview_id)
        .subquery()
    )
    interview_kind = _("Interview")
    names = _property_names()
    for r in stream(
        sa.select(
            Interview.receipt_code,
            Interview.started_at,
            Interview.area_id,
            Interview.round_id,
            Interview.gps_lat,
            Interview.gps_lon,
            per_interview.c.codes,
        )
        .outerjoin(per_interview, per_interview.c.interview_id == Interview.id)
        .where(*scope.interview_conditions(), Interview.gps_lat.is_not(None), Interview.gps_lon.is_not(None))
        .order_by(Interview.started_at, Interview.id)
    ):
        yield _feature(scope, r.gps_lat, r.gps_lon, r.receipt_code, interview_kind, r.round_id, r.area_id, r.started_at, r.codes, "", names)
    gps_questions = [qid for qid, q in scope.questions.items() if q.type == QuestionType.gps]
    wanted = scope.question_ids()
    if wanted is not None:
        gps_questions = [q for q in gps_questions if q in wanted]
    if not gps_questions:
        return
    answer_kind = _("Answer")
    for r in stream(
        sa.select(
            Interview.receipt_code,
            Interview.started_at,
            Interview.area_id,
            Interview.round_id,
            Answer.question_id,
            raw_value().label("value"),
            coded.c.codes,
        )
        .select_from(Answer)
        .join(Interview, Interview.id == Answer.interview_id)
        .outerjoin(coded, coded.c.input_id == Answer.id)
        .where(*scope.interview_conditions(), Answer.question_id.in_(gps_questions))
        .order_by(Interview.started_at, Answer.id)
    ):
        value = json.loads(r.value) if r.value else None
        if isinstance(value, dict) and value.get("lat") is not None and value.get("lon") is not None:
            yield _feature(
                scope,
                value["lat"],
                value["lon"],
                r.receipt_code,
                answer_kind,
                r.round_id,
                r.area_id,
                r.started_at,
                r.codes,
                scope.questions[r.question_id].key,
                names,
            )


def _property_names() -> dict[str, str]:
    """The features' property names in the user's language, as single words a GIS takes as field names."""
    return {
        "receipt_code": pgettext("geojson property", "receipt_code"),
        "kind": pgettext("geojson property", "kind"),
        "round": pgettext("geojson property", "round"),
        "area": pgettext("geojson property", "area"),
        "date": pgettext("geojson property", "date"),
        "codes": pgettext("geojson property", "codes"),
        "question": pgettext("geojson property", "question"),
    }


def _feature(
    scope: Scope,
    lat: float,
    lon: float,
    receipt: str,
    kind: str,
    round_id: int,
    area_id: int | None,
    at: datetime,
    codes: str | None,
    question: str,
    names: dict[str, str],
) -> dict[str, Any]:
    round_ = scope.rounds.get(round_id)
    local = scope.local(at)
    properties = {
        names["receipt_code"]: receipt,
        names["kind"]: kind,
        names["round"]: round_.name if round_ else "",
        names["area"]: scope.area_path(area_id),
        names["date"]: local.isoformat(timespec="minutes") if local else None,
        names["codes"]: [c for c in scope.code_names(codes).split("; ") if c],
    }
    if question:
        properties[names["question"]] = question
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [scope.point(lon), scope.point(lat)]}, "properties": properties}
