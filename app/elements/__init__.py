"""The public-space elements a project rates and their target levels (ambitieniveaus)."""

from flask import Blueprint

bp = Blueprint("elements", __name__, url_prefix="/projects/<int:project_id>/elements")

from . import routes  # noqa: E402,F401
