"""The coded project as a REFI-QDA project (.qdpx), for ATLAS.ti, NVivo, MAXQDA, QualCoder.

A ``.qdpx`` is a zip with ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and the sources'
plain texts in ``sources/``. Each statement (an open answer with text, a contribution) is a text source;
a fragment coding is a selection with the same character positions (code points, as stored), a
whole-text coding a coding of the source itself. The codebook nests codes in their groups (the groups
are not codable), memos are notes referred to from what they are about, the people heard are cases
with their attributes as variables (area, round, respondent type, age band, kind, day), and the coders
and memo authors are users.

Pseudonymised unless the export includes personal data, as the workbook is: texts and memos with
personal data replaced (positions moved along, so a fragment keeps its words), users by pseudonym.
"""

from __future__ import annotations

import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _
from lxml import etree
from sqlalchemy.orm import selectinload

from ..coding.services import input_text
from ..extensions import db
from ..i18n import AGE_BAND_LABELS, RESPONDENT_LABELS
from ..models import Answer, Code, CodeGroup, Coding, Contribution, Interview, Memo, Project
from ..privacy import pseudonymise_with_offsets
from .sheets import Scope, reference

NAMESPACE = "urn:QDA-XML:project:1.0"
Q = f"{{{NAMESPACE}}}"
IDS = uuid.UUID("6f1c8a52-3b0e-4d55-9a43-2c7e1b9d0f11")  # names the GUIDs this app makes for what has no UUID


def guid(kind: str, key: Any) -> str:
    return str(uuid.uuid5(IDS, f"{kind}:{key}"))


def when(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent: Any, name: str, attributes: dict[str, str] | None = None, text: str | None = None) -> Any:
    element = etree.SubElement(parent, Q + name, {k: v for k, v in (attributes or {}).items() if v is not None})
    if text is not None:
        element.text = text
    return element


class _Statement:
    """A text source: a statement, its text as exported and where its offsets land there."""

    def __init__(self, kind: str, target: Any, case: str, name: str, scope: Scope):
        self.kind, self.target, self.case, self.name = kind, target, case, name
        raw = input_text(target)
        self.text, self.moved = (raw, lambda offset, is_end=False: offset) if scope.personal else pseudonymise_with_offsets(raw)
        self.guid = guid(kind, target.id)


def _statements(scope: Scope) -> list[_Statement]:
    found = []
    interviews = (
        sa.select(Answer, Interview)
        .join(Interview, Interview.id == Answer.interview_id)
        .where(Answer.text != "", *scope.interview_conditions())
        .options(selectinload(Answer.question))
        .order_by(Interview.id, Answer.id)
    )
    questions = scope.question_ids()
    if questions is not None:
        interviews = interviews.where(Answer.question_id.in_(questions))
    for answer, interview in db.session.execute(interviews):
        ref = reference("interview", interview.id, interview.receipt_code)
        found.append(_Statement("answer", answer, f"interview:{interview.id}", f"{ref} · {answer.question.key}", scope))
        found[-1].interview = interview  # type: ignore[attr-defined]
    conditions = scope.contribution_conditions()
    if conditions is not None:
        for contribution in db.session.scalars(sa.select(Contribution).where(*conditions).order_by(Contribution.id)):
            statement = _Statement(
                "contribution", contribution, f"contribution:{contribution.id}", reference("contribution", contribution.id), scope
            )
            found.append(statement)
    return found


VARIABLES = ("kind", "area", "round", "respondent", "age_band", "day")


def _variable_names() -> dict[str, str]:
    return {
        "kind": _("Kind"),
        "area": _("Area"),
        "round": _("Round"),
        "respondent": _("Respondent"),
        "age_band": _("Age band"),
        "day": _("Date"),
    }


