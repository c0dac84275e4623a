"""Logging in and out, passwords, API tokens and the current user's own settings."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401  (routes register on bp)
