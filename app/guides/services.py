"""Interview guides: drafts, publishing, new versions, copies and the JSON exchange format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..i18n import N_
from ..models import Guide, GuideVersion, Interview, Project, Question, QuestionType, Round, Section, User, VersionStatus
from ..models.types import utcnow
from ..questions import KINDS
from .definition import Problem, QuestionDef, SectionDef, check, check_question, make_key

EXCHANGE_FORMAT = "buitenbinnen-guide"
EXCHANGE_VERSION = 1


class GuideLocked(ValueError):
    """A published version cannot change; make a new draft version instead."""


class GuideInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the guide")
        self.problems = problems


# -- reading -------------------------------------------------------------------------------------


def guides_of(project: Project) -> list[Guide]:
    return list(
        db.session.scalars(
            sa.select(Guide)
            .where(Guide.project_id == project.id)
            .options(selectinload(Guide.versions))
            .order_by(Guide.archived, Guide.name)
        )
    )


def published_versions(project: Project) -> list[tuple[int, str]]:
    """(id, "guide vN") of the project's published guide versions, for choosing one in a filter or an export."""
    return [
        (vid, f"{name} v{number}")
        for vid, name, number in db.session.execute(
            sa.select(GuideVersion.id, Guide.name, GuideVersion.number)
            .join(Guide, Guide.id == GuideVersion.guide_id)
            .where(Guide.project_id == project.id, GuideVersion.status == VersionStatus.published)
            .order_by(Guide.name, GuideVersion.number)
        )
    ]


def draft_of(guide: Guide) -> GuideVersion | None:
    return next((v for v in guide.versions if v.status == VersionStatus.draft), None)


def published_of(guide: Guide) -> GuideVersion | None:
    """The newest published version: the one new interviews use."""
    return next((v for v in reversed(guide.versions) if v.is_published), None)


def definition_of(version: GuideVersion) -> list[SectionDef]:
    return [
        SectionDef(
            section.title,
            [QuestionDef.of(q) for q in section.questions],
        )
        for section in version.sections
    ]


def problems_of(version: GuideVersion) -> list[Problem]:
    return check(definition_of(version))


@dataclass(frozen=True)
class PublishedQuestion:
    """A question of a published version: immutable, so it can be kept in memory."""

    id: int
    key: str
    type: QuestionType
    required: bool
    options: list[dict[str, str]]
    config: dict[str, Any]
    show_if: dict[str, str] | None


_published: dict[tuple[Any, ...], tuple[PublishedQuestion, ...]] = {}


def published_questions(version: GuideVersion) -> tuple[PublishedQuestion, ...]:
    """The questions of a version in guide order; for published versions read once per process.

    The key includes the publication time, so an id reused after a rolled-back transaction
    (SQLite reuses ids) can never return another version's questions."""
    key = (version.id, version.guide_id, version.number, version.published_at)
    cached = _published.get(key)
    if cached is not None and version.is_published:
        return cached
    questions = tuple(
        PublishedQuestion(q.id, q.key, q.type, q.required, list(q.options or []), dict(q.config or {}), q.show_if)
        for q in version.questions
    )
    if version.is_published:
        if len(_published) > 1000:
            _published.clear()
        _published[key] = questions
    return questions


# -- changing a draft ----------------------------------------------------------------------------


def _require_draft(version: GuideVersion) -> None:
    if version.is_published:
        raise GuideLocked()


def _write(version: GuideVersion, sections: list[SectionDef]) -> None:
    for s_pos, section_def in enumerate(sections):
        section = Section(version=version, position=s_pos, title=section_def.title)
        db.session.add(section)
        for q_pos, q in enumerate(section_def.questions):
            section.questions.append(Question(version=version, position=q_pos, **q.columns()))


def create_guide(project: Project, name: str, sections: list[SectionDef] | None = None) -> Guide:
    """A new guide with a first draft version (one empty section unless given)."""
    guide = Guide(project_id=project.id, name=name.strip())
    version = GuideVersion(guide=guide, number=1)
    db.session.add_all([guide, version])
    _write(version, sections or [SectionDef("")])
    db.session.flush()
    audit.record("guide.create", guide, details={"name": guide.name})
    return guide


def ensure_draft(guide: Guide) -> GuideVersion:
    """The guide's draft; when all versions are published, a new draft copied from the latest."""
    draft = draft_of(guide)
    if draft is not None:
        return draft
    latest = guide.versions[-1]
    draft = GuideVersion(guide=guide, number=latest.number + 1)
    db.session.add(draft)
    _write(draft, definition_of(latest))
    db.session.flush()
    audit.record("guide.new_version", guide, details={"version": draft.number})
    return draft


