from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..auth.forms import LANGUAGE_CHOICES
from ..auth.services import MIN_PASSWORD_LENGTH, get_user_by_email


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    is_admin = BooleanField(_l("Administrator"))
    active = BooleanField(_l("Account active"), default=True)
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=_l("At least %(n)s characters. Leave empty to keep the current password.", n=MIN_PASSWORD_LENGTH),
    )

    def __init__(self, *args: object, user_id: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._user_id = user_id

    def validate_email(self, field: EmailField) -> None:
        other = get_user_by_email(field.data)
        if other is not None and other.id != self._user_id:
            raise ValidationError(_l("Another account already uses this email address."))
