"""Walking the URL map: sample objects in two projects and helpers to call every route.

A new route is covered by the access and CSRF tests the moment it is registered; if it takes
an argument the walk cannot fill, ``url_for_rule`` fails and asks for a sample in ``World``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.routing import Rule as UrlRule

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class World:
    admin: Any
    coord_a: Any
    interviewer_a: Any
    viewer_a: Any
    coord_b: Any
    project_a: Any
    project_b: Any
    membership_a: Any  # the interviewer's membership of A
    membership_b: Any
    token_a: int  # coord_a's token id
    token_b: int  # coord_b's token id
    fieldwork_a: dict[str, int]  # guide_id, version_id, ... in project A
    fieldwork_b: dict[str, int]
    export_a: str = ""  # coord_a's finished export job in A (its key)
    export_b: str = ""
    invitation_a: int = 0  # an open invitation into A (its id), and its link's token
    invitation_b: int = 0
    invitation_token: str = ""

    def own(self) -> dict[str, Any]:
        """Arguments that point at project A and coord_a's own objects."""
        return {
            "project_id": self.project_a.id,
            "membership_id": self.membership_a.id,
            "token_id": self.token_a,
            "user_id": self.coord_a.id,
            "kind": "street",
            **self.fieldwork_a,
            "interview_uuid": self.fieldwork_a["interview_uuid"],
            "contribution_uuid": self.fieldwork_a["contribution_uuid"],
            "key": self.export_a,
            "format": "xlsx",
            "public_key": self.project_a.public_key,
            "invitation_id": self.invitation_a,
            "change": "rename",
            "token": self.invitation_token,
        }

    def foreign(self) -> dict[str, Any]:
        """Arguments that point at project B and its people."""
        return {
            "project_id": self.project_b.id,
            "membership_id": self.membership_b.id,
            "token_id": self.token_b,
            "user_id": self.coord_b.id,
            "kind": "street",
            **self.fieldwork_b,
            "key": self.export_b,
            "format": "xlsx",
            "public_key": self.project_b.public_key,
            "invitation_id": self.invitation_b,
            "change": "rename",
            "token": self.invitation_token,
        }


@pytest.fixture
def world(app, make_user, make_project, add_member, import_areas, make_fieldwork) -> World:
    from app.auth import services as auth_services
    from app.extensions import db
    from app.models import User

    admin = make_user("admin@almere.example", is_admin=True)
    coord_a, interviewer_a, viewer_a, coord_b = (make_user(f"{name}@almere.example") for name in ("coord-a", "int-a", "view-a", "coord-b"))
    project_a = make_project(coord_a, "Project A")
    project_b = make_project(coord_b, "Project B")
    for project in (project_a, project_b):
        import_areas(project, "stadsdeel,wijk\nAlmere Stad,Filmwijk\n")
    membership_a = add_member(project_a, interviewer_a, "interviewer")
    add_member(project_a, viewer_a, "viewer")
    membership_b = add_member(project_b, make_user("int-b@almere.example"), "interviewer")
    with app.app_context():
        from app.models import Project, Role
        from app.projects import invitations

        token_a, _ = auth_services.create_token(db.session.get(User, coord_a.id), "a")
        token_b, _ = auth_services.create_token(db.session.get(User, coord_b.id), "b")
        ids = token_a.id, token_b.id
        invited_a, link_token = invitations.invite(
            db.session.get(Project, project_a.id), "invited-a@almere.example", Role.interviewer, db.session.get(User, coord_a.id)
        )
        invited_b, _ = invitations.invite(
            db.session.get(Project, project_b.id), "invited-b@almere.example", Role.viewer, db.session.get(User, coord_b.id)
        )
        invited = invited_a.id, invited_b.id, link_token
        db.session.commit()
    fieldwork_a = make_fieldwork(project_a, coord_a, interviewer_a)
    fieldwork_b = make_fieldwork(project_b, coord_b, coord_b)
    return World(
        admin,
        coord_a,
        interviewer_a,
        viewer_a,
        coord_b,
        project_a,
        project_b,
        membership_a,
        membership_b,
        *ids,
        fieldwork_a,
        fieldwork_b,
        finished_export(app, project_a, coord_a),
        finished_export(app, project_b, coord_b),
        *invited,
    )


@dataclass
class OneProject:
    """Project A alone, with its coordinator, interviewer and viewer and its fieldwork: for the tests
    that never look at a second project, an administrator, tokens or exports (``one_project``)."""

    coord_a: Any
    interviewer_a: Any
    viewer_a: Any
    project_a: Any
    fieldwork_a: dict[str, Any]


@pytest.fixture
def one_project(make_user, make_project, add_member, import_areas, make_fieldwork) -> OneProject:
    """A smaller world: a module whose tests use only project A overrides ``world`` with this."""
    coord_a, interviewer_a, viewer_a = (make_user(f"{name}@almere.example") for name in ("coord-a", "int-a", "view-a"))
    project_a = make_project(coord_a, "Project A")
    import_areas(project_a, "stadsdeel,wijk\nAlmere Stad,Filmwijk\n")
    add_member(project_a, interviewer_a, "interviewer")
    add_member(project_a, viewer_a, "viewer")
    return OneProject(coord_a, interviewer_a, viewer_a, project_a, make_fieldwork(project_a, coord_a, interviewer_a))


def finished_export(app, project, user) -> str:
    """A finished export job with its file, as the background worker leaves it."""
    from datetime import timedelta

    from app.exports import jobs
    from app.extensions import db
    from app.models import ExportJob, JobStatus
    from app.models.types import utcnow

    with app.app_context():
        job = ExportJob(
            project_id=project.id,
            user_id=user.id,
            format="xlsx",
            params={},
            status=JobStatus.done,
            filename="export.xlsx",
            expires_at=utcnow() + timedelta(hours=1),
        )
        db.session.add(job)
        db.session.commit()
        jobs.file_of(job).write_bytes(b"PK")
        return str(job.uuid)


def routes(app) -> list[UrlRule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def url_for_rule(rule: UrlRule, values: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"{rule.rule}: add a sample value for <{name}> to World in tests/urlmap.py"
        return str(values[name])

    return ARGUMENT.sub(fill, rule.rule)


def methods(rule: UrlRule) -> list[str]:
    return sorted(m for m in (rule.methods or set()) if m not in {"HEAD", "OPTIONS"})


def call(client, method: str, url: str) -> Any:
    """A request with a valid CSRF token, so that only access rules decide the answer."""
    if method in STATE_CHANGING:
        token = client.csrf_token()
        return client.open(url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token})
    return client.open(url, method=method)
