"""The offline bundle: everything a device needs to record without a network."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import url_for
from flask_babel import gettext

from ..access import Permission, may_capture_in, permissions_in, projects_for
from ..areas.services import area_tree
from ..capture.validation import device_checks
from ..codebook.services import active_codes
from ..guides.services import published_of, version_json
from ..models import User
from ..rounds.services import rounds_of
from .services import PAYLOAD_VERSION


def pages_for(project_id: int, rounds: list[dict[str, Any]]) -> list[str]:
    """The pages of a project a device keeps, so that recording works without a network; each
    round names its own (``pages``), so a device can say which round is ready."""
    pages = [url_for("projects.show", project_id=project_id), url_for("rounds.index", project_id=project_id)]
    for round_ in rounds:
        round_["pages"] = [url_for("capture.round_page", project_id=project_id, round_id=round_["id"])]
        if round_["guide_version_id"]:
            round_["pages"].append(url_for("capture.new_interview", project_id=project_id, round_id=round_["id"]))
        pages.extend(round_["pages"])
    return pages


def offline_bundle(user: User) -> dict[str, Any]:
    """The projects this person records in, with areas, themes, rounds and published guides."""
    projects = []
    pages = [url_for("main.index"), url_for("offline.device")]
    for project, _role in projects_for(user):
        if project.archived or Permission.capture not in permissions_in(project, user):
            continue
        rounds = [r for r in rounds_of(project) if may_capture_in(r, user)]
        versions = {}
        for round_ in rounds:
            version = published_of(round_.guide) if round_.guide else None
            if version is not None:
                versions[version.id] = version_json(version)
        projects.append(
            {
                "id": project.id,
                "name": project.name,
                "resident_text": project.resident_text,
                "areas": [
                    {"id": a.id, "name": a.name, "path": a.path, "level": a.level.value} for a in area_tree(project) if not a.archived
                ],
                "codes": [
                    {"uuid": str(c.uuid), "key": c.key, "name": c.name, "colour": c.colour, "group": c.group.name}
                    for c in active_codes(project)
                ],
                "rounds": [
                    {
                        "id": r.id,
                        "kind": r.kind.value,
                        "name": r.name,
                        "guide_version_id": (published_of(r.guide).id if r.guide and published_of(r.guide) else None),
                        "area_ids": [a.id for a in r.areas],
                        "place": r.place,
                        "starts_on": r.starts_on.isoformat() if r.starts_on else None,
                        "ends_on": r.ends_on.isoformat() if r.ends_on else None,
                    }
                    for r in rounds
                ],
                "guide_versions": list(versions.values()),
            }
        )
        pages.extend(pages_for(project.id, projects[-1]["rounds"]))
    body: dict[str, Any] = {
        "payload_version": PAYLOAD_VERSION,
        "user": {"id": user.id, "name": user.name},
        "projects": projects,
        "pages": pages,
        "checks": device_checks(gettext),
    }
    body["etag"] = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    return body
