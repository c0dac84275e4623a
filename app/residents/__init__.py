"""Residents' rights and information: look up, hand over and erase what a receipt code holds; the
project's information card and its public page; retention (``retention``)."""

from flask import Blueprint

bp = Blueprint("residents", __name__, url_prefix="/projects/<int:project_id>/residents")
# The public information page a card's QR code points to: no login, no input shown.
info_bp = Blueprint("info", __name__, url_prefix="/info")

from . import routes  # noqa: E402,F401
