"""Flask commands: seed-demo, create-user, create-token."""

from __future__ import annotations

import sqlalchemy as sa

from app import demo
from app.extensions import db
from app.models import Area, Membership, Project, User


def count(query, model):
    return query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(model)))


def test_seed_demo_builds_the_almere_demo_once(runner, query, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for email, _name, password, _admin in demo.DEMO_USERS:
        assert f"{email}" in result.output and password in result.output
    assert count(query, User) == 4
    names = query(lambda: set(db.session.scalars(sa.select(Project.name))))
    assert "Groot onderhoud Muziekwijk Zuid 2027" in names and len(names) == 3
    assert count(query, Area) == 3 * 55  # 50 wijken and 5 stadsdelen per project

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "already has users" in again.output
    assert count(query, User) == 4 and count(query, Membership) == 3 + 2 + 1

    assert client.login("coordinator@buitenbinnen.example", "coordinator-demo-2027").status_code == 302
    assert "Groot onderhoud Muziekwijk Zuid 2027" in client.get("/").text


def test_seed_demo_refuses_production(make_app, migrated_url):
    app = make_app(migrated_url, APP_ENV="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "not in production" in result.output


def test_create_user_and_token(runner, client, query):
    result = runner.invoke(args=["create-user", "--email", "Bea@Almere.example", "--name", "Bea", "--admin"], input="heel-geheim-wachtwoord\nheel-geheim-wachtwoord\n")
    assert result.exit_code == 0, result.output
    user = query(lambda: db.session.scalar(sa.select(User).where(User.email == "bea@almere.example")))
    assert user.is_admin and user.name == "Bea"

    duplicate = runner.invoke(args=["create-user", "--email", "bea@almere.example", "--name", "X", "--password", "heel-geheim-wachtwoord"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["create-user", "--email", "x@almere.example", "--name", "X", "--password", "kort"])
    assert short.exit_code != 0 and "at least 12" in short.output

    token = runner.invoke(args=["create-token", "--email", "bea@almere.example", "--name", "export", "--days", "7"])
    assert token.exit_code == 0
    plain = token.output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).json["email"] == "bea@almere.example"

    missing = runner.invoke(args=["create-token", "--email", "nobody@almere.example", "--name", "x"])
    assert missing.exit_code != 0 and "No user" in missing.output