def save_question(version: GuideVersion, section: Section, data: QuestionDef, question: Question | None = None) -> Question:
    """Add a question at the end of ``section`` or change ``question``; checked against the guide."""
    _require_draft(version)
    if not data.key:
        data.key = make_key(data.label, {q.key for q in version.questions if q is not question})
    stays = question is not None and question.section is section
    earlier: dict[str, QuestionDef] = {}  # the questions before its (new) place
    for s in version.sections:
        for q in s.questions:
            if q is question:
                continue
            if s.position < section.position or (s is section and (not stays or q.position < question.position)):  # type: ignore[union-attr]
                earlier[q.key] = QuestionDef.of(q)
    problems = check_question(data, earlier)
    other_keys = {q.key for q in version.questions if q is not question}
    if data.key in other_keys and data.key not in earlier:
        problems.append(Problem(data.key, N_("The key %(key)s is used twice."), {"key": data.key}))
    if problems:
        raise GuideInvalid(problems)
    if question is None:
        question = Question(version=version, position=len(section.questions))
        section.questions.append(question)
    elif not stays:
        old = question.section
        old.questions.remove(question)
        for position, q in enumerate(old.questions):
            q.position = position
        question.position = len(section.questions)
        section.questions.append(question)
    for attribute, value in data.columns().items():
        setattr(question, attribute, value)
    db.session.flush()
    return question


def kept_translations(translations: dict[str, Any], values: list[str]) -> dict[str, Any]:
    """A question's translations after its options changed: translated options it no longer has are left out."""
    return {
        language: {**text, "options": {v: label for v, label in (text.get("options") or {}).items() if v in values}}
        for language, text in translations.items()
        if isinstance(text, dict)
    }


def delete_question(question: Question) -> None:
    version = question.section.version
    _require_draft(version)
    section = question.section
    section.questions.remove(question)
    db.session.delete(question)
    for position, q in enumerate(section.questions):
        q.position = position
    db.session.flush()


def move_question(question: Question, step: int) -> None:
    """Move a question up (-1) or down (+1) within its section."""
    _require_draft(question.section.version)
    questions = question.section.questions
    index = questions.index(question)
    target = index + step
    if 0 <= target < len(questions):
        questions[index].position, questions[target].position = target, index
        questions.sort(key=lambda q: q.position)
    db.session.flush()


def add_section(version: GuideVersion, title: str) -> Section:
    _require_draft(version)
    section = Section(version=version, position=len(version.sections), title=title.strip())
    version.sections.append(section)
    db.session.flush()
    return section


def rename_section(section: Section, title: str) -> None:
    _require_draft(section.version)
    section.title = title.strip()


def delete_section(section: Section) -> None:
    """Delete an empty section (never the last one)."""
    version = section.version
    _require_draft(version)
    if section.questions or len(version.sections) == 1:
        raise GuideInvalid([Problem("", N_("Only an empty section can be deleted, and a guide keeps one section."))])
    version.sections.remove(section)
    db.session.delete(section)
    for position, s in enumerate(version.sections):
        s.position = position
    db.session.flush()


def publish(version: GuideVersion, user: User) -> None:
    """Freeze a draft; new interviews use it from now on."""
    _require_draft(version)
    problems = problems_of(version)
    if problems:
        raise GuideInvalid(problems)
    version.status = VersionStatus.published
    version.published_at = utcnow()
    version.published_by_id = user.id
    db.session.flush()
    audit.record("guide.publish", version.guide, details={"version": version.number})


@dataclass
class Changes:
    """What publishing a draft changes, said before it is published."""

    previous: GuideVersion | None
    added: list[str]
    removed: list[str]
    changed: list[str]
    rounds: list[Any]  # the rounds that use the guide: new interviews in them take the new version
    interviews: int  # interviews taken so far with the guide's earlier versions: they keep theirs


def changes_of(draft: GuideVersion) -> Changes:
    """Questions added, removed and changed since the last published version, and the rounds affected."""
    previous = published_of(draft.guide)
    before = {q.key: QuestionDef.of(q) for q in previous.questions} if previous else {}
    now = {q.key: QuestionDef.of(q) for q in draft.questions}
    rounds = list(db.session.scalars(sa.select(Round).where(Round.guide_id == draft.guide_id).order_by(Round.name)))
    interviews = db.session.scalar(
        sa.select(sa.func.count(Interview.id))
        .join(GuideVersion, GuideVersion.id == Interview.guide_version_id)
        .where(GuideVersion.guide_id == draft.guide_id)
    )
    return Changes(
        previous=previous,
        added=[now[k].label for k in now if k not in before],
        removed=[before[k].label for k in before if k not in now],
        changed=[now[k].label for k in now if k in before and now[k] != before[k]],
        rounds=rounds,
        interviews=interviews or 0,
    )


