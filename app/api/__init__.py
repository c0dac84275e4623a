"""The JSON API, versioned under /api/v1/. Session cookie + X-CSRFToken, or a Bearer token."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes, sync  # noqa: E402,F401
