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
    pages = [
        "/",
        f"/projects/{world.project_a.id}",
        f"/projects/{world.project_a.id}/edit",
        f"/projects/{world.project_a.id}/members",
        f"/projects/{world.project_a.id}/areas/",
        "/account",
    ]
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
        address = query(
            lambda: db.session.scalars(
                sa.select(AuditEvent.ip_address).where(AuditEvent.action == "login").order_by(AuditEvent.id.desc())
            ).first()
        )
        assert address == expected, proxies


EVIL = '<script>alert("x")</script>" onmouseover="alert(1)'
ESCAPED = "&lt;script&gt;alert("


def plant_evil_text(app, world) -> None:
    """Resident text (and staff text about it) that tries to run script, in every field a page shows."""
    import sqlalchemy as sa

    from app import facts
    from app.extensions import db
    from app.models import ActionItem, Answer, Code, Coding, ContactDetails, Contribution, Interview, Reflection, Round

    fw = world.fieldwork_a
    with app.app_context():
        interview = db.session.get(Interview, fw["interview_id"])
        interview.street = EVIL[:100]
        db.session.get(Answer, fw["answer_id"]).text = EVIL
        db.session.get(Answer, fw["answer_id"]).value = EVIL
        db.session.merge(Reflection(interview_id=interview.id, surprised=EVIL, resident_words=EVIL))
        db.session.add(ContactDetails(interview_id=interview.id, name=EVIL[:120], email="x@example.org", note=EVIL))
        db.session.get(Contribution, fw["contribution_id"]).text = EVIL
        coding = db.session.get(Coding, fw["coding_id"])
        coding.fragment, coding.memo, coding.is_quote = EVIL, EVIL, True
        db.session.get(Code, coding.code_id).name = EVIL  # a theme name is staff text, but the charts show it
        info = db.session.get(Round, fw["info_round_id"])
        info.place, info.session_notes = EVIL[:200], EVIL
        action = db.session.get(ActionItem, fw["action_id"])
        action.title, action.description, action.location = EVIL, EVIL, EVIL
        db.session.flush()
        facts.rebuild(db.session.connection(), world.project_a.id)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Coding).where(Coding.is_quote)) == 1


def test_resident_text_renders_as_text_on_every_page_of_the_url_map(app, client, world):
    """SECURITY 12: walk every page (not a hand-picked list) as a coordinator and as a policy maker
    with script-like text in every resident field; it must come out escaped wherever it shows."""
    from app.access.policy import rule_for
    from tests.urlmap import routes, url_for_rule

    plant_evil_text(app, world)
    shown: dict[str, set[str]] = {}
    for who in (world.coord_a, world.viewer_a, world.admin):
        client.login(who.email)
        with app.test_request_context():
            pages = [r for r in routes(app) if "GET" in r.methods and rule_for(r.endpoint).kind != "public"]
        for rule in pages:
            response = client.get(url_for_rule(rule, world.own()))
            if response.mimetype != "text/html":
                response.close()
                continue
            html = response.text
            assert "<script>alert" not in html and 'onmouseover="alert' not in html, (who.email, rule.rule)
            if ESCAPED in html:
                shown.setdefault(rule.endpoint, set()).add(who.email)
        client.post("/logout", data={"csrf_token": client.csrf_token()})
    # The positive control: the text did reach the pages that show resident input, so the absence
    # above is escaping and not a page that shows nothing.
    for endpoint in (
        "capture.interview",
        "capture.edit_interview",
        "capture.contributions",
        "coding.index",
        "coding.answer",
        "coding.contribution",
        "actions.index",
        "actions.show",
        "insights.quotes",
        "insights.inputs",
        "insights.overview",
        "insights.areas",
        "insights.trend",
        "residents.record",
        "residents.printable",
    ):
        assert endpoint in shown, (endpoint, {k: sorted(v) for k, v in shown.items()})
    assert world.viewer_a.email in shown["insights.answer"] and world.viewer_a.email in shown["actions.show"]
    # The information round's own page (the walk opens the street round): place and session notes.
    client.login(world.coord_a.email)
    html = client.get(f"/projects/{world.project_a.id}/rounds/{world.fieldwork_a['info_round_id']}").text
    assert html.count(ESCAPED) >= 2 and "<script>alert" not in html and 'onmouseover="alert' not in html
