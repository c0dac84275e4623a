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
    guide: str = "small"
    area_ids: tuple[int, ...] = ()
    code_uuids: tuple[str, ...] = ()


def fresh_database(database_url: str | None = None, guide: str = "small") -> Setup:
    """Migrate a new database and create what a device needs to sync.

    ``guide``: "small" (five questions, QUESTIONS) or "demo" (the demo's guide of 13 questions in three
    sections, with show-if rules, quality, area, location and date questions, and the project's areas):
    ``payload`` then sends what a tablet sends for it."""
    instance = Path(tempfile.mkdtemp(prefix="bb-bench-"))
    url = database_url or f"sqlite:///{instance / 'bench.sqlite'}"
    if url.startswith("postgres"):
        url = _fresh_schema(url)
    os.environ.update({"APP_ENV": "testing", "SECRET_KEY": SECRET, "DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    from flask_migrate import upgrade

    from app import create_app, demo_fieldwork
    from app.areas import services as areas
    from app.auth import services as auth
    from app.codebook.services import active_codes
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
        sections = (
            demo_fieldwork.GUIDE
            if guide == "demo"
            else [
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
            ]
        )
        kind = guide
        guide = guides.create_guide(project, "Benchmark", sections)
        guides.publish(guides.draft_of(guide), user)
        round_ = rounds.create_round(project, rounds.RoundData(RoundKind.street, "Straat", guide_id=guide.id))
        _token, plain = auth.create_token(user, "benchmark")
        area_ids: tuple[int, ...] = ()
        if kind == "demo":
            areas.import_areas(project, areas.parse("stadsdeel,wijk\n" + "".join(f"Haven,Wijk {n}\n" for n in range(1, 9))))
            area_ids = tuple(a.id for a in areas.area_tree(project) if a.parent_id is not None)
        code_uuids = tuple(str(c.uuid) for c in active_codes(project))
        setup = Setup(url, instance, plain, project.id, round_.id, guides.published_of(guide).id, kind, area_ids, code_uuids)
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
    if setup.guide == "demo":
        return demo_payload(setup, rng, began)
    return {
        **_envelope(setup, began, rng.randint(3, 20)),
        "street": rng.choice(["Bachstraat", "Mozartlaan", "Chopinstraat"]),
        "answers": {
            "tevreden": rng.randint(1, 5),
            "verbeteren": rng.choice(["Meer groen", "Betere verlichting bij het fietspad", "Minder hondenpoep"]),
            "veilig": rng.choice(["yes", "no"]),
            "thema": rng.sample(["groen", "spelen", "afval"], rng.randint(1, 3)),
            "jaren": rng.randint(0, 40),
        },
    }


def _envelope(setup: Setup, began: datetime, minutes: int) -> dict[str, Any]:
    """What every interview a device sends carries: where it belongs, consent and when it took place."""
    return {
        "client_version": 1,
        "project_id": setup.project_id,
        "round_id": setup.round_id,
        "guide_version_id": setup.version_id,
        "consent": True,
        "started_at": began.isoformat(),
        "ended_at": (began + timedelta(minutes=minutes)).isoformat(),
    }


def demo_payload(setup: Setup, rng: random.Random, began: datetime) -> dict[str, Any]:
    """What a tablet sends for the demo's guide: 11 to 13 answers, a profile, an area and a field theme."""
    from app.demo_fieldwork import REMARKS

    safe = rng.random() < 0.7
    topics = sorted(rng.sample(["groen", "spelen", "parkeren", "verlichting", "afval"], rng.randint(1, 3)))
    answers: dict[str, Any] = {
        "woonduur": rng.randint(0, 40),
        "tevreden": rng.randint(1, 5),
        "verbeteren": rng.choice(REMARKS)[1],
        "beeld_groen": rng.choice(["A", "B", "B", "C", "D", "?"]),
        "beeld_verharding": rng.choice(["A+", "A", "B", "C", "C", "D"]),
        "veilig": "yes" if safe else "no",
        "onderwerpen": topics,
        "vervoer": rng.choice(["fiets", "auto", "ov", "lopen"]),
        "plek_buurt": rng.choice(setup.area_ids),
        "plek_gps": {"lat": 52.37 + rng.uniform(-0.03, 0.03), "lon": 5.21 + rng.uniform(-0.05, 0.05), "accuracy": rng.randint(3, 30)},
        "plek_gezien": (began - timedelta(days=rng.randrange(0, 30))).date().isoformat(),
    }
    if not safe:
        answers["onveilig_waar"] = rng.choice(["Bij het winkelcentrum", "Het fietstunneltje", "Achter de sporthal"])
    if "spelen" in topics:
        answers["speelplek"] = rng.choice(["Een trapveldje voor de grotere kinderen.", "Schommels voor de kleintjes."])
    return {
        **_envelope(setup, began, rng.randint(4, 25)),
        "area_id": rng.choice(setup.area_ids),
        "street": rng.choice(["Bachstraat", "Mozartlaan", "Chopinstraat", "Vivaldipad", ""]),
        "respondent_type": rng.choice(["resident", "resident", "resident", "entrepreneur", "passer_by"]),
        "age_band": rng.choice(["18_29", "30_44", "45_64", "65_79", "80_plus"]),
        "answers": answers,
        "tags": [rng.choice(setup.code_uuids)] if setup.code_uuids and rng.random() < 0.5 else [],
    }


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    setup: Any, workers: int, port: int, target: tuple[str, ...] = ("wsgi:app",), app_env: str = "testing", probe: str = "/healthz"
) -> subprocess.Popen[bytes]:
    """gunicorn serving ``target`` (the app, or e.g. ``("--chdir", "benchmarks", "hello:app")``) on the
    setup's database, once ``probe`` answers; its log goes to the setup's instance folder."""
    env = {
        **os.environ,
        "APP_ENV": app_env,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": setup.database_url,
        "INSTANCE_PATH": str(setup.instance),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "60", *target],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(setup.instance / f"gunicorn-{port}.log").open("wb"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=1):
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
