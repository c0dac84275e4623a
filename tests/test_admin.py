"""User administration."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, User

NEW_USER = {"name": "Ilse Interviewer", "email": "Ilse@Almere.example", "language": "nl", "active": "y", "password": "een-lang-wachtwoord"}


def test_an_admin_creates_and_edits_accounts(client, client_factory, make_user, query):
    client.login(make_user(is_admin=True).email)
    assert client.form_post("/admin/users/new", NEW_USER).status_code == 302
    user = query(lambda: db.session.scalar(sa.select(User).where(User.email == "ilse@almere.example")))
    assert user is not None and user.active and not user.is_admin
    created = query(lambda: db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.create")).all())
    assert [(e.object_id, e.details["email"]) for e in created][-1] == (str(user.id), "ilse@almere.example")

    other = client_factory()
    assert other.login("ilse@almere.example", "een-lang-wachtwoord").status_code == 302

    response = client.form_post(f"/admin/users/{user.id}", {**NEW_USER, "name": "Ilse de Vries", "password": "", "active": ""})
    assert response.status_code == 302
    changed = query(lambda: db.session.get(User, user.id))
    assert (changed.name, changed.active) == ("Ilse de Vries", False)
    assert other.get("/").status_code == 302  # a deactivated account is logged out at once
    details = query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "user.update")).all())
    assert details == [{"fields": ["name", "active"]}]


def test_emails_are_unique(client, make_user):
    client.login(make_user(is_admin=True).email)
    make_user("ilse@almere.example")
    response = client.form_post("/admin/users/new", NEW_USER)
    assert response.status_code == 422 and "gebruikt dit e-mailadres al" in response.text


def test_short_passwords_and_bad_emails_are_refused(client, make_user):
    client.login(make_user(is_admin=True).email)
    response = client.form_post("/admin/users/new", {**NEW_USER, "email": "geen-adres", "password": "kort"})
    assert response.status_code == 422
    assert response.text.count('aria-invalid="true"') == 2


def test_an_admin_cannot_lock_themselves_out(client, make_user, query):
    admin = make_user(is_admin=True, name="Bea")
    client.login(admin.email)
    form = {"name": "Bea", "email": admin.email, "language": "nl", "active": "y", "is_admin": ""}
    response = client.form_post(f"/admin/users/{admin.id}", form)
    assert response.status_code == 422
    assert query(lambda: db.session.get(User, admin.id).is_admin) is True


def test_the_audit_log_is_visible_to_admins(client, make_user):
    client.login(make_user("bea@almere.example", is_admin=True).email)
    page = client.get("/admin/audit?action=login").text
    assert "bea@almere.example" in page and "login" in page
