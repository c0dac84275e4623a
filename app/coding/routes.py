"""The coding workbench: a queue of what residents said, and coding one input."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, get_in_project, project_required
from ..actions.services import actions_of, open_actions  # an upward import: the workbench offers the action items a text may join
from ..areas.services import area_tree
from ..codebook.services import active_codes
from ..extensions import db
from ..filters import Filters
from ..i18n import N_
from ..inputs import database_id, list_position, page_number, query_id
from ..models import Answer, Code, Coding, CodingSample, CodingSource, Contribution, Project, Sentiment
from ..rounds.services import field_workers, round_names
from . import bp, conversation, learning, memos, queries, services
from .forms import CodingForm, MemoForm

ACCEPTED = {"suggestion": CodingSource.suggestion, "quick_tag": CodingSource.quick_tag, "model": CodingSource.model}


def owner_scope() -> int | None:
    """Coordinators code everyone's input; an interviewer (if allowed) only their own."""
    return None if Permission.read_all in g.permissions else current_user.id


def may_code(target: Any) -> bool:
    scope = owner_scope()
    return scope is None or services.input_owner_id(target) == scope


def coding_target(project: Project, kind: str, input_id: int) -> Any:
    target = get_in_project(Answer if kind == "answer" else Contribution, project, input_id)
    if not may_code(target):
        abort(404)
    return target


def input_url(project: Project, kind: str, input_id: int, **args: Any) -> str:
    if kind == "answer":
        return url_for("coding.answer", project_id=project.id, answer_id=input_id, **args)
    return url_for("coding.contribution", project_id=project.id, contribution_id=input_id, **args)


def filter_options(project: Project) -> dict[str, Any]:
    return {
        "rounds": round_names(project),
        "questions": queries.open_questions(project),
        "areas": area_tree(project),
        "people": field_workers(project) if Permission.see_people in g.permissions else [],
        "codes": active_codes(project),
    }


def coding_form(codes: list[Code]) -> CodingForm:
    form = CodingForm()
    form.code.choices = sorted((SelectChoice(str(c.id), f"{c.key} {c.name}") for c in codes), key=lambda choice: choice.label)
    return form


def chosen_span(target: Any, form: CodingForm) -> tuple[int | None, int | None]:
    return services.span_from_form(services.input_text(target), form.start.data, form.end.data, form.fragment.data)


def code_from_form(project: Project, target: Any, form: CodingForm, sample: CodingSample | None = None) -> bool:
    """Apply the code a submitted coding form describes (``sample``: blind, for a second coder).

    True when coded; on a refusal the message is put on the form."""
    code_id = database_id(form.code.data)
    if code_id is None:
        form.code.errors = [_("Choose a code.")]
        return False
    code = get_in_project(Code, project, code_id)
    user = current_user._get_current_object()
    try:
        start, end = chosen_span(target, form)
        coding, new = services.code_input(
            project,
            target,
            code,
            user,
            start,
            end,
            Sentiment(form.sentiment.data) if form.sentiment.data else None,
            bool(form.is_quote.data),
            # A suggestion a person accepted: from a keyword rule, or the interviewer's tag in the field.
            source=ACCEPTED.get(request.form.get("accept", ""), CodingSource.manual),
            sample=sample,
        )
        if new and (form.memo.data or "").strip():
            memos.set_coding_memo(coding, user, form.memo.data or "")
    except services.CodingError as error:
        form.fragment.errors = [_(error.message, **error.params)]
        return False
    flash(_("Coded."), "success")
    return True


def change_from_form(project: Project, coding: Coding, form: CodingForm) -> bool:
    """Change a coding as its edit form says: code, span, sentiment, quote, and the editor's memo on it."""
    code_id = database_id(form.code.data)
    if code_id is None:
        form.code.errors = [_("Choose a code.")]
        return False
    code = get_in_project(Code, project, code_id)
    try:
        start, end = chosen_span(coding.answer or coding.contribution, form)
        services.update_coding(
            coding, code, start, end, Sentiment(form.sentiment.data) if form.sentiment.data else None, bool(form.is_quote.data)
        )
        memos.set_coding_memo(coding, current_user._get_current_object(), form.memo.data or "")
    except services.CodingError as error:
        form.fragment.errors = [_(error.message, **error.params)]
        return False
    flash(_("Coding changed."), "success")
    return True


