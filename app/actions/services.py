"""Creating, changing and listing action items, and linking them to the inputs they rest on."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit
from ..coding.services import Input, input_key, input_link, input_project_id, input_text, parse_input_key
from ..extensions import db
from ..filters import area_ids
from ..i18n import N_
from ..inputs import query_id
from ..models import ActionInput, ActionItem, ActionStatus, Answer, Area, Code, Coding, Element, Priority, Project, User
from ..paging import PAGE_SIZE, Page
from ..statements import codings_of


class ActionError(ValueError):
    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass
class ActionData:
    title: str
    description: str = ""
    code_id: int | None = None
    area_id: int | None = None
    location: str = ""
    priority: Priority = Priority.medium
    department: str = ""
    status: ActionStatus = ActionStatus.new
    rejection_reason: str = ""
    feedback_given: bool = False
    planned_year: int | None = None
    estimated_cost: int | None = None  # whole euros
    element_id: int | None = None
    object_ref: str = ""


YEARS = (2000, 2100)


def _check(project: Project, data: ActionData) -> None:
    if not data.title.strip():
        raise ActionError(N_("Give the action a title."))
    if data.status == ActionStatus.rejected and not data.rejection_reason.strip():
        raise ActionError(N_("Say why the action was rejected."))
    for model, object_id in ((Code, data.code_id), (Area, data.area_id), (Element, data.element_id)):
        if object_id is not None:
            obj = db.session.get(model, object_id)
            if obj is None or obj.project_id != project.id:
                raise ActionError(N_("Choose a theme, an area and an element of this project."))
    if data.planned_year is not None and not YEARS[0] <= data.planned_year <= YEARS[1]:
        raise ActionError(N_("Give a year from %(first)s to %(last)s."), first=YEARS[0], last=YEARS[1])
    if data.estimated_cost is not None and not 0 <= data.estimated_cost < 10**12:
        raise ActionError(N_("Give the estimated cost in whole euros."))
    if len(data.object_ref) > 200:
        raise ActionError(N_("At most %(max)s characters."), max=200)


def shared_area(inputs: list[Input]) -> int | None:
    """The area all these inputs were recorded in, when they share one (None: none, or several)."""
    areas = {(t.interview.area_id if isinstance(t, Answer) else t.area_id) for t in inputs}
    return areas.pop() if len(areas) == 1 else None


def _value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def create_action(project: Project, creator: User, data: ActionData, inputs: list[Input] = ()) -> ActionItem:  # type: ignore[assignment]
    """A new action item, linked at once to the inputs it comes from (if any)."""
    if data.area_id is None and inputs:
        data.area_id = shared_area(list(inputs))
    _check(project, data)
    action = ActionItem(project_id=project.id, created_by_id=creator.id, **{f.name: getattr(data, f.name) for f in fields(ActionData)})
    action.title = data.title.strip()
    if action.status != ActionStatus.rejected:
        action.rejection_reason = ""
    db.session.add(action)
    db.session.flush()
    audit.record("action.create", action, details={"title": action.title, "status": action.status.value})
    for target in inputs:
        link_input(action, target)
    return action


def update_action(action: ActionItem, data: ActionData) -> dict[str, Any]:
    """Apply the changed fields; return them (old, new) as the audit log records them."""
    project = db.session.get(Project, action.project_id)
    _check(project, data)  # type: ignore[arg-type]
    if data.status != ActionStatus.rejected:
        data.rejection_reason = ""
    data.title = data.title.strip()
    changes = {}
    for f in fields(ActionData):
        old, new = getattr(action, f.name), getattr(data, f.name)
        if old != new:
            changes[f.name] = [_value(old), _value(new)]
            setattr(action, f.name, new)
    if changes:
        db.session.flush()
        audit.record("action.update", action, details={"changes": changes})
    return changes


def mark_feedback_given(action: ActionItem) -> bool:
    """The residents behind this action have heard back; False when that was already marked."""
    if action.feedback_given:
        return False
    action.feedback_given = True
    db.session.flush()
    audit.record("action.update", action, details={"changes": {"feedback_given": [False, True]}})
    return True


def link_input(action: ActionItem, target: Input) -> ActionInput:
    if input_project_id(target) != action.project_id:
        raise ActionError(N_("This input belongs to another project."))
    link = db.session.scalar(sa.select(ActionInput).filter_by(action_id=action.id, **input_link(target)))
    if link is not None:
        return link
    link = ActionInput(action_id=action.id, **input_link(target))
    db.session.add(link)
    db.session.flush()
    audit.record("action.link", action, details={"input": input_key(target)})
    if action.area_id is None:  # the area filled in from the linked texts, when they share one
        area_id = shared_area(linked_inputs(action))
        if area_id is not None:
            action.area_id = area_id
            db.session.flush()
            audit.record("action.update", action, details={"changes": {"area_id": [None, area_id]}})
    return link


def linked_inputs(action: ActionItem) -> list[Input]:
    links = db.session.scalars(
        sa.select(ActionInput)
        .where(ActionInput.action_id == action.id)
        .options(selectinload(ActionInput.answer).selectinload(Answer.interview), selectinload(ActionInput.contribution))
    )
    return [link.answer if link.answer_id else link.contribution for link in links]  # type: ignore[misc]


def unlink_input(link: ActionInput) -> None:
    action = db.session.get(ActionItem, link.action_id)
    key = f"answer:{link.answer_id}" if link.answer_id else f"contribution:{link.contribution_id}"
    db.session.delete(link)
    db.session.flush()
    audit.record("action.unlink", action, details={"input": key})


def actions_of(target: Input) -> list[ActionItem]:
    """The action items that rest on an input."""
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .join(ActionInput, ActionInput.action_id == ActionItem.id)
            .filter_by(**input_link(target))
            .order_by(ActionItem.id)
        )
    )


@dataclass
class Evidence:
    """An input an action rests on: the resident's words, and what was coded in them."""

    link: ActionInput
    kind: str
    input_id: int
    text: str
    fragments: list[Coding]


