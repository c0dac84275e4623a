"""Rounds: planned field work with one guide — street interviews or an information round."""

from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/projects/<int:project_id>/rounds")

from . import routes  # noqa: E402,F401
