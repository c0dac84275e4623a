"""The installable, offline-first web app: service worker, manifest, device page, backup import."""

from flask import Blueprint

bp = Blueprint("offline", __name__)

from . import routes  # noqa: E402,F401
