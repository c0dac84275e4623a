"""The coding workbench: a queue of what residents said, and coding one input."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, get_in_project, project_required
from ..codebook.services import active_codes
from ..i18n import N_
from ..models import Answer, Code, Coding, CodingSource, Contribution, Project, Sentiment
from . import bp, queries, services
from .forms import CodingForm


@bp.route("/")
@project_required(Permission.manage)
def index(project: Project) -> Any:
    args = request.args
    page = queries.queue(
        project,
        page=args.get("page", 1, type=int),
        round_id=args.get("round", type=int),
        code_id=args.get("code", type=int),
        uncoded=args.get("uncoded") == "1",
        search=args.get("q", ""),
    )
    return render_template("coding/index.html", project=project, page=page, codes=active_codes(project), args=args)


def _input_page(project: Project, target: Any, kind: str) -> Any:
    form = CodingForm()
    form.code.choices = [SelectChoice(str(c.id), f"{c.key} {c.name}") for c in active_codes(project)]
    form.code.choices.sort(key=lambda choice: choice.label)
    if form.validate_on_submit():
        code = get_in_project(Code, project, int(form.code.data or 0))
        text = services.input_text(target)
        start = end = None
        try:
            if (form.start.data or "").isdigit() and (form.end.data or "").isdigit():
                start, end = services.utf16_to_index(text, int(form.start.data)), services.utf16_to_index(text, int(form.end.data))
            elif (form.fragment.data or "").strip():
                span = services.find_fragment(text, form.fragment.data)
                if span is None:
                    raise services.CodingError(N_("This fragment is not in the text."))
                start, end = span
            # A suggestion a person accepted: from a keyword rule, or the interviewer's tag in the field.
            accepted = {"suggestion": CodingSource.suggestion, "quick_tag": CodingSource.quick_tag}.get(request.form.get("accept", ""))
            services.apply_code(
                project, target, code, current_user._get_current_object(), start, end,
                Sentiment(form.sentiment.data) if form.sentiment.data else None, bool(form.is_quote.data), form.memo.data or "",
                source=accepted or CodingSource.manual,
            )
        except services.CodingError as error:
            form.fragment.errors = [_(error.message, **error.params)]
        else:
            flash(_("Coded."), "success")
            return redirect(request.path)
    codes = active_codes(project)
    status = 422 if form.errors else 200
    return render_template(
        "coding/input.html", project=project, target=target, kind=kind, text=services.input_text(target),
        codings=services.codings_of(target), suggestions=services.suggested_codes(project, target, codes), form=form,
    ), status


@bp.route("/answers/<int:answer_id>", methods=["GET", "POST"])
@project_required(Permission.manage)
def answer(project: Project, answer_id: int) -> Any:
    return _input_page(project, get_in_project(Answer, project, answer_id), "answer")


@bp.route("/contributions/<int:contribution_id>", methods=["GET", "POST"])
@project_required(Permission.manage)
def contribution(project: Project, contribution_id: int) -> Any:
    return _input_page(project, get_in_project(Contribution, project, contribution_id), "contribution")


@bp.route("/codings/<int:coding_id>/delete", methods=["POST"])
@project_required(Permission.manage)
def delete(project: Project, coding_id: int) -> Any:
    coding = get_in_project(Coding, project, coding_id)
    back = url_for("coding.answer", project_id=project.id, answer_id=coding.answer_id) if coding.answer_id else url_for(
        "coding.contribution", project_id=project.id, contribution_id=coding.contribution_id
    )
    services.remove_coding(coding)
    flash(_("Coding removed."), "success")
    return redirect(back)
