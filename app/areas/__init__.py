"""The areas (stadsdeel → wijk → buurt) a project works in."""

from flask import Blueprint

bp = Blueprint("areas", __name__, url_prefix="/projects/<int:project_id>/areas")

from . import routes  # noqa: E402,F401
