"""Double coding: a random sample of input for a second coder, who codes it blind; agreement
between the project's own coding and the second coder's; resolving the disagreements."""

from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit, statements
from ..extensions import db
from ..filters import Filters
from ..i18n import N_
from ..models import Code, Coding, CodingSample, Membership, Project, Role, SampleItem, SampleResolution, User
from ..models.types import utcnow
from . import agreement, services

MAX_SAMPLE = 2000


def may_second_code(project: Project, user: User) -> bool:
    role = db.session.scalar(sa.select(Membership.role).where(Membership.project_id == project.id, Membership.user_id == user.id))
    return role in (Role.coordinator, Role.interviewer)


def draw_sample(
    project: Project,
    coder: User,
    drawn_by: User,
    *,
    percent: float | None = None,
    number: int | None = None,
    round_id: int | None = None,
    coded_only: bool = True,
    name: str = "",
    rng: random.Random | None = None,
) -> CodingSample:
    """Draw inputs at random for ``coder``: ``percent`` of the candidates or ``number`` of them.

    Candidates: the project's open answers and contributions (of one round, if given), by default
    only those already coded, never those ``coder`` coded themselves (they would not be independent)."""
    if not may_second_code(project, coder):
        raise services.CodingError(N_("The second coder must be a coordinator or interviewer of this project."))
    if (percent is None) == (number is None):
        raise services.CodingError(N_("Give either a percentage or a number of inputs."))
    if percent is not None and not 0 < percent <= 100:
        raise services.CodingError(N_("The percentage lies between 0 and 100."))
    if number is not None and not 0 < number <= MAX_SAMPLE:
        raise services.CodingError(N_("A sample holds between 1 and %(max)s inputs."), max=MAX_SAMPLE)
    keys: list[tuple[str, int]] = []
    for source, ids in statements.selects(project, Filters(round_id=round_id), "id"):
        statement_id, column = source.columns["id"], source.coding
        if coded_only:
            ids = ids.where(statement_id.in_(sa.select(column).where(Coding.sample_id.is_(None))))
        own = sa.select(column).where(Coding.sample_id.is_(None), Coding.coder_id == coder.id, column.is_not(None))
        ids = ids.where(statement_id.not_in(own))
        keys += [(source.kind, i) for i in db.session.scalars(ids)]
    if not keys:
        raise services.CodingError(N_("There is no input to draw from with these choices."))
    size = number if number is not None else max(1, round(len(keys) * percent / 100))  # type: ignore[operator]
    chosen = sorted((rng or random.SystemRandom()).sample(sorted(keys), min(size, len(keys), MAX_SAMPLE)))
    sample = CodingSample(project_id=project.id, coder_id=coder.id, drawn_by_id=drawn_by.id, name=name.strip()[:200])
    db.session.add(sample)
    db.session.flush()
    db.session.add_all(SampleItem(sample_id=sample.id, **{f"{kind}_id": i}) for kind, i in chosen)
    db.session.flush()
    audit.record("coding.sample_draw", sample, details={"coder_id": coder.id, "size": len(chosen), "from": len(keys)})
    return sample


def item_target(item: SampleItem) -> services.Input:
    return item.answer if item.answer_id else item.contribution  # type: ignore[return-value]


def progress(sample: CodingSample) -> tuple[int, int]:
    return sum(1 for i in sample.items if i.done_at is not None), len(sample.items)


def next_open_item(sample: CodingSample, after: SampleItem | None = None) -> SampleItem | None:
    open_items = [i for i in sample.items if i.done_at is None and (after is None or i.id != after.id)]
    later = [i for i in open_items if after is None or i.id > after.id]
    return (later or open_items or [None])[0]


def mark_done(item: SampleItem) -> None:
    item.done_at = utcnow()
    db.session.flush()


def samples_for(project: Project, user: User) -> list[CodingSample]:
    return list(
        db.session.scalars(
            sa.select(CodingSample)
            .where(CodingSample.project_id == project.id, CodingSample.coder_id == user.id)
            .order_by(CodingSample.id.desc())
        )
    )


@dataclass
class Disagreement:
    item: SampleItem
    code: Code
    first_had: bool
    second_had: bool
    resolution: SampleResolution | None


@dataclass
class SampleReport:
    agreement: agreement.AgreementReport
    codes: dict[int, Code]
    compared: int  # inputs both coders coded
    disagreements: list[Disagreement]


