"""Recording in the field, and reading and correcting what was recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, get_in_project, get_input, may_capture_in, project_required
from ..areas.services import area_tree, within
from ..codebook.services import active_codes
from ..elements.services import elements_of
from ..guides.services import published_of
from ..i18n import RESPONDENT_LABELS
from ..inputs import page_number, query_id
from ..models import Contribution, GuideVersion, InfoFormat, Interview, Project, Round, RoundKind
from ..photos import services as photos
from ..photos.routes import record_photos
from ..questions import kind_of
from ..questions.base import Invalid
from ..questions.photo import PHOTOS_MOST, photo_uuids
from ..rounds import services as rounds_services
from ..rounds.forms import SessionForm
from ..security import framed_by_self
from ..widgets import area_choices
from . import bp, queries, recording, services
from .forms import ContributionForm, interview_form, payload_of, show_errors
from .validation import validate_contribution, validate_interview


def _capture_round(project: Project, round_id: int) -> Round:
    round_ = get_in_project(Round, project, round_id)
    if not may_capture_in(round_):
        abort(403)
    return round_


def _refusal_page(refused: recording.Refused) -> Any:
    """A record the form cannot store for another reason than its fields (those show at the fields)."""
    if refused.status == 409:
        return render_template(
            "errors/error.html",
            code=409,
            title=_("This interview was already saved with other answers"),
            message=_("Nothing was changed. Start a new interview, or ask a coordinator to correct the saved one."),
        ), 409
    if refused.status == 410:
        return render_template(
            "errors/error.html",
            code=410,
            title=_("This record was erased"),
            message=_("It was erased on the resident's request or when its retention period ended; nothing was stored."),
        ), 410
    abort(refused.status)


@bp.route("/rounds/<int:round_id>/interviews/new", methods=["GET", "POST"])
@project_required(Permission.capture)
def new_interview(project: Project, round_id: int) -> Any:
    round_ = _capture_round(project, round_id)
    version = published_of(round_.guide) if round_.guide else None
    if version is None:
        flash(_("This round has no published guide yet."), "error")
        return redirect(url_for("capture.round_page", project_id=project.id, round_id=round_.id))
    areas, codes = area_tree(project), active_codes(project)
    form = interview_form(version, areas, codes, project.offered_respondents)
    # Where the interview took place: the round's own areas and the buurten in them (an area
    # question about another part of town still offers them all).
    form.area_id.choices = area_choices(within([a for a in areas if not a.archived], list(round_.areas)))
    if request.method == "GET" and round_.areas and len(round_.areas) == 1:
        form.area_id.data = str(round_.areas[0].id)
    if request.method == "GET" and request.args.get("paper") == "1":
        form.mode.data = "paper"  # typed in at a desk from a paper form
    paper = form.mode.data == "paper"
    if paper:
        form.consent.label.text = _("The resident agreed on the paper form (ticked or signed)")
    if form.validate_on_submit():
        # Sent again (a double tap, the back button): it ends when it first did, so it is the same interview.
        ended = services.stored_end(project, form.uuid.data)
        payload = {**payload_of(form, version, now=ended), "round_id": round_.id, "guide_version_id": version.id}
        result = recording.interview(project, payload, current_user._get_current_object())
        if isinstance(result, recording.Recorded):
            return redirect(url_for("capture.receipt", project_id=project.id, interview_id=result.record.id))
        if result.status != 422:
            return _refusal_page(result)
        show_errors(form, version, result.errors)
    status = 422 if request.method == "POST" else 200
    today = datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date().isoformat()  # a paper form's latest day
    page = render_template(
        "capture/interview.html", project=project, round=round_, version=version, form=form, preview=False, paper=paper, today=today
    )
    return page, status


@bp.route("/rounds/<int:round_id>/paper")
@project_required(Permission.capture)
def paper_form(project: Project, round_id: int) -> Any:
    """The round's guide as a paper form, for residents who prefer paper to a screen: printed,
    filled in with a pen, and typed in afterwards (``new_interview`` with ``?paper=1``)."""
    round_ = _capture_round(project, round_id)
    version = published_of(round_.guide) if round_.guide else None
    if version is None:
        abort(404)
    questions = {q.key: q for q in version.questions}
    rules = {}  # a question's show-if rule as a resident reads it: the other question's answer in words
    for q in version.questions:
        target = questions.get((q.show_if or {}).get("question", ""))
        if target is not None:
            value = q.show_if["value"]
            words = (
                {"yes": _("Yes"), "no": _("No")}
                if kind_of(target).name == "yes_no"
                else {o["value"]: o["label"] for o in target.options or []}
            )
            rules[q.key] = f"“{words.get(value, value)}”"
    return render_template(
        "capture/paper.html", project=project, round=round_, version=version, respondents=project.offered_respondents, rules=rules
    )


@bp.route("/interviews/<int:interview_id>/receipt")
@project_required(Permission.capture)
def receipt(project: Project, interview_id: int) -> Any:
    interview = get_input(Interview, project, interview_id)
    return render_template("capture/receipt.html", project=project, interview=interview)


def _contribution_form(project: Project, round_: Round) -> ContributionForm:
    areas = [a for a in area_tree(project) if not a.archived]  # a new contribution: no archived area offered
    form = ContributionForm().prepare(areas, active_codes(project), elements_of(project, archived=False))
    if round_.info_format == InfoFormat.walk:
        form.text.label.text = _("What we see")
    return form


@bp.route("/rounds/<int:round_id>/contributions", methods=["POST"])
@project_required(Permission.capture)
def add_contribution(project: Project, round_id: int) -> Any:
    round_ = _capture_round(project, round_id)
    if round_.kind != RoundKind.info:
        abort(404)
    form = _contribution_form(project, round_)
    if form.validate_on_submit():
        result = recording.contribution(project, {**form.payload(), "round_id": round_.id}, current_user._get_current_object())
        if isinstance(result, recording.Recorded):
            flash(_("Contribution saved. Next one!"), "success")
            return redirect(url_for("capture.round_page", project_id=project.id, round_id=round_.id) + "#new-contribution")
        if result.status != 422:
            return _refusal_page(result)
        form.show_errors(result.errors)
    return render_template(
        "rounds/session.html",
        project=project,
        round=round_,
        form=form,
        session_form=SessionForm(obj=round_),
        contributions=queries.contributions_in_round(round_),
    ), 422


@bp.route("/interviews/")
@project_required(Permission.view)
def interviews(project: Project) -> Any:
    page = queries.listing("interviews", project, request.args.get("page", 1, type=page_number), request.args.get("round", type=query_id))
    return render_template("capture/interviews.html", project=project, page=page)


@bp.route("/interviews/<int:interview_id>")
@project_required(Permission.view)
def interview(project: Project, interview_id: int) -> Any:
    get_input(Interview, project, interview_id)
    interview = services.load_interview(interview_id)
    return render_template("capture/interview_detail.html", project=project, interview=interview)


def _correction_form(project: Project, interview: Interview, version: GuideVersion) -> Any:
    form = interview_form(version, area_tree(project), active_codes(project), project.offered_respondents)
    kind = interview.respondent_type
    if kind is not None and kind.value not in {c.value for c in form.respondent_type.choices}:
        # A kind the project no longer offers stays choosable for the interview that has it.
        form.respondent_type.choices.append(SelectChoice(kind.value, RESPONDENT_LABELS[kind]))
    if request.method == "GET":
        form.uuid.data = str(interview.uuid)
        form.started_at.data = interview.started_at.isoformat()
        form.consent.data = True
        form.area_id.data = str(interview.area_id or "")
        form.street.data = interview.street
        form.respondent_type.data = interview.respondent_type.value if interview.respondent_type else None
        form.age_band.data = interview.age_band.value if interview.age_band else ""
        form.tags.data = [str(t.uuid) for t in interview.tags]
        for answer in interview.answers:
            name = f"q_{answer.question_id}"
            if isinstance(answer.value, dict):
                for part in ("lat", "lon", "accuracy"):
                    form[f"{name}_{part}"].data = "" if answer.value.get(part) is None else str(answer.value[part])
            elif isinstance(answer.value, bool):
                form[name].data = "yes" if answer.value else "no"
            elif isinstance(answer.value, list):
                form[name].data = answer.value
            else:
                form[name].data = str(answer.value)
    return form


@bp.route("/interviews/<int:interview_id>/edit", methods=["GET", "POST"])
@project_required(Permission.manage)
def edit_interview(project: Project, interview_id: int) -> Any:
    get_in_project(Interview, project, interview_id)
    interview = services.load_interview(interview_id)
    version = interview.guide_version
    form = _correction_form(project, interview, version)
    if form.validate_on_submit():
        payload = payload_of(form, version)
        payload.update(
            uuid=str(interview.uuid), consent=True, started_at=interview.started_at.isoformat(), ended_at=interview.ended_at.isoformat()
        )
        payload.pop("reflection", None)  # the interviewer's own reflection is not the coordinator's to change
        payload.pop("contact", None)
        stored = {answer.question_id: answer.value for answer in interview.answers}
        for question in version.questions:  # photos came from the tablet: a correction keeps them as they are
            if kind_of(question).reads == "photos":
                payload["answers"][question.key] = stored.get(question.id)
        clean, errors = validate_interview(version.questions, payload, services.context_for(project))
        if clean is not None:
            services.correct_interview(interview, clean)
            flash(_("Interview corrected."), "success")
            return redirect(url_for("capture.interview", project_id=project.id, interview_id=interview.id))
        show_errors(form, version, errors)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "capture/interview.html",
        project=project,
        round=interview.round,
        version=version,
        form=form,
        preview=False,
        correcting=interview,
        stored_photos={q.id: record_photos(interview, q.id) for q in version.questions if kind_of(q).reads == "photos"},
    ), status


@bp.route("/contributions/")
@project_required(Permission.view)
def contributions(project: Project) -> Any:
    page = queries.listing(
        "contributions", project, request.args.get("page", 1, type=page_number), request.args.get("round", type=query_id)
    )
    return render_template("capture/contributions.html", project=project, page=page)


@bp.route("/contributions/<int:contribution_id>/edit", methods=["GET", "POST"])
@project_required(Permission.manage)
def edit_contribution(project: Project, contribution_id: int) -> Any:
    contribution = get_in_project(Contribution, project, contribution_id)
    form = ContributionForm(obj=contribution if request.method == "GET" else None).prepare(
        area_tree(project), active_codes(project), elements_of(project, archived=False)
    )
    if request.method == "GET":
        form.uuid.data = str(contribution.uuid)
        form.area_id.data = str(contribution.area_id or "")
        form.tags.data = [str(t.uuid) for t in contribution.tags]
        form.element_id.data = str(contribution.element_id or "")
        for part in ("lat", "lon", "accuracy"):
            value = getattr(contribution, f"gps_{part}")
            form[f"gps_{part}"].data = "" if value is None else str(value)
    elif form.validate_on_submit():
        payload = {**form.payload(), "uuid": str(contribution.uuid), "recorded_at": contribution.recorded_at.isoformat()}
        clean, errors = validate_contribution(payload, services.context_for(project))
        if clean is not None:
            services.correct_contribution(contribution, clean)
            flash(_("Contribution corrected."), "success")
            return redirect(url_for("capture.contributions", project_id=project.id))
        form.show_errors(errors)
    status = 422 if request.method == "POST" else 200
    return render_template("capture/contribution_form.html", project=project, form=form, contribution=contribution), status


@bp.route("/rounds/<int:round_id>")
@project_required(Permission.view)
def round_page(project: Project, round_id: int) -> Any:
    """The round at work: a street round's interviews, or an information round's session and contributions."""
    round_ = get_in_project(Round, project, round_id)
    if round_.kind == RoundKind.street:
        return render_template("rounds/street.html", project=project, round=round_, interviews=queries.interviews_in_round(round_))
    form = _contribution_form(project, round_)
    session_form = SessionForm(obj=round_)
    return render_template(
        "rounds/session.html",
        project=project,
        round=round_,
        form=form,
        session_form=session_form,
        contributions=queries.contributions_in_round(round_),
    )


def _session_photos(form: SessionForm) -> list[str] | None:
    """The UUIDs of the photos sent with a session's details, or None (with the message on the form)."""
    try:
        return photo_uuids(form.photos.data or [], PHOTOS_MOST)
    except Invalid as invalid:
        form.photos.errors = [*form.photos.errors, _(invalid.message.text, **invalid.message.params)]
        return None


