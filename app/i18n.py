"""Language: the user's own choice, else the one picked on the login page, else Dutch."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .extensions import babel
from .models import (
    ActionStatus,
    AgeBand,
    AreaLevel,
    InfoFormat,
    ListeningLevel,
    Priority,
    RespondentType,
    Role,
    RoundKind,
    Sentiment,
)

ROLE_LABELS = {
    Role.coordinator: _l("Coordinator"),
    Role.interviewer: _l("Interviewer"),
    Role.viewer: _l("Policy maker (view only)"),
}
RESPONDENT_LABELS = {
    RespondentType.resident: _l("Resident"),
    RespondentType.entrepreneur: _l("Entrepreneur"),
    RespondentType.passer_by: _l("Passer-by"),
    RespondentType.organisation: _l("Organisation"),
    RespondentType.professional: _l("Professional"),
    RespondentType.initiator: _l("Initiator"),
    RespondentType.partner: _l("Partner"),
}
AGE_BAND_LABELS = {
    AgeBand.under_18: _l("under 18"),
    AgeBand.age_18_29: _l("18–29"),
    AgeBand.age_30_44: _l("30–44"),
    AgeBand.age_45_64: _l("45–64"),
    AgeBand.age_65_79: _l("65–79"),
    AgeBand.age_80_plus: _l("80 or older"),
}
LISTENING_LABELS = {
    ListeningLevel.downloading: _l("Downloading (hearing what I already knew)"),
    ListeningLevel.factual: _l("Factual (noticing what is new)"),
    ListeningLevel.empathic: _l("Empathic (seeing through the resident's eyes)"),
    ListeningLevel.generative: _l("Generative (something new came up together)"),
}
QUALITY_LABELS = {
    "A+": _l("A+ very high"),
    "A": _l("A high"),
    "B": _l("B basic"),
    "C": _l("C low"),
    "D": _l("D very low"),
    "?": _l("don't know"),
}
ROUND_KIND_LABELS = {RoundKind.street: _l("Street interviews"), RoundKind.info: _l("Information round")}
INFO_FORMAT_LABELS = {
    InfoFormat.resident_evening: _l("Resident evening"),
    InfoFormat.drop_in: _l("Drop-in evening"),
    InfoFormat.walk: _l("Neighbourhood walk (wijkschouw)"),
}
LEVEL_LABELS = {
    AreaLevel.stadsdeel: _l("District (stadsdeel)"),
    AreaLevel.wijk: _l("Neighbourhood (wijk)"),
    AreaLevel.buurt: _l("Quarter (buurt)"),
}

ACTION_STATUS_LABELS = {
    ActionStatus.new: _l("new"),
    ActionStatus.planned: _l("in the plan"),
    ActionStatus.done: _l("done"),
    ActionStatus.rejected: _l("rejected"),
}
PRIORITY_LABELS = {Priority.high: _l("high"), Priority.medium: _l("medium"), Priority.low: _l("low")}
SENTIMENT_LABELS = {Sentiment.positive: _l("positive"), Sentiment.negative: _l("negative"), Sentiment.suggestion: _l("suggestion")}
# What a memo is about (``coding.memos.SUBJECTS``), as the memo page and the workbook's memo sheet say it.
MEMO_SUBJECT_LABELS = {"project": _l("the project"), "code": _l("a code"), "statement": _l("a statement"), "coding": _l("a coding")}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a background job: its own language is forced where it matters
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def decimal(value: float, digits: int = 2) -> str:
    """A figure in the user's notation: "0,64" in Dutch, "0.64" in English."""
    return format_decimal(value, format="0." + "0" * digits if digits else "0")


def percent(share: float) -> str:
    """A share as a whole percentage with a space before the sign, as the glossary writes it: "37 %"."""
    return f"{format_decimal(round(share * 100), format='0')}\u00a0%"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["percent"] = percent

    @app.context_processor
    def labels() -> dict[str, Any]:
        return {
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "role_label": lambda role: ROLE_LABELS[Role(role)],
            "level_label": lambda level: LEVEL_LABELS[AreaLevel(level)],
            "status_label": lambda status: ACTION_STATUS_LABELS[ActionStatus(status)],
            "priority_label": lambda priority: PRIORITY_LABELS[Priority(priority)],
            "sentiment_label": lambda sentiment: SENTIMENT_LABELS[Sentiment(sentiment)],
            "labels": {
                "respondent": RESPONDENT_LABELS,
                "age_band": AGE_BAND_LABELS,
                "listening": LISTENING_LABELS,
                "quality": QUALITY_LABELS,
                "round_kind": ROUND_KIND_LABELS,
                "info_format": INFO_FORMAT_LABELS,
            },
        }


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; it is translated where it is shown."""
    return message
