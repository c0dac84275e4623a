"""Exports: check what is asked, build the rows, write the file, log it.

One entry point, ``write``, serves the web page, the background job, the token URL and the
command line, so every way out of the app follows the same rules: pseudonymised unless a
coordinator gives a reason, and an audit row for every export.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import force_locale, format_datetime, pgettext
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..access import filter_args
from ..audit.services import record
from ..codebook.qdc import to_qdc
from ..codebook.services import groups_with_codes
from ..database import long_read
from ..extensions import db
from ..filters import CONTRIBUTION, SHARED_FILTERS, Filters, source_conditions
from ..i18n import AGE_BAND_LABELS, RESPONDENT_LABELS
from ..insights import queries
from ..models import Answer, Coding, Contribution, Interview, Project, User
from ..models.types import utcnow
from ..photos.services import file_path as photo_file_path
from . import sheets as rows
from .csvzip import CsvZipWriter
from .geojson import write_geojson
from .qdpx import write_qdpx
from .xlsx import XlsxWriter

FORMATS = {
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("zip", "application/zip"),
    "geojson": ("geojson", "application/geo+json"),
    "areas": ("geojson", "application/geo+json"),
    "qdc": ("qdc", "application/xml"),
    "photos": ("zip", "application/zip"),
    "qdpx": ("qdpx", "application/zip"),
}
DELIMITERS = {";", ","}
LEVELS = {"stadsdeel", "wijk", "buurt"}
MIN_REASON = 10  # characters: a reason, not "ok"


class ExportError(ValueError):
    """The export cannot be made as asked; the message says why (translated)."""


@dataclass
class ExportOptions:
    """What to export: the dashboards' filters (as URL arguments) and the export's own choices."""

    format: str = "xlsx"
    args: dict[str, str] = field(default_factory=dict)
    personal: bool = False
    reason: str = ""
    version_id: int | None = None
    level: str | None = None
    delimiter: str = ";"
    base_url: str = ""  # the app's address as the request came in: links to photos in the workbook

    def as_params(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ExportOptions:
        return cls(**{k: v for k, v in params.items() if k in cls.__dataclass_fields__})

    def filters(self) -> Filters:
        return Filters.from_args(MultiDict(self.args))


def check(options: ExportOptions, may_see_people: bool) -> ExportOptions:
    """The options as they will be used, or ExportError: personal data needs the right role and a reason."""
    if options.format not in FORMATS:
        raise ExportError(_("Unknown export format."))
    if options.delimiter not in DELIMITERS:
        raise ExportError(_("Separate CSV columns with a semicolon or a comma."))
    if options.level not in LEVELS:
        options.level = None
    options.reason = " ".join(options.reason.split())[:500]
    if options.personal:
        if not may_see_people:
            raise ExportError(_("Only a coordinator can export personal data."))
        if len(options.reason) < MIN_REASON:
            raise ExportError(_("Say why personal data is needed (at least %(n)s characters); it is logged.", n=MIN_REASON))
    else:
        options.reason = ""
    args = filter_args(options.args, may_see_people)
    options.args = {k: str(v) for k, v in args.items() if k in SHARED_FILTERS and v not in (None, "")}
    return options


def expected_rows(project: Project, filters: Filters) -> int:
    """About how many rows an export writes: to decide whether it runs in the background, and for its progress."""
    conditions = queries.interview_conditions(project, filters)
    interviews = db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(*conditions)) or 0
    answers = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Answer).join(Interview, Interview.id == Answer.interview_id).where(*conditions)
        )
        or 0
    )
    codings = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Coding)
            .join(Answer, Answer.id == Coding.answer_id)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Coding.sample_id.is_(None), *conditions)
        )
        or 0
    )
    contributions = (
        0
        if filters.interviews_only
        else db.session.scalar(
            sa.select(sa.func.count()).select_from(Contribution).where(*source_conditions(project, filters, CONTRIBUTION))
        )
        or 0
    )
    return 2 * interviews + answers + codings + 3 * contributions


def filename(project: Project, options: ExportOptions, now: datetime | None = None) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", project.name).strip("-").lower()[:60] or "project"
    stamp = (now or utcnow()).strftime("%Y%m%d-%H%M")
    kind = {"qdc": "codeboek", "photos": "fotos", "areas": "gebieden"}.get(options.format, "buitenbinnen")
    return f"{kind}-{slug}-{stamp}.{FORMATS[options.format][0]}"


def describe_filters(scope: rows.Scope) -> list[str]:
    """The filters applied, as a reader of the workbook should see them."""
    f, found = scope.filters, []
    if f.round_id:
        found.append(_("Round: %(name)s", name=scope.rounds[f.round_id].name if f.round_id in scope.rounds else "–"))
    if f.date_from or f.date_to:
        found.append(
            _(
                "Period: %(start)s to %(end)s",
                start=f.date_from.isoformat() if f.date_from else "…",
                end=f.date_to.isoformat() if f.date_to else "…",
            )
        )
    if f.area_id:
        found.append(_("Area: %(name)s (and everything in it)", name=scope.area_path(f.area_id) or "–"))
    if f.respondent_type:
        found.append(_("Respondent: %(value)s", value=RESPONDENT_LABELS[f.respondent_type]))
    if f.age_band:
        found.append(_("Age: %(value)s", value=AGE_BAND_LABELS[f.age_band]))
    if f.question:
        found.append(_("Question: %(key)s", key=f.question))
    if f.version_id:
        found.append(_("Guide version: %(name)s", name=scope.versions.get(f.version_id, "–")))
    if f.interviewer_id:
        found.append(_("Interviewer: %(name)s", name=scope.worker(f.interviewer_id)))
    return found


@dataclass
class Result:
    filename: str
    mimetype: str
    rows: int
    per_sheet: dict[str, int]


def write(
    project: Project,
    options: ExportOptions,
    out: IO[bytes],
    *,
    actor: User | None,
    language: str = "nl",
    progress: Callable[[int], None] | None = None,
    origin: str | None = None,
) -> Result:
    """Write the export to ``out`` and log it. ``options`` must have passed ``check``."""
    with force_locale(language), long_read():
        name = filename(project, options)
        if options.format == "qdc":
            out.write(to_qdc(groups_with_codes(project)))
            per_sheet = {"codebook": 1}
        else:
            scope = rows.Scope(
                project,
                options.filters(),
                personal=options.personal,
                version_id=options.version_id,
                level=options.level,
                base_url=options.base_url,
            )
            if options.format in ("geojson", "areas"):
                metadata = {
                    "project": project.name,
                    "filters": describe_filters(scope),
                    "pseudonymised": not options.personal,
                    "exported_at": utcnow().isoformat(timespec="seconds"),
                }
                found = rows.gps_features(scope) if options.format == "geojson" else rows.area_features(scope)
                per_sheet = {"features": write_geojson(found, out, metadata, progress)}
            elif options.format == "photos":
                per_sheet = {"photos": write_photos(rows.photo_files(scope), out)}
            elif options.format == "qdpx":
                per_sheet = {"sources": write_qdpx(scope, out, progress)}
            else:
                per_sheet = _write_tables(project, options, scope, out, actor, language, progress)
    total = sum(per_sheet.values())
    record(
        "export",
        project,
        actor=actor,
        origin=origin,
        details={
            "format": options.format,
            "filters": options.args,
            "pseudonymised": not options.personal,
            **({"reason": options.reason} if options.personal else {}),
            "rows": total,
        },
    )
    return Result(name, FORMATS[options.format][1], total, per_sheet)


def write_photos(found: dict[tuple[str, int], list[rows.PhotoFile]], out: IO[bytes]) -> int:
    """The photos in a zip, each named by its record's reference as the workbook's "Photos" column
    names it. JPEGs are stored as they are (compressing them again gains nothing)."""
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for files in found.values():
            for photo, name in files:
                path = photo_file_path(photo)
                if path.is_file():
                    archive.write(path, name)
                    count += 1
    return count


def _about(
    project: Project,
    options: ExportOptions,
    scope: rows.Scope,
    actor: User | None,
    per_sheet: dict[str, int],
    cut: int,
    cleaned: int,
    data: list[rows.Sheet],
) -> tuple[list[tuple[str, Any]], list[tuple[str, list[list[str]]]]]:
    facts: list[tuple[str, Any]] = [
        (_("Project"), project.name),
        (_("Exported by"), actor.name if actor else _("command line")),
        (_("Exported on"), scope.local(utcnow())),
        (_("Filters"), "; ".join(describe_filters(scope)) or _("none: everything in the project")),
        (
            _("Personal data"),
            _("Included. Reason: %(reason)s", reason=options.reason)
            if options.personal
            else _(
                "Not included (pseudonymised): no contact details, interviewers as a pseudonym, no house numbers, "
                "addresses, e-mail addresses and phone numbers in texts replaced, GPS points rounded to about 100 m."
            ),
        ),
    ]
    for sheet in data:
        facts.append((sheet.title, _("%(n)s rows", n=per_sheet.get(sheet.key, 0))))
    if cut:
        facts.append(
            (
                _("Long texts"),
                _(
                    "%(n)s texts were longer than an Excel cell holds (32,767 characters) and were cut; the CSV export has them whole.",
                    n=cut,
                ),
            )
        )
    if cleaned:
        facts.append(
            (_("Removed characters"), _("%(n)s texts held control characters a workbook cannot hold; they were removed.", n=cleaned))
        )
    facts.append((_("Texts starting with = + - @"), _("are stored as text, never as a formula.")))
    sheets = [[s.title, s.about] for s in data]
    columns = [[s.title, c.label, c.help] for s in data for c in s.columns if c.help]
    return facts, [(_("Sheets"), sheets), (_("Columns"), columns)]


def _write_tables(
    project: Project,
    options: ExportOptions,
    scope: rows.Scope,
    out: IO[bytes],
    actor: User | None,
    language: str,
    progress: Callable[[int], None] | None,
) -> dict[str, int]:
    data = rows.workbook_sheets(scope)
    if options.format == "csv":
        writer = CsvZipWriter(out, options.delimiter, (_("yes"), _("no")), progress)
        for sheet in data:
            writer.add_sheet(sheet)
        facts, sections = _about(project, options, scope, actor, writer.rows, 0, 0, data)
        # A time as people write it ("2 december 2026 09:57"), as the workbook shows a real date.
        lines = [f"{label}: {format_datetime(value, 'd MMMM y HH:mm') if isinstance(value, datetime) else value}" for label, value in facts]
        for title, section_rows in sections:
            lines += ["", title] + [" – ".join(str(v) for v in row) for row in section_rows]
        lines += [
            "",
            _(
                "Texts that start with = + - @ or a tab or line break have an apostrophe (') in front, so that a spreadsheet shows them as text."
            ),
        ]
        writer.add_about(pgettext("sheet", "About"), lines)
        writer.close()
        return writer.rows
    xlsx = XlsxWriter(
        language,
        _(" … [cut: the CSV export has the whole text]"),
        progress,
        page_header=(project.name, format_datetime(utcnow(), "d MMMM y HH:mm")),
        page_footer=_("Page &P of &N"),
    )
    for sheet in data:
        xlsx.add_sheet(sheet)
    facts, sections = _about(project, options, scope, actor, xlsx.report.rows, xlsx.report.cut, xlsx.report.cleaned, data)
    xlsx.add_about(pgettext("sheet", "About"), _("Buitenbinnen export: %(project)s", project=project.name), facts, sections)
    xlsx.save(out)
    return xlsx.report.rows
