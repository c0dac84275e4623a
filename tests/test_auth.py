"""Logging in and out, passwords, rate limiting and the session cookie."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import PASSWORD


def audit_rows(query, action):
    return query(
        lambda: [
            (e.result, e.actor_email, e.details)
            for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        ]
    )


def test_login_with_the_right_password(client, make_user, query):
    user = make_user("cor@almere.example")
    response = client.login("COR@almere.example ")
    assert response.status_code == 302 and response.location == "/"
    assert "Mijn projecten" in client.get("/").text
    assert audit_rows(query, "login") == [("success", "cor@almere.example", {})]
    assert query(lambda: db.session.get(User, user.id).last_login_at) is not None


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user, query):
    make_user("cor@almere.example")
    wrong = client.login("cor@almere.example", "niet-het-wachtwoord")
    unknown = client.login("niemand@almere.example", "niet-het-wachtwoord")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "E-mailadres of wachtwoord is onjuist." in response.text
    assert client.get("/").status_code == 302  # still logged out
    rows = audit_rows(query, "login")
    assert [(r[0], r[2]["email"]) for r in rows] == [
        ("failure", "cor@almere.example"),
        ("failure", "niemand@almere.example"),
    ]


def test_an_inactive_account_cannot_log_in(client, make_user, app):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert "onjuist" in client.login(user.email).text


def test_repeated_failures_are_rate_limited(client, make_user):
    user = make_user()
    for _ in range(5):
        assert client.login(user.email, "fout-wachtwoord-123").status_code == 200
    blocked = client.login(user.email)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Te veel pogingen" in blocked.text


def test_successful_logins_do_not_count_towards_the_limit(client_factory, make_user):
    user = make_user()
    for _ in range(8):
        c = client_factory()
        assert c.login(user.email).status_code == 302


def test_the_limit_is_per_account_as_well_as_per_address(client, make_user):
    first, second = make_user(), make_user()
    for _ in range(5):
        client.login(first.email, "fout-wachtwoord-123")
    assert client.login(first.email).status_code == 429
    assert client.login(second.email).status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    response = client.login(make_user().email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("bb_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_session_cookie_is_secure_outside_development(make_app, migrated_url):
    app = make_app(migrated_url, APP_ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert make_app(migrated_url, APP_ENV="development").config["SESSION_COOKIE_SECURE"] is False


def test_logout_needs_post_and_ends_the_session(client, make_user, query):
    client.login(make_user().email)
    assert client.get("/logout").status_code == 405
    response = client.form_post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert [r[0] for r in audit_rows(query, "logout")] == ["success"]


def test_login_redirects_only_to_this_site(client, make_user):
    user = make_user()
    for target, expected in (("/account", "/account"), ("//evil.example/x", "/"), ("https://evil.example", "/")):
        c = client.application.test_client()
        token = c.csrf_token()
        response = c.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.location == expected, target


def test_passwords_are_stored_with_argon2id(make_user, query):
    user = make_user()
    stored = query(lambda: db.session.get(User, user.id).password_hash)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_production_hashing_uses_the_rfc_9106_argon2id_defaults(make_app, migrated_url):
    from argon2 import PasswordHasher, Type

    from app.auth.services import _hasher

    app = make_app(migrated_url, ARGON2_PARAMETERS=None)
    with app.app_context():
        hasher = _hasher()
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= PasswordHasher().memory_cost >= 19 * 1024  # OWASP minimum: 19 MiB


def test_a_hash_with_old_parameters_is_upgraded_on_login(app, client, make_user, query):
    from argon2 import PasswordHasher

    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).password_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
        db.session.commit()
    assert client.login(user.email).status_code == 302
    assert "m=1024" in query(lambda: db.session.get(User, user.id).password_hash)


def test_change_password(client, make_user):
    user = make_user()
    client.login(user.email)
    bad = client.form_post(
        "/account/password", {"pw-current": "fout", "pw-new": "nieuw-lang-wachtwoord", "pw-confirm": "nieuw-lang-wachtwoord"}
    )
    assert bad.status_code == 422 and "niet uw huidige wachtwoord" in bad.text
    short = client.form_post("/account/password", {"pw-current": PASSWORD, "pw-new": "kort", "pw-confirm": "kort"})
    assert short.status_code == 422
    ok = client.form_post(
        "/account/password", {"pw-current": PASSWORD, "pw-new": "nieuw-lang-wachtwoord", "pw-confirm": "nieuw-lang-wachtwoord"}
    )
    assert ok.status_code == 302
    client.form_post("/logout")
    assert client.login(user.email).status_code == 200  # old password no longer works
    assert client.login(user.email, "nieuw-lang-wachtwoord").status_code == 302


def test_language_is_per_user(client, make_user):
    client.login(make_user(language="en").email)
    assert "My projects" in client.get("/").text
    client.form_post("/account", {"name": "Test Persoon", "language": "nl"})
    assert "Mijn projecten" in client.get("/").text


def test_the_limit_holds_across_worker_processes_with_redis(live_database, tmp_path):
    """Two server processes (as two gunicorn workers) sharing one Redis count failures together."""
    import uuid

    import redis

    from tests.conftest import redis_url_or_skip
    from tests.live import HttpSession, LiveServer

    url = redis_url_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    database_url = live_database({"cor@almere.example": PASSWORD})
    env = {"REDIS_URL": url, "RATELIMIT_KEY_PREFIX": prefix}
    try:
        with LiveServer(database_url, tmp_path / "a", **env) as first, LiveServer(database_url, tmp_path / "b", **env) as second:
            session = HttpSession(first.url)
            for server in (first, second, first, second, first):
                assert session.login("cor@almere.example", "fout-wachtwoord-123", server.url) == 200
            assert session.login("cor@almere.example", PASSWORD, second.url) == 429
            assert session.login("cor@almere.example", PASSWORD, first.url) == 429
    finally:
        store = redis.Redis.from_url(url)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
