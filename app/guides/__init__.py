"""Interview guides: editing, publishing, versions, preview, JSON and XLSForm exchange."""

from typing import Any

from flask import Blueprint

from .definition import LANGUAGES, RIGHT_TO_LEFT

bp = Blueprint("guides", __name__, url_prefix="/projects/<int:project_id>/guides")


@bp.app_context_processor
def languages() -> dict[str, Any]:
    """The languages a guide can be read in, by their own names (the capture page's switch)."""
    return {"language_names": LANGUAGES, "right_to_left": RIGHT_TO_LEFT}


from . import routes  # noqa: E402,F401
