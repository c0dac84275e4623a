"""Sessions end when they should: on logout, a password or two-factor change, and an
administrator's "sign out everywhere" — wherever a copy of the cookie went."""

from __future__ import annotations

import re

import pyotp
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, UserSession

from .conftest import PASSWORD

COOKIE = "bb_session"


def copy_of(client, client_factory):
    """Another browser holding a copy of this client's session cookie (as a thief would)."""
    other = client_factory()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_copied_cookie_dies_with_the_logout(client, client_factory, world, query):
    client.login(world.interviewer_a.email)
    thief = copy_of(client, client_factory)
    assert signed_in(thief)
    assert client.form_post("/logout").status_code == 302
    assert not signed_in(client) and not signed_in(thief)
    assert thief.get("/api/v1/me").status_code == 401
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == world.interviewer_a.id)
            )
        )
        == 0
    )


def test_logging_out_on_one_device_keeps_the_others(client, client_factory, world):
    tablet = client_factory()
    tablet.login(world.interviewer_a.email)
    client.login(world.interviewer_a.email)
    client.form_post("/logout")
    assert signed_in(tablet)


def test_a_password_change_ends_every_other_session(client, client_factory, world):
    tablet = client_factory()
    tablet.login(world.coord_a.email)
    client.login(world.coord_a.email)
    copy = copy_of(client, client_factory)
    response = client.submit(
        "/account",
        {"pw-current": PASSWORD, "pw-new": "een-heel-nieuw-wachtwoord-2027", "pw-confirm": "een-heel-nieuw-wachtwoord-2027"},
        form="//form[contains(@action, '/account/password')]",
    )
    assert response.status_code == 302
    assert signed_in(client)  # the person who changed it stays in
    assert signed_in(copy)  # the same session, so the same cookie
    assert not signed_in(tablet)


def test_switching_two_factor_on_ends_the_other_sessions(client, client_factory, world, query):
    tablet = client_factory()
    tablet.login(world.coord_a.email)
    client.login(world.coord_a.email)
    page = client.get("/account/two-factor").text
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    response = client.submit("/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert signed_in(client) and not signed_in(tablet)


def test_the_account_page_lists_sessions_and_ends_the_others(client, client_factory, world, query):
    tablet = client_factory()
    tablet.login(world.interviewer_a.email)
    client.login(world.interviewer_a.email)
    page = client.get("/account").text
    assert "Waar u bent ingelogd" in page and "dit apparaat" in page
    response = client.submit("/account", {}, form="//form[contains(@action, '/account/sessions/end')]")
    assert response.status_code == 302
    assert signed_in(client) and not signed_in(tablet)
    assert query(lambda: db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1))) == "user.sessions_ended"


def test_an_administrator_signs_a_person_out_everywhere(client, client_factory, world):
    tablet = client_factory()
    tablet.login(world.interviewer_a.email)
    copy = copy_of(tablet, client_factory)
    client.login(world.admin.email)
    response = client.submit(f"/admin/users/{world.interviewer_a.id}", {}, form="//form[contains(@action, '/sessions/end')]")
    assert response.status_code == 302
    assert not signed_in(tablet) and not signed_in(copy)
    assert signed_in(client)


def test_an_administrator_resetting_a_password_ends_all_their_sessions(client, client_factory, world):
    tablet = client_factory()
    tablet.login(world.interviewer_a.email)
    client.login(world.admin.email)
    response = client.submit(
        f"/admin/users/{world.interviewer_a.id}",
        {"password": "nieuw-wachtwoord-van-beheer-1"},
        form="//main//form[@method='post'][.//input[@name='password']]",
    )
    assert response.status_code == 302
    assert not signed_in(tablet)


def test_a_cookie_without_a_session_record_is_not_signed_in(client, app, world):
    """A session cookie made before server-side sessions (or forged with the key) names no record."""
    with client.session_transaction() as session:
        session["_user_id"] = str(world.coord_a.id)
        session["_fresh"] = True
    assert not signed_in(client)


def test_purge_expired_forgets_sessions_that_ended_by_themselves(app, client, world, runner, query):
    from datetime import timedelta

    from app.models.types import utcnow

    client.login(world.coord_a.email)
    with app.app_context():
        db.session.add(
            UserSession(
                user_id=world.viewer_a.id,
                key_hash="0" * 64,
                created_at=utcnow() - timedelta(days=2),
                expires_at=utcnow() - timedelta(days=1),
                user_agent="",
            )
        )
        db.session.commit()
    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0 and "1 ended sessions" in result.output, result.output
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(UserSession.key_hash == "0" * 64))) == 0
    )
    assert signed_in(client)  # a session still running stays


def test_reading_pages_sends_no_new_cookie(client, world):
    """The session's lifetime runs from sign-in: a page view neither re-signs nor re-sends the cookie
    (the first page after sign-in may: it shows the welcome message and makes the form token)."""
    response = client.login(world.interviewer_a.email)
    assert COOKIE in response.headers.get("Set-Cookie", "")
    client.get("/")
    for url in ("/", "/account", "/"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Set-Cookie" not in page.headers
    assert signed_in(client)