def edit_form(codes: list[Code], coding: Coding) -> CodingForm:
    """The coding form filled in with ``coding`` (on a GET; a POST keeps what was sent)."""
    form = coding_form(codes if coding.code in codes else [coding.code, *codes])
    if request.method == "GET":
        mine = next((m for m in coding.memos if m.author_id == current_user.id), None)
        form.code.data = str(coding.code_id)
        form.fragment.data = coding.fragment
        form.start.data = "" if coding.start is None else str(coding.start)
        form.end.data = "" if coding.end is None else str(coding.end)
        form.sentiment.data = coding.sentiment.value if coding.sentiment else ""
        form.is_quote.data = coding.is_quote
        form.memo.data = mine.text if mine else ""
    return form


@bp.route("/", methods=["GET", "POST"])
@project_required(Permission.code)
def index(project: Project) -> Any:
    filters = Filters.from_args(request.args, owner_scope())
    if request.method == "POST":  # bulk coding of the selected inputs
        return _bulk(project, filters)
    page = queries.queue(project, filters, page=request.args.get("page", 1, type=page_number))
    learning.train_when_due(project)  # an imported or long-untouched project learns as soon as the queue opens
    return render_template(
        "coding/index.html",
        project=project,
        page=page,
        counted=format_decimal(queries.QUEUE_COUNTED),  # "10.000"
        filters=filters,
        args=filters.as_args(),
        input_url=input_url,
        open_actions=open_actions(project) if Permission.manage in g.permissions else [],
        learned=learning.current(project),
        learning=learning,
        **filter_options(project),
    )


@bp.route("/learn", methods=["POST"])
@project_required(Permission.manage)
def learn(project: Project) -> Any:
    """A coordinator asks for the learned suggestions to be trained again now."""
    if not current_app.config["TRAIN_SUGGESTIONS"]:
        flash(_("Learning suggestions is switched off on this server."), "error")
    elif learning.train_when_due(project, force=True):
        flash(_("The suggestions are learning from the codings; this takes a minute at most."), "success")
    else:
        flash(_("The suggestions are already learning; this takes a minute at most."), "info")
    return redirect(url_for("coding.index", project_id=project.id))


def _bulk(project: Project, filters: Filters) -> Any:
    back = url_for("coding.index", project_id=project.id, page=request.args.get("page", 1, type=page_number), **filters.as_args())
    targets = [services.parse_input_key(project, key) for key in request.form.getlist("inputs")[:500]]
    code = db.session.get(Code, request.form.get("code", type=query_id) or 0)
    sentiment = request.form.get("sentiment", "")
    try:
        if any(t is None or not may_code(t) for t in targets):
            raise services.CodingError(N_("Some of the selected inputs cannot be found."))
        if code is None or code.project_id != project.id:
            raise services.CodingError(N_("Choose a code."))
        added = services.apply_to_many(
            project,
            targets,
            code,
            current_user._get_current_object(),
            Sentiment(sentiment) if sentiment in Sentiment._value2member_map_ else None,
        )
    except services.CodingError as error:
        flash(_(error.message, **error.params), "error")
        db.session.rollback()
        return redirect(back)
    flash(ngettext("%(num)s input coded with %(code)s.", "%(num)s inputs coded with %(code)s.", added, code=code.name), "success")
    return redirect(back)


