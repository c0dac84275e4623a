"""The JSON API: session or Bearer token, JSON errors, never a redirect."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import services
from app.extensions import db
from app.models import ApiToken, User
from app.models.types import utcnow


@pytest.fixture
def token_for(app):
    def make(user, **kwargs):
        with app.app_context():
            token, plain = services.create_token(db.session.get(User, user.id), "script", **kwargs)
            db.session.commit()
            return token.id, plain

    return make


def bearer(plain):
    return {"Authorization": f"Bearer {plain}"}


def test_anonymous_gets_401_json_not_a_redirect(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bearer_token_works_and_is_stored_hashed(client, make_user, token_for, query):
    user = make_user("script@almere.example")
    token_id, plain = token_for(user)
    response = client.get("/api/v1/me", headers=bearer(plain))
    assert response.status_code == 200 and response.json["email"] == "script@almere.example"
    stored = query(lambda: db.session.get(ApiToken, token_id))
    assert plain not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    assert stored.last_used_at is not None
    assert "Set-Cookie" not in response.headers  # a token call starts no session


@pytest.mark.parametrize("state", ["revoked", "expired", "inactive", "garbage"])
def test_unusable_tokens_get_401(app, client, make_user, token_for, state):
    user = make_user()
    token_id, plain = token_for(user, expires_at=utcnow() - timedelta(seconds=1) if state == "expired" else None)
    with app.app_context():
        if state == "revoked":
            services.revoke_token(db.session.get(ApiToken, token_id))
        if state == "inactive":
            db.session.get(User, user.id).active = False
        db.session.commit()
    if state == "garbage":
        plain = plain[:-4] + "AAAA"
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 401


def test_a_token_does_not_open_the_html_pages(client, make_user, token_for):
    _id, plain = token_for(make_user())
    response = client.get("/", headers=bearer(plain))
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_token_overrides_a_session_cookie_on_the_api(client, make_user, token_for):
    client.login(make_user("browser@almere.example").email)
    _id, plain = token_for(make_user("script@almere.example"))
    assert client.get("/api/v1/me").json["email"] == "browser@almere.example"
    assert client.get("/api/v1/me", headers=bearer(plain)).json["email"] == "script@almere.example"
    assert client.get("/api/v1/me", headers=bearer("bb_wrong")).status_code == 401


def test_tokens_from_the_account_page(client, make_user, query):
    user = make_user()
    client.login(user.email)
    response = client.form_post("/account/tokens", {"tok-name": "exportscript", "tok-days": "30"})
    assert response.status_code == 200
    plain = response.text.split('id="token" class="token" type="text" readonly value="')[1].split('"')[0]
    other = client.application.test_client()
    assert other.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    token = query(lambda: db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id)))
    assert 29 <= (token.expires_at - utcnow()).days <= 30
    assert plain not in client.get("/account").text  # shown once only
    client.form_post(f"/account/tokens/{token.id}/revoke")
    assert other.get("/api/v1/me", headers=bearer(plain)).status_code == 401


def test_api_errors_are_json(client, make_user, make_project):
    user = make_user()
    project = make_project(make_user())
    client.login(user.email)
    response = client.get(f"/api/v1/projects/{project.id}")
    assert response.status_code == 404 and response.is_json
    assert client.get("/api/v1/nothing-here").is_json
