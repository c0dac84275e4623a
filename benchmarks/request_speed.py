"""Benchmark: requests per second of real pages, next to Flask's hello-world under the same gunicorn.

Loads the demo (its guide of 13 questions, its codebook and codings) with --interviews synthetic
interviews into a fresh database, starts the app (APP_ENV=production, --workers gunicorn workers) and
benchmarks/hello.py (the same gunicorn, the same workers), and drives each with the same load generator
(benchmarks/load.py, its own process: --clients clients, each sending its next request when the last is
answered) for --seconds. For every page the run is repeated --pairs times as a back-to-back pair
(hello-world, then the page) and the ratio of their rates is printed per pair and as a median.

Pages (a coordinator logged in): /healthz (target ≥ 0.6 of hello-world), the interview form of a street
round (the capture page), the theme overview, the coding queue and the workbench of one statement
(each target ≥ 0.25).

    .venv/bin/python benchmarks/request_speed.py [--interviews 2000] [--seconds 10] [--pairs 3] [--only healthz,capture]
    DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python benchmarks/request_speed.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SECRET, _fresh_schema, cleanup, free_port, start_gunicorn

TARGETS = {"healthz": 0.6}
DEFAULT_TARGET = 0.25
COORDINATOR = ("coordinator@buitenbinnen.example", "coordinator-demo-2027")


class Seeded:
    def __init__(self, database_url: str, instance: Path) -> None:
        self.database_url = database_url
        self.instance = instance
        self.paths: dict[str, str] = {}


def seed(interviews: int) -> Seeded:
    """A fresh database with the demo and ``interviews`` synthetic interviews; the pages' paths."""
    import sqlalchemy as sa

    instance = Path(tempfile.mkdtemp(prefix="bb-bench-"))
    given = os.environ.get("DATABASE_URL")
    url = _fresh_schema(given) if given else f"sqlite:///{instance / 'bench.sqlite'}"
    os.environ.update({"APP_ENV": "testing", "SECRET_KEY": SECRET, "DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Answer, Interview, Project, Round, RoundKind

    app = create_app({"ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--interviews", str(interviews)])
    assert result.exit_code == 0, result.output
    seeded = Seeded(url, instance)
    with app.app_context():
        round_ = db.session.scalars(
            sa.select(Round).where(Round.kind == RoundKind.street, Round.guide_id.is_not(None)).order_by(Round.id)
        ).first()
        project_id = round_.project_id
        answer_id = db.session.scalar(
            sa.select(Answer.id)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Interview.project_id == project_id, Answer.text != "")
            .order_by(Answer.id.desc())
        )
        name = db.session.get(Project, project_id).name
        db.engine.dispose()
    base = f"/projects/{project_id}"
    seeded.paths = {
        "healthz": "/healthz",
        "capture": f"{base}/rounds/{round_.id}/interviews/new",
        "insights": f"{base}/insights/",
        "queue": f"{base}/coding/",
        "workbench": f"{base}/coding/answers/{answer_id}",
    }
    print(f"{'PostgreSQL' if given else 'SQLite'}: demo with {interviews} interviews in {name!r}")
    return seeded


def session_cookie(port: int) -> str:
    """Log in through the form; the cookie is marked Secure (production), so it is read by hand."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": COORDINATOR[0], "password": COORDINATOR[1]})
    connection.request("POST", "/login", body=form, headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, f"login failed: {response.status}"
    return response.getheader("Set-Cookie").split(";", 1)[0]


def load(port: int, path: str, clients: int, seconds: float, cookie: str = "") -> dict:
    command = [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--port", str(port), "--path", path]
    command += ["--clients", str(clients), "--seconds", str(seconds), "--cookie", cookie]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated page names (default: all)")
    args = parser.parse_args()
    seeded = seed(args.interviews)
    app_port, hello_port = free_port(), free_port()
    app = start_gunicorn(seeded, args.workers, app_port, app_env="production")
    hello = start_gunicorn(seeded, args.workers, hello_port, ("--chdir", "benchmarks", "hello:app"), probe="/")
    failed = False
    try:
        cookie = session_cookie(app_port)
        pages = [p for p in seeded.paths if not args.only or p in args.only.split(",")]
        print(f"gunicorn {args.workers} workers, {args.clients} clients, {args.seconds:g} s a run, {args.pairs} pairs a page")
        for page in pages:
            path = seeded.paths[page]
            ratios = []
            for pair in range(args.pairs):
                base = load(hello_port, "/", args.clients, args.seconds)
                got = load(app_port, path, args.clients, args.seconds, cookie)
                if set(got["statuses"]) != {"200"}:
                    print(f"  {page}: statuses {got['statuses']} (expected only 200)")
                    failed = True
                ratios.append(got["rate"] / base["rate"])
                print(
                    f"  {page:<9} pair {pair + 1}: hello-world {base['rate']:7.0f}/s (p95 {base['p95']:5.1f} ms)   "
                    f"{page} {got['rate']:6.0f}/s (p95 {got['p95']:6.1f} ms, {got['bytes'] // 1024} KiB)   ratio {ratios[-1]:.3f}"
                )
            target = TARGETS.get(page, DEFAULT_TARGET)
            median = statistics.median(ratios)
            print(
                f"{page:<9} ratio median {median:.3f} of {', '.join(f'{r:.3f}' for r in ratios)} "
                f"(target ≥ {target}){'' if median >= target else '  BELOW TARGET'}   {path}"
            )
    finally:
        for process in (app, hello):
            process.terminate()
            process.wait(30)
        cleanup(seeded)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
