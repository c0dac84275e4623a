from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from .services import PALETTE

COLOUR_NAMES = [_l("green"), _l("blue"), _l("brown"), _l("red"), _l("purple"), _l("teal"), _l("orange"), _l("grey")]


def colour_choices() -> list[SelectChoice]:
    return [SelectChoice(hex_, name) for hex_, name in zip(PALETTE, COLOUR_NAMES, strict=True)]


class GroupForm(FlaskForm):
    key = StringField(_l("Key"), description=_l("Short and stable, e.g. GRN."))
    name = StringField(_l("Name of the group"))
    colour = SelectField(_l("Colour"), choices=colour_choices)


class CodeForm(FlaskForm):
    group = SelectField(_l("Group"), validate_choice=False)
    key = StringField(_l("Key"), description=_l("Short and stable, e.g. GRN-BOOM."))
    name = StringField(_l("Name"))
    description = TextAreaField(_l("Description"), render_kw={"rows": 2})
    colour = SelectField(_l("Colour"), choices=colour_choices)
    keywords = StringField(
        _l("Keywords that suggest this code"),
        description=_l("Separated by |, a * ends a word stem: lantaarn*|verlichting|donker. Suggestions only: a person decides."),
    )


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge into"), validate_choice=False)


class CodebookImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))])
