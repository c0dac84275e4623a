"""Inviting a colleague into a project: by e-mail through a real SMTP server (aiosmtpd, started here
and read back), or as a link to pass on without one; the link sets a password once and expires."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller
from lxml import html as lxml_html

from app.extensions import db
from app.models import AuditEvent, Invitation, Membership, Role, User

NEW = "nieuwe.collega@almere.example"


class Inbox:
    """An SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="buitenbinnen@almere.example")
    yield box
    controller.stop()
    app.config["MAIL_SERVER"] = ""


@pytest.fixture
def coordinator(client, make_user, make_project):
    user = make_user(name="Cor Coördinator")
    project = make_project(user, "Wijkschouw Filmwijk")
    client.login(user.email)
    return user, project


def invite(client, project, email=NEW, role="interviewer"):
    return client.submit(
        f"/projects/{project.id}/members",
        {"email": email, "role": role},
        form="//form[substring(@action, string-length(@action) - 7) = '/members']",
    )


def link_in(text: str) -> str:
    found = re.search(r"https?://\S+/invitation/[A-Za-z0-9_-]+", text)
    assert found, text
    return found.group(0).replace("http://localhost", "")


def accept(client, link, name="Nina Nieuw", password="een lange zin als wachtwoord", repeat=None):
    return client.submit(link, {"name": name, "new": password, "confirm": repeat or password})


def test_an_invitation_by_email_sets_a_password_and_joins_the_project(client, client_factory, coordinator, inbox, query):
    _user, project = coordinator
    response = invite(client, project)
    assert response.status_code == 302
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["X-Envelope-To"] == NEW and message["To"] == NEW
    assert message["Subject"] == "Uitnodiging voor Wijkschouw Filmwijk in Buitenbinnen"
    body = message.get_payload(decode=True).decode()
    assert "Cor Coördinator nodigt u uit voor het project" in body and "als interviewer" in body
    link = link_in(body)
    token = link.rsplit("/", 1)[1]
    stored = query(lambda: db.session.scalars(sa.select(Invitation.token_digest)).all())
    assert token not in str(stored) and len(stored) == 1  # only the digest is kept
    assert "nieuwe.collega@almere.example" in client.get(f"/projects/{project.id}/members").text  # listed as invited

    colleague = client_factory()
    page = colleague.get(link)
    assert page.status_code == 200 and "Wijkschouw Filmwijk" in page.text
    joined = accept(colleague, link)
    assert joined.status_code == 302 and joined.location.endswith(f"/projects/{project.id}")
    assert colleague.get(f"/projects/{project.id}").status_code == 200  # signed in, and a member
    person = query(lambda: db.session.scalar(sa.select(User).where(User.email == NEW)))
    assert person.name == "Nina Nieuw"
    role = query(lambda: db.session.scalar(sa.select(Membership.role).where(Membership.user_id == person.id)))
    assert role == Role.interviewer
    actions = query(lambda: db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("invitation.%"))).all())
    assert sorted(actions) == ["invitation.accept", "invitation.create"]

    again = client_factory().get(link)  # the link works once
    assert again.status_code == 410 and "al gebruikt" in again.text


def test_without_a_mail_server_the_coordinator_gets_the_link_to_pass_on(client, client_factory, coordinator, query):
    _user, project = coordinator
    response = invite(client, project, role="viewer")
    assert response.status_code == 200
    page = lxml_html.fromstring(response.text)
    assert "er is geen e-mail verstuurd" in page.xpath("string(//main)")
    link = page.xpath("//input[@id='invitation-link']/@value")[0].replace("http://localhost", "")
    colleague = client_factory()
    assert accept(colleague, link).status_code == 302
    role = query(lambda: db.session.scalar(sa.select(Membership.role).join(User).where(User.email == NEW)))
    assert role == Role.viewer


