"""Insights: theme dashboards for coordinators and policy makers, read from pre-aggregated facts."""

from flask import Blueprint

bp = Blueprint("insights", __name__, url_prefix="/projects/<int:project_id>/insights")

from . import routes  # noqa: E402,F401