def evidence(action: ActionItem) -> list[Evidence]:
    links = list(
        db.session.scalars(
            sa.select(ActionInput)
            .where(ActionInput.action_id == action.id)
            .options(selectinload(ActionInput.answer), selectinload(ActionInput.contribution))
            .order_by(ActionInput.id)
        )
    )
    keys = [("answer", link.answer_id) if link.answer_id else ("contribution", link.contribution_id) for link in links]
    codings = codings_of(keys)  # type: ignore[arg-type]
    found = []
    for link, key in zip(links, keys):
        target: Input = link.answer if link.answer_id else link.contribution  # type: ignore[assignment]
        by_position = sorted(codings.get(key, []), key=lambda c: (c.start is not None, c.start or 0, c.id))  # type: ignore[arg-type]
        found.append(Evidence(link, key[0], target.id, input_text(target), by_position))
    return found


@dataclass
class ActionFilters:
    status: ActionStatus | None = None
    code_id: int | None = None
    area_id: int | None = None
    priority: Priority | None = None
    department: str = ""
    search: str = ""

    @classmethod
    def from_args(cls, args: Any) -> ActionFilters:
        status, priority = args.get("status", ""), args.get("priority", "")
        return cls(
            status=ActionStatus(status) if status in ActionStatus._value2member_map_ else None,
            code_id=args.get("code", type=query_id),
            area_id=args.get("area", type=query_id),
            priority=Priority(priority) if priority in Priority._value2member_map_ else None,
            department=args.get("department", "").strip()[:200],
            search=args.get("q", "").strip()[:100],
        )

    def as_args(self) -> dict[str, Any]:
        values = {
            "status": self.status.value if self.status else None,
            "code": self.code_id,
            "area": self.area_id,
            "priority": self.priority.value if self.priority else None,
            "department": self.department,
            "q": self.search,
        }
        return {k: v for k, v in values.items() if v}


def listing(project: Project, filters: ActionFilters, page: int = 1) -> Page:
    """Action items of the project, highest priority and newest first, with their input counts."""
    where: list[Any] = [ActionItem.project_id == project.id]
    if filters.status:
        where.append(ActionItem.status == filters.status)
    if filters.code_id:
        where.append(ActionItem.code_id == filters.code_id)
    if filters.area_id:  # the area and the areas inside it, as on the dashboards' counts
        where.append(ActionItem.area_id.in_(area_ids(project, filters.area_id)))
    if filters.priority:
        where.append(ActionItem.priority == filters.priority)
    if filters.department:
        where.append(ActionItem.department == filters.department)
    if filters.search:
        pattern = f"%{filters.search}%"
        where.append(sa.or_(ActionItem.title.ilike(pattern), ActionItem.description.ilike(pattern), ActionItem.location.ilike(pattern)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem).where(*where)) or 0
    rank = sa.case({Priority.high.value: 0, Priority.medium.value: 1, Priority.low.value: 2}, value=ActionItem.priority)
    number = max(1, page)
    items = list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(*where)
            .options(selectinload(ActionItem.code), selectinload(ActionItem.area), selectinload(ActionItem.links))
            .order_by(rank, ActionItem.created_at.desc(), ActionItem.id.desc())
            .limit(PAGE_SIZE)
            .offset((number - 1) * PAGE_SIZE)
        )
    )
    return Page(items, number, total)


def open_actions(project: Project) -> list[ActionItem]:
    """Action items one can still link input to (not done or rejected), newest first."""
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(ActionItem.project_id == project.id, ActionItem.status.in_([ActionStatus.new, ActionStatus.planned]))
            .order_by(ActionItem.id.desc())
            .limit(200)
        )
    )


def departments(project: Project) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(ActionItem.department)
            .where(ActionItem.project_id == project.id, ActionItem.department != "")
            .distinct()
            .order_by(ActionItem.department)
        )
    )


def inputs_from_keys(project: Project, keys: list[str]) -> list[Input]:
    """Inputs of the project from "answer:12" keys; an unknown key is an error, not skipped."""
    found = []
    for key in keys[:500]:
        target = parse_input_key(project, key)
        if target is None:
            raise ActionError(N_("Some of the selected inputs cannot be found."))
        found.append(target)
    return found