def _input_page(project: Project, target: Any, kind: str) -> Any:
    filters = Filters.from_args(request.args, owner_scope())
    position = request.args.get("pos", type=list_position)
    codes = active_codes(project)
    blocks = conversation.conversation(target, owner_scope())
    editing = conversation.coding_in(blocks, request.args.get("coding", type=query_id))
    form = edit_form(codes, editing) if editing is not None else coding_form(codes)
    memo_form = MemoForm(prefix="memo")
    if request.method == "POST" and "memo-text" in request.form:  # a memo on this statement
        if memo_form.validate_on_submit():
            memos.add_memo(project, current_user._get_current_object(), memo_form.text.data or "", target=target)
            flash(_("Memo saved."), "success")
            return redirect(request.full_path)
    elif form.validate_on_submit():
        if editing is not None:
            if change_from_form(project, editing, form):
                return redirect(input_url(project, kind, target.id, **_queue_args(filters, position)))
        else:
            # A selection in another statement of the conversation codes that statement.
            chosen = conversation.statement_in(blocks, form.input.data) if form.input.data else target
            if chosen is None:
                form.fragment.errors = [_("This statement is not part of this conversation.")]
            elif code_from_form(project, chosen, form):
                return redirect(request.full_path)
    if request.method == "GET":
        learning.train_when_due(project)  # in the background, when enough was coded since the last time
    neighbours = {}
    if position is not None:
        for step, name in ((-1, "previous"), (1, "next")):
            found = queries.item_at(project, filters, position + step)
            if found is not None:
                neighbours[name] = input_url(project, found.kind, found.id, pos=position + step, **filters.as_args())
    codings = next(b.codings for b in blocks if b.current)  # loaded with the conversation, memos too
    return render_template(
        "coding/input.html",
        project=project,
        target=target,
        kind=kind,
        text=services.input_text(target),
        blocks=blocks,
        editing=editing,
        codings=codings,
        suggestions=services.suggested_codes(project, target, codes, codings),
        form=form,
        memo_form=memo_form,
        statement_memos=memos.memos_on(target),
        actions=actions_of(target) if Permission.read_all in g.permissions else [],
        open_actions=open_actions(project) if Permission.manage in g.permissions else [],
        back=url_for("coding.index", project_id=project.id, **filters.as_args()),
        here=lambda **args: input_url(project, kind, target.id, **_queue_args(filters, position), **args),
        neighbours=neighbours,
    ), 422 if form.errors or memo_form.errors else 200


def _queue_args(filters: Filters, position: int | None) -> dict[str, Any]:
    """The queue's filters and place, carried along so "Previous" and "Next" keep working."""
    return {**({"pos": position} if position is not None else {}), **filters.as_args()}


@bp.route("/answers/<int:answer_id>", methods=["GET", "POST"])
@project_required(Permission.code)
def answer(project: Project, answer_id: int) -> Any:
    return _input_page(project, coding_target(project, "answer", answer_id), "answer")


@bp.route("/contributions/<int:contribution_id>", methods=["GET", "POST"])
@project_required(Permission.code)
def contribution(project: Project, contribution_id: int) -> Any:
    return _input_page(project, coding_target(project, "contribution", contribution_id), "contribution")


@bp.route("/answers/<int:answer_id>/reject", methods=["POST"], endpoint="reject_answer")
@bp.route("/contributions/<int:contribution_id>/reject", methods=["POST"], endpoint="reject_contribution")
@project_required(Permission.code)
def reject(project: Project, answer_id: int | None = None, contribution_id: int | None = None) -> Any:
    kind, input_id = ("answer", answer_id) if answer_id is not None else ("contribution", contribution_id)
    target = coding_target(project, kind, input_id)  # type: ignore[arg-type]
    code = get_in_project(Code, project, request.form.get("code", type=query_id))
    services.reject_suggestion(project, target, code, current_user._get_current_object())
    flash(_("Suggestion %(code)s rejected.", code=code.name), "success")
    return redirect(input_url(project, kind, target.id))


@bp.route("/codings/<int:coding_id>/delete", methods=["POST"])
@project_required(Permission.code)
def delete(project: Project, coding_id: int) -> Any:
    coding = get_in_project(Coding, project, coding_id)
    if coding.sample_id is not None:
        abort(404)  # a second coder's blind coding is removed on the sample's own screen
    kind, input_id = ("answer", coding.answer_id) if coding.answer_id else ("contribution", coding.contribution_id)
    coding_target(project, kind, input_id)  # type: ignore[arg-type]
    services.remove_coding(coding)
    flash(_("Coding removed."), "success")
    return redirect(input_url(project, kind, input_id))  # type: ignore[arg-type]
