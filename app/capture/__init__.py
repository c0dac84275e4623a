"""Field capture: interviews and information-round contributions, and reading them back."""

from flask import Blueprint

from .display import answer_text, reader_answer, reader_point, reader_street, reader_text

bp = Blueprint("capture", __name__, url_prefix="/projects/<int:project_id>")
for helper in (answer_text, reader_answer, reader_text, reader_street, reader_point):
    bp.add_app_template_global(helper)

from ..questions import kind_of  # noqa: E402
from . import routes  # noqa: E402,F401
from .forms import device_definition  # noqa: E402

bp.add_app_template_global(device_definition)
bp.add_app_template_global(kind_of)
