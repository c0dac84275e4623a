"""Applying codes to what residents said: a whole input, or a fragment of its text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..i18n import N_
from ..inputs import database_id
from ..models import (
    Answer,
    Code,
    Coding,
    CodingSample,
    CodingSource,
    Contribution,
    Interview,
    Project,
    Sentiment,
    SuggestionRejection,
    User,
)
from ..models.fieldwork import contribution_tags, interview_tags
from ..text import normalise_text
from . import learning

OFFSET = re.compile(r"[0-9]{1,9}\Z")  # a selection's offset in a text (ASCII digits: "²" is no offset)

Input = Answer | Contribution


class CodingError(ValueError):
    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.params = params


def input_text(target: Input) -> str:
    """The text codings point into: normalised when it was captured (NFC, \\n line ends)."""
    return target.text if isinstance(target, Answer) else normalise_text(target.text)


def input_link(target: Input) -> dict[str, int]:
    """The foreign key that points at ``target`` from a coding, a rejection or an action link."""
    return {"answer_id": target.id} if isinstance(target, Answer) else {"contribution_id": target.id}


def input_owner_id(target: Input) -> int | None:
    """Who recorded the input: the interviewer of an answer's interview, a contribution's author."""
    if isinstance(target, Contribution):
        return target.author_id
    return db.session.scalar(sa.select(Interview.interviewer_id).where(Interview.id == target.interview_id))


def parse_input_key(project: Project, key: str) -> Input | None:
    """An input of ``project`` from "answer:12" or "contribution:7" (as the workbench posts them)."""
    kind, _sep, number = key.partition(":")
    model = {"answer": Answer, "contribution": Contribution}.get(kind)
    target_id = database_id(number)
    if model is None or target_id is None:
        return None
    target = db.session.get(model, target_id)
    if target is None or input_project_id(target) != project.id:
        return None
    return target


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


def span_from_form(text: str, start: str | None, end: str | None, fragment: str | None) -> tuple[int | None, int | None]:
    """The fragment a coder chose: a browser selection (UTF-16 offsets), else typed words, else
    the whole text (None, None)."""
    if OFFSET.match(start or "") and OFFSET.match(end or ""):
        return utf16_to_index(text, int(start)), utf16_to_index(text, int(end))  # type: ignore[arg-type]
    if (fragment or "").strip():
        span = find_fragment(text, fragment)  # type: ignore[arg-type]
        if span is None:
            raise CodingError(N_("This fragment is not in the text."))
        return span
    return None, None


def apply_code(*args: Any, **kwargs: Any) -> Coding:
    """Code a whole input or a fragment of it (the arguments of ``code_input``); the coding."""
    return code_input(*args, **kwargs)[0]


def code_input(
    project: Project,
    target: Input,
    code: Code,
    coder: User,
    start: int | None = None,
    end: int | None = None,
    sentiment: Sentiment | None = None,
    is_quote: bool = False,
    source: CodingSource = CodingSource.manual,
    sample: CodingSample | None = None,
) -> tuple[Coding, bool]:
    """Code a whole input (no offsets) or the characters start..end of its text; returns the
    coding and whether it is new.

    With ``sample``: the second coder's blind coding for that sample, kept apart from the
    project's own coding. The same code by the same coder on the same span is not stored twice."""
    if input_project_id(target) != project.id or code.project_id != project.id:
        raise CodingError(N_("This input or code belongs to another project."))
    if code.archived:
        raise CodingError(N_("This code is archived; use the code it was merged into."))
    text = input_text(target)
    if (start is None) != (end is None):
        raise CodingError(N_("A fragment needs both its start and its end."))
    if start is not None and not (0 <= start < end <= len(text)):  # type: ignore[operator]
        raise CodingError(N_("The fragment lies outside the text."))
    link = input_link(target)
    sample_id = sample.id if sample is not None else None
    existing = db.session.scalar(
        sa.select(Coding).filter_by(**link, code_id=code.id, coder_id=coder.id, start=start, end=end, sample_id=sample_id)
    )
    if existing is not None:
        return existing, False
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
        source=source,
        sample_id=sample_id,
    )
    db.session.add(coding)
    db.session.flush()
    audit.record(
        "coding.create",
        coding,
        details={
            "code": str(code.uuid),
            "input": input_key(target),
            "span": [start, end],
            "source": source.value,
            **({"sample": sample_id} if sample_id else {}),
        },
    )
    return coding, True


