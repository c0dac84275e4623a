"""A resident's input by receipt code (coordinators), the information card, the public page."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..access import Permission, project_required, public
from ..database import writes
from ..extensions import db, limiter
from ..models import Project
from ..models.types import utcnow
from ..privacy import pseudonymise
from ..qr import svg
from . import bp, info_bp, queries, services
from .forms import EraseForm, LookupForm


def _lookup_key() -> str:
    return f"receipt:{current_user.id}" if current_user.is_authenticated else f"receipt:{get_remote_address()}"


def _missed(response: Response) -> bool:
    """Only lookups that find nothing count: guessing codes, not working through known ones."""
    return response.status_code == 404 or bool(g.get("receipt_missed"))


receipt_lookup_limit = limiter.shared_limit(
    lambda: current_app.config["RECEIPT_LOOKUP_RATE_LIMIT"],
    scope="receipt-lookup",
    key_func=_lookup_key,
    deduct_when=_missed,
)


def _code_or_404(code: str) -> str:
    clean = services.clean_code(code)
    if clean is None or clean != code:
        abort(404)
    return clean


@bp.route("/")
@project_required(Permission.see_people)
def index(project: Project) -> Any:
    form = LookupForm(request.args)
    if "code" in request.args:
        if form.validate():
            return redirect(url_for("residents.record", project_id=project.id, code=services.clean_code(form.code.data)))
        return render_template("residents/index.html", project=project, form=form, **queries.overview(project)), 422
    return render_template("residents/index.html", project=project, form=form, **queries.overview(project))


@bp.route("/<code>")
@project_required(Permission.see_people)
@receipt_lookup_limit
def record(project: Project, code: str) -> Any:
    code = _code_or_404(code)
    found = services.find(project, code)
    g.receipt_missed = found.empty
    return _record_page(project, found, EraseForm(code), services.last_erasure(project, code) if found.empty else None)


def _record_page(project: Project, found: services.ResidentRecord, erase_form: EraseForm, erased_at: Any = None) -> str:
    return render_template(
        "residents/record.html",
        project=project,
        record=found,
        erased_at=erased_at,
        erase_form=erase_form,
        lookup=LookupForm(data={"code": found.code}),
    )


@bp.route("/<code>/print")
@writes  # handing a resident's input over is audited
@project_required(Permission.see_people)
@receipt_lookup_limit
def printable(project: Project, code: str) -> Any:
    found = services.hand_over(project, _code_or_404(code), "html") or abort(404)
    return render_template("residents/print.html", project=project, record=found, data=services.to_json(project, found), made_at=utcnow())


@bp.route("/<code>/export.json")
@writes  # handing a resident's input over is audited
@project_required(Permission.see_people)
@receipt_lookup_limit
def export_json(project: Project, code: str) -> Any:
    found = services.hand_over(project, _code_or_404(code), "json") or abort(404)
    body = json.dumps(services.to_json(project, found), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="buitenbinnen-{found.code}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/<code>/erase", methods=["POST"])
@project_required(Permission.manage)
def erase(project: Project, code: str) -> Any:
    code = _code_or_404(code)
    form = EraseForm(code)
    found = services.find(project, code)
    if found.empty:
        flash(_("Nothing is stored under this code."), "info")
        return redirect(url_for("residents.record", project_id=project.id, code=code))
    if not form.validate_on_submit():
        return _record_page(project, found, form), 422
    result = services.erase(project, found, current_user._get_current_object())
    db.session.commit()
    flash(
        _(
            "Erased: %(interviews)s interview(s) and %(contributions)s contribution(s), with their answers, contact "
            "details and coding. Action items keep their own text.",
            interviews=result.interviews,
            contributions=result.contributions,
        ),
        "success",
    )
    return redirect(url_for("residents.record", project_id=project.id, code=code))


@bp.route("/card")
@project_required(Permission.view)
def card(project: Project) -> Any:
    """The A6 information card, to print and hand out (Dutch: residents get it in the street)."""
    address = url_for("info.page", public_key=project.public_key, _external=True)
    with force_locale("nl"):  # residents get it in the street: always Dutch
        return render_template(
            "residents/card.html",
            project=project,
            address=address,
            qr=svg(address, _("QR code to the project's information page"), scale=3),
        )


@info_bp.route("/<public_key>")
@public
def page(public_key: str) -> Any:
    project = queries.public_project(public_key) or abort(404)
    areas, actions = queries.public_results(project) if project.publish_results else ([], [])
    titles = {a.id: pseudonymise(a.title) for a in actions}  # written by staff, but the public never reads an address
    return render_template("residents/public.html", project=project, heard=areas, actions=actions, titles=titles)