def _case_values(statement: _Statement, scope: Scope) -> dict[str, tuple[str, str]]:
    """(type, value) per variable for the person behind a statement."""
    if statement.kind == "answer":
        record = statement.interview  # type: ignore[attr-defined]
        moment = scope.local(record.started_at)
        values = {
            "kind": ("TextValue", _("Interview")),
            "respondent": ("TextValue", str(RESPONDENT_LABELS.get(record.respondent_type, "")) if record.respondent_type else ""),
            "age_band": ("TextValue", str(AGE_BAND_LABELS.get(record.age_band, "")) if record.age_band else ""),
        }
    else:
        record = statement.target
        moment = scope.local(record.recorded_at)
        values = {"kind": ("TextValue", _("Contribution"))}
    values["area"] = ("TextValue", scope.area_path(record.area_id))
    values["round"] = ("TextValue", scope.rounds[record.round_id].name if record.round_id in scope.rounds else "")
    if moment is not None:
        values["day"] = ("DateValue", moment.date().isoformat())
    return {k: v for k, v in values.items() if v[1]}


def write_qdpx(scope: Scope, out: IO[bytes], progress: Callable[[int], None] | None = None) -> int:
    """Write the project as a .qdpx zip to ``out``; returns how many text sources it holds."""
    project: Project = scope.project
    statements = _statements(scope)
    by_key = {(s.kind, s.target.id): s for s in statements}
    answer_ids = [s.target.id for s in statements if s.kind == "answer"]
    contribution_ids = [s.target.id for s in statements if s.kind == "contribution"]
    codings: dict[tuple[str, int], list[Coding]] = defaultdict(list)
    for chunk_ids, column, kind in ((answer_ids, Coding.answer_id, "answer"), (contribution_ids, Coding.contribution_id, "contribution")):
        for start in range(0, len(chunk_ids), 500):
            for coding in db.session.scalars(
                sa.select(Coding).where(column.in_(chunk_ids[start : start + 500]), Coding.sample_id.is_(None)).order_by(Coding.id)
            ):
                codings[(kind, coding.answer_id or coding.contribution_id)].append(coding)  # type: ignore[index]
    memos = list(db.session.scalars(sa.select(Memo).where(Memo.project_id == project.id).order_by(Memo.id)))
    coding_ids = {c.id for found in codings.values() for c in found}
    memos = [
        m
        for m in memos
        if (m.answer_id is None and m.contribution_id is None and m.coding_id is None)
        or (m.answer_id is not None and ("answer", m.answer_id) in by_key)
        or (m.contribution_id is not None and ("contribution", m.contribution_id) in by_key)
        or (m.coding_id in coding_ids)
    ]
    notes_on: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for memo in memos:
        subject = (
            ("code", memo.code_id)
            if memo.code_id
            else ("coding", memo.coding_id)
            if memo.coding_id
            else ("answer", memo.answer_id)
            if memo.answer_id
            else ("contribution", memo.contribution_id)
            if memo.contribution_id
            else ("project", None)
        )
        notes_on[subject].append(str(memo.uuid))

    users: dict[int, str] = {}

    def user(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        users.setdefault(user_id, guid("user", user_id))
        return users[user_id]

    root = etree.Element(
        Q + "Project",
        {"name": project.name, "origin": "Buitenbinnen", "creationDateTime": when(None)},
        nsmap={None: NAMESPACE},
    )
    users_element = _el(root, "Users")
    codebook = _el(_el(root, "CodeBook"), "Codes")
    groups = db.session.scalars(
        sa.select(CodeGroup)
        .where(CodeGroup.project_id == project.id)
        .options(selectinload(CodeGroup.codes))
        .order_by(CodeGroup.position, CodeGroup.key)
    )
    for group in groups:
        group_code = _el(codebook, "Code", {"guid": str(group.uuid), "name": group.name, "isCodable": "false", "color": group.colour})
        if group.description:
            _el(group_code, "Description", text=group.description)
        for code in group.codes:
            element = _el(group_code, "Code", {"guid": str(code.uuid), "name": code.name, "isCodable": "true", "color": code.colour})
            if code.description:
                _el(element, "Description", text=code.description)
            for note in notes_on.get(("code", code.id), []):
                _el(element, "NoteRef", {"targetGUID": note})
    variables = _el(root, "Variables")
    names = _variable_names()
    for key in VARIABLES:
        _el(
            variables, "Variable", {"guid": guid("variable", key), "name": names[key], "typeOfVariable": "Date" if key == "day" else "Text"}
        )
    cases_element = _el(root, "Cases")
    cases: dict[str, list[_Statement]] = defaultdict(list)
    for statement in statements:
        cases[statement.case].append(statement)
    for case, members in cases.items():
        first = members[0]
        element = _el(cases_element, "Case", {"guid": guid("case", case), "name": first.name.split(" · ")[0]})
        for key, (value_type, value) in _case_values(first, scope).items():
            holder = _el(element, "VariableValue")
            _el(holder, "VariableRef", {"targetGUID": guid("variable", key)})
            _el(holder, value_type, text=value)
        for member in members:
            _el(element, "SourceRef", {"targetGUID": member.guid})
    sources = _el(root, "Sources")
    files: list[tuple[str, str]] = []
    codes = {c.id: c for c in db.session.scalars(sa.select(Code).where(Code.project_id == project.id))}
    for n, statement in enumerate(statements):
        source = _el(
            sources,
            "TextSource",
            {"guid": statement.guid, "name": statement.name, "plainTextPath": f"internal://{statement.guid}.txt"},
        )
        files.append((f"sources/{statement.guid}.txt", statement.text))
        mine = codings.get((statement.kind, statement.target.id), [])
        for coding in (c for c in mine if c.start is not None):
            selection = _el(
                source,
                "PlainTextSelection",
                {
                    "guid": str(coding.uuid),
                    "startPosition": str(statement.moved(coding.start)),
                    "endPosition": str(statement.moved(coding.end, True)),
                    "creatingUser": user(coding.coder_id),
                    "creationDateTime": when(coding.created_at),
                },
            )
            _coding(selection, coding, codes, user, notes_on)
        for coding in (c for c in mine if c.start is None):
            _coding(source, coding, codes, user, notes_on)
        for note in notes_on.get((statement.kind, statement.target.id), []):
            _el(source, "NoteRef", {"targetGUID": note})
        if progress and n % 500 == 0:
            progress(n)
    if memos:
        notes = _el(root, "Notes")
        for memo in memos:
            user(memo.author_id)
            text = memo.text if scope.personal else pseudonymise_with_offsets(memo.text)[0]
            note = _el(
                notes,
                "Note",
                {
                    "guid": str(memo.uuid),
                    "name": text[:60],
                    "creatingUser": user(memo.author_id),
                    "creationDateTime": when(memo.created_at),
                },
            )
            _el(note, "PlainTextContent", text=text)
    for note in notes_on.get(("project", None), []):
        _el(root, "NoteRef", {"targetGUID": note})
    for user_id, user_guid in users.items():
        _el(users_element, "User", {"guid": user_guid, "name": scope.worker(user_id)})
    for empty in (users_element, cases_element, sources):
        if len(empty) == 0:
            root.remove(empty)
    if not len(codebook):
        root.remove(codebook.getparent())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", etree.tostring(root, encoding="utf-8", xml_declaration=True))
        for name, text in files:
            archive.writestr(name, text.encode("utf-8"))
    return len(statements)


def _coding(
    parent: Any, coding: Coding, codes: dict[int, Code], user: Callable[[int | None], str | None], notes_on: dict[Any, list[str]]
) -> None:
    element = _el(
        parent,
        "Coding",
        {"guid": guid("coding", coding.uuid), "creatingUser": user(coding.coder_id), "creationDateTime": when(coding.created_at)},
    )
    _el(element, "CodeRef", {"targetGUID": str(codes[coding.code_id].uuid)})
    for note in notes_on.get(("coding", coding.id), []):
        _el(element, "NoteRef", {"targetGUID": note})
