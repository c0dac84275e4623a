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
    result = runner.invoke(
        args=["create-user", "--email", "Bea@Almere.example", "--name", "Bea", "--admin"],
        input="heel-geheim-wachtwoord\nheel-geheim-wachtwoord\n",
    )
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


def _demo_digest(app) -> list[tuple]:
    from app.models import ActionItem, Answer, Code, Coding, Contribution, GuideVersion, Interview, QuestionType

    with app.app_context():
        names = {a.id: a.path for a in db.session.scalars(sa.select(Area))}
        interviews = db.session.scalars(sa.select(Interview).order_by(Interview.started_at, Interview.uuid)).all()
        digest = []
        for interview in interviews:
            answers = sorted(
                (a.question.key, names[a.value] if a.question.type == QuestionType.area else a.value)
                for a in db.session.scalars(sa.select(Answer).where(Answer.interview_id == interview.id))
            )
            digest.append((str(interview.uuid), interview.receipt_code, names.get(interview.area_id), repr(answers)))
        digest.append(tuple(sorted(c.text for c in db.session.scalars(sa.select(Contribution)))))
        types = {q.type for v in db.session.scalars(sa.select(GuideVersion)) for q in v.questions}
        codings = sorted(
            (
                r.key,
                r.start if r.start is not None else -1,
                r.end if r.end is not None else -1,
                r.sample_id is not None,
                r.is_quote,
                r.sentiment.value if r.sentiment else "",
            )
            for r in db.session.execute(
                sa.select(Code.key, Coding.start, Coding.end, Coding.sample_id, Coding.is_quote, Coding.sentiment).join(Code)
            )
        )
        actions = sorted((a.status.value, len(a.links), a.title) for a in db.session.scalars(sa.select(ActionItem)))
        digest.append((tuple(codings), tuple(actions)))
        db.session.remove()
        db.engine.dispose()
    return digest, types


def test_seed_demo_interviews_are_deterministic_and_use_every_question_type(databases, make_app):
    from app.models import QuestionType
    from tests.conftest import migrate

    digests = []
    for seed in (7, 7, 8):
        app = make_app(databases.new())
        migrate(app)
        result = app.test_cli_runner().invoke(args=["seed-demo", "--interviews", "30", "--seed", str(seed)])
        assert result.exit_code == 0, result.output
        digests.append(_demo_digest(app))
    (first, types), (second, _), (other, _) = digests
    assert len(first) == 32 and first == second and first != other
    assert types == set(QuestionType)
    # Every coding screen has something real: codings with fragments, quotes and sentiments, a
    # double-coded sample, and action items in every status resting on coded input.
    codings, actions = first[-1]
    assert len([c for c in codings if not c[3]]) >= 15 and any(c[3] for c in codings)
    assert any(c[1] >= 0 for c in codings) and any(c[4] for c in codings) and any(c[5] == "negative" for c in codings)
    assert {a[0] for a in actions} == {"new", "planned", "done", "rejected"} and all(a[1] > 0 for a in actions)


def test_analyze_gives_the_planner_statistics(runner, query, world):
    """SQLite gathers no statistics by itself (PostgreSQL's are refreshed by ANALYZE): after the command
    the planner knows the tables' sizes."""
    from app.extensions import db as database

    result = runner.invoke(args=["analyze"])
    assert result.exit_code == 0, result.output
    assert "ANALYZE" in result.output
    if query(lambda: database.session.connection().dialect.name) == "sqlite":
        tables = query(lambda: {row[0] for row in database.session.execute(sa.text("SELECT tbl FROM sqlite_stat1"))})
        assert {"codings", "answers", "interviews"} <= tables, tables
    else:  # a table never analysed has reltuples -1 (PostgreSQL 14 and later)
        sizes = query(
            lambda: dict(
                database.session.execute(
                    sa.text(
                        "SELECT relname, reltuples FROM pg_class WHERE oid IN ('codings'::regclass, 'answers'::regclass, 'interviews'::regclass)"
                    )
                ).all()
            )
        )
        assert len(sizes) == 3 and all(size >= 0 for size in sizes.values()), sizes
