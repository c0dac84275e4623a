"""Action items (actiepunten): what the municipality will do, resting on what residents said."""

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/projects/<int:project_id>/actions")

from . import routes  # noqa: E402,F401