def update_coding(
    coding: Coding, code: Code, start: int | None, end: int | None, sentiment: Sentiment | None, is_quote: bool
) -> dict[str, list[Any]]:
    """Change a coding in place (its code, span, sentiment or quote flag) rather than removing it and
    coding again: its history, memos and action links stay. Returns the changes, {field: [old, new]}."""
    if code.project_id != coding.project_id:
        raise CodingError(N_("This input or code belongs to another project."))
    if code.archived and code.id != coding.code_id:
        raise CodingError(N_("This code is archived; use the code it was merged into."))
    target: Input = coding.answer or coding.contribution  # type: ignore[assignment]
    text = input_text(target)
    if (start is None) != (end is None):
        raise CodingError(N_("A fragment needs both its start and its end."))
    if start is not None and not (0 <= start < end <= len(text)):  # type: ignore[operator]
        raise CodingError(N_("The fragment lies outside the text."))
    twin = db.session.scalar(
        sa.select(Coding.id)
        .filter_by(**input_link(target), code_id=code.id, coder_id=coding.coder_id, start=start, end=end, sample_id=coding.sample_id)
        .where(Coding.id != coding.id)
    )
    if twin is not None:
        raise CodingError(N_("This statement already has this code on this fragment."))
    wanted = {
        "code_id": code.id,
        "span": [start, end],
        "sentiment": sentiment.value if sentiment else None,
        "is_quote": is_quote,
    }
    now = {
        "code_id": coding.code_id,
        "span": [coding.start, coding.end],
        "sentiment": coding.sentiment.value if coding.sentiment else None,
        "is_quote": coding.is_quote,
    }
    changes = {key: [now[key], value] for key, value in wanted.items() if now[key] != value}
    if not changes:
        return changes
    coding.code_id, coding.start, coding.end = code.id, start, end
    coding.code = code
    coding.fragment = text[start:end] if start is not None else ""
    coding.sentiment, coding.is_quote = sentiment, is_quote
    db.session.flush()
    audit.record("coding.update", coding, details={"input": input_key(target), "changes": changes})
    return changes


def remove_coding(coding: Coding) -> None:
    audit.record("coding.delete", coding, details={"code_id": coding.code_id, "span": [coding.start, coding.end]})
    db.session.delete(coding)
    db.session.flush()


def input_key(target: Input) -> str:
    return f"{'answer' if isinstance(target, Answer) else 'contribution'}:{target.id}"


def apply_to_many(project: Project, targets: list[Input], code: Code, coder: User, sentiment: Sentiment | None = None) -> int:
    """Bulk coding: ``code`` on each whole input of a selection; returns how many were new."""
    if not targets:
        raise CodingError(N_("Select at least one input."))
    return sum(code_input(project, target, code, coder, sentiment=sentiment)[1] for target in targets)


def codings_of(target: Input, sample_id: int | None = None) -> list[Coding]:
    """The project's own codings of an input, or (``sample_id``) a second coder's for a sample."""
    column = Coding.answer_id if isinstance(target, Answer) else Coding.contribution_id
    return list(
        db.session.scalars(
            sa.select(Coding)
            .where(column == target.id, Coding.sample_id.is_(sample_id) if sample_id is None else Coding.sample_id == sample_id)
            .options(selectinload(Coding.code))
            .order_by(Coding.start, Coding.id)
        )
    )


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


def rejected_codes(target: Input) -> set[int]:
    return set(db.session.scalars(sa.select(SuggestionRejection.code_id).filter_by(**input_link(target))))


def reject_suggestion(project: Project, target: Input, code: Code, user: User) -> None:
    """Someone said no to a suggested code: it is not suggested for this input again."""
    if input_project_id(target) != project.id or code.project_id != project.id:
        raise CodingError(N_("This input or code belongs to another project."))
    if code.id in rejected_codes(target):
        return
    rejection = SuggestionRejection(project_id=project.id, **input_link(target), code_id=code.id, rejected_by_id=user.id)
    db.session.add(rejection)
    db.session.flush()
    audit.record("coding.reject_suggestion", rejection, details={"code": str(code.uuid), "input": input_key(target)})


@dataclass(frozen=True)
class Suggestion:
    code: Code
    source: CodingSource  # quick_tag (the field), suggestion (keyword rules) or model (learned)
    confidence: float | None = None  # the learned model's, where it knows the code


def suggested_codes(project: Project, target: Input, codes: list[Code], codings: list[Coding] | None = None) -> list[Suggestion]:
    """Codes this input does not have yet that the field tags, the keyword rules or the project's
    learned model point to: the field's first, then the most confident.

    Only suggestions: nothing is applied until a person accepts one; a rejected one is not
    offered again. A blind second coder sees none (``coding.samples.second``). ``codings``: the input's
    own codings, when the caller has them."""
    text = input_text(target)
    have = {c.code_id for c in (codings_of(target) if codings is None else codings)} | rejected_codes(target)
    open_codes = {code.id: code for code in codes if code.id not in have}
    learned = learning.confidences(project.id, text)
    tagged = field_tags(target)
    found = []
    for code in open_codes.values():
        if code.id in tagged:
            found.append(Suggestion(code, CodingSource.quick_tag, learned.get(code.id)))
            continue
        pattern = keyword_pattern(code.keywords or "")
        if pattern is not None and pattern.search(text):
            found.append(Suggestion(code, CodingSource.suggestion, learned.get(code.id)))
    proposed = {s.code.id for s in found}
    best = sorted(((p, code_id) for code_id, p in learned.items() if code_id in open_codes and code_id not in proposed), reverse=True)
    found += [Suggestion(open_codes[code_id], CodingSource.model, p) for p, code_id in best[: learning.TOP] if p >= learning.SHOW_FROM]
    return sorted(found, key=lambda s: (s.source != CodingSource.quick_tag, -(s.confidence or 0)))
