"""Seeding and reading a project's codebook."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from .. import audit, facts
from ..extensions import db
from ..i18n import N_
from ..inputs import storable
from ..models import Code, CodeGroup, Coding, Project
from ..models.fieldwork import contribution_tags, interview_tags

DEFAULT_CODEBOOK = Path(__file__).resolve().parent.parent / "domain_data" / "default_codebook.csv"
# Distinct, dark enough for white text (contrast ≥ 4.5:1) on chips.
PALETTE = ["#2e7d32", "#1565c0", "#6d4c41", "#c62828", "#6a1b9a", "#00838f", "#b34d00", "#37474f"]


def seed_default(project: Project) -> list[CodeGroup]:
    """Give a new project the default public-space codebook."""
    with DEFAULT_CODEBOOK.open(encoding="utf-8") as file:
        return seed(project, list(csv.DictReader(file)))


def seed(project: Project, rows: list[dict[str, Any]]) -> list[CodeGroup]:
    """Groups and codes from rows (group, group_name, code, name, description; keywords, colour
    and archived optional), in their order, for a project that has none yet."""
    groups: dict[str, CodeGroup] = {}
    for position, row in enumerate(rows):
        group = groups.get(row["group"])
        if group is None:
            group = CodeGroup(
                project_id=project.id,
                key=row["group"],
                name=row["group_name"],
                colour=row.get("group_colour") or PALETTE[len(groups) % len(PALETTE)],
                position=len(groups),
            )
            db.session.add(group)
            groups[row["group"]] = group
        db.session.add(
            Code(
                project_id=project.id,
                group=group,
                key=row["code"],
                name=row["name"],
                description=row.get("description", ""),
                colour=row.get("colour") or group.colour,
                position=position,
                keywords=row.get("keywords", ""),
                archived=bool(row.get("archived", False)),
            )
        )
    db.session.flush()
    return list(groups.values())


def groups_with_codes(project: Project) -> list[CodeGroup]:
    """Groups in order, each with its codes loaded (archived codes included)."""
    return list(
        db.session.scalars(
            sa.select(CodeGroup)
            .where(CodeGroup.project_id == project.id)
            .options(selectinload(CodeGroup.codes))
            .order_by(CodeGroup.position)
        )
    )


def active_codes(project: Project) -> list[Code]:
    return list(
        db.session.scalars(
            sa.select(Code)
            .join(CodeGroup)
            .where(Code.project_id == project.id, Code.archived.is_(False))
            .order_by(CodeGroup.position, Code.position)
        )
    )


# -- editing ------------------------------------------------------------------------------------

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}\Z")
CSV_COLUMNS = ("group", "group_name", "code", "name", "description")


class CodebookError(ValueError):
    """A change the codebook cannot take; ``message`` is a message id, ``params`` its values."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.params = params


def _check_key(project: Project, model: Any, key: str, keep: Any = None) -> str:
    key = key.strip()
    if not KEY_PATTERN.match(key):
        raise CodebookError(N_("A key is 1 to 20 letters, digits, _ . or -, e.g. GRN-BOOM."))
    taken = db.session.scalar(sa.select(model.id).where(model.project_id == project.id, model.key == key))
    if taken is not None and (keep is None or taken != keep.id):
        raise CodebookError(N_("The key %(key)s is already used in this codebook."), key=key)
    return key


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 120:
        raise CodebookError(N_("A name is 1 to 120 characters."))
    return name


def _check_colour(colour: str) -> str:
    if colour not in PALETTE:
        raise CodebookError(N_("Choose one of the colours offered."))
    return colour


def add_group(project: Project, key: str, name: str, colour: str) -> CodeGroup:
    position = db.session.scalar(sa.select(sa.func.count()).select_from(CodeGroup).where(CodeGroup.project_id == project.id)) or 0
    group = CodeGroup(
        project_id=project.id,
        key=_check_key(project, CodeGroup, key),
        name=_check_name(name),
        colour=_check_colour(colour),
        position=position,
    )
    db.session.add(group)
    db.session.flush()
    audit.record("codebook.group_create", group, details={"key": group.key, "name": group.name})
    return group


def add_code(project: Project, group: CodeGroup, key: str, name: str, description: str = "", colour: str | None = None) -> Code:
    position = db.session.scalar(sa.select(sa.func.max(Code.position)).where(Code.project_id == project.id)) or 0
    code = Code(
        project_id=project.id,
        group_id=group.id,
        key=_check_key(project, Code, key),
        name=_check_name(name),
        description=description.strip()[:2000],
        colour=_check_colour(colour or group.colour),
        position=position + 1,
    )
    db.session.add(code)
    db.session.flush()
    audit.record("codebook.code_create", code, details={"key": code.key, "name": code.name, "group": group.key})
    return code


