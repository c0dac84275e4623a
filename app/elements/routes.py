"""The elements page: the project's catalogue of public-space elements and their target levels."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import Permission, can, get_in_project, project_required
from ..areas.services import area_tree
from ..i18n import QUALITY_LABELS
from ..models import Area, Element, Project
from . import bp, services
from .forms import ElementForm, TargetsForm


def _area(project: Project) -> Area | None:
    area_id = request.args.get("area", type=int)
    return get_in_project(Area, project, area_id) if area_id else None


def _targets_form(project: Project, area: Area | None, elements: list[Element], targets: services.Targets, data: Any = None) -> TargetsForm:
    def empty(element: Element) -> str:
        if area is None:
            return _("No target level")
        holds = targets.level(element.id, area.parent_id)
        return _("As above: %(level)s", level=QUALITY_LABELS[holds]) if holds else _("As above: none")

    form = TargetsForm.build(elements, empty, data)
    if data is None:
        for element, name in form.field_names:
            form[name].data = targets.own(element.id, area.id if area else None) or ""
    return form


def _page(project: Project, status: int = 200, form: TargetsForm | None = None, element_form: ElementForm | None = None) -> Any:
    area = _area(project)
    elements = services.elements_of(project, archived=False)
    targets = services.targets_of(project)
    return render_template(
        "elements/index.html",
        project=project,
        area=area,
        areas=area_tree(project),
        elements=elements,
        archived=[e for e in services.elements_of(project) if e.archived],
        targets=targets,
        form=form or _targets_form(project, area, elements, targets),
        element_form=element_form or ElementForm(prefix="new"),
        may_manage=can(Permission.manage, project),
    ), status


@bp.route("/")
@project_required(Permission.view)
def index(project: Project) -> Any:
    return _page(project)


@bp.route("/targets", methods=["POST"])
@project_required(Permission.manage)
def save_targets(project: Project) -> Any:
    area = _area(project)
    elements = services.elements_of(project, archived=False)
    form = _targets_form(project, area, elements, services.targets_of(project), request.form)
    if not form.validate_on_submit():
        return _page(project, 422, form=form)
    changed = services.set_targets(project, area, form.levels())
    flash(
        _("Target levels saved: %(n)s changed.", n=len(changed)) if changed else _("Nothing changed."),
        "success",
    )
    return redirect(url_for("elements.index", project_id=project.id, area=area.id if area else None))


@bp.route("/new", methods=["POST"])
@project_required(Permission.manage)
def add(project: Project) -> Any:
    form = ElementForm(prefix="new")
    if not form.validate_on_submit():
        return _page(project, 422, element_form=form)
    element = services.add_element(project, form.name.data.strip(), (form.group.data or "").strip(), (form.aspects.data or "").strip())
    flash(_("Element added: %(name)s.", name=element.name), "success")
    return redirect(url_for("elements.index", project_id=project.id))


@bp.route("/<int:element_id>", methods=["GET", "POST"])
@project_required(Permission.manage)
def edit(project: Project, element_id: int) -> Any:
    element = get_in_project(Element, project, element_id)
    form = ElementForm(obj=element)
    if form.validate_on_submit():
        services.update_element(
            element, form.name.data.strip(), (form.group.data or "").strip(), (form.aspects.data or "").strip(), bool(form.archived.data)
        )
        flash(_("Element saved."), "success")
        return redirect(url_for("elements.index", project_id=project.id))
    return render_template("elements/edit.html", project=project, element=element, form=form), 422 if form.errors else 200
