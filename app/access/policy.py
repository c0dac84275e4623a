"""Access rules: declared per view, enforced for every request in ``enforce``."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, jsonify, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..extensions import db, login_manager
from ..models import Membership, Project, Role, User

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


class Permission(str, enum.Enum):
    view = "view"  # see the project, its set-up and one's own input
    read_all = "read_all"  # read everyone's input (viewers: pseudonymised)
    see_people = "see_people"  # interviewer names and residents' contact details
    capture = "capture"  # record interviews and contributions
    code = "code"  # code input on the workbench (interviewers: their own, if the project allows)
    manage = "manage"  # change the project, its areas, guides and rounds; correct input
    manage_members = "manage_members"  # add and remove people, change roles


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.coordinator: frozenset(Permission),
    Role.interviewer: frozenset({Permission.view, Permission.capture}),
    Role.viewer: frozenset({Permission.view, Permission.read_all}),
}
# An admin runs the installation, not the field work: they can staff any project (to hand it
# to a coordinator) but see its data only through a membership of their own.
ADMIN_PERMISSIONS = frozenset({Permission.manage_members})


@dataclass(frozen=True)
class Rule:
    kind: str  # "public", "login", "admin" or "project"
    permission: Permission | None = None


def _declare(rule: Rule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        view._access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


public = _declare(Rule("public"))
login_required = _declare(Rule("login"))
admin_required = _declare(Rule("admin"))
# Admins, and coordinators of some project, may start a new project.
project_creator_required = _declare(Rule("project_creator"))


def project_required(permission: Permission) -> Callable[[F], F]:
    """The view takes ``project_id`` from the URL and receives the checked ``project``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, project_id: int, **kwargs: Any) -> Any:
            return view(*args, project=g.project, **kwargs)

        wrapper._access_rule = Rule("project", permission)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def rule_for(endpoint: str | None) -> Rule | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "_access_rule", None)


def permissions_in(project: Project, user: User) -> frozenset[Permission]:
    membership = db.session.scalar(sa.select(Membership).where(Membership.project_id == project.id, Membership.user_id == user.id))
    granted = ROLE_PERMISSIONS[membership.role] if membership else frozenset()
    if membership and membership.role == Role.interviewer and project.interviewers_may_code:
        granted = granted | {Permission.code}
    if user.is_admin:
        granted = granted | ADMIN_PERMISSIONS
    return granted


def can(permission: Permission, project: Project, user: User | None = None) -> bool:
    """Whether ``user`` (default: the current user) has ``permission`` in ``project``."""
    if user is None:
        user = current_user
        checked = g.get("project")
        if checked is not None and checked.id == project.id:
            return permission in g.permissions  # already worked out by enforce()
    if not user or not user.is_authenticated:
        return False
    return permission in permissions_in(project, user)


def _coordinates_a_project(user: User) -> bool:
    return (
        db.session.scalar(sa.select(Membership.id).where(Membership.user_id == user.id, Membership.role == Role.coordinator).limit(1))
        is not None
    )


