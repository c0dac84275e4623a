"""Field capture: interviews and information-round contributions, and reading them back."""

from flask import Blueprint

from .display import answer_text

bp = Blueprint("capture", __name__, url_prefix="/projects/<int:project_id>")
bp.add_app_template_global(answer_text)

from . import routes  # noqa: E402,F401
