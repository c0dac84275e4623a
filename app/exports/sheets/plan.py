"""For the plan: the action items (*Action items*), the codebook (*Codebook*) and residents' contact details (*Contact details*)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...extensions import db
from ...filters import area_ids
from ...i18n import (
    ACTION_STATUS_LABELS,
    INFO_FORMAT_LABELS,
    PRIORITY_LABELS,
    ROUND_KIND_LABELS,
)
from ...insights import queries
from ...models import (
    ActionInput,
    ActionItem,
    Answer,
    Code,
    CodeGroup,
    Coding,
    ContactDetails,
    Contribution,
    Element,
    Interview,
)
from .base import (
    BOOL,
    DATE,
    EUR,
    INT,
    TEXT,
    Column,
    Scope,
    Sheet,
    codes_per,
    reference,
)


class ActionRow(NamedTuple):
    """A row of the sheet, one field per column."""

    number: Any
    title: Any
    description: Any
    status: Any
    urgency: Any
    planned_year: Any
    estimated_cost: Any
    department: Any
    theme: Any
    element: Any
    area: Any
    location: Any
    object_ref: Any
    inputs: Any
    residents_told: Any
    rejection_reason: Any
    created: Any
    changed: Any


class CodebookRow(NamedTuple):
    """A row of the sheet, one field per column."""

    group_key: Any
    group: Any
    code: Any
    theme: Any
    description: Any
    colour: Any
    archived: Any
    uuid: Any


class ContactRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    name: Any
    email: Any
    phone: Any
    note: Any
    given_on: Any


def actions_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Action no."), INT, 9),
        Column(_("Title"), TEXT, 36),
        Column(_("Description"), TEXT, 50),
        Column(_("Status"), TEXT, 18),
        Column(_("Urgency"), TEXT, 10),
        Column(_("Planned year"), INT, 10),
        Column(_("Estimated cost"), EUR, 13, _("In whole euros.")),
        Column(_("Department"), TEXT, 22),
        Column(_("Theme"), TEXT, 28),
        Column(_("Element"), TEXT, 24, _("The public-space element (CROW) the action item is about.")),
        Column(_("Area"), TEXT, 30),
        Column(_("Location"), TEXT, 26),
        Column(_("Object reference"), TEXT, 18, _("The object in the municipality's own registers (e.g. a BGT id).")),
        Column(_("Statements"), INT, 11, _("Answers and contributions the action item rests on (listed in the sheet Grounds).")),
        Column(_("Residents told"), BOOL, 10, _("Whether residents have heard back about it.")),
        Column(_("Reason for rejection"), TEXT, 30),
        Column(_("Created"), DATE, 12),
        Column(_("Changed"), DATE, 12),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        conditions = [ActionItem.project_id == scope.project.id]
        if scope.filters.area_id:
            conditions.append(ActionItem.area_id.in_(area_ids(scope.project, scope.filters.area_id)))
        links = sa.select(ActionInput.action_id, sa.func.count().label("n")).group_by(ActionInput.action_id).subquery()
        elements = dict(db.session.execute(sa.select(Element.id, Element.name).where(Element.project_id == scope.project.id)).all())
        for action, n in db.session.execute(
            sa.select(ActionItem, links.c.n).outerjoin(links, links.c.action_id == ActionItem.id).where(*conditions).order_by(ActionItem.id)
        ):
            code = scope.codes.get(action.code_id) if action.code_id else None
            created, changed = scope.local(action.created_at), scope.local(action.updated_at)
            yield ActionRow(
                action.id,
                scope.text(action.title),
                scope.text(action.description),
                str(ACTION_STATUS_LABELS[action.status]),
                str(PRIORITY_LABELS[action.priority]),
                action.planned_year,
                action.estimated_cost,
                action.department,
                f"{code[0]} {code[1]}" if code else "",
                elements.get(action.element_id, "") if action.element_id else "",
                scope.area_path(action.area_id),
                scope.text(action.location),
                action.object_ref,
                n or 0,
                action.feedback_given,
                scope.text(action.rejection_reason),
                created.date() if created else None,
                changed.date() if changed else None,
            )

    return Sheet(
        "actions",
        pgettext("sheet", "Action items"),
        "ActionItems",
        _("The action items for the plan, with the number of statements behind each (only the area filter applies)."),
        columns,
        rows,
        row=ActionRow,
    )


class GroundsRow(NamedTuple):
    """A row of the sheet, one field per column."""

    number: Any
    action: Any
    status: Any
    reference: Any
    kind: Any
    question_key: Any
    statement: Any
    themes: Any
    area: Any
    date: Any


def grounds_sheet(scope: Scope) -> Sheet:
    """Action item × the statements it rests on: the residents' words behind every line of the plan."""
    columns = [
        Column(_("Action no."), INT, 9),
        Column(_("Action item"), TEXT, 36),
        Column(_("Status"), TEXT, 18),
        Column(_("Reference"), TEXT, 12, _("The interview's receipt code, or C- and the contribution's number, as in the other sheets.")),
        Column(_("Kind"), TEXT, 12),
        Column(_("Question key"), TEXT, 16),
        Column(_("Statement"), TEXT, 70, _("What the resident said (pseudonymised unless the export includes personal data).")),
        Column(_("Themes"), TEXT, 30, _("The codes of the statement, separated by semicolons.")),
        Column(_("Area"), TEXT, 30),
        Column(_("Date"), DATE, 12),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")

    def rows() -> Iterator[Sequence[Any]]:
        conditions = [ActionItem.project_id == scope.project.id]
        if scope.filters.area_id:
            conditions.append(ActionItem.area_id.in_(area_ids(scope.project, scope.filters.area_id)))
        answer_codes, contribution_codes = codes_per(Coding.answer_id), codes_per(Coding.contribution_id)
        keys = {qid: q.key for qid, q in scope.questions.items()}
        for r in db.session.execute(
            sa.select(
                ActionItem.id,
                ActionItem.title,
                ActionItem.status,
                Interview.receipt_code,
                Answer.question_id,
                Answer.text.label("answer_text"),
                Interview.area_id.label("interview_area"),
                scope.moment(Interview.started_at),
                Contribution.id.label("contribution_id"),
                Contribution.text.label("contribution_text"),
                Contribution.area_id.label("contribution_area"),
                scope.moment(Contribution.recorded_at),
                answer_codes.c.codes.label("answer_codes"),
                contribution_codes.c.codes.label("contribution_codes"),
            )
            .select_from(ActionInput)
            .join(ActionItem, ActionItem.id == ActionInput.action_id)
            .outerjoin(Answer, Answer.id == ActionInput.answer_id)
            .outerjoin(Interview, Interview.id == Answer.interview_id)
            .outerjoin(Contribution, Contribution.id == ActionInput.contribution_id)
            .outerjoin(answer_codes, answer_codes.c.input_id == ActionInput.answer_id)
            .outerjoin(contribution_codes, contribution_codes.c.input_id == ActionInput.contribution_id)
            .where(*conditions)
            .order_by(ActionItem.id, ActionInput.id)
        ):
            answer = r.question_id is not None
            at = scope.local(r.started_at if answer else r.recorded_at)
            yield GroundsRow(
                r.id,
                scope.text(r.title),
                str(ACTION_STATUS_LABELS[r.status]),
                reference("interview", 0, r.receipt_code) if answer else reference("contribution", r.contribution_id),
                interview_kind if answer else contribution_kind,
                keys.get(r.question_id, "") if answer else "",
                scope.text(r.answer_text if answer else r.contribution_text),
                scope.code_names(r.answer_codes if answer else r.contribution_codes),
                scope.area_path(r.interview_area if answer else r.contribution_area),
                at.date() if at else None,
            )

    return Sheet(
        "grounds",
        pgettext("sheet", "Grounds"),
        "Grounds",
        _("Every action item with the residents' statements it rests on, one row per statement: the grounds for the plan."),
        columns,
        rows,
        row=GroundsRow,
    )


def codebook_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Group key"), TEXT, 10),
        Column(_("Group"), TEXT, 26),
        Column(_("Code"), TEXT, 10),
        Column(_("Theme"), TEXT, 30),
        Column(_("Description"), TEXT, 60),
        Column(_("Colour"), TEXT, 10, _("Hexadecimal, as on the dashboards.")),
        Column(_("Archived"), BOOL, 10),
        Column(_("UUID"), TEXT, 38, _("Stable identifier, also in the REFI-QDA codebook export.")),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        for code, group in db.session.execute(
            sa.select(Code, CodeGroup)
            .join(CodeGroup, CodeGroup.id == Code.group_id)
            .where(Code.project_id == scope.project.id)
            .order_by(CodeGroup.position, CodeGroup.key, Code.position, Code.key)
        ):
            yield CodebookRow(group.key, group.name, code.key, code.name, code.description, code.colour, code.archived, str(code.uuid))

    return Sheet(
        "codebook",
        pgettext("sheet", "Codebook"),
        "Codebook",
        _("The project's codes with their group, description and colour."),
        columns,
        rows,
        row=CodebookRow,
    )


def contacts_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Reference"), TEXT, 12),
        Column(_("Name"), TEXT, 24),
        Column(_("E-mail"), TEXT, 30),
        Column(_("Phone"), TEXT, 16),
        Column(_("Note"), TEXT, 40),
        Column(_("Given on"), DATE, 12),
    ]

    def rows() -> Iterator[Sequence[Any]]:
        for contact, receipt in db.session.execute(
            sa.select(ContactDetails, Interview.receipt_code)
            .join(Interview, Interview.id == ContactDetails.interview_id)
            .where(*scope.interview_conditions())
            .order_by(Interview.started_at, Interview.id)
        ):
            given = scope.local(contact.created_at)
            yield ContactRow(receipt, contact.name, contact.email, contact.phone, contact.note, given.date() if given else None)

    return Sheet(
        "contacts",
        pgettext("sheet", "Contact details"),
        "ContactDetails",
        _("Residents who asked for feedback, with how to reach them. Personal data: handle with care, delete when done."),
        columns,
        rows,
        row=ContactRow,
    )


