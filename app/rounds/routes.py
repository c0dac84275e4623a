"""Round pages: list, plan and edit (the round at work, its page and session, is capture's)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..access import Permission, get_in_project, project_required
from ..areas.services import area_tree
from ..inputs import database_id
from ..models import AreaLevel, InfoFormat, Project, Round, RoundKind
from . import bp, services
from .forms import RoundForm


def _local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _prepare(form: RoundForm, project: Project, kind: RoundKind, round_: Round | None = None) -> RoundForm:
    # The page shows one kind's fields; those of the other kind are not part of its form (a hidden
    # required field could never be filled in).
    for name in RoundForm.INFO_FIELDS if kind == RoundKind.street else RoundForm.STREET_FIELDS:
        delattr(form, name)
    guides = services.guides_for_rounds(project)
    form.guide_id.choices = ([SelectChoice("", _("— no guide —"))] if kind == RoundKind.info else []) + [
        SelectChoice(str(g.id), g.name) for g in guides
    ]
    if kind == RoundKind.street:
        # Archived areas are offered no more, except where this round is held already.
        chosen = {a.id for a in round_.areas} if round_ is not None else set()
        form.area_ids.choices = [
            SelectChoice(str(a.id), a.label)
            for a in area_tree(project)
            if a.level != AreaLevel.stadsdeel and (not a.archived or a.id in chosen)
        ]
    form.interviewer_ids.choices = [SelectChoice(str(u.id), u.name) for u in services.field_workers(project)]
    return form


def _data(form: RoundForm, kind: RoundKind) -> services.RoundData:
    data = services.RoundData(
        kind=kind,
        name=form.name.data.strip(),
        guide_id=database_id(form.guide_id.data),
        interviewer_ids=[i for i in map(database_id, form.interviewer_ids.data or []) if i is not None],
    )
    if kind == RoundKind.street:
        data.starts_on, data.ends_on = form.starts_on.data, form.ends_on.data
        data.area_ids = [i for i in map(database_id, form.area_ids.data or []) if i is not None]
    else:
        data.info_format = InfoFormat(form.info_format.data)
        data.place = (form.place.data or "").strip()
        data.starts_at = form.starts_at.data.replace(tzinfo=_local_zone()) if form.starts_at.data else None
    return data


def _checked(form: RoundForm, kind: RoundKind) -> bool:
    valid = form.validate_on_submit()
    if valid and kind == RoundKind.street and not form.guide_id.data:
        form.guide_id.errors = [_("Street interviews need a published guide.")]
        valid = False
    allowed = {c.value for c in form.guide_id.choices if c.value}
    if valid and form.guide_id.data and form.guide_id.data not in allowed:
        form.guide_id.errors = [_("Choose a published guide of this project.")]
        valid = False
    return valid


@bp.route("/")
@project_required(Permission.view)
def index(project: Project) -> Any:
    return render_template("rounds/index.html", project=project, rounds=services.rounds_of(project))


@bp.route("/new/<any(street, info):kind>", methods=["GET", "POST"])
@project_required(Permission.manage)
def create(project: Project, kind: str) -> Any:
    round_kind = RoundKind(kind)
    form = _prepare(RoundForm(), project, round_kind)
    if _checked(form, round_kind):
        round_ = services.create_round(project, _data(form, round_kind))
        flash(_("Round planned."), "success")
        return redirect(url_for("capture.round_page", project_id=project.id, round_id=round_.id))
    status = 422 if form.errors else 200
    return render_template("rounds/form.html", project=project, form=form, kind=round_kind, round=None), status


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@project_required(Permission.manage)
def edit(project: Project, round_id: int) -> Any:
    round_ = get_in_project(Round, project, round_id)
    form = _prepare(RoundForm(obj=round_), project, round_.kind, round_)
    if request.method == "GET":
        form.guide_id.data = str(round_.guide_id or "")
        if round_.kind == RoundKind.street:
            form.area_ids.data = [str(a.id) for a in round_.areas]
        form.interviewer_ids.data = [str(u.id) for u in round_.interviewers]
        if round_.info_format:
            form.info_format.data = round_.info_format.value
        if round_.starts_at:
            form.starts_at.data = round_.starts_at.astimezone(_local_zone()).replace(tzinfo=None)
    elif _checked(form, round_.kind):
        services.update_round(round_, project, _data(form, round_.kind))
        flash(_("Round saved."), "success")
        return redirect(url_for("capture.round_page", project_id=project.id, round_id=round_.id))
    status = 422 if form.errors else 200
    return render_template("rounds/form.html", project=project, form=form, kind=round_.kind, round=round_), status
