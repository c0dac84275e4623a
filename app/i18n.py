"""Language: the user's own choice, else the one picked on the login page, else Dutch."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, session
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user

from .extensions import babel
from .models import AreaLevel, Role

ROLE_LABELS = {
    Role.coordinator: _l("Coordinator"),
    Role.interviewer: _l("Interviewer"),
    Role.viewer: _l("Policy maker (view only)"),
}
LEVEL_LABELS = {
    AreaLevel.stadsdeel: _l("District (stadsdeel)"),
    AreaLevel.wijk: _l("Neighbourhood (wijk)"),
    AreaLevel.buurt: _l("Quarter (buurt)"),
}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def labels() -> dict[str, Any]:
        return {
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "role_label": lambda role: ROLE_LABELS[Role(role)],
            "level_label": lambda level: LEVEL_LABELS[AreaLevel(level)],
        }


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; it is translated where it is shown."""
    return message