@bp.route("/rounds/<int:round_id>/session", methods=["POST"])
@project_required(Permission.capture)
def session(project: Project, round_id: int) -> Any:
    round_ = get_in_project(Round, project, round_id)
    if round_.kind != RoundKind.info or not may_capture_in(round_):
        abort(403)
    form = SessionForm()
    # The tablet sends what was typed offline later, as JSON: an answer it can read, not a page.
    wants_json = request.accept_mimetypes.best == "application/json"
    valid = form.validate_on_submit()
    photo_uuids_ = _session_photos(form) if valid else None
    if valid and photo_uuids_ is not None:
        rounds_services.update_session(round_, form.attendee_count.data, (form.session_notes.data or "").strip())
        photos.declare_for_round(project.id, round_.id, photo_uuids_)
        if wants_json:
            return jsonify({"saved": True, "attendee_count": round_.attendee_count})
        flash(_("Session details saved."), "success")
        return redirect(url_for("capture.round_page", project_id=project.id, round_id=round_.id))
    if wants_json:
        return jsonify({"errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()}}), 422
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")
    return redirect(url_for("capture.round_page", project_id=project.id, round_id=round_.id), code=303)


@bp.route("/guides/<int:guide_id>/versions/<int:version_id>/preview")
@project_required(Permission.view)
def preview(project: Project, guide_id: int, version_id: int) -> Any:
    """A guide version's form as the tablet will show it, before it goes out (linked from the guide editor)."""
    version = get_in_project(GuideVersion, project, version_id)
    if version.guide_id != guide_id:
        abort(404)
    form = interview_form(version, area_tree(project), active_codes(project), project.offered_respondents, meta={"csrf": False})
    embedded = request.args.get("embed") == "1"  # beside the guide builder, in its frame
    page = render_template(
        "capture/interview.html", project=project, version=version, form=form, round=None, preview=True, embedded=embedded
    )
    return framed_by_self(make_response(page)) if embedded else page
