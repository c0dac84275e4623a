"""Guide pages: list, editor, questions and sections, publish, preview, exchange, copy."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, can, get_in_project, project_required, projects_for
from ..areas.services import area_tree
from ..elements.services import elements_of
from ..inputs import JSONRefused, json_problem, parse_json, reason_text
from ..models import Guide, GuideVersion, Project, Question, Section
from . import bp, services, xlsform
from .forms import CopyForm, FileForm, GuideForm, QuestionForm, SectionForm, condition_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _guide(project: Project, guide_id: int) -> Guide:
    return get_in_project(Guide, project, guide_id)


def _of_guide(model: Any, project: Project, guide: Guide, object_id: int) -> Any:
    """A version, section or question of this guide, or 404."""
    obj = get_in_project(model, project, object_id)
    version = obj if isinstance(obj, GuideVersion) else obj.version
    if version.guide_id != guide.id:
        abort(404)
    return obj


def _problem_texts(problems: list[Any]) -> list[str]:
    return [(f"{p.where}: " if p.where else "") + _(p.message, **p.params) for p in problems]


def _copy_targets(project: Project) -> list[Project]:
    return [p for p, _role in projects_for(current_user) if p.id != project.id and can(Permission.manage, p)]


@bp.route("/")
@project_required(Permission.manage)
def index(project: Project) -> Any:
    return render_template(
        "guides/index.html",
        project=project,
        guides=services.guides_of(project),
        form=GuideForm(),
        import_form=FileForm(),
        draft_of=services.draft_of,
        published_of=services.published_of,
    )


@bp.route("/new", methods=["POST"])
@project_required(Permission.manage)
def create(project: Project) -> Any:
    form = GuideForm()
    if not form.validate_on_submit():
        flash(_("Give the guide a name."), "error")
        return redirect(url_for("guides.index", project_id=project.id))
    guide = services.create_guide(project, form.name.data)
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))


def _question_forms(
    project: Project, version: GuideVersion, failed: QuestionForm | None = None, editing: int | None = None
) -> dict[str, QuestionForm]:
    """The builder's forms, by prefix: one to add a question at the end of each section ("new<id>-"),
    and the form of the question being edited ("q<id>-"; the others show a link that opens theirs, so
    a long guide's page stays small); ``failed`` (sent and refused) keeps what was typed."""
    elements = [(e.key, e.name) for e in elements_of(project, archived=False)]
    forms: dict[str, QuestionForm] = {}
    earlier: list[Question] = []
    for section in version.sections:
        for question in section.questions:
            prefix = f"q{question.id}-"
            if failed is not None and failed._prefix == prefix:
                forms[prefix] = failed
            elif question.id == editing:
                forms[prefix] = QuestionForm(prefix=prefix, formdata=None).prepare(version.sections, list(earlier), elements)
                forms[prefix].load(question)
            earlier.append(question)
        prefix = f"new{section.id}-"
        if failed is not None and failed._prefix == prefix:
            forms[prefix] = failed
        else:
            forms[prefix] = QuestionForm(prefix=prefix, formdata=None).prepare(version.sections, list(earlier), elements)
            forms[prefix].section.data = str(section.id)
    return forms


def _builder(project: Project, guide: Guide, failed: QuestionForm | None = None, status: int = 200) -> Any:
    draft = services.draft_of(guide)
    version = draft or guide.versions[-1]
    copy_form = CopyForm()
    copy_form.target.choices = [SelectChoice(str(p.id), p.name) for p in _copy_targets(project)]
    return render_template(
        "guides/edit.html",
        project=project,
        guide=guide,
        version=version,
        problems=_problem_texts(services.problems_of(version)) if draft else [],
        question_forms=_question_forms(project, draft, failed, request.args.get("edit", type=int)) if draft else {},
        rule_words={c.value: c.label for c in condition_choices(version.questions)},  # a show-if rule in words
        failed=failed._prefix if failed is not None else None,
        section_form=SectionForm(),
        copy_form=copy_form,
        element_names={e.key: e.name for e in elements_of(project)},
    ), status


@bp.route("/<int:guide_id>")
@project_required(Permission.manage)
def edit(project: Project, guide_id: int) -> Any:
    """The guide builder: every question and section edited in place, the tablet preview beside it."""
    return _builder(project, _guide(project, guide_id))


@bp.route("/<int:guide_id>/versions", methods=["POST"])
@project_required(Permission.manage)
def new_version(project: Project, guide_id: int) -> Any:
    services.ensure_draft(_guide(project, guide_id))
    flash(_("A new draft version is ready. Interviews keep using the published version until you publish this one."), "success")
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide_id))


