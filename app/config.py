"""Configuration: defaults, then ``instance/config.py``, then the environment, then the caller.

The embedded default is a SQLite file in the instance folder; PostgreSQL is chosen with
``DATABASE_URL``. Outside development the app refuses to start without a strong ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ENVIRONMENTS = ("development", "testing", "production")
WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "password", "development", "test"}
MIN_SECRET_LENGTH = 32

# Environment variables read on start, with the config key each one sets.
ENV_KEYS = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "RATELIMIT_STORAGE_URI",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX": "RATELIMIT_KEY_PREFIX",
    "LOGIN_RATE_LIMIT": "LOGIN_RATE_LIMIT",
    "RECEIPT_LOOKUP_RATE_LIMIT": "RECEIPT_LOOKUP_RATE_LIMIT",
    "TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "SESSION_HOURS": "SESSION_HOURS",
    "DEFAULT_LANGUAGE": "BABEL_DEFAULT_LOCALE",
    "BUILD_LABEL": "BUILD_LABEL",  # appended to the service worker version (a deploy label)
    "EXPORT_QUEUE_URL": "EXPORT_QUEUE_URL",  # Redis for background exports on RQ (default: REDIS_URL)
    "EXPORT_DIR": "EXPORT_DIR",
    "EXPORT_SYNC_ROWS": "EXPORT_SYNC_ROWS",  # bigger exports run in the background
    "EXPORT_KEEP_HOURS": "EXPORT_KEEP_HOURS",
    "EXPORT_JOB_KEEP_DAYS": "EXPORT_JOB_KEEP_DAYS",  # purge-expired forgets export jobs older than this
    "TRAIN_SUGGESTIONS": "TRAIN_SUGGESTIONS",  # 0: learned suggestions are not trained (a model trained before serves)
    "REQUIRE_TWO_FACTOR": "REQUIRE_TWO_FACTOR",  # admins and coordinators must use two-factor sign-in
    "DATA_KEY": "DATA_KEY",  # encrypts two-factor secrets at rest (default: derived from SECRET_KEY)
    "PHOTO_DIR": "PHOTO_DIR",  # where photos are kept (default: instance/photos); may be a shared volume
    "PHOTO_MAX_SIDE": "PHOTO_MAX_SIDE",  # the longest side of a photo in pixels, on the tablet and the server
    "MAP_TILE_URL": "MAP_TILE_URL",  # optional background tiles, e.g. PDOK's BRT achtergrondkaart (see README)
    "MAP_TILE_ATTRIBUTION": "MAP_TILE_ATTRIBUTION",
    "MAIL_SERVER": "MAIL_SERVER",  # SMTP server for invitations; without one the coordinator passes the link on
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_USE_TLS": "MAIL_USE_TLS",  # STARTTLS
    "MAIL_FROM": "MAIL_FROM",
    "INVITATION_DAYS": "INVITATION_DAYS",
}


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to do."""


