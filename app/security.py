"""Request hardening: CSRF for every state change, security headers, proxy handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth.loaders import bearer_token, is_api_request
from .config import ConfigError
from .extensions import csrf, login_manager
from .inputs import storable

F = TypeVar("F", bound=Callable[..., Any])

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def body_limit(max_bytes: int) -> Callable[[F], F]:
    """Declare the largest request body a view accepts (the app-wide limit is the default)."""

    def decorator(view: F) -> F:
        view._max_body = max_bytes  # type: ignore[attr-defined]
        return view

    return decorator


def apply_body_limit() -> None:
    """Runs before anything reads the body, so the limit holds for every reader."""
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "_max_body", None)
    if limit is not None:
        request.max_content_length = limit


def refuse_unstorable_input() -> None:
    """A path, query string or form field holding a control character (NUL, an escape sequence)
    is refused whole with 400: no one types them, and PostgreSQL cannot even compare a NUL.
    JSON bodies are checked per record by the sync API (one bad item must not block a batch)."""
    pairs = list(request.args.items(multi=True))
    if request.method not in SAFE_METHODS and request.mimetype in FORM_TYPES:
        pairs += request.form.items(multi=True)
    if not storable(request.path) or not all(storable(key) and storable(value) for key, value in pairs):
        abort(400, description=_("The request holds a control character; nothing was stored."))


def check_csrf() -> Any:
    """Every state-changing request carries a CSRF token, unless it is an API call with a
    Bearer token: a browser never adds that header by itself, so it cannot be forged.
    An API call without a session gets 401 first, so a device knows to log in again."""
    if request.method in SAFE_METHODS or request.routing_exception is not None:
        return None  # no view will run: the 404 or 405 (with Allow) says what is wrong
    if is_api_request(request):
        if bearer_token(request):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
    csrf.protect()
    return None


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()"),
)


def add_security_headers(response: Response) -> Response:
    """Every response gets the security headers a view did not set itself (and pages ``no-store``).

    The names already set are read once: asking Werkzeug's headers for a missing one raises (and
    builds) an exception each time, which for the dozen asked here was a fifth of /healthz."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    headers.extend([(name, value) for name, value in current_app.extensions["security_headers"] if name.lower() not in present])
    if request.is_secure and "strict-transport-security" not in present:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static" and "cache-control" not in present:
        # Pages hold personal data: keep them out of shared caches and the back-forward cache.
        headers["Cache-Control"] = "no-store"
    return response


def framed_by_self(response: Response) -> Response:
    """Let this response be shown in a frame of the app's own pages (the guide builder's tablet
    preview); every other page keeps ``frame-ancestors 'none'``."""
    policy = dict(current_app.extensions["security_headers"])["Content-Security-Policy"]
    response.headers["Content-Security-Policy"] = policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def content_security_policy(tile_url: str) -> str:
    """The policy, with the origin of the administrator's map tiles (if any) allowed for images and
    for the tablet fetching them ahead into its cache."""
    if not tile_url:
        return CONTENT_SECURITY_POLICY
    parts = urlsplit(tile_url)
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c in parts.netloc for c in " ;,'\""):
        raise ConfigError(f"MAP_TILE_URL is not an http(s) address: {tile_url!r}")
    origin = f"{parts.scheme}://{parts.netloc}"
    return CONTENT_SECURITY_POLICY.replace("img-src 'self'", f"img-src 'self' {origin}").replace(
        "connect-src 'self'", f"connect-src 'self' {origin}"
    )


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    policy = content_security_policy(app.config.get("MAP_TILE_URL", ""))
    app.extensions["security_headers"] = tuple(
        (name, policy if name == "Content-Security-Policy" else value) for name, value in SECURITY_HEADERS
    )
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    app.before_request(apply_body_limit)
    app.before_request(refuse_unstorable_input)
    app.before_request(check_csrf)
    app.after_request(add_security_headers)