def copy_guide(guide: Guide, target: Project) -> Guide:
    """Copy the guide's newest version into another project as a new draft guide."""
    source = guide.versions[-1]
    copy = create_guide(target, guide.name, definition_of(source))
    audit.record("guide.copy", copy, details={"from_project": guide.project_id, "from_guide": guide.id})
    return copy


# -- JSON exchange -------------------------------------------------------------------------------


def to_document(version: GuideVersion) -> dict[str, Any]:
    return {
        "format": EXCHANGE_FORMAT,
        "format_version": EXCHANGE_VERSION,
        "name": version.guide.name,
        "version": version.number,
        "sections": sections_json(version, with_ids=False),
    }


def version_json(version: GuideVersion) -> dict[str, Any]:
    """A published version as a device renders and checks it (the offline bundle, the capture page)."""
    return {
        "id": version.id,
        "guide_id": version.guide_id,
        "name": version.guide.name,
        "number": version.number,
        "sections": sections_json(version, with_ids=True),
    }


def sections_json(version: GuideVersion, with_ids: bool) -> list[dict[str, Any]]:
    """A version's sections and questions as JSON: the exchange file, and (with question ids)
    the offline bundle a device renders and answers from."""
    return [
        {
            "title": section.title,
            "questions": [{**({"id": q.id} if with_ids else {}), **QuestionDef.of(q).as_json()} for q in section.questions],
        }
        for section in version.sections
    ]


def from_document(document: Any) -> tuple[str, list[SectionDef]]:
    """Name and sections from an exchange document, or GuideInvalid listing every problem."""
    problems: list[Problem] = []
    if not isinstance(document, dict) or document.get("format") != EXCHANGE_FORMAT:
        raise GuideInvalid([Problem("", N_("This is not a Buitenbinnen guide file."))])
    if document.get("format_version") != EXCHANGE_VERSION:
        raise GuideInvalid([Problem("", N_("This guide file has a format version this app does not know."))])
    name = str(document.get("name") or "").strip()
    if not name or len(name) > 200:
        problems.append(Problem("", N_("The guide needs a name of at most 200 characters.")))
    sections: list[SectionDef] = []
    raw_sections = document.get("sections")
    if not isinstance(raw_sections, list):
        raise GuideInvalid([*problems, Problem("", N_("The guide file has no sections."))])
    for s_index, raw_section in enumerate(raw_sections, start=1):
        if not isinstance(raw_section, dict) or not isinstance(raw_section.get("questions"), list):
            problems.append(Problem(f"section {s_index}", N_("A section must have a list of questions.")))
            continue
        section = SectionDef(str(raw_section.get("title") or ""))
        for q_index, raw in enumerate(raw_section["questions"], start=1):
            where = f"section {s_index}, question {q_index}"
            if not isinstance(raw, dict):
                problems.append(Problem(where, N_("A question must be an object.")))
                continue
            if not isinstance(raw.get("type"), str) or raw["type"] not in KINDS:
                problems.append(Problem(str(raw.get("key") or where), N_("Unknown question type %(type)s."), {"type": raw.get("type")}))
                continue
            qtype = KINDS[raw["type"]].type
            options = raw.get("options") or []
            config = raw.get("config") or {}
            show_if = raw.get("show_if") or None
            if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
                problems.append(Problem(where, N_("Options must be a list of {value, label}.")))
                continue
            if not isinstance(config, dict) or (show_if is not None and not isinstance(show_if, dict)):
                problems.append(Problem(where, N_("config and show_if must be objects.")))
                continue
            section.questions.append(
                QuestionDef(
                    key=str(raw.get("key") or ""),
                    type=qtype,
                    label=str(raw.get("label") or ""),
                    help=str(raw.get("help") or ""),
                    required=bool(raw.get("required")),
                    options=[{"value": str(o.get("value", "")), "label": str(o.get("label", ""))} for o in options],
                    config=config,
                    show_if={k: str(v) for k, v in show_if.items()} if show_if else None,
                    translations=raw.get("translations") or {},
                )
            )
        sections.append(section)
    problems.extend(check(sections))
    if problems:
        raise GuideInvalid(problems)
    return name, sections


def import_guide(project: Project, name: str, sections: list[SectionDef], source: str) -> Guide:
    guide = create_guide(project, name, sections)
    audit.record("guide.import", guide, details={"source": source})
    return guide
