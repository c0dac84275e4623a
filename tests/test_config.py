"""The app factory and its configuration."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "APP_ENV", "REDIS_URL", "INSTANCE_PATH"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "SECRET_KEY is not set"),
        ("", "SECRET_KEY is not set"),
        ("dev", "too weak"),
        ("changeme", "too weak"),
        ("a" * 64, "too few distinct characters"),
        ("short-but-random-7Hq", "too weak"),
    ],
)
def test_production_refuses_to_start_without_a_strong_secret_key(clean_env, tmp_path, secret, message):
    config = {"INSTANCE_PATH": str(tmp_path)}
    if secret is not None:
        clean_env.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match=message) as error:
        create_app(config)
    assert "secrets.token_urlsafe" in str(error.value)  # the message says how to make one


def test_production_starts_with_a_strong_secret_key(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "Vq3-nX8pLr2Tz6Wc9Yb1Md4Hf7Jk0Sg5Ae")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["APP_ENV"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_without_redis_says_loudly_that_limits_are_per_worker(clean_env, tmp_path, caplog):
    clean_env.setenv("SECRET_KEY", "Vq3-nX8pLr2Tz6Wc9Yb1Md4Hf7Jk0Sg5Ae")
    with caplog.at_level("WARNING"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert any("RATE LIMITS ARE PER WORKER" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    caplog.clear()
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    with caplog.at_level("WARNING"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert not any("RATE LIMITS" in r.getMessage() for r in caplog.records)


def test_development_makes_and_keeps_its_own_key(clean_env, tmp_path):
    clean_env.setenv("APP_ENV", "development")
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / ".dev-secret-key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_an_unknown_environment_is_refused(clean_env, tmp_path):
    clean_env.setenv("APP_ENV", "staging")
    with pytest.raises(ConfigError, match="APP_ENV must be one of"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_the_default_database_is_sqlite_in_the_instance_folder(clean_env, tmp_path):
    clean_env.setenv("APP_ENV", "development")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'buitenbinnen.sqlite'}"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u@db:5432/bb", "postgresql+psycopg://u@db:5432/bb"),
        ("postgresql://u@db/bb", "postgresql+psycopg://u@db/bb"),
        ("postgresql+psycopg://u@db/bb", "postgresql+psycopg://u@db/bb"),
    ],
)
def test_database_url_from_the_environment_uses_psycopg(clean_env, tmp_path, given, used):
    clean_env.setenv("APP_ENV", "development")
    clean_env.setenv("DATABASE_URL", given)
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["SQLALCHEMY_DATABASE_URI"] == used


def test_instance_config_file_is_read_and_the_environment_wins(clean_env, tmp_path):
    (tmp_path / "config.py").write_text('LOGIN_RATE_LIMIT = "3 per minute"\nSESSION_HOURS = 4\n')
    clean_env.setenv("APP_ENV", "development")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["LOGIN_RATE_LIMIT"] == "3 per minute"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 4 * 3600
    clean_env.setenv("LOGIN_RATE_LIMIT", "7 per minute")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["LOGIN_RATE_LIMIT"] == "7 per minute"


def test_csrf_is_on_in_tests_too(app):
    assert app.config["WTF_CSRF_ENABLED"] is True


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
