"""Double coding screens: draw a sample, the second coder's blind queue, the agreement report."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, get_in_project, project_required
from ..codebook.services import active_codes
from ..extensions import db
from ..inputs import database_id, query_id
from ..models import Code, Coding, CodingSample, Project, SampleItem, User
from ..rounds.services import field_workers, round_names
from . import bp, double, services
from .forms import SampleForm
from .routes import code_from_form, coding_form


@bp.app_context_processor
def second_coding() -> dict[str, Any]:
    def has_second_coding(project: Project) -> bool:
        if not current_user.is_authenticated:
            return False
        return (
            db.session.scalar(
                sa.select(CodingSample.id).where(CodingSample.project_id == project.id, CodingSample.coder_id == current_user.id).limit(1)
            )
            is not None
        )

    return {"has_second_coding": has_second_coding}


def _assigned(project: Project, sample_id: int) -> CodingSample:
    """A sample of the project assigned to the current user, or 404: only they code it."""
    sample = get_in_project(CodingSample, project, sample_id)
    if sample.coder_id != current_user.id:
        abort(404)
    return sample


def _item(sample: CodingSample, item_id: int) -> SampleItem:
    item = db.session.get(SampleItem, item_id)
    if item is None or item.sample_id != sample.id:
        abort(404)
    return item


@bp.route("/samples", methods=["GET", "POST"])
@project_required(Permission.manage)
def samples(project: Project) -> Any:
    form = SampleForm()
    form.coder_id.choices = [SelectChoice(str(u.id), u.name or u.email) for u in field_workers(project)]
    form.round_id.choices = [SelectChoice("", _("all rounds")), *(SelectChoice(str(r.id), r.name) for r in round_names(project))]
    if form.validate_on_submit():
        coder = db.session.get(User, database_id(form.coder_id.data) or 0)
        try:
            sample = double.draw_sample(
                project,
                coder,
                current_user._get_current_object(),  # type: ignore[arg-type]
                percent=form.percent.data,
                number=form.number.data,
                round_id=database_id(form.round_id.data),
                coded_only=bool(form.coded_only.data),
                name=form.name.data or "",
            )
        except services.CodingError as error:
            form.percent.errors = [*form.percent.errors, _(error.message, **error.params)]
        else:
            flash(_("Sample drawn: %(num)s inputs for %(name)s.", num=len(sample.items), name=coder.name or coder.email), "success")  # type: ignore[union-attr]
            return redirect(url_for("coding.sample", project_id=project.id, sample_id=sample.id))
    existing = db.session.scalars(
        sa.select(CodingSample).where(CodingSample.project_id == project.id).order_by(CodingSample.id.desc())
    ).all()
    return render_template(
        "coding/samples.html",
        project=project,
        form=form,
        samples=existing,
        progress=double.progress,
        coded=double.candidates_count(project),
    ), 422 if form.errors else 200


@bp.route("/samples/<int:sample_id>")
@project_required(Permission.manage)
def sample(project: Project, sample_id: int) -> Any:
    """The agreement report of a sample, with its disagreements to discuss and resolve."""
    sample = get_in_project(CodingSample, project, sample_id)
    return render_template(
        "coding/sample.html",
        project=project,
        sample=sample,
        report=double.report(sample),
        progress=double.progress(sample),
        target_of=double.item_target,
        text_of=services.input_text,
    )


@bp.route("/samples/<int:sample_id>/items/<int:item_id>/resolve", methods=["POST"])
@project_required(Permission.manage)
def resolve(project: Project, sample_id: int, item_id: int) -> Any:
    sample = get_in_project(CodingSample, project, sample_id)
    item = _item(sample, item_id)
    code = get_in_project(Code, project, request.form.get("code", type=query_id))
    try:
        double.resolve(item, code, request.form.get("applies") == "1", current_user._get_current_object())  # type: ignore[arg-type]
    except services.CodingError as error:
        flash(_(error.message, **error.params), "error")
    else:
        flash(_("Resolved: %(code)s.", code=code.name), "success")
    return redirect(url_for("coding.sample", project_id=project.id, sample_id=sample.id) + "#disagreements")


@bp.route("/second")
@project_required(Permission.capture)
def my_samples(project: Project) -> Any:
    """The samples the current user codes as second coder."""
    mine = double.samples_for(project, current_user._get_current_object())  # type: ignore[arg-type]
    return render_template(
        "coding/my_samples.html", project=project, samples=mine, progress=double.progress, next_open=double.next_open_item
    )


@bp.route("/second/<int:sample_id>/items/<int:item_id>", methods=["GET", "POST"])
@project_required(Permission.capture)
def second(project: Project, sample_id: int, item_id: int) -> Any:
    """Blind coding: the input's text and the second coder's own codings; nothing of the first coder's,
    and no suggestions (keyword rules, the model, the interviewer's field themes) to lean on."""
    sample = _assigned(project, sample_id)
    item = _item(sample, item_id)
    target = double.item_target(item)
    codes = active_codes(project)
    form = coding_form(codes)
    if form.validate_on_submit() and code_from_form(project, target, form, sample):
        return redirect(request.path)
    done, total = double.progress(sample)
    return render_template(
        "coding/second.html",
        project=project,
        sample=sample,
        item=item,
        target=target,
        text=services.input_text(target),
        codings=services.codings_of(target, sample.id),
        form=form,
        done=done,
        total=total,
    ), 422 if form.errors else 200


@bp.route("/second/<int:sample_id>/items/<int:item_id>/done", methods=["POST"])
@project_required(Permission.capture)
def second_done(project: Project, sample_id: int, item_id: int) -> Any:
    sample = _assigned(project, sample_id)
    item = _item(sample, item_id)
    double.mark_done(item)
    following = double.next_open_item(sample, item)
    if following is None:
        flash(_("Sample finished. Thank you!"), "success")
        return redirect(url_for("coding.my_samples", project_id=project.id))
    return redirect(url_for("coding.second", project_id=project.id, sample_id=sample.id, item_id=following.id))


@bp.route("/second/<int:sample_id>/codings/<int:coding_id>/delete", methods=["POST"])
@project_required(Permission.capture)
def second_delete(project: Project, sample_id: int, coding_id: int) -> Any:
    sample = _assigned(project, sample_id)
    coding = get_in_project(Coding, project, coding_id)
    if coding.sample_id != sample.id:
        abort(404)
    item = db.session.scalar(
        sa.select(SampleItem).where(
            SampleItem.sample_id == sample.id,
            SampleItem.answer_id == coding.answer_id if coding.answer_id else SampleItem.contribution_id == coding.contribution_id,
        )
    )
    services.remove_coding(coding)
    flash(_("Coding removed."), "success")
    return redirect(url_for("coding.second", project_id=project.id, sample_id=sample.id, item_id=item.id))  # type: ignore[union-attr]
