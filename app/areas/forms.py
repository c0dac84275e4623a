from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectChoice


class AreaImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("Columns: stadsdeel, wijk, and optionally buurt, cbs_code, cbs_year, kind. Comma or semicolon separated."),
    )


class OutlineImportForm(FlaskForm):
    file = FileField(
        _l("GeoJSON file"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "Each feature a Polygon or MultiPolygon with a CBS code (buurtcode, wijkcode), a path or a name of one of the project's areas."
        ),
    )
    crs = RadioField(
        _l("Coordinates"),
        choices=[
            SelectChoice("auto", _l("Recognise them (RD New or WGS 84)")),
            SelectChoice("rd", _l("RD New (EPSG:28992), metres")),
            SelectChoice("wgs84", _l("WGS 84 (EPSG:4326), longitude and latitude")),
        ],
        default="auto",
    )
    skip_unmatched = BooleanField(
        _l("Leave out features that match no area of this project"),
        description=_l(
            "For a file of the whole municipality or country. Otherwise every such feature is an error and nothing is imported."
        ),
    )
