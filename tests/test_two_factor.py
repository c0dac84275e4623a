"""Two-factor sign-in (TOTP): enrolment with a QR code, login with a code, wrong and replayed codes
refused, and the setting that makes it compulsory for admins and coordinators."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import AuditEvent, User

# Five seconds into a 30-second step, an hour from now: the session cookie a test gets is signed at
# its travelled time, and a cookie signed in the future would not count, so the clock only moves on.
T0 = datetime.fromtimestamp((int(time.time()) // 30 + 120) * 30 + 5, UTC)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def enrol(client, at: datetime | None = T0) -> str:
    """Set up two-factor sign-in for the logged-in user (at ``at``, or now); returns the secret the page showed."""

    def run() -> str:
        page = client.get("/account/two-factor")
        assert page.status_code == 200
        secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
        response = client.form_post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302, response.text[:500]
        return secret

    if at is None:
        return run()
    with time_machine.travel(at, tick=False):
        return run()


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_enrolment_shows_a_qr_code_and_needs_a_right_code(app, client, make_user):
    user = make_user("tess@almere.example")
    client.login(user.email)
    with time_machine.travel(T0, tick=False):
        page = client.get("/account/two-factor")
        assert "<svg" in page.text and "<title>" in page.text  # the QR code, drawn on the page
        secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
        assert len(secret) == 32
        assert client.get("/account/two-factor").text.count(secret[:4] + " " + secret[4:8]) == 1  # a reload keeps the key
        wrong = client.form_post("/account/two-factor", data={"code": "123456" if code_at(secret, T0) != "123456" else "654321"})
        assert wrong.status_code == 422 and "niet juist" in wrong.text
        with app.app_context():
            assert db.session.get(User, user.id).has_two_factor is False
        right = client.form_post("/account/two-factor", data={"code": code_at(secret, T0)})
    assert right.status_code == 302
    with app.app_context():
        from app.auth.two_factor import unseal

        stored = db.session.get(User, user.id)
        assert stored.has_two_factor and secret not in stored.totp_secret  # encrypted at rest
        assert unseal(stored.totp_secret) == secret
    assert [e.actor_id for e in events(app, "user.two_factor_on")] == [user.id]


def test_login_needs_the_code_and_refuses_a_wrong_or_replayed_one(app, client, client_factory, make_user):
    user = make_user("tom@almere.example")
    client.login(user.email)
    secret = enrol(client)
    later = T0 + timedelta(minutes=2)

    browser = client_factory()
    with time_machine.travel(later, tick=False):
        first = browser.login(user.email)
        assert first.status_code == 302 and first.location.endswith("/login/code")
        assert browser.get("/").status_code == 302  # the password alone does not log in
        wrong = browser.form_post("/login/code", data={"code": "000000" if code_at(secret, later) != "000000" else "111111"})
        assert wrong.status_code == 200 and "niet juist" in wrong.text  # (200, as a wrong password: its audit row stays)
        enrolment_code = browser.form_post("/login/code", data={"code": code_at(secret, T0)})
        assert "niet juist" in enrolment_code.text  # an old code (the one used to enrol) is too old and used
        assert browser.get("/").status_code == 302
        right = browser.form_post("/login/code", data={"code": code_at(secret, later)})
        assert right.status_code == 302 and right.location == "/"
        assert browser.get("/").status_code == 200

        replay = client_factory()  # someone who saw the code and the password, a few seconds later
        assert replay.login(user.email).location.endswith("/login/code")
        again = replay.form_post("/login/code", data={"code": code_at(secret, later)})
        assert "al gebruikt" in again.text
        assert replay.get("/").status_code == 302
    with time_machine.travel(later + timedelta(seconds=30), tick=False):  # the next code works
        assert replay.form_post("/login/code", data={"code": code_at(secret, later + timedelta(seconds=30))}).status_code == 302

    failures = [e for e in events(app, "login") if e.result == "failure"]
    assert len(failures) == 3 and all(e.details == {"step": "two_factor"} for e in failures)
    successes = [e for e in events(app, "login") if e.result == "success" and e.details.get("two_factor")]
    assert len(successes) == 2
    assert secret not in str([e.details for e in events(app, "login")])


def test_the_code_must_follow_the_password_within_five_minutes(client, client_factory, make_user):
    user = make_user()
    client.login(user.email)
    secret = enrol(client)
    browser = client_factory()
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        browser.login(user.email)
    late = T0 + timedelta(minutes=16)
    with time_machine.travel(late, tick=False):
        response = browser.form_post("/login/code", data={"code": code_at(secret, late)})
        assert response.status_code == 302 and response.location.startswith("/login")
        assert browser.get("/").status_code == 302


def test_without_a_pending_password_the_code_page_sends_you_to_login(client):
    assert client.get("/login/code").location.startswith("/login")


def test_a_user_can_switch_it_off_with_a_code_and_an_admin_can_reset_it(app, client, client_factory, make_user):
    user = make_user()
    client.login(user.email)
    secret = enrol(client)
    later = T0 + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        refused = client.form_post("/account/two-factor/off", data={"code": "000000" if code_at(secret, later) != "000000" else "111111"})
        assert refused.status_code == 302
        with app.app_context():
            assert db.session.get(User, user.id).has_two_factor
        client.form_post("/account/two-factor/off", data={"code": code_at(secret, later)})
    with app.app_context():
        assert not db.session.get(User, user.id).has_two_factor and db.session.get(User, user.id).totp_secret is None
    enrol(client, T0 + timedelta(minutes=3))
    admin = client_factory()
    admin.login(make_user(is_admin=True).email)
    assert admin.form_post(f"/admin/users/{user.id}/two-factor/reset").status_code == 302
    with app.app_context():
        assert not db.session.get(User, user.id).has_two_factor
    assert events(app, "user.two_factor_off")[-1].details == {"reason": "reset by an administrator"}


def test_when_required_admins_and_coordinators_must_set_it_up_first(app, client, client_factory, make_user, make_project, add_member):
    app.config["REQUIRE_TWO_FACTOR"] = True
    coordinator = make_user()
    project = make_project(coordinator)
    interviewer = make_user()
    add_member(project, interviewer, "interviewer")

    client.login(coordinator.email)
    for path in ("/", f"/projects/{project.id}", "/account"):
        response = client.get(path)
        assert response.status_code == 302 and response.location == "/account/two-factor", path
    api = client.get("/api/v1/bundle")
    assert api.status_code == 403 and api.get_json()["error"] == "two_factor_required"
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and "vereist" in page.text
    enrol(client, at=None)
    assert client.get(f"/projects/{project.id}").status_code == 200
    # Required: it cannot be switched off.
    client.form_post("/account/two-factor/off", data={"code": "123456"})
    with app.app_context():
        assert db.session.get(User, coordinator.id).has_two_factor

    others = client_factory()
    others.login(interviewer.email)
    assert others.get(f"/projects/{project.id}").status_code == 200  # interviewers may, but need not

    admin = client_factory()
    admin.login(make_user(is_admin=True).email)
    assert admin.get("/admin/users").location == "/account/two-factor"


def test_guessing_codes_is_rate_limited(client, client_factory, make_user):
    user = make_user()
    client.login(user.email)
    secret = enrol(client)
    browser = client_factory()
    at = T0 + timedelta(minutes=1)
    wrong = "000000" if code_at(secret, at) != "000000" else "111111"
    with time_machine.travel(at, tick=False):
        assert browser.login(user.email).location.endswith("/login/code")
        for _ in range(5):
            assert "niet juist" in browser.form_post("/login/code", data={"code": wrong}).text
        blocked = browser.form_post("/login/code", data={"code": code_at(secret, at)})  # even the right code waits now
        assert blocked.status_code == 429
        assert browser.get("/").status_code == 302


def test_with_another_data_key_the_secret_cannot_be_read(app, client, client_factory, make_user):
    user = make_user()
    client.login(user.email)
    secret = enrol(client)
    at = T0 + timedelta(minutes=1)
    old_key = app.config.get("DATA_KEY")
    browser = client_factory()
    with time_machine.travel(at, tick=False):
        assert browser.login(user.email).location.endswith("/login/code")
        app.config["DATA_KEY"] = "a-new-key-after-a-leak-" + "x" * 20  # rotated without re-enrolling anyone
        assert "niet juist" in browser.form_post("/login/code", data={"code": code_at(secret, at)}).text
        app.config["DATA_KEY"] = old_key  # the control: the same code, with the key it was sealed with
        assert browser.form_post("/login/code", data={"code": code_at(secret, at)}).status_code == 302
