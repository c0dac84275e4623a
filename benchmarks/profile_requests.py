"""Where a request's time goes: each page of the request benchmark, profiled in process.

Seeds the demo as benchmarks/request_speed.py does, logs a coordinator in through the login form, then
for each page makes --repeat requests through the WSGI app (no network) under cProfile and prints the
time per request, the SQL statements per request (counted on the engine) and the functions with the
most time of their own and in total, so a change can be aimed at a cause.

    .venv/bin/python benchmarks/profile_requests.py [--interviews 2000] [--repeat 200] [--only capture] [--top 25]
    DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python benchmarks/profile_requests.py
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SECRET, cleanup
from request_speed import COORDINATOR, seed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", default="")
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    args = parser.parse_args()
    seeded = seed(args.interviews)
    os.environ.update({"APP_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": seeded.database_url})
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app({"SESSION_COOKIE_SECURE": False})
    statements: list[str] = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda _c, _k, statement, *_a: statements.append(statement))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": COORDINATOR[0], "password": COORDINATOR[1]})
    assert response.status_code == 302, response.status_code
    try:
        for name, path in seeded.paths.items():
            if args.only and name not in args.only.split(","):
                continue
            for _ in range(5):  # warm: templates compiled, caches filled
                assert client.get(path).status_code == 200
            statements.clear()
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(args.repeat):
                client.get(path)
            profiler.disable()
            per_request = (time.perf_counter() - started) / args.repeat * 1000
            print(
                f"\n=== {name} {path}: {per_request:.2f} ms a request (under the profiler), {len(statements) / args.repeat:.1f} SQL statements ==="
            )
            for statement in dict.fromkeys(s.split("\n")[0][:110] for s in statements):
                print(f"    sql: {statement}")
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
            print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    finally:
        with app.app_context():
            db.engine.dispose()
        cleanup(seeded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
