from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class BackupForm(FlaskForm):
    file = FileField(
        _l("Backup file from a device"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l('The file a device made with "Download unsent items".'),
    )
