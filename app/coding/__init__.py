"""Coding what residents said: the workbench, and agreement between coders."""

from flask import Blueprint

bp = Blueprint("coding", __name__, url_prefix="/projects/<int:project_id>/coding")

from . import memo_views, routes, samples  # noqa: E402,F401
