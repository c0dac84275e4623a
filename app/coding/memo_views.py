"""The memo page: the team's memos, searched and listed; a memo added on the project, a code or a
statement, changed or removed by its author (or a coordinator)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, get_in_project, project_required
from ..codebook.services import active_codes
from ..i18n import MEMO_SUBJECT_LABELS, N_
from ..inputs import database_id, query_id
from ..models import Code, Memo, Project
from . import bp, memos, services
from .forms import MemoForm
from .routes import input_url, owner_scope


def memo_form(project: Project) -> MemoForm:
    form = MemoForm()
    form.about.choices = [SelectChoice("project", _("The project as a whole"))] + [
        SelectChoice(f"code:{c.id}", _("Code: %(name)s", name=c.name)) for c in active_codes(project)
    ]
    return form


def add_from_form(project: Project, form: MemoForm) -> None:
    """A memo on what ``about`` names: "project" or "code:<id>" (a statement's memo is written on
    the statement's own page)."""
    about = form.about.data or "project"
    user = current_user._get_current_object()
    if about == "project":
        memos.add_memo(project, user, form.text.data or "")
    elif about.startswith("code:") and database_id(about[5:]) is not None:
        memos.add_memo(project, user, form.text.data or "", code=get_in_project(Code, project, database_id(about[5:])))
    else:
        form.about.errors = [_("Choose what the memo is about.")]
        raise services.CodingError(N_("Choose what the memo is about."))


def may_change(memo: Memo) -> bool:
    return memo.author_id == current_user.id or Permission.manage in g.permissions


def memo_link(project: Project, memo: Memo) -> str | None:
    """Where a memo's statement is coded (for a memo on a statement or a coding)."""
    statement = memos.statement_of(memo)
    if statement is None:
        return None
    kind = "answer" if memo.answer_id or (memo.coding and memo.coding.answer_id) else "contribution"
    args = {"coding": memo.coding_id} if memo.coding_id else {}
    return input_url(project, kind, statement.id, **args)


@bp.route("/memos", methods=["GET", "POST"])
@project_required(Permission.code)
def memo_list(project: Project) -> Any:
    form = memo_form(project)
    if form.validate_on_submit():
        try:
            add_from_form(project, form)
        except services.CodingError as error:
            form.text.errors = [_(error.message, **error.params)]
        else:
            flash(_("Memo saved."), "success")
            return redirect(url_for("coding.memo_list", project_id=project.id))
    search = request.args.get("q", "")[:200]
    about = request.args.get("about", "")
    about = about if about in memos.SUBJECTS else ""
    listed = memos.memos_of(project, search, about, author_id=owner_scope())
    editing = request.args.get("edit", type=query_id)
    return render_template(
        "coding/memos.html",
        project=project,
        form=form,
        listed=listed,
        search=search,
        about=about,
        subjects=memos.SUBJECTS,
        subject_of=memos.subject_of,
        memo_subject_label=lambda subject: _("About %(what)s", what=MEMO_SUBJECT_LABELS[subject]),
        statement_of=memos.statement_of,
        memo_link=lambda memo: memo_link(project, memo),
        may_change=may_change,
        editing=editing,
    ), 422 if form.errors else 200


@bp.route("/memos/<int:memo_id>", methods=["POST"])
@project_required(Permission.code)
def memo_change(project: Project, memo_id: int) -> Any:
    memo = get_in_project(Memo, project, memo_id)
    if not may_change(memo):
        abort(403)
    try:
        memos.change_memo(memo, request.form.get("text", ""))
    except services.CodingError as error:
        flash(_(error.message, **error.params), "error")
        return redirect(url_for("coding.memo_list", project_id=project.id, edit=memo.id)), 303
    flash(_("Memo saved."), "success")
    return redirect(url_for("coding.memo_list", project_id=project.id))


@bp.route("/memos/<int:memo_id>/delete", methods=["POST"])
@project_required(Permission.code)
def memo_delete(project: Project, memo_id: int) -> Any:
    memo = get_in_project(Memo, project, memo_id)
    if not may_change(memo):
        abort(403)
    memos.remove_memo(memo)
    flash(_("Memo removed."), "success")
    return redirect(url_for("coding.memo_list", project_id=project.id))
