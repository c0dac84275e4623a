"""Applying codes to what residents said: a whole input, or a fragment of its text."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..i18n import N_
from ..models.fieldwork import contribution_tags, interview_tags
from ..models import Answer, Code, Coding, CodingSource, Contribution, Interview, Project, Sentiment, User
from ..text import normalise_text

Input = Answer | Contribution


class CodingError(ValueError):
    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.params = params


def input_text(target: Input) -> str:
    """The text codings point into: normalised when it was captured (NFC, \\n line ends)."""
    return target.text if isinstance(target, Answer) else normalise_text(target.text)


def input_project_id(target: Input) -> int:
    if isinstance(target, Contribution):
        return target.project_id
    return db.session.scalar(sa.select(Interview.project_id).where(Interview.id == target.interview_id))


def utf16_to_index(text: str, offset: int) -> int:
    """A browser's selection offset (UTF-16 code units) as a character index of ``text``."""
    units = 0
    for index, char in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def find_fragment(text: str, fragment: str) -> tuple[int, int] | None:
    """Where a typed or pasted fragment stands in the text (its first occurrence)."""
    fragment = normalise_text(fragment)
    start = text.find(fragment) if fragment else -1
    return (start, start + len(fragment)) if start >= 0 else None


def apply_code(
    project: Project,
    target: Input,
    code: Code,
    coder: User,
    start: int | None = None,
    end: int | None = None,
    sentiment: Sentiment | None = None,
    is_quote: bool = False,
    memo: str = "",
    source: CodingSource = CodingSource.manual,
) -> Coding:
    """Code a whole input (no offsets) or the characters start..end of its text.

    The same code by the same coder on the same span is not stored twice."""
    if input_project_id(target) != project.id or code.project_id != project.id:
        raise CodingError(N_("This input or code belongs to another project."))
    if code.archived:
        raise CodingError(N_("This code is archived; use the code it was merged into."))
    text = input_text(target)
    if (start is None) != (end is None):
        raise CodingError(N_("A fragment needs both its start and its end."))
    if start is not None and not (0 <= start < end <= len(text)):  # type: ignore[operator]
        raise CodingError(N_("The fragment lies outside the text."))
    link = {"answer_id": target.id} if isinstance(target, Answer) else {"contribution_id": target.id}
    existing = db.session.scalar(
        sa.select(Coding).filter_by(**link, code_id=code.id, coder_id=coder.id, start=start, end=end)
    )
    if existing is not None:
        return existing
    coding = Coding(
        project_id=project.id,
        **link,
        code_id=code.id,
        coder_id=coder.id,
        start=start,
        end=end,
        fragment=text[start:end] if start is not None else "",
        sentiment=sentiment,
        is_quote=is_quote,
        memo=memo.strip()[:5000],
        source=source,
    )
    db.session.add(coding)
    db.session.flush()
    audit.record(
        "coding.create",
        coding,
        details={"code": str(code.uuid), "input": f"{'answer' if 'answer_id' in link else 'contribution'}:{target.id}", "span": [start, end]},
    )
    return coding


def remove_coding(coding: Coding) -> None:
    audit.record("coding.delete", coding, details={"code_id": coding.code_id, "span": [coding.start, coding.end]})
    db.session.delete(coding)
    db.session.flush()


def codings_of(target: Input) -> list[Coding]:
    column = Coding.answer_id if isinstance(target, Answer) else Coding.contribution_id
    return list(db.session.scalars(sa.select(Coding).where(column == target.id).options(selectinload(Coding.code)).order_by(Coding.start, Coding.id)))


def keyword_pattern(keywords: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern for "lantaarn*|verlichting|donker": whole words, a trailing *
    matching any ending. Terms are escaped, so a typo can never make a slow or broken pattern."""
    terms = [term.strip() for term in keywords.split("|") if term.strip()]
    if not terms:
        return None
    parts = [re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else "") for term in terms]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def field_tags(target: Input) -> set[int]:
    """The theme tags the interviewer gave in the field (for an answer: those of its interview)."""
    if isinstance(target, Answer):
        return set(db.session.scalars(sa.select(interview_tags.c.code_id).where(interview_tags.c.interview_id == target.interview_id)))
    return set(db.session.scalars(sa.select(contribution_tags.c.code_id).where(contribution_tags.c.contribution_id == target.id)))


def suggested_codes(project: Project, target: Input, codes: list[Code]) -> list[tuple[Code, CodingSource]]:
    """Codes this input does not have yet that the field tags or the keyword rules point to.

    Only suggestions: nothing is applied until a person accepts one."""
    text = input_text(target)
    have = {c.code_id for c in codings_of(target)}
    tagged = field_tags(target)
    found = []
    for code in codes:
        if code.id in have:
            continue
        if code.id in tagged:
            found.append((code, CodingSource.quick_tag))
            continue
        pattern = keyword_pattern(code.keywords or "")
        if pattern is not None and pattern.search(text):
            found.append((code, CodingSource.suggestion))
    return found
