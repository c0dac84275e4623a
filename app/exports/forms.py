from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..i18n import LEVEL_LABELS


class ExportForm(FlaskForm):
    format = RadioField(
        _l("File"),
        choices=[
            SelectChoice("xlsx", _l("Excel workbook (.xlsx): all sheets, tables and a chart")),
            SelectChoice("csv", _l("CSV files in a zip: one per sheet")),
            SelectChoice("geojson", _l("GeoJSON: the GPS points and walked routes, for QGIS or ArcGIS")),
            SelectChoice(
                "areas", _l("GeoJSON of the areas: their outlines with the figures per area (themes, people heard, quality against target)")
            ),
            SelectChoice("photos", _l("Photos in a zip, named as in the workbook's Photos column")),
            SelectChoice(
                "qdpx", _l("REFI-QDA project (.qdpx): the coded statements, codebook and memos, for ATLAS.ti, NVivo, MAXQDA or QualCoder")
            ),
        ],
        default="xlsx",
    )
    delimiter = RadioField(
        _l("CSV columns separated by"),
        choices=[
            SelectChoice(";", _l("semicolon, decimal comma (Dutch Excel)")),
            SelectChoice(",", _l("comma, decimal point (English Excel, scripts)")),
        ],
        default=";",
    )
    version = SelectField(
        _l("Guide version for “Answers wide”"),
        validate_choice=False,
        description=_l("One column per question of this version. Default: the version most interviews used."),
    )
    level = SelectField(
        _l("Area columns per"),
        validate_choice=False,
        choices=lambda: (
            [SelectChoice("", _l("as on the dashboard"))] + [SelectChoice(level.value, label) for level, label in LEVEL_LABELS.items()]
        ),
    )
    personal = BooleanField(
        _l("Include personal data"),
        description=_l(
            "Contact details, interviewer names, house numbers and exact GPS points. Only when the purpose needs it; it is logged."
        ),
    )
    reason = TextAreaField(_l("Why is personal data needed?"), validators=[Length(max=500)], render_kw={"rows": 2})


class QdpxImportForm(FlaskForm):
    file = FileField(
        _l("REFI-QDA project (.qdpx)"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ".qdpx,application/zip"},
        description=_l("Exported from ATLAS.ti, NVivo, MAXQDA, QualCoder or Buitenbinnen. Its texts become contributions of one round."),
    )
    name = StringField(_l("Name of the new project"), validators=[Length(max=200)], description=_l("Empty: the name in the file."))
