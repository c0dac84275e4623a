"""Exports: the Excel workbook, CSV files and GeoJSON for policy makers, built from the dashboards' filters."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/projects/<int:project_id>/exports")

from . import routes  # noqa: E402,F401
