"""Error pages for people and JSON errors for the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..auth.loaders import is_api_request


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be processed"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        410: _("This file is no longer available"),
        413: _("The file is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }


def render_error(code: int, message: str | None = None) -> Any:
    if is_api_request(request):
        return jsonify(error=code, message=message or _titles().get(code, "")), code
    return render_template("errors/error.html", code=code, title=_titles().get(code, str(code)), message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return render_error(400, _("Your form had expired or was incomplete. Go back, reload the page and try again."))

    @app.errorhandler(429)
    def too_many(error: HTTPException) -> Any:
        return render_error(429, _("Wait a minute before you try again."))

    # Also renders the 500 page for an unhandled exception (Flask wraps it in InternalServerError).
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        # An API caller gets the reason; a person gets the page (the description is English).
        custom = error.description if error.description != type(error).description else None
        body, code = render_error(error.code, custom if is_api_request(request) else None)
        response = app.make_response((body, code))
        for name, value in error.get_headers():  # Allow on a 405, WWW-Authenticate, Retry-After
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