class Defaults:
    APP_ENV = "production"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from the instance path
    SQLITE_BUSY_TIMEOUT_MS = 10_000

    SESSION_COOKIE_NAME = "bb_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_HOURS = 12
    # A session lasts SESSION_HOURS from sign-in (its server-side record ends then), so the cookie is
    # sent again only when the session changes, not re-signed and re-sent with every page.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_HTTPONLY = True

    WTF_CSRF_ENABLED = True
    # The CSRF check runs in app.security so that API tokens can be the one exemption.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; a tablet may keep a form open for hours

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "buitenbinnen"
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is down, keep limiting per worker rather than failing every login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute"
    LOGIN_RATE_LIMIT_PER_ADDRESS = "30 per minute"
    RECEIPT_LOOKUP_RATE_LIMIT = "20 per minute;100 per hour"  # receipt codes that find nothing, per person

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    AREA_IMPORT_MAX_ROWS = 20_000
    AREA_OUTLINE_MAX_BYTES = 15 * 1024 * 1024  # a GeoJSON of outlines (all buurten of a large town: a few MB)
    TRUSTED_PROXIES = 0

    # Exports: up to this many rows (about) the file is made while the browser waits; more runs
    # in the background, on a thread or, with a queue URL, on RQ workers. Files are kept this long.
    EXPORT_SYNC_ROWS = 20_000
    EXPORT_KEEP_HOURS = 24
    EXPORT_JOB_TIMEOUT = 3600
    EXPORT_QUEUE_URL: str | None = None
    EXPORT_DIR: str | None = None  # default: instance/exports
    EXPORT_JOB_KEEP_DAYS = 30
    # Learned code suggestions: each project's model is trained in the background (as exports are)
    # when enough was coded since its last training, or when a coordinator asks. Off: no training at all
    # (a model trained before keeps serving).
    TRAIN_SUGGESTIONS = True

    # Photos: kept under PHOTO_DIR (default instance/photos) by app.storage. A tablet scales a photo
    # down to PHOTO_MAX_SIDE pixels before it keeps it; the server refuses files over PHOTO_MAX_BYTES
    # and images of more than PHOTO_MAX_PIXELS (a decompression bomb), and scales down what is bigger.
    PHOTO_DIR: str | None = None
    PHOTO_MAX_SIDE = 1600
    PHOTO_MAX_BYTES = 12 * 1024 * 1024
    PHOTO_MAX_PIXELS = 40_000_000
    PHOTO_THUMB_SIDE = 320

    # Maps draw the areas' outlines from the page itself. Background tiles are optional: a URL template
    # with {z}, {x} and {y} on an https server that allows CORS; the tablet keeps the tiles of its
    # round's areas while online, and the app never needs them.
    MAP_TILE_URL = ""
    MAP_TILE_ATTRIBUTION = ""

    # E-mail (invitations) through an SMTP server; without MAIL_SERVER the coordinator gets the link.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False
    MAIL_FROM = "buitenbinnen@localhost"
    MAIL_TIMEOUT = 10
    INVITATION_DAYS = 7  # an invitation's link sets a password until then

    # Two-factor sign-in (TOTP) is open to everyone; with this on, admins and coordinators must
    # set it up before they can do anything else.
    REQUIRE_TWO_FACTOR = False


def _normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in the instance folder, so development sessions survive a restart."""
    path = instance_path / ".dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def secret_key_problem(key: str | None) -> str | None:
    """Why a secret key is unusable, or None when it is fine."""
    if not key:
        return "SECRET_KEY is not set"
    if key.lower() in WEAK_SECRETS or len(key) < MIN_SECRET_LENGTH:
        return f"SECRET_KEY is too weak (use at least {MIN_SECRET_LENGTH} random characters)"
    if len(set(key)) < 10:
        return "SECRET_KEY is too weak (too few distinct characters)"
    return None


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` in order: defaults, instance/config.py, environment, overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in ENV_KEYS.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    if os.environ.get("REDIS_URL") and not os.environ.get("EXPORT_QUEUE_URL"):
        app.config["EXPORT_QUEUE_URL"] = os.environ["REDIS_URL"]
    if os.environ.get("APP_ENV"):
        app.config["APP_ENV"] = os.environ["APP_ENV"]
    app.config.update(overrides or {})

    env = app.config["APP_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")

    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'buitenbinnen.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])

    if env == "development":
        app.config["SESSION_COOKIE_SECURE"] = False
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _dev_secret_key(instance_path)
    else:
        problem = secret_key_problem(app.config.get("SECRET_KEY"))
        if problem:
            raise ConfigError(
                f"Buitenbinnen will not start: {problem}. Set it in the environment or in "
                f"{instance_path / 'config.py'}; generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
    if env == "testing":
        app.config["SESSION_COOKIE_SECURE"] = False

    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=int(app.config["SESSION_HOURS"]))
    app.config["TRUSTED_PROXIES"] = int(app.config["TRUSTED_PROXIES"])
    for key in (
        "EXPORT_SYNC_ROWS",
        "EXPORT_KEEP_HOURS",
        "EXPORT_JOB_TIMEOUT",
        "EXPORT_JOB_KEEP_DAYS",
        "PHOTO_MAX_SIDE",
        "MAIL_PORT",
        "INVITATION_DAYS",
    ):
        app.config[key] = int(app.config[key])
    for key in ("REQUIRE_TWO_FACTOR", "MAIL_USE_TLS", "TRAIN_SUGGESTIONS"):
        if isinstance(app.config[key], str):
            app.config[key] = app.config[key].strip().lower() in ("1", "true", "yes", "on")
