"""Security headers and pages that keep working under a strict Content-Security-Policy."""

from __future__ import annotations

import re

CSP_REQUIRED = ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]


def test_csp_and_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in CSP_REQUIRED:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "max-age=" in client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_pages_have_no_inline_scripts_styles_or_handlers(client, world):
    """The CSP forbids them, so a page that used them would break in the browser."""
    pages = ["/", f"/projects/{world.project_a.id}", f"/projects/{world.project_a.id}/edit",
             f"/projects/{world.project_a.id}/members", f"/projects/{world.project_a.id}/areas/", "/account"]
    client.login(world.coord_a.email)
    for url in pages:
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_static_files_are_served_without_no_store(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


def test_nothing_is_loaded_from_another_site(client, world):
    client.login(world.coord_a.email)
    for url in ("/login", "/", "/account"):
        html = client.get(url).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), url
    css = client.get("/static/css/app.css")
    assert "url(" not in css.text and "@import" not in css.text
    css.close()


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(make_app, migrated_url, make_user, query):
    """Audit rows and rate limits use the client's address: from X-Forwarded-For only when a
    proxy is configured, so nobody can spoof an address by sending the header themselves."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import AuditEvent
    from tests.conftest import Client

    user = make_user()
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        server = make_app(migrated_url, TRUSTED_PROXIES=proxies)
        server.test_client_class = Client
        client = server.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
        client.login(user.email)
        address = query(lambda: db.session.scalars(sa.select(AuditEvent.ip_address).where(AuditEvent.action == "login").order_by(AuditEvent.id.desc())).first())
        assert address == expected, proxies
