from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField

SENTIMENTS = [
    SelectChoice("", _l("none")),
    SelectChoice("positive", _l("positive")),
    SelectChoice("negative", _l("negative")),
    SelectChoice("suggestion", _l("suggestion")),
]


class CodingForm(FlaskForm):
    code = SelectField(_l("Code"), validate_choice=False)
    fragment = StringField(
        _l("Fragment (optional)"),
        description=_l("Select words in the text above, or type them here. Empty: the code applies to the whole text."),
    )
    start = HiddenField()
    end = HiddenField()
    sentiment = RadioField(_l("Sentiment"), choices=SENTIMENTS, default="", validate_choice=False)
    is_quote = BooleanField(_l("Quote for reports"))
    memo = TextAreaField(_l("Memo"), render_kw={"rows": 2})
