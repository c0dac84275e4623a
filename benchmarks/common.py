"""Shared set-up for the benchmarks and fault scripts: a fresh database with one field worker,
a project, a published guide and a round, plus helpers to make interview payloads and to run
gunicorn on a free loopback port."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-" + "Zx8Cv6Bn4Mm2Ll0Kk9Jj7Hh5Gg3Ff1Dd" * 2
QUESTIONS = [("tevreden", "scale"), ("verbeteren", "long_text"), ("veilig", "yes_no"), ("thema", "multi_choice"), ("jaren", "number")]


@dataclass
class Setup:
    database_url: str
    instance: Path
    token: str
    project_id: int
    round_id: int
    version_id: int


def fresh_database(database_url: str | None = None) -> Setup:
    """Migrate a new database and create what a device needs to sync."""
    instance = Path(tempfile.mkdtemp(prefix="bb-bench-"))
    url = database_url or f"sqlite:///{instance / 'bench.sqlite'}"
    if url.startswith("postgres"):
        url = _fresh_schema(url)
    os.environ.update({"APP_ENV": "testing", "SECRET_KEY": SECRET, "DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    from flask_migrate import upgrade

    from app import create_app
    from app.auth import services as auth
    from app.extensions import db
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import QuestionType, RoundKind
    from app.projects import services as projects
    from app.rounds import services as rounds

    app = create_app({"ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    with app.app_context():
        upgrade()
        user = auth.create_user("veld@almere.example", "Veldwerker", "lange-benchmark-zin")
        project = projects.create_project(projects.ProjectData(name="Benchmark"), user)
        options = [{"value": v, "label": v.title()} for v in ("groen", "spelen", "afval")]
        guide = guides.create_guide(
            project,
            "Benchmark",
            [
                SectionDef(
                    "",
                    [
                        QuestionDef("tevreden", QuestionType.scale, "Tevreden?", required=True, config={"min": 1, "max": 5}),
                        QuestionDef("verbeteren", QuestionType.long_text, "Verbeteren?"),
                        QuestionDef("veilig", QuestionType.yes_no, "Veilig?"),
                        QuestionDef("thema", QuestionType.multi_choice, "Thema's?", options=options),
                        QuestionDef("jaren", QuestionType.number, "Jaren?", config={"integer": True}),
                    ],
                )
            ],
        )
        guides.publish(guides.draft_of(guide), user)
        round_ = rounds.create_round(project, rounds.RoundData(RoundKind.street, "Straat", guide_id=guide.id))
        _token, plain = auth.create_token(user, "benchmark")
        setup = Setup(url, instance, plain, project.id, round_.id, guides.published_of(guide).id)
        db.session.commit()
        db.engine.dispose()
    return setup


def _fresh_schema(url: str) -> str:
    """A new schema in the given PostgreSQL database, so runs never collide (dropped by hand)."""
    import sqlalchemy as sa

    base = url.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"bb_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    print(f"using schema {schema} (dropped at the end)")
    return sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def payload(setup: Setup, rng: random.Random) -> dict[str, Any]:
    began = datetime.now(UTC) - timedelta(minutes=rng.randint(30, 600))
    return {
        "client_version": 1,
        "project_id": setup.project_id,
        "round_id": setup.round_id,
        "guide_version_id": setup.version_id,
        "consent": True,
        "started_at": began.isoformat(),
        "ended_at": (began + timedelta(minutes=rng.randint(3, 20))).isoformat(),
        "street": rng.choice(["Bachstraat", "Mozartlaan", "Chopinstraat"]),
        "answers": {
            "tevreden": rng.randint(1, 5),
            "verbeteren": rng.choice(["Meer groen", "Betere verlichting bij het fietspad", "Minder hondenpoep"]),
            "veilig": rng.choice(["yes", "no"]),
            "thema": rng.sample(["groen", "spelen", "afval"], rng.randint(1, 3)),
            "jaren": rng.randint(0, 40),
        },
    }


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(setup: Setup, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": setup.database_url,
        "INSTANCE_PATH": str(setup.instance),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "30", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(setup.instance / "gunicorn.log").open("wb"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:  # refused, reset or timed out: not up yet
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def worker_pids(master: subprocess.Popen[bytes]) -> list[int]:
    """The gunicorn workers: the master's children, read from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:
            pids.append(int(stat.parent.name))
    return pids


def cleanup(setup: Setup) -> None:
    """Drop the PostgreSQL schema a run made (SQLite files live in a temporary folder)."""
    import re

    import sqlalchemy as sa

    match = re.search(r"search_path%3D(bb_bench_[0-9a-f]+)|search_path=(bb_bench_[0-9a-f]+)", setup.database_url)
    if not match:
        return
    schema = match.group(1) or match.group(2)
    engine = sa.create_engine(setup.database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()
