from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class AreaImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("Columns: stadsdeel, wijk, and optionally buurt, cbs_code, cbs_year, kind. Comma or semicolon separated."),
    )
