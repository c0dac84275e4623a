"""Areas of a project: the stadsdeel → wijk → buurt tree, imported from CSV.

An import checks the whole file first and changes nothing when any line is wrong, so a
coordinator can fix the file and try again. Importing the same file twice changes nothing;
a later file adds new areas and updates CBS codes of existing ones.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..i18n import N_
from ..models import Area, AreaLevel, Project

REQUIRED_COLUMNS = ("stadsdeel", "wijk")
OPTIONAL_COLUMNS = ("buurt", "cbs_code", "cbs_year", "kind")
CBS_PATTERNS = {AreaLevel.wijk: re.compile(r"^WK\d{6}\Z"), AreaLevel.buurt: re.compile(r"^BU\d{8}\Z")}
MAX_NAME_LENGTH = 120
MAX_KIND_LENGTH = 40


@dataclass
class LineError:
    line: int  # 1-based line number in the file, as a spreadsheet shows it
    message: str  # an English message id; the view translates it
    params: dict[str, str | int] = field(default_factory=dict)


class AreaImportError(ValueError):
    """The file cannot be imported; ``errors`` says why, per line."""

    def __init__(self, errors: list[LineError]):
        super().__init__(f"{len(errors)} problem(s) in the area file")
        self.errors = errors


@dataclass
class AreaRow:
    line: int
    stadsdeel: str
    wijk: str
    buurt: str
    cbs_code: str | None
    cbs_year: int | None
    kind: str

    @property
    def level(self) -> AreaLevel:
        return AreaLevel.buurt if self.buurt else AreaLevel.wijk

    @property
    def path(self) -> str:
        return "/".join(part for part in (self.stadsdeel, self.wijk, self.buurt) if part)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def decode(raw: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else Windows-1252 as Excel on Windows saves."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    return csv.excel if first_line.count(",") >= first_line.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def parse(text: str, max_rows: int = 20_000) -> list[AreaRow]:
    """Rows of an area file, or AreaImportError listing every problem found."""
    if "\x00" in text:
        raise AreaImportError([LineError(1, N_("This is not a text (CSV) file."))])
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        raise AreaImportError([LineError(1, N_("The file is empty."))]) from None
    except csv.Error:
        raise AreaImportError([LineError(1, N_("The first line cannot be read as CSV."))]) from None
    columns = [h.strip().lower() for h in header]
    errors: list[LineError] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing:
        errors.append(LineError(1, N_("Column(s) missing: %(columns)s."), {"columns": ", ".join(missing)}))
    if unknown:
        errors.append(
            LineError(
                1,
                N_("Unknown column(s): %(columns)s. Allowed: %(allowed)s."),
                {"columns": ", ".join(unknown), "allowed": ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)},
            )
        )
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        errors.append(LineError(1, N_("Column(s) appear twice: %(columns)s."), {"columns": ", ".join(duplicated)}))
    if errors:
        raise AreaImportError(errors)

    rows: list[AreaRow] = []
    seen: dict[str, AreaRow] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= max_rows:
                errors.append(LineError(line, N_("Too many rows; at most %(max)s per file."), {"max": max_rows}))
                break
            if len(record) > len(columns):
                errors.append(LineError(line, N_("This line has more values than the header has columns.")))
                continue
            values = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(columns)}
            row = _check_row(line, values, errors)
            if row is None:
                continue
            previous = seen.get(row.path)
            if previous is not None and (previous.cbs_code, previous.cbs_year) != (row.cbs_code, row.cbs_year):
                errors.append(
                    LineError(
                        line,
                        N_("%(area)s is also on line %(other)s, with other CBS details."),
                        {"area": row.path, "other": previous.line},
                    )
                )
                continue
            seen.setdefault(row.path, row)
            rows.append(row)
    except csv.Error as error:
        errors.append(LineError(reader.line_num, N_("This line cannot be read as CSV (%(reason)s)."), {"reason": str(error)}))
    if errors:
        raise AreaImportError(errors)
    if not rows:
        raise AreaImportError([LineError(2, N_("The file has a header but no areas."))])
    return rows


def _check_row(line: int, values: dict[str, str], errors: list[LineError]) -> AreaRow | None:
    problems: list[LineError] = []
    stadsdeel, wijk, buurt = values.get("stadsdeel", ""), values.get("wijk", ""), values.get("buurt", "")
    for column, value in (("stadsdeel", stadsdeel), ("wijk", wijk)):
        if not value:
            problems.append(LineError(line, N_("The column %(column)s is empty."), {"column": column}))
    for column, value in (("stadsdeel", stadsdeel), ("wijk", wijk), ("buurt", buurt)):
        if len(value) > MAX_NAME_LENGTH:
            problems.append(
                LineError(line, N_("The name in %(column)s is longer than %(max)s characters."), {"column": column, "max": MAX_NAME_LENGTH})
            )
        if "/" in value:
            problems.append(LineError(line, N_("The name in %(column)s contains a slash (/)."), {"column": column}))
    kind = values.get("kind", "")
    if len(kind) > MAX_KIND_LENGTH:
        problems.append(LineError(line, N_("The kind is longer than %(max)s characters."), {"max": MAX_KIND_LENGTH}))

    level = AreaLevel.buurt if buurt else AreaLevel.wijk
    code = values.get("cbs_code", "").upper() or None
    year_text = values.get("cbs_year", "")
    year: int | None = None
    if code is not None and not CBS_PATTERNS[level].match(code):
        example = "WK0034ww" if level == AreaLevel.wijk else "BU0034wwbb"
        problems.append(
            LineError(
                line,
                N_("CBS code %(code)s is not a valid %(level)s code (expected %(example)s)."),
                {"code": code, "level": level.value, "example": example},
            )
        )
    if year_text:
        if not re.fullmatch(r"[0-9]{4}", year_text) or not 1990 <= int(year_text) <= 2100:
            problems.append(LineError(line, N_("CBS year %(year)s is not a year."), {"year": year_text}))
        elif code is None:
            problems.append(LineError(line, N_("A CBS year is given without a CBS code.")))
        else:
            year = int(year_text)
    elif code is not None:
        problems.append(LineError(line, N_("CBS code %(code)s needs its year (CBS codes change over the years)."), {"code": code}))

    if problems:
        errors.extend(problems)
        return None
    return AreaRow(line, stadsdeel, wijk, buurt, code, year, kind)


def import_areas(project: Project, rows: list[AreaRow]) -> ImportResult:
    """Create or update the project's areas for parsed rows (parents first)."""
    existing = {a.path: a for a in db.session.scalars(sa.select(Area).where(Area.project_id == project.id))}
    result = ImportResult()

    def ensure(path: str, name: str, level: AreaLevel, parent: Area | None) -> Area:
        area = existing.get(path)
        if area is None:
            area = Area(project_id=project.id, parent=parent, level=level, name=name, path=path, kind="")
            db.session.add(area)
            existing[path] = area
            result.created += 1
        return area

    for row in rows:
        stadsdeel = ensure(row.stadsdeel, row.stadsdeel, AreaLevel.stadsdeel, None)
        leaf = ensure(f"{row.stadsdeel}/{row.wijk}", row.wijk, AreaLevel.wijk, stadsdeel)
        if row.buurt:
            leaf = ensure(row.path, row.buurt, AreaLevel.buurt, leaf)
        is_new = leaf.id is None  # created by this import, not yet flushed
        changed = False
        for key, value in (("cbs_code", row.cbs_code), ("cbs_year", row.cbs_year), ("kind", row.kind)):
            if getattr(leaf, key) != value:
                setattr(leaf, key, value)
                changed = True
        if not is_new:
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
    db.session.flush()
    audit.record(
        "area.import",
        project,
        details={"rows": len(rows), "created": result.created, "updated": result.updated},
    )
    return result


def area_tree(project: Project) -> list[Area]:
    """The project's areas in tree order (each parent before its children)."""
    areas = db.session.scalars(sa.select(Area).where(Area.project_id == project.id))
    return sorted(areas, key=lambda area: [part.casefold() for part in area.path.split("/")])


def within(areas: list[Area], roots: list[Area]) -> list[Area]:
    """Those of ``areas`` that lie in one of ``roots`` (a round's wijken and their buurten); all of
    them when there are no roots (a round for the whole project)."""
    if not roots:
        return areas
    return [a for a in areas if any(a.path == r.path or a.path.startswith(r.path + "/") for r in roots)]
