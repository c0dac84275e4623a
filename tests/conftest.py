"""Test fixtures: a migrated database per run, a rolled-back transaction per test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set (a
fresh schema per run, dropped at the end). Services a test needs (PostgreSQL, Redis, Chromium)
make it skip with a reason on a laptop; with CI=true a missing service fails the test.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from tests.urlmap import one_project, world  # noqa: F401  (fixtures shared by the URL-map walks and most tests)

IN_CI = os.environ.get("CI", "").lower() == "true"
# Argon2id still, with a small cost so that hundreds of test logins stay fast.
TEST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
PASSWORD = "lange-test-zin-voor-login"
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def require_service(name: str, reason: str) -> None:
    """Skip on a laptop without the service; fail in CI, where every service must be there."""
    message = f"{name} is not available: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (required in CI)")
    pytest.skip(message)


def redis_url_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        require_service("Redis", f"{REDIS_URL}: {error}")
    return REDIS_URL


def pg_schema_url(base_url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema`` as their search path."""
    url = sa.make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


class DatabaseFactory:
    """Makes fresh, empty databases: SQLite files, or schemas in the PostgreSQL test database."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory):
        self.base = os.environ.get("TEST_DATABASE_URL")
        self.tmp_path_factory = tmp_path_factory
        self.schemas: list[str] = []
        if self.base:
            try:
                engine = sa.create_engine(self.base.replace("postgresql://", "postgresql+psycopg://", 1))
                with engine.connect():
                    pass
                engine.dispose()
            except sa.exc.OperationalError as error:
                require_service("PostgreSQL", str(error).splitlines()[0])

    @property
    def dialect(self) -> str:
        return "postgresql" if self.base else "sqlite"

    def new(self) -> str:
        if not self.base:
            return f"sqlite:///{self.tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        schema = f"bb_test_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(self.base.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
        self.schemas.append(schema)
        return pg_schema_url(self.base, schema)

    def drop_all(self) -> None:
        if not self.base or not self.schemas:
            return
        engine = sa.create_engine(self.base.replace("postgresql://", "postgresql+psycopg://", 1))
        # One transaction per schema: dropping them all at once takes a lock per table, index and
        # constraint of every schema, more than PostgreSQL's lock table holds by default.
        for schema in self.schemas:
            with engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory)
    yield factory
    factory.drop_all()


def app_config(database_url: str, instance_path: str, **overrides: Any) -> dict[str, Any]:
    return {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-" + "k8Jq2vX9pL4mN7rT1wY6zB3cF5hD0gA" * 2,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": instance_path,
        "ARGON2_PARAMETERS": TEST_ARGON2,
        "RATELIMIT_STORAGE_URI": "memory://",
        # A test's writes share one connection, rolled back after it: no training thread beside it
        # (the tests of learned suggestions train in-process, or switch it on with a live database).
        "TRAIN_SUGGESTIONS": False,
        **overrides,
    }


def migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_url(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database per run, built by the migrations exactly as in production."""
    url = databases.new()
    migrate(create_app(app_config(url, str(tmp_path_factory.mktemp("instance")))))
    return url


@pytest.fixture
def make_app(tmp_path: Any) -> Callable[..., Flask]:
    """Build an app with test config and overrides (its own database must be given or migrated)."""

    def make(database_url: str, **overrides: Any) -> Flask:
        return create_app(app_config(database_url, str(tmp_path / "instance"), **overrides))

    return make


