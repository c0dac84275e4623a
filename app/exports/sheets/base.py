"""What every sheet is made of: columns, the sheet, the export's scope, and the seams that keep it fast.

The speed tricks each live behind one seam, never inside a sheet's row loop: time parsing per UTC hour
(``Scope.moment`` and ``Scope.local``), enum values as their stored text (``plain``), answers read from
their JSON text (``raw_value`` and ``answer_reader``), rows streamed in batches on the Core connection
(``stream``), and the codings per statement aggregated in the database (``codes_per``). openpyxl's
date-format table is the workbook writer's (``xlsx._time_types``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...filters import CONTRIBUTION, Filters, source_conditions
from ...i18n import (
    AGE_BAND_LABELS,
    RESPONDENT_LABELS,
    SENTIMENT_LABELS,
)
from ...insights import queries
from ...models import (
    Answer,
    Area,
    Code,
    CodeGroup,
    Coding,
    Guide,
    GuideVersion,
    Interview,
    Project,
    Question,
    Round,
    User,
)
from ...privacy import coarse, pseudonym, pseudonymise, street_only
from ...questions import kind_of
from ...questions.base import Formatter

BATCH = 2000  # rows fetched from the database at a time

TEXT, INT, FLOAT, PCT, DATETIME, DATE, BOOL, EUR = "text", "int", "float", "pct", "datetime", "date", "bool", "eur"


GENERAL = "General"  # a column's format: a number as Excel shows it without one


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: float = 14
    help: str = ""
    format: str = ""  # the number format; "": the writer's for the kind, GENERAL: none (raw values, the fastest)


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
    rows: Callable[[], Iterator[Sequence[Any]]]  # each row a ``row`` (or, with columns per area or question, as long as ``columns``)
    chart: Chart | None = None
    row: type | None = None  # the sheet's named row (a NamedTuple), one field per column


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
    base_url: str = ""  # the app's address, for links to photos ("" where none is known: a path)
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

    def cbs_code(self, area_id: int | None) -> str:
        """The CBS code of the area, or of the nearest area above it that has one ("" for none)."""
        area = self.areas.get(area_id) if area_id else None
        while area is not None and not area.cbs_code:
            area = self.areas.get(area.parent_id) if area.parent_id else None
        return area.cbs_code if area is not None and area.cbs_code else ""

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


def codes_per(link: Any) -> Any:
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


def answer_reader(scope: Scope, question: Question) -> Formatter:
    """The JSON fast path, in one place: how an answer to ``question`` reads from its JSON text
    (``raw_value``) and its text, as (text, number where there is one). Each kind of question decodes
    only what it needs (an open answer's words are in ``Answer.text``, never decoded)."""
    return kind_of(question).formatter(question, scope)
