"""Photos taken in the field: declared by their record, uploaded apart, kept without metadata, shown
to whoever may read their record (policy makers: only those marked free of people and number plates)."""

from flask import Blueprint

bp = Blueprint("photos", __name__)

from . import routes  # noqa: E402,F401