def test_a_mail_server_that_cannot_be_reached_still_gives_the_link(app, client, coordinator, query):
    _user, project = coordinator
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)  # nothing listens there
    try:
        response = invite(client, project)
    finally:
        app.config["MAIL_SERVER"] = ""
    assert response.status_code == 200
    text = lxml_html.fromstring(response.text).xpath("string(//main)")
    assert "De e-mail kon niet worden verstuurd" in text and "/invitation/" in response.text


def test_an_invitation_expires(client, client_factory, coordinator, inbox, query):
    user, project = coordinator
    invite(client, project)
    link = link_in(inbox.messages[0].get_payload(decode=True).decode())
    with time_machine.travel(datetime.now(UTC) + timedelta(days=8), tick=False):
        colleague = client_factory()
        gone = colleague.get(link)
        assert gone.status_code == 410 and "verlopen" in gone.text
        refused = colleague.form_post(link, {"name": "X", "new": "een lange zin als wachtwoord", "confirm": "een lange zin als wachtwoord"})
        assert refused.status_code == 410
        client.login(user.email)  # a week on, the coordinator's session has ended too
        assert "verlopen" in client.get(f"/projects/{project.id}/members").text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == NEW))) == 0


def test_withdrawn_and_replaced_links_no_longer_work(client, client_factory, coordinator, inbox, query):
    _user, project = coordinator
    invite(client, project)
    first = link_in(inbox.messages[0].get_payload(decode=True).decode())
    invite(client, project, role="coordinator")  # invited again: only the newest link works
    second = link_in(inbox.messages[1].get_payload(decode=True).decode())
    assert client_factory().get(first).status_code == 410
    assert client_factory().get(second).status_code == 200
    open_id = query(lambda: db.session.scalar(sa.select(Invitation.id).where(Invitation.revoked_at.is_(None))))
    withdrawn = client.submit(f"/projects/{project.id}/members", form=f"//form[contains(@action, 'invitations/{open_id}/revoke')]")
    assert withdrawn.status_code == 302
    assert client_factory().get(second).status_code == 410


def test_bad_input_on_the_invitation_stores_nothing(client, client_factory, coordinator, inbox, query):
    _user, project = coordinator
    assert invite(client, project, email="").status_code == 422
    assert inbox.messages == []
    invite(client, project)
    link = link_in(inbox.messages[0].get_payload(decode=True).decode())
    colleague = client_factory()
    for values in (
        {"name": "Nina", "password": "kort"},
        {"name": "Nina", "password": "een lange zin als wachtwoord", "repeat": "een andere lange zin"},
        {"name": "", "password": "een lange zin als wachtwoord"},
    ):
        assert accept(colleague, link, **values).status_code == 422
    assert client_factory().get("/invitation/" + "x" * 43).status_code == 410
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == NEW))) == 0
    assert accept(colleague, link).status_code == 302  # the link still works after the refusals


def test_only_who_manages_the_team_invites(client_factory, make_user, coordinator, query):
    _user, project = coordinator
    interviewer = make_user()
    query(lambda: (db.session.add(Membership(project_id=project.id, user_id=interviewer.id, role=Role.interviewer)), db.session.commit()))
    client = client_factory()
    client.login(interviewer.email)
    response = client.form_post(f"/projects/{project.id}/members", {"email": NEW, "role": "coordinator"})
    assert response.status_code == 403
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))) == 0


def test_an_invited_coordinator_sets_up_two_factor_where_it_is_required(app, client, client_factory, coordinator, inbox):
    _user, project = coordinator
    invite(client, project, role="coordinator")
    app.config["REQUIRE_TWO_FACTOR"] = True
    try:
        link = link_in(inbox.messages[0].get_payload(decode=True).decode())
        colleague = client_factory()
        assert accept(colleague, link).status_code == 302
        onward = colleague.get(f"/projects/{project.id}")
        assert onward.status_code == 302 and "/account/two-factor" in onward.location
    finally:
        app.config["REQUIRE_TWO_FACTOR"] = False
