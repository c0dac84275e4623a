"""Buitenbinnen: bringing what residents say outside into the town hall."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
mimetypes.add_type("application/manifest+json", ".webmanifest")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_path=str((config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )

    from . import access, cli, database, errors, i18n, security, widgets
    from .auth import loaders
    from .config import load_config
    from .extensions import limiter, migrate

    load_config(app, config)
    app.jinja_env.add_extension("jinja2.ext.do")
    widgets.use_fast_html_params()
    database.init_app(app)
    from . import facts
    from .extensions import db

    facts.init_app()  # the dashboards' facts follow every commit

    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    loaders.init_app(app)
    i18n.init_app(app)
    limiter.init_app(app)
    warn_about_rate_limits(app)
    security.init_app(app)  # CSRF is checked before access, so a forged request never gets further
    access.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from .actions import bp as actions_bp
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .areas import bp as areas_bp
    from .audit.routes import bp as audit_bp
    from .auth import bp as auth_bp
    from .capture import bp as capture_bp
    from .codebook import bp as codebook_bp
    from .coding import bp as coding_bp
    from .converters import DatabaseIntConverter
    from .elements import bp as elements_bp
    from .exports import bp as exports_bp
    from .exports.importing import bp as imports_bp
    from .guides import bp as guides_bp
    from .insights import bp as insights_bp
    from .main import bp as main_bp
    from .offline import bp as offline_bp
    from .photos import bp as photos_bp
    from .projects import bp as projects_bp
    from .residents import bp as residents_bp
    from .residents import info_bp
    from .rounds import bp as rounds_bp

    app.url_map.converters["int"] = DatabaseIntConverter  # before any route is added
    for blueprint in (
        main_bp,
        auth_bp,
        projects_bp,
        areas_bp,
        elements_bp,
        guides_bp,
        rounds_bp,
        capture_bp,
        photos_bp,
        codebook_bp,
        coding_bp,
        actions_bp,
        insights_bp,
        exports_bp,
        imports_bp,
        residents_bp,
        info_bp,
        audit_bp,
        offline_bp,
        admin_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    return app


def warn_about_rate_limits(app: Flask) -> None:
    """Without Redis every worker counts for itself: the login limit multiplies by the workers."""
    if app.config["APP_ENV"] == "production" and str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        app.logger.warning(
            "RATE LIMITS ARE PER WORKER: REDIS_URL is not set, so each gunicorn worker counts login attempts "
            "and receipt-code lookups on its own (with 4 workers, 4 times the limit). Set REDIS_URL in production."
        )