@bp.route("/<int:guide_id>/publish", methods=["GET", "POST"])
@project_required(Permission.manage)
def publish(project: Project, guide_id: int) -> Any:
    """GET: what publishing changes (questions, rounds, interviews taken) and a confirmation; POST: publish."""
    guide = _guide(project, guide_id)
    draft = services.draft_of(guide)
    if draft is None:
        abort(409)
    if request.method == "GET":
        problems = _problem_texts(services.problems_of(draft))
        return render_template(
            "guides/publish.html", project=project, guide=guide, version=draft, changes=services.changes_of(draft), problems=problems
        )
    try:
        services.publish(draft, current_user._get_current_object())
    except services.GuideInvalid as error:
        for text in _problem_texts(error.problems):
            flash(text, "error")
        return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))
    flash(_("Version %(n)s is published. New interviews use it.", n=draft.number), "success")
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))


@bp.route("/<int:guide_id>/questions/new", methods=["POST"])
@bp.route("/<int:guide_id>/questions/<int:question_id>", methods=["POST"])
@project_required(Permission.manage)
def question(project: Project, guide_id: int, question_id: int | None = None) -> Any:
    """Save a question from the builder: an existing one (its form "q<id>-") or a new one at the
    end of a section (``?section=<id>``, its form "new<id>-")."""
    guide = _guide(project, guide_id)
    draft = services.draft_of(guide)
    existing = _of_guide(Question, project, guide, question_id) if question_id else None
    if draft is None or (existing is not None and existing.version_id != draft.id):
        abort(409)  # published versions do not change
    into = existing.section if existing is not None else next((s for s in draft.sections if str(s.id) == request.args.get("section")), None)
    if into is None:
        into = draft.sections[-1]
    questions = draft.questions
    if existing is not None:
        earlier = questions[: questions.index(existing)]
    else:
        earlier = [q for s in draft.sections if s.position <= into.position for q in s.questions]
    prefix = f"q{existing.id}-" if existing is not None else f"new{into.id}-"
    form = QuestionForm(prefix=prefix).prepare(draft.sections, earlier, [(e.key, e.name) for e in elements_of(project, archived=False)])
    if not form.validate_on_submit():
        return _builder(project, guide, form, 422)
    section = next((s for s in draft.sections if str(s.id) == form.section.data), None)
    if section is None:
        form.section.errors = [_("Choose a section.")]
        return _builder(project, guide, form, 422)
    data = form.to_def()
    if existing is not None:  # the builder does not edit translations: they stay (without options that went)
        data.translations = services.kept_translations(existing.translations or {}, data.option_values)
    try:
        saved = services.save_question(draft, section, data, existing)
    except services.GuideInvalid as error:
        form.form_errors.extend(_problem_texts(error.problems))
        return _builder(project, guide, form, 422)
    flash(_("Question saved: %(label)s", label=saved.label[:80]), "success")
    # After adding, the next question is typed in the same place (autofocus, which a browser skips
    # when the address has a #fragment); after editing, back at the question.
    if existing is None:
        return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id, added=section.id))
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id) + f"#q-{saved.id}")


@bp.route("/<int:guide_id>/questions/<int:question_id>/move", methods=["POST"])
@project_required(Permission.manage)
def move_question(project: Project, guide_id: int, question_id: int) -> Any:
    guide = _guide(project, guide_id)
    question = _of_guide(Question, project, guide, question_id)
    try:
        services.move_question(question, -1 if request.form.get("step") == "up" else 1)
    except services.GuideLocked:
        abort(409)
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id) + f"#q-{question.id}")


@bp.route("/<int:guide_id>/questions/<int:question_id>/delete", methods=["POST"])
@project_required(Permission.manage)
def delete_question(project: Project, guide_id: int, question_id: int) -> Any:
    guide = _guide(project, guide_id)
    try:
        services.delete_question(_of_guide(Question, project, guide, question_id))
    except services.GuideLocked:
        abort(409)
    flash(_("Question deleted."), "success")
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))


@bp.route("/<int:guide_id>/sections", methods=["POST"])
@bp.route("/<int:guide_id>/sections/<int:section_id>", methods=["POST"])
@project_required(Permission.manage)
def section(project: Project, guide_id: int, section_id: int | None = None) -> Any:
    guide = _guide(project, guide_id)
    draft = services.draft_of(guide)
    form = SectionForm()
    if draft is None or not form.validate_on_submit():
        abort(409 if draft is None else 400)
    try:
        if section_id is None:
            services.add_section(draft, form.title.data or "")
        else:
            services.rename_section(_of_guide(Section, project, guide, section_id), form.title.data or "")
    except services.GuideLocked:
        abort(409)
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))


