from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length


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


class AreaAddForm(FlaskForm):
    parent = SelectField(_l("Inside"), validate_choice=False)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = StringField(_l("Kind (optional)"), validators=[Length(max=40)], description=_l('E.g. "woonwijk" or "bedrijventerrein".'))


class AreaRenameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])


class AreaMoveForm(FlaskForm):
    parent = SelectField(_l("Move into"), validate_choice=False)


class AreaMergeForm(FlaskForm):
    into = SelectField(_l("Merge into"), validate_choice=False)
    sure = BooleanField(
        _l("I understand: this area disappears, and what was recorded in it counts for the other area from now on."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
