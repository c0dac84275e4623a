"""Forms for logging in and for the user's own account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from ..widgets import IntegerField
from .services import MIN_PASSWORD_LENGTH

LANGUAGE_CHOICES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class AccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=_l("At least %(n)s characters. A sentence of a few words is easy to remember.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(_l("Repeat the new password"), validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))])


class InvitationForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120)], description=_l("As your colleagues see it in the team.")
    )
    new = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=_l("At least %(n)s characters. A sentence of a few words is easy to remember.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(_l("Repeat the password"), validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))])


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l('What the token is for, e.g. "weekly export script".'),
    )
    days = IntegerField(
        _l("Valid for (days)"),
        validators=[Optional(), NumberRange(min=1, max=730)],
        description=_l("Leave empty for a token that does not expire."),
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "spellcheck": "false"},
        description=_l("Six digits; a new code comes every 30 seconds."),
    )