def participation_sheet(scope: Scope) -> Sheet:
    """The participation record: one row per round (the round, period and area filters apply)."""
    records, _columns = queries.participation(scope.project, scope.filters, scope.level)
    columns = [
        Column(_("Round"), TEXT, 28),
        Column(_("Kind"), TEXT, 18),
        Column(_("Form of the round"), TEXT, 18, _("Of an information round: resident evening, drop-in or walk.")),
        Column(_("From"), DATE, 12, _("The round's first day (as planned, else the first person heard).")),
        Column(_("To"), DATE, 12),
        Column(_("Place or areas"), TEXT, 30),
        Column(_("Attendance"), INT, 11, _("People present at an information round, as counted there.")),
        Column(_("Interviews"), INT, 11),
        Column(_("Contributions"), INT, 12),
        Column(_("Asked for feedback"), INT, 12, _("Residents who left contact details to hear what became of their input.")),
        Column(_("Heard back"), INT, 11, _("Of them, those whose words rest under an action item marked “residents heard back”.")),
        Column(_("Session notes"), TEXT, 60, _("Pseudonymised unless the export includes personal data.")),
    ]

    def day(moment: Any) -> Any:
        local = scope.local(moment)
        return local.date() if local else None

    def rows() -> Iterator[Sequence[Any]]:
        for rec in records:
            r = rec.round
            start = day(r.starts_at) if r.starts_at else (r.starts_on or day(rec.first))
            end = day(r.starts_at) if r.starts_at else (r.ends_on or day(rec.last))
            yield (
                r.name,
                str(ROUND_KIND_LABELS[r.kind]),
                str(INFO_FORMAT_LABELS[r.info_format]) if r.info_format else "",
                start,
                end,
                r.place or ", ".join(a.label for a in r.areas),
                r.attendee_count,
                rec.interviews,
                rec.contributions,
                rec.asked_feedback,
                rec.heard_back,
                scope.text(r.session_notes),
            )

    return Sheet(
        "participation",
        pgettext("sheet", "Participation"),
        "Participation",
        _("Every round with its dates, place, format and attendance, the people heard, and how many asked for feedback and heard back."),
        columns,
        rows,
    )