def can_create_projects(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_admin or _coordinates_a_project(user)


def two_factor_required(user: User) -> bool:
    """Whether this person must use two-factor sign-in (the setting, for admins and coordinators)."""
    if not current_app.config.get("REQUIRE_TWO_FACTOR"):
        return False
    return user.is_admin or _coordinates_a_project(user)


# What a person who must still set up two-factor sign-in can reach.
TWO_FACTOR_SETUP = {"auth.two_factor_setup", "auth.logout", "auth.language", "offline.service_worker"}


def _owes_two_factor(user: User) -> bool:
    return not user.has_two_factor and two_factor_required(user)


def enforce() -> Any:
    """Refuse the request unless the endpoint's declared rule allows it."""
    if request.endpoint is None or request.endpoint == "static":
        return None  # 404 and static files: nothing to protect
    rule = rule_for(request.endpoint)
    if rule is None:
        raise RuntimeError(f"endpoint {request.endpoint!r} declares no access rule")
    if rule.kind == "public":
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.endpoint not in TWO_FACTOR_SETUP and g.get("auth_origin") != "api" and _owes_two_factor(current_user):
        if request.path.startswith("/api/"):
            return jsonify(error="two_factor_required", message="Set up two-factor sign-in first."), 403
        return redirect(url_for("auth.two_factor_setup"))
    if rule.kind == "admin" and not current_user.is_admin:
        abort(403)
    if rule.kind == "project_creator" and not can_create_projects(current_user):
        abort(403)
    if rule.kind == "project":
        assert rule.permission is not None
        project = db.session.get(Project, (request.view_args or {}).get("project_id"))
        if project is None:
            abort(404)
        granted = permissions_in(project, current_user)
        if not granted:
            abort(404)  # not a member: do not confirm that the project exists
        if rule.permission not in granted:
            abort(403)
        g.project = project
        g.permissions = granted
    return None


def get_in_project(model: type[M], project: Project, object_id: Any) -> M:
    """Load an object of ``project`` by id, or 404: URLs never reach into another project."""
    obj = db.session.get(model, object_id)
    if obj is None or getattr(obj, "project_id", None) != project.id:
        abort(404)
    return obj


def get_owned(model: type[M], object_id: Any) -> M:
    """Load an object that belongs to the current user (``user_id``), or 404."""
    obj = db.session.get(model, object_id)
    if obj is None or getattr(obj, "user_id", None) != current_user.id:
        abort(404)
    return obj


# Who recorded an input: interviewers see only their own.
INPUT_OWNER = {"Interview": "interviewer_id", "Contribution": "author_id"}


def input_filter(model: Any) -> Any:
    """A WHERE clause limiting interviews or contributions to what the current user may read."""
    if Permission.read_all in g.permissions:
        return sa.true()
    return getattr(model, INPUT_OWNER[model.__name__]) == current_user.id


# The filters that pick out one person; policy makers neither see nor filter by person.
PERSON_FILTERS = frozenset({"interviewer"})


def filter_args(args: Mapping[str, Any], may_see_people: bool | None = None) -> MultiDict[str, Any]:
    """The filter arguments this user may use: those that pick out one person only for who may see people
    (by default: the current user in the current project)."""
    if may_see_people is None:
        may_see_people = Permission.see_people in g.permissions
    kept: MultiDict[str, Any] = MultiDict(args)
    if not may_see_people:
        for name in PERSON_FILTERS:
            kept.poplist(name)
    return kept


def get_input(model: type[M], project: Project, object_id: Any) -> M:
    """An interview or contribution of ``project`` the current user may read, or 404."""
    obj = get_in_project(model, project, object_id)
    if Permission.read_all not in g.permissions and getattr(obj, INPUT_OWNER[model.__name__]) != current_user.id:
        abort(404)
    return obj


def may_capture_in(round_: Any, user: User | None = None, granted: frozenset[Permission] | None = None) -> bool:
    """Interviewers record in rounds they are assigned to (or in rounds without assignments).

    ``granted``: the user's permissions in the round's project, when the caller has them."""
    user = user if user is not None else current_user._get_current_object()
    if granted is None:
        project = db.session.get(Project, round_.project_id)
        granted = permissions_in(project, user) if project is not None and user.is_authenticated else frozenset()
    if Permission.capture not in granted:
        return False
    if Permission.manage in granted or not round_.interviewers:
        return True
    return any(member.id == user.id for member in round_.interviewers)


def project_with(project_id: Any, permission: Permission, user: User | None = None) -> Project:
    """For requests that name their project in the body (the sync API): the project, or 403."""
    user = user if user is not None else current_user._get_current_object()
    project = db.session.get(Project, project_id) if isinstance(project_id, int) and not isinstance(project_id, bool) else None
    if project is None or permission not in permissions_in(project, user):
        abort(403)
    return project


def projects_for(user: User) -> list[tuple[Project, Role]]:
    """The projects a person is a member of, with their role, newest first."""
    rows = db.session.execute(
        sa.select(Project, Membership.role)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id)
        .order_by(Project.archived, Project.created_at.desc(), Project.id.desc())
    )
    return [(project, role) for project, role in rows]


def init_app(app: Flask) -> None:
    app.before_request(enforce)

    @app.context_processor
    def access_helpers() -> dict[str, Any]:
        return {
            "can": can,
            "can_create_projects": can_create_projects,
            "may_capture_in": may_capture_in,
            "Permission": Permission,
        }