def update_code(code: Code, group: CodeGroup, name: str, description: str, colour: str, keywords: str | None = None) -> dict[str, Any]:
    """Rename, describe, recolour or move a code, or change its keywords; its UUID never changes."""
    values = {"name": _check_name(name), "description": description.strip()[:2000], "colour": _check_colour(colour), "group_id": group.id}
    if keywords is not None:
        values["keywords"] = "|".join(term.strip() for term in keywords.split("|") if term.strip())[:2000]
    changes = {k: [getattr(code, k), v] for k, v in values.items() if getattr(code, k) != v}
    for key, (_old, new) in changes.items():
        setattr(code, key, new)
    if changes:
        db.session.flush()
        audit.record("codebook.code_update", code, details={"uuid": str(code.uuid), "changes": changes})
    return changes


def set_archived(code: Code, archived: bool) -> None:
    if code.archived != archived:
        code.archived = archived
        audit.record("codebook.code_archive" if archived else "codebook.code_restore", code, details={"uuid": str(code.uuid)})


def merge_codes(source: Code, target: Code) -> int:
    """Move everything coded or tagged with ``source`` to ``target`` and archive ``source``.

    Returns how many codings and tags moved; an input tagged with both keeps one tag, while every
    coding is kept (each carries its coder's sentiment, memo and span)."""
    if source.id == target.id or source.project_id != target.project_id:
        raise CodebookError(N_("Choose another code of this codebook to merge into."))
    facts.touch(db.session, codes=[source.id, target.id])  # the bulk update below bypasses the session
    moved = 0
    for table, owner in ((interview_tags, "interview_id"), (contribution_tags, "contribution_id")):
        column = table.c[owner]
        already = sa.select(column).where(table.c.code_id == target.id)
        moved += (
            db.session.execute(
                table.update().where(table.c.code_id == source.id, column.not_in(already)).values(code_id=target.id)
            ).rowcount
            or 0
        )
        db.session.execute(table.delete().where(table.c.code_id == source.id))
    moved += db.session.execute(sa.update(Coding).where(Coding.code_id == source.id).values(code_id=target.id)).rowcount or 0
    source.archived = True
    db.session.flush()
    audit.record("codebook.merge", target, details={"from": str(source.uuid), "into": str(target.uuid), "moved": moved})
    return moved


def export_csv(project: Project) -> str:
    """The codebook as CSV, in the columns of the default codebook plus each code's UUID."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*CSV_COLUMNS, "uuid", "archived"])
    for group in groups_with_codes(project):
        for code in group.codes:
            writer.writerow([group.key, group.name, code.key, code.name, code.description, str(code.uuid), "yes" if code.archived else ""])
    return out.getvalue()


def _rows(reader: Any) -> Any:
    """(line, row) pairs; a line the CSV module cannot read is a CodebookError naming it."""
    while True:
        start = reader.line_num + 1  # a quoted field may run over several lines: name the first
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CodebookError(
                N_("Line %(line)s: %(problem)s"), line=start, problem=_("the CSV cannot be read (%(error)s).", error=str(error))
            ) from None
        yield start, row


def import_csv(project: Project, text: str) -> dict[str, int]:
    """Add or update groups and codes from CSV (matched by UUID, else by key); all or nothing."""
    reader = csv.DictReader(io.StringIO(text), strict=True)  # an unterminated quote is an error, not the rest of the file
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise CodebookError(
            N_("Line %(line)s: %(problem)s"), line=1, problem=_("the CSV cannot be read (%(error)s).", error=str(error))
        ) from None
    missing = [c for c in CSV_COLUMNS if c not in fieldnames]
    if missing:
        raise CodebookError(N_("Column(s) missing: %(columns)s."), columns=", ".join(missing))
    groups = {g.key: g for g in groups_with_codes(project)}
    codes_by_uuid = {str(c.uuid): c for g in groups.values() for c in g.codes}
    counts = {"created": 0, "updated": 0}
    savepoint = db.session.begin_nested()
    try:
        for line, row in _rows(reader):
            try:
                if None in row:
                    raise CodebookError(
                        N_("This line has %(found)s fields; the header has %(expected)s."),
                        found=len(fieldnames) + len(row[None]),
                        expected=len(fieldnames),
                    )
                row = {key: value or "" for key, value in row.items()}  # a short line: the fields it lacks are empty
                if not all(storable(value) for value in row.values()):
                    raise CodebookError(
                        N_("This text holds a character that cannot be stored (a control character or half of a character pair).")
                    )
                group = groups.get(row["group"].strip())
                if group is None:
                    group = add_group(project, row["group"], row["group_name"], PALETTE[len(groups) % len(PALETTE)])
                    groups[group.key] = group
                code = codes_by_uuid.get((row.get("uuid") or "").strip().lower())
                if code is None:
                    code = db.session.scalar(sa.select(Code).where(Code.project_id == project.id, Code.key == row["code"].strip()))
                if code is None:
                    add_code(project, group, row["code"], row["name"], row["description"] or "")
                    counts["created"] += 1
                elif update_code(code, group, row["name"], row["description"] or "", code.colour):
                    counts["updated"] += 1
            except CodebookError as error:
                raise CodebookError(N_("Line %(line)s: %(problem)s"), line=line, problem=_(error.message, **error.params)) from None
    except Exception:
        savepoint.rollback()
        raise
    savepoint.commit()
    return counts
