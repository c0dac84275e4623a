"""CSRF protection on every state-changing route, walked over the URL map."""

from __future__ import annotations

import pytest

from app.access import login_required
from tests.urlmap import STATE_CHANGING, methods, routes, url_for_rule


def test_every_state_changing_route_rejects_a_request_without_csrf_token(app, client, world):
    client.login(world.coord_a.email)
    checked = 0
    for rule in routes(app):
        url = url_for_rule(rule, world.own())
        for method in methods(rule):
            if method not in STATE_CHANGING:
                continue
            response = client.open(url, method=method, data={"anything": "x"})
            assert response.status_code == 400, (method, url, response.status_code)
            checked += 1
    assert checked >= 8


def test_a_wrong_csrf_token_is_rejected_and_changes_nothing(client, world, query):
    client.login(world.coord_a.email)
    response = client.post(
        f"/projects/{world.project_a.id}/edit",
        data={"csrf_token": "forged", "name": "Gekaapt", "retention_months": 12},
    )
    assert response.status_code == 400
    assert "formulier was verlopen" in response.text

    from app.extensions import db
    from app.models import Project

    assert query(lambda: db.session.get(Project, world.project_a.id).name) == "Project A"


def test_login_itself_needs_a_csrf_token(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "x"})
    assert response.status_code == 400


@pytest.fixture
def api_echo(app):
    """A state-changing API route for checking the CSRF rules of the API."""

    @login_required
    def echo():
        return {"ok": True}

    app.add_url_rule("/api/v1/_echo", "api_echo", echo, methods=["POST"])
    return "/api/v1/_echo"


def test_api_with_session_cookie_needs_x_csrftoken(client, make_user, api_echo):
    client.login(make_user().email)
    assert client.post(api_echo, json={}).status_code == 400
    token = client.csrf_token()
    response = client.post(api_echo, json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json == {"ok": True}


def test_api_with_bearer_token_needs_no_csrf_token(app, client, make_user, api_echo):
    from app.auth import services
    from app.extensions import db
    from app.models import User

    user = make_user()
    with app.app_context():
        _token, plain = services.create_token(db.session.get(User, user.id), "script")
        db.session.commit()
    response = client.post(api_echo, json={}, headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    bad = client.post(api_echo, json={}, headers={"Authorization": "Bearer bb_not-a-token"})
    assert bad.status_code == 401