def _codes_by_item(sample: CodingSample, items: list[SampleItem], second: bool) -> dict[int, set[int]]:
    """Per sample item the codes applied: by the second coder (in the sample) or the project's own."""
    found: dict[int, set[int]] = {i.id: set() for i in items}
    answers = {i.answer_id: i.id for i in items if i.answer_id}
    contributions = {i.contribution_id: i.id for i in items if i.contribution_id}
    where = Coding.sample_id == sample.id if second else Coding.sample_id.is_(None)
    rows = db.session.execute(
        sa.select(Coding.answer_id, Coding.contribution_id, Coding.code_id).where(
            where, sa.or_(Coding.answer_id.in_(answers), Coding.contribution_id.in_(contributions))
        )
    ).all()
    for answer_id, contribution_id, code_id in rows:
        item_id = answers[answer_id] if answer_id else contributions[contribution_id]
        found[item_id].add(code_id)
    return found


def report(sample: CodingSample) -> SampleReport:
    """Agreement on input × code units over the inputs both coders coded.

    The codes compared are those either coder used in the sample (codes nobody used add only
    trivial agreement). A resolved disagreement counts as it stood before the discussion."""
    items = list(
        db.session.scalars(
            sa.select(SampleItem)
            .where(SampleItem.sample_id == sample.id, SampleItem.done_at.is_not(None))
            .options(selectinload(SampleItem.answer), selectinload(SampleItem.contribution))
            .order_by(SampleItem.id)
        )
    )  # with their texts: the disagreements show them
    first, second = _codes_by_item(sample, items, False), _codes_by_item(sample, items, True)
    resolutions = {
        (r.item_id, r.code_id): r
        for r in db.session.scalars(sa.select(SampleResolution).join(SampleItem).where(SampleItem.sample_id == sample.id))
        if r.item_id in first
    }
    for (item_id, code_id), resolution in resolutions.items():
        for side, had in ((first, resolution.first_had), (second, resolution.second_had)):
            (side[item_id].add if had else side[item_id].discard)(code_id)
    # An input the project has not coded yet cannot be compared.
    compared = {i: codes for i, codes in first.items() if codes}
    used = sorted({c for codes in compared.values() for c in codes} | {c for i in compared for c in second[i]})
    result = agreement.coding_agreement(compared, {i: second[i] for i in compared}, used)
    codes = {c.id: c for c in db.session.scalars(sa.select(Code).where(Code.id.in_(used)))}
    by_id = {i.id: i for i in items}
    disagreements = [
        Disagreement(by_id[item_id], codes[code_id], first_had, second_had, resolutions.get((item_id, code_id)))  # type: ignore[index]
        for item_id, code_id, first_had, second_had in result.disagreements
    ]
    return SampleReport(result, codes, len(compared), disagreements)


def resolve(item: SampleItem, code: Code, applies: bool, user: User) -> SampleResolution:
    """Settle a disagreement: the project's own coding of the input follows the decision."""
    sample = item.sample
    project = db.session.get(Project, sample.project_id)
    target = item_target(item)
    first = {c.code_id for c in services.codings_of(target)}
    second = {c.code_id: c for c in services.codings_of(target, sample.id)}
    existing = db.session.scalar(sa.select(SampleResolution).filter_by(item_id=item.id, code_id=code.id))
    if existing is None:
        if (code.id in first) == (code.id in second):
            raise services.CodingError(N_("The coders agree on this code; there is nothing to resolve."))
        existing = SampleResolution(
            item_id=item.id, code_id=code.id, first_had=code.id in first, second_had=code.id in second, applies=applies
        )
        db.session.add(existing)
    existing.applies, existing.resolved_by_id, existing.resolved_at = applies, user.id, utcnow()
    if applies and code.id not in first:
        theirs = second.get(code.id)
        services.apply_code(
            project,
            target,
            code,
            user,  # type: ignore[arg-type]
            theirs.start if theirs else None,
            theirs.end if theirs else None,
            theirs.sentiment if theirs else None,
        )
    elif not applies:
        for coding in services.codings_of(target):
            if coding.code_id == code.id:
                services.remove_coding(coding)
    db.session.flush()
    audit.record("coding.resolve", sample, details={"input": services.input_key(target), "code": str(code.uuid), "applies": applies})
    return existing


def candidates_count(project: Project) -> int:
    """How many inputs the project has coded: the pool a sample is drawn from by default."""
    answers = sa.select(sa.func.count(sa.distinct(Coding.answer_id))).where(Coding.project_id == project.id, Coding.sample_id.is_(None))
    contributions = sa.select(sa.func.count(sa.distinct(Coding.contribution_id))).where(
        Coding.project_id == project.id, Coding.sample_id.is_(None)
    )
    return (db.session.scalar(answers) or 0) + (db.session.scalar(contributions) or 0)