@pytest.fixture
def app(migrated_url: str, make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The app on the migrated database; everything a test writes is rolled back after it."""
    app = make_app(migrated_url)
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.session.remove()
        db.session.configure(bind=None, join_transaction_mode="conditional_savepoint")
        outer.rollback()
        connection.close()
        db.engine.dispose()


class Client(FlaskClient):
    """A test client that can fetch a CSRF token and log in like a person would."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        # Read every response whole and close it, as a server does (a file download is a stream
        # that would otherwise stay open).
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        response = self.get("/", follow_redirects=True)
        match = re.search(r'<meta name="csrf-token" content="([^"]+)"', response.text)
        assert match, "page has no CSRF token"
        return match.group(1)

    def login(self, email: str, password: str = PASSWORD) -> Any:
        token = self.csrf_token()
        return self.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def form_post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form with a valid CSRF token, as the browser would."""
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)

    def submit(self, url: str, values: dict[str, Any] | None = None, *, form: str = "//main//form[@method='post']", **kwargs: Any) -> Any:
        """Open ``url``, fill in the form the page shows and send it, as a person would.

        Only fields on the page can be filled in (a name the form lacks fails the test, so a test
        cannot post what nobody can type); untouched fields keep what the page put in them.
        """
        from lxml import html as lxml_html

        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        tree = lxml_html.fromstring(page.text)
        found = tree.xpath(form)
        assert found, f"{url} shows no {form}"
        element = found[0]
        # What a person can fill in or press: fields, and the named buttons (which send their value).
        controls = ".//input|.//select|.//textarea|.//button[@name]"
        shown = {f.get("name") for f in element.xpath(controls) if f.get("name") and f.get("type") != "hidden"}
        unknown = set(values or {}) - shown
        assert not unknown, f"{url}: the form shows no field {sorted(unknown)} (it has {sorted(shown)})"
        data: dict[str, Any] = {}
        for name, value in element.form_values():
            data.setdefault(name, []).append(value)
        for name, value in (values or {}).items():
            data[name] = value if isinstance(value, list) else [value]
        action = element.get("action") or url
        return self.post(action, data=data, **kwargs)


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def client_factory(app: Flask) -> Callable[[], Client]:
    """More clients, for tests with several people at once."""
    app.test_client_class = Client
    return lambda: app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# -- factories: build data through the same services the app uses -----------------------------


def committed(app: Flask, build: Callable[[], Any]) -> Any:
    """Run ``build`` in an app context, commit, and hand back the object detached."""
    with app.app_context():
        obj = build()
        db.session.commit()
        db.session.refresh(obj)
        db.session.expunge(obj)
        return obj


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    from app.auth import services

    def make(email: str | None = None, name: str = "Test Persoon", password: str = PASSWORD, **kwargs: Any) -> Any:
        email = email or f"{uuid.uuid4().hex[:8]}@almere.example"
        return committed(app, lambda: services.create_user(email, name, password, **kwargs))

    return make


@pytest.fixture
def make_project(app: Flask) -> Callable[..., Any]:
    from app.models import User
    from app.projects import services

    def make(creator: Any, name: str = "Groot onderhoud Filmwijk", **fields: Any) -> Any:
        data = services.ProjectData(name=name, **fields)
        return committed(app, lambda: services.create_project(data, db.session.get(User, creator.id)))

    return make


@pytest.fixture
def add_member(app: Flask) -> Callable[..., Any]:
    from app.models import Project, Role, User
    from app.projects import services

    def add(project: Any, user: Any, role: str) -> Any:
        return committed(
            app,
            lambda: services.add_member(db.session.get(Project, project.id), db.session.get(User, user.id), Role(role)),
        )

    return add


@pytest.fixture
def import_areas(app: Flask) -> Callable[..., Any]:
    from app.areas import services
    from app.models import Project

    def run(project: Any, csv_text: str) -> Any:
        with app.app_context():
            result = services.import_areas(db.session.get(Project, project.id), services.parse(csv_text))
            db.session.commit()
            return result

    return run


@pytest.fixture
def query(app: Flask) -> Callable[..., Any]:
    """Run a read against the test database in an app context: ``query(lambda: ...)``."""

    def run(fn: Callable[[], Any]) -> Any:
        with app.app_context():
            return fn()

    return run


@pytest.fixture
def live_database(databases: DatabaseFactory, make_app: Callable[..., Flask]) -> Callable[..., Any]:
    """A fresh migrated database with real commits, for servers in other processes.

    Returns a function that seeds users (email -> password) and gives the database URL.
    """
    from app.auth import services

    url = databases.new()
    setup = make_app(url)
    migrate(setup)

    def seed(users: dict[str, str] | None = None, demo: bool = False) -> str:
        with setup.app_context():
            if demo:
                from app import demo as demo_data

                demo_data.seed(interviews=6)
            for email, password in (users or {}).items():
                services.create_user(email, "Live Test", password)
            db.session.commit()
            db.engine.dispose()
        return url

    return seed


SIMPLE_GUIDE = [
    (
        "Over de straat",
        [
            ("tevreden", "scale", "Hoe tevreden bent u?", {"config": {"min": 1, "max": 5}, "required": True}),
            ("verbeteren", "long_text", "Wat zou u verbeteren?", {}),
        ],
    ),
]


@pytest.fixture
def make_fieldwork(app: Flask) -> Callable[..., dict[str, Any]]:
    """A published guide (plus a draft of its next version), a street and an information round,
    one interview and one contribution, made through the services. Returns their ids."""
    from datetime import datetime, timedelta

    from PIL import Image as PILImage

    from app.actions import services as action_services
    from app.capture import services as capture
    from app.capture.validation import validate_contribution, validate_interview
    from app.coding import memos as coding_memos
    from app.coding import services as coding_services
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import (
        Answer,
        Area,
        Code,
        Coding,
        CodingSample,
        Contribution,
        Element,
        Photo,
        Project,
        QuestionType,
        RoundKind,
        SampleItem,
        User,
    )
    from app.photos import services as photo_services
    from app.rounds import services as rounds

    def make(project: Any, coordinator: Any, interviewer: Any, guide: list[Any] | None = None) -> dict[str, Any]:
        with app.app_context():
            project_row = db.session.get(Project, project.id)
            sections = [
                SectionDef(title, [QuestionDef(key, QuestionType(kind), label, **extra) for key, kind, label, extra in questions])
                for title, questions in (guide or SIMPLE_GUIDE)
            ]
            guide_row = guides.create_guide(project_row, "Straatgesprek", sections)
            version = guides.draft_of(guide_row)
            guides.publish(version, db.session.get(User, coordinator.id))
            draft = guides.ensure_draft(guide_row)
            street = rounds.create_round(project_row, rounds.RoundData(RoundKind.street, "Straat", guide_id=guide_row.id))
            info = rounds.create_round(project_row, rounds.RoundData(RoundKind.info, "Bewonersavond"))
            context = capture.context_for(project_row)
            now = datetime.now(UTC)
            clean, errors = validate_interview(
                version.questions,
                {
                    "uuid": str(uuid.uuid4()),
                    "consent": True,
                    "started_at": now - timedelta(minutes=5),
                    "ended_at": now,
                    "answers": {"tevreden": 4, "verbeteren": "Meer groen"} if guide is None else {},
                },
                context,
            )
            assert clean is not None, errors
            interview, _ = capture.record_interview(project_row, street, version, db.session.get(User, interviewer.id), clean)
            photo_uuid = uuid.uuid4()
            clean_c, errors = validate_contribution(
                {
                    "uuid": str(uuid.uuid4()),
                    "recorded_at": now,
                    "text": "Te donker bij het fietspad",
                    "receipt_code": interview.receipt_code,
                    "photos": [str(photo_uuid)],
                },
                context,
            )
            assert clean_c is not None, errors
            contribution, _ = capture.record_contribution(project_row, info, db.session.get(User, interviewer.id), clean_c)
            # Its photo arrived, and a coordinator marked it free of people and number plates.
            image = io.BytesIO()
            PILImage.new("RGB", (64, 48), (90, 120, 60)).save(image, "JPEG")
            assert photo_services.receive(photo_uuid, image.getvalue(), db.session.get(User, interviewer.id)).status == 201
            photo_services.set_cleared(
                db.session.scalar(sa.select(Photo).where(Photo.uuid == photo_uuid)), True, db.session.get(User, coordinator.id)
            )
            ids = {
                "guide_id": guide_row.id,
                "version_id": version.id,
                "question_id": draft.questions[0].id,
                "section_id": draft.sections[0].id,
                "round_id": street.id,
                "info_round_id": info.id,
                "interview_id": interview.id,
                "contribution_id": contribution.id,
                "interview_uuid": str(interview.uuid),
                "code": interview.receipt_code,  # the resident's receipt code: the interview and the contribution
                "code_id": db.session.scalars(sa.select(Code.id).where(Code.project_id == project_row.id).order_by(Code.id).limit(1)).one(),
                "element_id": db.session.scalars(
                    sa.select(Element.id).where(Element.project_id == project_row.id).order_by(Element.id).limit(1)
                ).one(),
                "answer_id": db.session.scalars(
                    sa.select(Answer.id).where(Answer.interview_id == interview.id, Answer.text != "").order_by(Answer.id).limit(1)
                ).first(),
                "coding_id": coding_services.apply_code(
                    project_row,
                    db.session.get(Contribution, contribution.id),
                    db.session.scalars(sa.select(Code).where(Code.project_id == project_row.id).order_by(Code.id).limit(1)).one(),
                    db.session.get(User, coordinator.id),
                ).id,
                "contribution_uuid": str(contribution.uuid),
                "area_id": db.session.scalars(
                    sa.select(Area.id).where(Area.project_id == project_row.id).order_by(Area.id).limit(1)
                ).first(),
                "photo_uuid": str(photo_uuid),
            }
            # Double coding: a sample of the contribution for the coordinator, coded once; and an
            # action item resting on the contribution.
            sample = CodingSample(project_id=project_row.id, coder_id=coordinator.id, drawn_by_id=coordinator.id, name="Controle")
            db.session.add(sample)
            db.session.flush()
            item = SampleItem(sample_id=sample.id, contribution_id=contribution.id)
            db.session.add(item)
            db.session.flush()
            code = db.session.get(Code, ids["code_id"])
            blind = coding_services.apply_code(
                project_row,
                db.session.get(Contribution, contribution.id),
                code,
                db.session.get(User, coordinator.id),
                sample=sample,
            )
            action = action_services.create_action(
                project_row,
                db.session.get(User, coordinator.id),
                action_services.ActionData(title="Lantaarnpalen fietspad"),
                [db.session.get(Contribution, contribution.id)],
            )
            ids |= {"sample_id": sample.id, "item_id": item.id, "action_id": action.id, "link_id": action.links[0].id}
            ids["sample_coding_id"] = blind.id
            # A memo of the coordinator's on the project's coding of the contribution.
            ids["memo_id"] = coding_memos.add_memo(
                project_row,
                db.session.get(User, coordinator.id),
                "Zie ook de bewonersavond.",
                coding=db.session.get(Coding, ids["coding_id"]),
            ).id
            db.session.commit()
            return ids

    return make
