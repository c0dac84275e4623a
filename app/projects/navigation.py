"""A project's navigation, in the order the work goes: set up, go into the field, code, report,
and the residents' rights beside it. Six tabs in one row; the open tab's pages in a row beneath."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from ..access import Permission, can
from ..access.policy import rule_for
from ..models import Project


@dataclass
class Item:
    label: Any
    url: str
    current: bool


@dataclass
class Group:
    label: Any
    items: list[Item] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.items[0].url

    @property
    def current(self) -> bool:
        return any(item.current for item in self.items)


def _on(*endpoints: str, blueprints: tuple[str, ...] = (), unless: tuple[str, ...] = ()) -> bool:
    """Whether this request is on one of these pages."""
    endpoint = request.endpoint or ""
    return endpoint not in unless and (endpoint in endpoints or request.blueprint in blueprints)


SECOND_CODING = ("coding.my_samples", "coding.second", "coding.second_done", "coding.second_delete")


def _may_open(endpoint: str, project: Project) -> bool:
    """The endpoint's own access rule decides (the one place), so a tab never leads to a 403."""
    rule = rule_for(endpoint)
    return rule is not None and rule.permission is not None and can(rule.permission, project)


def project_nav(project: Project, second_coding: bool) -> list[Group]:
    """The tabs this user may open in ``project``, each group with the pages in it."""
    reads_all = can(Permission.read_all, project)
    # (group, page, endpoint, is-current, shown besides the access rule); a group with no page for
    # this user is left out.
    pages: list[tuple[Any, Any, str, bool, bool]] = [
        (_l("Overview"), _l("Overview"), "projects.show", _on("projects.show"), True),
        (_l("Setup"), _l("Areas"), "areas.index", _on(blueprints=("areas",)), True),
        (_l("Setup"), _l("Team"), "projects.members", _on("projects.members"), True),
        (_l("Setup"), _l("Guides"), "guides.index", _on("capture.preview", blueprints=("guides",)), True),
        (_l("Setup"), _l("Elements and target levels"), "elements.index", _on(blueprints=("elements",)), True),
        (_l("Setup"), _l("Settings"), "projects.edit", _on("projects.edit"), True),
        (_l("Fieldwork"), _l("Rounds"), "rounds.index", _on("capture.round_page", blueprints=("rounds",)), True),
        (
            _l("Fieldwork"),
            _l("Interviews"),
            "capture.interviews",
            _on("capture.interviews", "capture.interview", "capture.edit_interview", "capture.new_interview", "capture.receipt"),
            True,
        ),
        (_l("Fieldwork"), _l("Contributions"), "capture.contributions", _on("capture.contributions", "capture.edit_contribution"), True),
        (_l("Qualitative coding"), _l("Code input"), "coding.index", _on(blueprints=("coding",), unless=SECOND_CODING), True),
        (_l("Qualitative coding"), _l("Second coding"), "coding.my_samples", _on(*SECOND_CODING), second_coding),
        (_l("Qualitative coding"), _l("Codebook"), "codebook.index", _on(blueprints=("codebook",)), True),
        (_l("Results"), _l("Insights"), "insights.overview", _on(blueprints=("insights",)), True),
        (_l("Results"), _l("Team learning"), "insights.team", _on(blueprints=("insights",)), not reads_all),
        (_l("Results"), _l("Action items"), "actions.index", _on(blueprints=("actions",)), True),
        (_l("Results"), _l("Exports"), "exports.index", _on(blueprints=("exports",)), True),
        (_l("Residents & privacy"), _l("Residents & privacy"), "residents.index", _on(blueprints=("residents",)), True),
        (_l("Residents & privacy"), _l("Audit log"), "audit.project_log", _on(blueprints=("audit",)), True),
    ]
    groups: dict[str, Group] = {}
    for group_label, label, endpoint, current, shown in pages:
        if shown and _may_open(endpoint, project):
            group = groups.setdefault(str(group_label), Group(group_label))
            group.items.append(Item(label, url_for(endpoint, project_id=project.id), current))
    return list(groups.values())
