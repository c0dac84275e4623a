"""Forms for looking up and erasing a resident's input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from .services import clean_code

CODE_ATTRIBUTES = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 12}


class LookupForm(FlaskForm):
    """A GET form: the code is no secret worth a token, and the page can be bookmarked."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Receipt code"),
        validators=[DataRequired()],
        render_kw=CODE_ATTRIBUTES,
        description=_l("The code on the resident's receipt or card, e.g. AC3D-EFHJ."),
    )

    def validate_code(self, field: StringField) -> None:
        if clean_code(field.data) is None:
            raise ValidationError(_l("Not a valid receipt code: eight letters and digits, like AC3D-EFHJ."))


class EraseForm(FlaskForm):
    confirm = StringField(
        _l("Type the receipt code again to confirm"),
        validators=[DataRequired()],
        render_kw=CODE_ATTRIBUTES,
    )

    def __init__(self, code: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.code = code

    def validate_confirm(self, field: StringField) -> None:
        if clean_code(field.data) != self.code:
            raise ValidationError(_l("This is not the same code: nothing was erased."))
