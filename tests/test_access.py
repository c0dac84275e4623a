"""The access matrix, walked over the whole URL map rather than hand-picked routes."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import Rule as UrlRule

from app.access.policy import ROLE_PERMISSIONS, Permission, rule_for
from app.models import Role
from tests.urlmap import STATE_CHANGING, call, methods, routes, url_for_rule


def test_every_endpoint_declares_an_access_rule(app):
    with app.test_request_context():
        missing = [r.endpoint for r in routes(app) if rule_for(r.endpoint) is None]
    assert missing == []


def test_an_endpoint_without_a_rule_is_refused(app):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    with pytest.raises(RuntimeError, match="declares no access rule"):
        app.test_client().get("/forgotten")


def test_anonymous_is_sent_to_login_or_gets_401_everywhere(app, client, world):
    checked = 0
    for rule in routes(app):
        with app.test_request_context():
            access = rule_for(rule.endpoint)
        if access.kind == "public":
            continue
        url = url_for_rule(rule, world.own())
        for method in methods(rule):
            response = call(client, method, url)
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url)
                assert response.is_json and response.json["error"] == "unauthorized"
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response.location.startswith("/login"), (method, url)
            checked += 1
    assert checked >= 20


def test_a_member_of_project_a_cannot_reach_anything_of_project_b(app, client, world):
    client.login(world.coord_a.email)
    checked = 0
    for rule in routes(app):
        if not rule.arguments:
            continue  # routes without ids act on the user's own things
        with app.test_request_context():
            if rule_for(rule.endpoint).kind == "public":
                continue  # for everyone: a project's public information page
        url = url_for_rule(rule, world.foreign())
        for method in methods(rule):
            response = call(client, method, url)
            assert response.status_code in (403, 404), (method, url, response.status_code)
            checked += 1
    assert checked >= 10


def test_project_a_urls_do_not_reach_objects_of_project_b(app, client, world):
    """A's project id with B's object ids in the same URL: still 404."""
    client.login(world.coord_a.email)
    mixed = {**world.foreign(), "project_id": world.project_a.id}
    checked = 0
    for rule in routes(app):
        if "project_id" not in rule.arguments or not any(a.endswith("_id") and a != "project_id" for a in rule.arguments):
            continue
        url = url_for_rule(rule, mixed)
        for method in methods(rule):
            response = call(client, method, url)
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 2


def project_rules(app) -> list[tuple[UrlRule, Any]]:
    with app.test_request_context():
        return [(r, rule_for(r.endpoint)) for r in routes(app) if rule_for(r.endpoint).kind == "project"]


def test_a_coordinator_can_open_every_page_of_their_project(app, client, world):
    """The positive control: the refusals above are about access, not about broken URLs."""
    client.login(world.coord_a.email)
    for rule, _access in project_rules(app):
        if "GET" in rule.methods:
            response = client.get(url_for_rule(rule, world.own()))
            assert response.status_code == 200, (rule.rule, response.status_code)


# Forms a viewer may send without changing the project: asking for an export writes only the
# export's own job and its audit row.
VIEWER_POSTS = {("exports.index", "POST")}
OWN_EXPORTS = {"exports.job", "exports.job_status", "exports.download"}


def test_a_viewer_cannot_change_anything(app, client, world):
    client.login(world.viewer_a.email)
    checked = 0
    for rule, access in project_rules(app):
        url = url_for_rule(rule, world.own())
        for method in methods(rule):
            response = call(client, method, url)
            if (rule.endpoint, method) in VIEWER_POSTS:
                assert response.status_code == 200, (method, url, response.status_code)
            elif rule.endpoint in OWN_EXPORTS:  # the sample job is the coordinator's: not the viewer's to see
                assert response.status_code == 404, (method, url, response.status_code)
            elif method in STATE_CHANGING or access.permission not in ROLE_PERMISSIONS[Role.viewer]:
                assert response.status_code == 403, (method, url, response.status_code)
                checked += 1
            else:
                assert response.status_code == 200, (method, url, response.status_code)
    assert checked >= 5


def test_an_interviewer_cannot_manage_the_project(app, client, world):
    client.login(world.interviewer_a.email)
    checked = 0
    for rule, access in project_rules(app):
        if access.permission not in (Permission.manage, Permission.manage_members):
            continue
        url = url_for_rule(rule, world.own())
        for method in methods(rule):
            assert call(client, method, url).status_code == 403, (method, url)
            checked += 1
    assert checked >= 5


def test_only_admins_reach_the_administration(app, client, client_factory, world):
    admin = client_factory()
    admin.login(world.admin.email)
    client.login(world.coord_a.email)
    with app.test_request_context():
        admin_rules = [r for r in routes(app) if rule_for(r.endpoint).kind == "admin"]
    assert len(admin_rules) >= 4
    for rule in admin_rules:
        url = url_for_rule(rule, world.own())
        for method in methods(rule):
            assert call(client, method, url).status_code == 403, (method, url)
        if "GET" in rule.methods:
            assert admin.get(url).status_code == 200, url


def test_an_admin_staffs_any_project_but_does_not_see_its_data(client, world):
    client.login(world.admin.email)
    assert client.get(f"/projects/{world.project_b.id}/members").status_code == 200
    # The admin knows the project exists (403, not 404) but sees none of its contents.
    assert client.get(f"/projects/{world.project_b.id}").status_code == 403
    assert client.get(f"/projects/{world.project_b.id}/areas/").status_code == 403


def test_my_projects_lists_only_my_projects(client, world):
    client.login(world.coord_a.email)
    page = client.get("/").text
    assert "Project A" in page and "Project B" not in page
    api = client.get("/api/v1/projects").json["projects"]
    assert [p["name"] for p in api] == ["Project A"]


def test_project_creation_is_for_admins_and_coordinators(client_factory, world):
    for user, allowed in ((world.admin, True), (world.coord_a, True), (world.viewer_a, False), (world.interviewer_a, False)):
        c = client_factory()
        c.login(user.email)
        assert c.get("/projects/new").status_code == (200 if allowed else 403), user.email


def test_no_page_shows_a_link_its_reader_may_not_follow(app, client, world):
    """A policy maker or interviewer is never shown a link that answers 403 (the information card's
    "Back" led a policy maker to the residents' page)."""
    import re as re_module

    from app.access.policy import rule_for
    from tests.urlmap import routes, url_for_rule

    with app.test_request_context():
        pages = [r for r in routes(app) if "GET" in r.methods and rule_for(r.endpoint).kind == "project"]
    for who in (world.viewer_a, world.interviewer_a):
        client.login(who.email)
        links: set[str] = set()
        for rule in pages:
            response = client.get(url_for_rule(rule, world.own()))
            if response.status_code == 200 and response.mimetype == "text/html":
                links |= set(re_module.findall(r'href="(/projects/[^"#?]*)', response.text))
        assert len(links) > 10
        refused = [link for link in sorted(links) if client.get(link).status_code == 403]
        assert refused == [], (who.email, refused)


@pytest.mark.parametrize(
    "path",
    ["/projects/9999999999999999999999", "/projects/2147483648", "/projects/1/interviews/99999999999", "/projects/2147483648/exports/"],
)
def test_ids_beyond_the_databases_range_are_not_found(client, world, path):
    """Issue 16, finding 4: an id over 2^31 reached PostgreSQL and answered 500."""
    client.login(world.coord_a.email)
    assert client.get(path).status_code == 404
