"""A REFI-QDA project (.qdpx) read into a new project: its codebook, its text sources as contributions
of one information round, their codings on the same characters, and its notes as memos.

What comes in is checked before anything is stored: a zip of bounded size, ``project.qde`` valid
against REFI's schema (parsed without entities or network), sources inside the file, every selection
within its text and every coding pointing at a code of the file. One problem refuses the whole file.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from lxml import etree

from .. import audit
from ..capture import services as capture
from ..capture.validation import MAX_LONG_TEXT, validate_contribution
from ..codebook.services import PALETTE
from ..coding import memos
from ..coding import services as coding
from ..extensions import db
from ..i18n import N_
from ..models import Code, Contribution, Project, RoundKind, User
from ..projects.services import ProjectData, create_project
from ..rounds.services import RoundData, create_round
from ..text import normalise_text

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "domain_data" / "refi-qda" / "Project.xsd"
Q = "{urn:QDA-XML:project:1.0}"
MAX_FILE = 16 * 1024 * 1024  # bytes of the .qdpx (as much as a request may carry, MAX_CONTENT_LENGTH)
MAX_UNPACKED = 200 * 1024 * 1024  # bytes of everything inside it
MAX_ENTRIES = 50_000
MAX_SOURCES = 20_000
COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\Z")
_schema: etree.XMLSchema | None = None


class QdpxError(ValueError):
    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message, self.params = message, params


@dataclass
class ParsedCode:
    guid: str
    name: str
    colour: str | None
    description: str
    group: str  # the name of the (not codable) code it sits in, "" for none


@dataclass
class ParsedSource:
    guid: str
    name: str
    text: str
    selections: list[tuple[str, int, int]] = field(default_factory=list)  # (code guid, start, end)
    whole: list[str] = field(default_factory=list)  # code guids coding the whole text
    notes: list[str] = field(default_factory=list)
    coding_notes: dict[tuple[str, int | None, int | None], list[str]] = field(default_factory=dict)


@dataclass
class ParsedProject:
    name: str
    codes: list[ParsedCode]
    sources: list[ParsedSource]
    notes: dict[str, str]  # note guid → text
    project_notes: list[str]
    code_notes: dict[str, list[str]]


def schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))
    return _schema


def read_qdpx(data: bytes) -> ParsedProject:
    """The project a .qdpx holds, or QdpxError saying what is wrong with it."""
    if len(data) > MAX_FILE:
        raise QdpxError(N_("The file is larger than %(mb)s MB."), mb=MAX_FILE // (1024 * 1024))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise QdpxError(N_("This is not a REFI-QDA project file (.qdpx): it is no zip file.")) from error
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise QdpxError(N_("The file unpacks to more than %(mb)s MB."), mb=MAX_UNPACKED // (1024 * 1024))
    names = {e.filename for e in entries}
    if "project.qde" not in names:
        raise QdpxError(N_("This is not a REFI-QDA project file (.qdpx): it has no project.qde."))

    def read(name: str) -> bytes:
        try:
            return archive.read(name)
        except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
            raise QdpxError(N_("The file %(name)s in the project cannot be read."), name=name) from error

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(read("project.qde"), parser)
    except etree.XMLSyntaxError as error:
        raise QdpxError(N_("project.qde is not valid XML: %(error)s"), error=str(error)[:200]) from error
    if not schema().validate(root):
        first = schema().error_log.filter_from_errors()[0] if schema().error_log else None
        raise QdpxError(
            N_("project.qde does not follow the REFI-QDA standard (line %(line)s: %(error)s)."),
            line=first.line if first else "?",
            error=(first.message if first else "")[:200],
        )

    def text_of(element: Any, what: str) -> str:
        content = element.find(f"{Q}PlainTextContent")
        if content is not None:
            return content.text or ""
        path = element.get("plainTextPath") or ""
        if not path.startswith("internal://"):
            raise QdpxError(N_("The text of %(name)s is not inside the file."), name=what)
        name = "sources/" + path.removeprefix("internal://")
        if name not in names:
            raise QdpxError(N_("The text of %(name)s is not inside the file."), name=what)
        try:
            return read(name).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise QdpxError(N_("The text of %(name)s is not UTF-8."), name=what) from error

    codes: list[ParsedCode] = []
    code_notes: dict[str, list[str]] = {}

    def walk(element: Any, group: str) -> None:
        for code in element.findall(f"{Q}Code"):
            refs = [n.get("targetGUID") for n in code.findall(f"{Q}NoteRef")]
            if code.get("isCodable") in ("true", "1"):
                description = code.findtext(f"{Q}Description") or ""
                colour = code.get("color")
                codes.append(
                    ParsedCode(code.get("guid").strip("{}").lower(), code.get("name").strip()[:120] or "?", colour, description, group)
                )
                code_notes[codes[-1].guid] = refs
            walk(code, group or (code.get("name").strip()[:120] if code.get("isCodable") not in ("true", "1") else group))

    book = root.find(f"{Q}CodeBook/{Q}Codes")
    if book is not None:
        walk(book, "")
    known = {c.guid for c in codes}

    def code_ref(coding_element: Any) -> str:
        target = coding_element.find(f"{Q}CodeRef").get("targetGUID").strip("{}").lower()
        if target not in known:
            raise QdpxError(N_("A coding points at a code that is not in the codebook."))
        return target

    sources: list[ParsedSource] = []
    for element in root.iterfind(f"{Q}Sources/{Q}TextSource"):
        name = (element.get("name") or "")[:200] or element.get("guid")
        raw = text_of(element, name).replace("\r\n", "\n").replace("\r", "\n")
        text = normalise_text(raw)
        lead = len(raw) - len(raw.lstrip())
        if not text:
            continue  # nothing to code
        if len(text) > MAX_LONG_TEXT:
            raise QdpxError(N_("The text of %(name)s is longer than %(max)s characters."), name=name, max=MAX_LONG_TEXT)
        source = ParsedSource(element.get("guid"), name, text)
        for selection in element.findall(f"{Q}PlainTextSelection"):
            start, end = int(selection.get("startPosition")) - lead, int(selection.get("endPosition")) - lead
            if not (0 <= start < end <= len(text)):
                raise QdpxError(N_("A selection in %(name)s lies outside its text."), name=name)
            for coded in selection.findall(f"{Q}Coding"):
                target = code_ref(coded)
                source.selections.append((target, start, end))
                source.coding_notes[(target, start, end)] = [n.get("targetGUID") for n in coded.findall(f"{Q}NoteRef")] + [
                    n.get("targetGUID") for n in selection.findall(f"{Q}NoteRef")
                ]
        for coded in element.findall(f"{Q}Coding"):
            target = code_ref(coded)
            source.whole.append(target)
            source.coding_notes[(target, None, None)] = [n.get("targetGUID") for n in coded.findall(f"{Q}NoteRef")]
        source.notes = [n.get("targetGUID") for n in element.findall(f"{Q}NoteRef")]
        sources.append(source)
        if len(sources) > MAX_SOURCES:
            raise QdpxError(N_("The project has more than %(max)s texts."), max=MAX_SOURCES)
    notes = {}
    for note in root.iterfind(f"{Q}Notes/{Q}Note"):
        text = normalise_text(text_of(note, note.get("name") or note.get("guid")))
        if text:
            notes[note.get("guid")] = text[: memos.MAX_LENGTH]
    return ParsedProject(
        (root.get("name") or "").strip()[:200] or "REFI-QDA",
        codes,
        sources,
        notes,
        [n.get("targetGUID") for n in root.findall(f"{Q}NoteRef")],
        code_notes,
    )


def _key(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "-", name.upper()).strip("-")[:16] or "CODE"
    key, n = base, 2
    while key in taken:
        key, n = f"{base[:16]}-{n}", n + 1
    taken.add(key)
    return key


def _colour(value: str | None, n: int) -> str:
    if value and COLOUR.match(value):
        return value if len(value) == 7 else "#" + "".join(c * 2 for c in value[1:])
    return PALETTE[n % len(PALETTE)]


def import_project(parsed: ParsedProject, creator: User, name: str = "") -> Project:
    """A new project holding what ``parsed`` holds; its creator coordinates it."""
    groups: dict[str, str] = {}
    taken: set[str] = set()
    rows = []
    for n, code in enumerate(parsed.codes):
        group = code.group or "Geïmporteerd"
        if group not in groups:
            groups[group] = _key(group, taken)
        rows.append(
            {
                "group": groups[group],
                "group_name": group,
                "code": _key(code.name, taken),
                "name": code.name,
                "description": code.description,
                "colour": _colour(code.colour, n),
            }
        )
    project = create_project(ProjectData(name=(name or parsed.name)[:200]), creator, rows)
    made_codes = db.session.scalars(sa.select(Code).where(Code.project_id == project.id).order_by(Code.position)).all()
    codes = dict(zip((c.guid for c in parsed.codes), made_codes, strict=True))  # the codebook is seeded in this order
    round_ = create_round(project, RoundData(kind=RoundKind.info, name="REFI-QDA"))
    context = capture.context_for(project)
    noted = 0
    for source in parsed.sources:
        # Recorded now: the file's dates say when a source was made in another program, not when it was heard.
        clean, _errors = validate_contribution({"uuid": str(uuid.uuid4()), "recorded_at": datetime.now(UTC), "text": source.text}, context)
        if clean is None:
            raise QdpxError(N_("The text of %(name)s cannot be taken in."), name=source.name)
        stored, _new = capture.record_contribution(project, round_, creator, clean)
        target = db.session.get(Contribution, stored.id)
        for guid, start, end in source.selections:
            made, _ = coding.code_input(project, target, codes[guid], creator, start, end)
            noted += _memos(project, creator, parsed, source.coding_notes.get((guid, start, end), []), coding=made)
        for guid in source.whole:
            made, _ = coding.code_input(project, target, codes[guid], creator)
            noted += _memos(project, creator, parsed, source.coding_notes.get((guid, None, None), []), coding=made)
        noted += _memos(project, creator, parsed, source.notes, target=target)
    for guid, refs in parsed.code_notes.items():
        noted += _memos(project, creator, parsed, refs, code=codes[guid])
    noted += _memos(project, creator, parsed, parsed.project_notes)
    audit.record(
        "project.import_qdpx",
        project,
        details={"name": project.name, "codes": len(parsed.codes), "texts": len(parsed.sources), "memos": noted},
    )
    return project


def _memos(project: Project, creator: User, parsed: ParsedProject, refs: list[str], **subject: Any) -> int:
    made = 0
    for ref in refs:
        text = parsed.notes.get(ref)
        if text:
            memos.add_memo(project, creator, text, **subject)
            made += 1
    return made
