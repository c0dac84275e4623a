"""A project's codebook (themes): seeded per project, exported for research tools."""

from flask import Blueprint

bp = Blueprint("codebook", __name__, url_prefix="/projects/<int:project_id>/codebook")

from . import routes  # noqa: E402,F401
