from __future__ import annotations

from typing import Any

from flask import jsonify, render_template
from flask_login import current_user

from ..access import login_required, projects_for, public
from ..extensions import db
from . import bp


@bp.route("/")
@login_required
def index() -> Any:
    return render_template("main/index.html", projects=projects_for(current_user))


@bp.route("/healthz")
@public
def healthz() -> Any:
    """For the load balancer: the app runs and reaches its database (on a pooled connection of its
    own, without the ORM session's transaction: it is asked every few seconds by every balancer)."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    return jsonify(status="ok")
