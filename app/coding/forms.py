from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..widgets import IntegerField

SENTIMENTS = [
    SelectChoice("", _l("none")),
    SelectChoice("positive", _l("positive")),
    SelectChoice("negative", _l("negative")),
    SelectChoice("suggestion", _l("suggestion")),
]


class CodingForm(FlaskForm):
    code = SelectField(_l("Code"), validate_choice=False, render_kw={"data-key": "c"})
    fragment = StringField(
        _l("Fragment (optional)"),
        description=_l("Select words in the text, or type them here. Empty: the code applies to the whole text."),
    )
    start = HiddenField()
    end = HiddenField()
    input = HiddenField()  # the statement selected in the whole conversation ("answer:12"); empty: the page's own
    sentiment = RadioField(_l("Sentiment"), choices=SENTIMENTS, default="")
    is_quote = BooleanField(_l("Quote for reports"))
    memo = TextAreaField(_l("Memo"), render_kw={"rows": 2}, validators=[Length(max=5000)])


class MemoForm(FlaskForm):
    about = SelectField(_l("About"), validate_choice=False, default="project")
    text = TextAreaField(_l("Memo"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 3})


class SampleForm(FlaskForm):
    coder_id = SelectField(_l("Second coder"), validators=[DataRequired()])
    percent = FloatField(
        _l("Percentage of inputs"), validators=[Optional(), NumberRange(min=0.1, max=100)], description=_l("Either a percentage…")
    )
    number = IntegerField(_l("Number of inputs"), validators=[Optional(), NumberRange(min=1, max=2000)], description=_l("…or a number."))
    round_id = SelectField(_l("Round"), default="")
    coded_only = BooleanField(_l("Only inputs that are coded already"), default=True)
    name = StringField(_l("Name"), validators=[Length(max=200)], description=_l('E.g. "Controle ronde 1".'))
