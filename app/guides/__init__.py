"""Interview guides: editing, publishing, versions, preview, JSON and XLSForm exchange."""

from flask import Blueprint

bp = Blueprint("guides", __name__, url_prefix="/projects/<int:project_id>/guides")

from . import routes  # noqa: E402,F401
