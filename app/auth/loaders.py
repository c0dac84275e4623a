"""How Flask-Login finds the current user: the session cookie, or a Bearer token on the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, g, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import login_manager
from ..models import User
from . import sessions
from .services import user_for_token


def is_api_request(req: Request) -> bool:
    return req.path.startswith("/api/")


def bearer_token(req: Request) -> str | None:
    header = req.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    app.jinja_env.filters["device_label"] = sessions.device_label

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # A Bearer token on the API speaks for itself: ignore any session cookie beside it.
        if is_api_request(request) and bearer_token(request):
            return None
        user = sessions.user_of_session(user_id)  # only while its session has not ended
        return user if user is not None and user.active else None

    @login_manager.request_loader
    def load_user_from_token(req: Request) -> User | None:
        token = bearer_token(req) if is_api_request(req) else None
        if token is None:
            return None
        user = user_for_token(token)
        if user is not None:
            g.auth_origin = "api"
        return user

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        if is_api_request(request):
            response = jsonify(error="unauthorized", message="Log in or send a valid Bearer token.")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="buitenbinnen"'
            return response
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