@bp.route("/<int:guide_id>/sections/<int:section_id>/delete", methods=["POST"])
@project_required(Permission.manage)
def delete_section(project: Project, guide_id: int, section_id: int) -> Any:
    guide = _guide(project, guide_id)
    try:
        services.delete_section(_of_guide(Section, project, guide, section_id))
    except services.GuideLocked:
        abort(409)
    except services.GuideInvalid as error:
        for text in _problem_texts(error.problems):
            flash(text, "error")
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))


@bp.route("/<int:guide_id>/versions/<int:version_id>/export.json")
@project_required(Permission.manage)
def export_json(project: Project, guide_id: int, version_id: int) -> Any:
    version = _of_guide(GuideVersion, project, _guide(project, guide_id), version_id)
    body = json.dumps(services.to_document(version), ensure_ascii=False, indent=2)
    filename = f"gespreksleidraad-{guide_id}-v{version.number}.json"
    return Response(body, mimetype="application/json", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<int:guide_id>/versions/<int:version_id>/export.xlsx")
@project_required(Permission.manage)
def export_xlsform(project: Project, guide_id: int, version_id: int) -> Any:
    """The version as an XLSForm workbook, for ODK or KoboToolbox (and back into this app)."""
    version = _of_guide(GuideVersion, project, _guide(project, guide_id), version_id)
    areas = [(str(a.id), a.label) for a in area_tree(project)]
    body = xlsform.write(version.guide.name, version.number, services.definition_of(version), areas, (_("Yes"), _("No")))
    filename = f"gespreksleidraad-{guide_id}-v{version.number}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _import_failed(project: Project, messages: list[str]) -> Any:
    if len(messages) > xlsform.MAX_PROBLEMS:
        rest = len(messages) - xlsform.MAX_PROBLEMS
        messages = [*messages[: xlsform.MAX_PROBLEMS], _("… and %(count)s more problems.", count=rest)]
    return render_template("guides/import_failed.html", project=project, messages=messages), 422


@bp.route("/import/json", methods=["POST"])
@project_required(Permission.manage)
def import_json(project: Project) -> Any:
    form = FileForm()
    if not form.validate_on_submit():
        return _import_failed(project, [_("Choose a file.")])
    try:
        document = parse_json(form.file.data.read())
    except JSONRefused:
        return _import_failed(project, [_("This is not a JSON file.")])
    refused = json_problem(document)
    if refused is not None:
        return _import_failed(project, [f"{refused.where[:64]}: {_(reason_text(refused))}"])
    try:
        name, sections = services.from_document(document)
    except services.GuideInvalid as error:
        return _import_failed(project, _problem_texts(error.problems))
    guide = services.import_guide(project, name, sections, "json")
    flash(_("Guide imported as a draft. Check it and publish it."), "success")
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))


@bp.route("/import/xlsform", methods=["POST"])
@project_required(Permission.manage)
def import_xlsform(project: Project) -> Any:
    form = FileForm()
    if not form.validate_on_submit():
        return _import_failed(project, [_("Choose a file.")])
    try:
        result = xlsform.read(form.file.data.read(), form.file.data.filename or "")
    except xlsform.XLSFormError as error:
        return _import_failed(project, [_row_text(p) for p in error.problems])
    guide = services.import_guide(project, result.name, result.sections, "xlsform")
    flash(_("Guide imported as a draft. Check it and publish it."), "success")
    for skipped in result.skipped:
        flash(_row_text(skipped), "info")
    return redirect(url_for("guides.edit", project_id=project.id, guide_id=guide.id))


def _row_text(problem: xlsform.RowProblem) -> str:
    text = _(problem.message, **problem.params)
    if problem.row:
        return _("Sheet %(sheet)s, row %(row)s:", sheet=problem.sheet, row=problem.row) + " " + text
    return text


@bp.route("/<int:guide_id>/copy", methods=["POST"])
@project_required(Permission.manage)
def copy(project: Project, guide_id: int) -> Any:
    guide = _guide(project, guide_id)
    form = CopyForm()
    target = next((p for p in _copy_targets(project) if str(p.id) == form.target.data), None)
    if not form.validate_on_submit() or target is None:
        abort(404)
    copied = services.copy_guide(guide, target)
    flash(_("Guide copied to %(project)s as a draft.", project=target.name), "success")
    return redirect(url_for("guides.edit", project_id=target.id, guide_id=copied.id))
