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
    PRIORITY_LABELS,
)
from ...models import (
    ActionInput,
    ActionItem,
    Code,
    CodeGroup,
    ContactDetails,
    Interview,
)
from .base import (
    BOOL,
    DATE,
    INT,
    TEXT,
    Column,
    Scope,
    Sheet,
)


class ActionRow(NamedTuple):
    """A row of the sheet, one field per column."""

    number: Any
    title: Any
    description: Any
    status: Any
    priority: Any
    department: Any
    theme: Any
    area: Any
    location: Any
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
        Column(_("Status"), TEXT, 12),
        Column(_("Priority"), TEXT, 10),
        Column(_("Department"), TEXT, 22),
        Column(_("Theme"), TEXT, 28),
        Column(_("Area"), TEXT, 30),
        Column(_("Location"), TEXT, 26),
        Column(_("Inputs"), INT, 9, _("Answers and contributions the action item rests on.")),
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
                action.department,
                f"{code[0]} {code[1]}" if code else "",
                scope.area_path(action.area_id),
                scope.text(action.location),
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
        _("The action items for the plan, with the number of inputs behind each (only the area filter applies)."),
        columns,
        rows,
        row=ActionRow,
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
