"""Benchmark: sync ingest throughput and PUT latency.

1. Throughput: N interviews through the sync API (Bearer token, batches of 25, the app's
   validation, idempotency check and audit row) next to a raw SQLAlchemy Core insert of the same
   rows (interview + answers + audit row, 25 per transaction) into an identical fresh database,
   in the same run. Prints both and their ratio (target ≥ 0.5 on SQLite).
2. Latency: 20 concurrent clients each PUT single interviews to gunicorn over loopback, once flat
   out (each client sends its next request at once: the server's saturation) and once paced like
   tablets syncing (a PUT every --pace seconds per client); prints p50/p95 next to GET /healthz
   measured flat out the same way (target: PUT p95 < 50 ms). The clients share the machine's two
   cores with the server, so the flat-out figures are an upper bound.

    .venv/bin/python benchmarks/sync_ingest.py [--interviews 2000] [--clients 20] [--per-client 25] [--workers 2] [--pace 0.5]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cleanup, free_port, fresh_database, new_uuid, payload, start_gunicorn

BATCH = 25


WARM_UP = 100  # items written first and not timed, in both runs: compiled statement caches fill


def app_ingest(setup, items: list[tuple[str, dict]]) -> float:
    from app import create_app
    from app.extensions import db

    app = create_app()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {setup.token}"}
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        if start == WARM_UP:
            started = time.perf_counter()
        chunk = [{"kind": "interview", "uuid": u, "payload": p} for u, p in items[start : start + BATCH]]
        response = client.post("/api/v1/batch", json={"items": chunk}, headers=headers)
        assert response.status_code == 200 and all(r["status"] == 201 for r in response.json["results"]), response.json
    elapsed = time.perf_counter() - started
    with app.app_context():
        db.engine.dispose()
    return elapsed


def core_insert(setup, items: list[tuple[str, dict]]) -> float:
    """The same rows, written with SQLAlchemy Core and nothing else."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        engine = db.engine  # the app's engine: the same SQLite settings (WAL, BEGIN IMMEDIATE)
        from app.models import Answer, AuditEvent, Interview

        # Core statements on the model's tables (for their column types), no ORM objects.
        interviews, answers, audit = Interview.__table__, Answer.__table__, AuditEvent.__table__
        with engine.connect() as connection:
            questions = dict(
                connection.execute(sa.text("SELECT key, id FROM guide_questions WHERE version_id = :v"), {"v": setup.version_id}).all()
            )
        # Statements built once, parameters per row: the fastest plain Core way.
        insert_interview = interviews.insert().returning(interviews.c.id)
        insert_answers, insert_audit = answers.insert(), audit.insert()
        started = time.perf_counter()
        for start in range(0, len(items), BATCH):
            if start == WARM_UP:
                started = time.perf_counter()
            with engine.begin() as connection:
                for record, body in items[start : start + BATCH]:
                    now = datetime.now(UTC)
                    interview_id = connection.execute(
                        insert_interview,
                        dict(
                            uuid=uuid.UUID(record),
                            project_id=setup.project_id,
                            round_id=setup.round_id,
                            guide_version_id=setup.version_id,
                            interviewer_id=1,
                            started_at=datetime.fromisoformat(body["started_at"]),
                            ended_at=datetime.fromisoformat(body["ended_at"]),
                            street=body["street"],
                            consent=True,
                            receipt_code=record[:9].upper(),
                            fingerprint=hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
                            created_at=now,
                            updated_at=now,
                        ),
                    ).scalar_one()
                    connection.execute(
                        insert_answers,
                        [
                            {
                                "interview_id": interview_id,
                                "question_id": questions[key],
                                "value": value,
                                "text": value if key == "verbeteren" else "",
                            }
                            for key, value in body["answers"].items()
                        ],
                    )
                    connection.execute(
                        insert_audit,
                        dict(
                            occurred_at=now,
                            actor_id=1,
                            actor_email="",
                            action="interview.create",
                            object_type="Interview",
                            object_id=str(interview_id),
                            project_id=setup.project_id,
                            result="success",
                            origin="api",
                            ip_address="",
                            details={},
                        ),
                    )
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return elapsed


def timed_requests(
    port: int,
    method: str,
    paths_and_bodies: list[tuple[str, bytes | None]],
    headers: dict[str, str],
    latencies: list[float],
    errors: list[int],
    interval: float = 0.0,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    # Paced clients start at random moments within one interval, as tablets would.
    next_at = time.perf_counter() + random.uniform(0, interval)
    for path, body in paths_and_bodies:
        if interval:  # paced: a tablet sends now and then, not in a tight loop
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status >= 400:
            errors.append(response.status)
    connection.close()


def concurrent(
    port: int, clients: int, method: str, make: callable, headers: dict[str, str], interval: float = 0.0
) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    threads = [
        threading.Thread(target=timed_requests, args=(port, method, make(n), headers, latencies, errors, interval)) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return latencies, errors


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (this machine has 2 cores)")
    parser.add_argument("--pace", type=float, default=0.5, help="seconds between a paced client's requests")
    args = parser.parse_args()
    rng = random.Random(7)
    given = os.environ.get("DATABASE_URL")  # PostgreSQL when set; otherwise SQLite files

    print(f"== 1. Ingest throughput ({args.interviews} interviews, batches of {BATCH}, {'PostgreSQL' if given else 'SQLite'}) ==")
    setup = fresh_database(given)
    items = [(new_uuid(rng), payload(setup, rng)) for _ in range(args.interviews + WARM_UP)]
    app_seconds = app_ingest(setup, items)
    baseline = fresh_database(given)
    os.environ["DATABASE_URL"] = baseline.database_url
    core_seconds = core_insert(baseline, [(new_uuid(rng), p_) for _u, p_ in items])
    app_rate, core_rate = args.interviews / app_seconds, args.interviews / core_seconds
    print(f"sync API ingest : {app_rate:8.0f} interviews/s ({app_seconds:.2f} s)")
    print(f"Core insert     : {core_rate:8.0f} interviews/s ({core_seconds:.2f} s)")
    print(f"ratio           : {app_rate / core_rate:.2f}  (target ≥ 0.5)")

    print(f"== 2. PUT latency, {args.clients} concurrent clients × {args.per_client}, gunicorn {args.workers} workers ==")
    os.environ["DATABASE_URL"] = setup.database_url
    port = free_port()
    master = start_gunicorn(setup, args.workers, port)
    headers = {"Authorization": f"Bearer {setup.token}", "Content-Type": "application/json"}
    try:
        health, _ = concurrent(port, args.clients, "GET", lambda n: [("/healthz", None)] * args.per_client, {})

        def puts(n: int) -> list[tuple[str, bytes]]:
            local = random.Random(100 + n)
            return [(f"/api/v1/interviews/{new_uuid(local)}", json.dumps(payload(setup, local)).encode()) for _ in range(args.per_client)]

        put_latencies, errors = concurrent(port, args.clients, "PUT", puts, headers)
        paced, paced_errors = concurrent(port, args.clients, "PUT", lambda n: puts(n + 1000), headers, interval=args.pace)
        errors += paced_errors
    finally:
        master.terminate()
        master.wait(30)
    print(f"GET /healthz    : p50 {p(health, 50):6.1f} ms   p95 {p(health, 95):6.1f} ms")
    print(
        f"PUT, flat out   : p50 {p(put_latencies, 50):6.1f} ms   p95 {p(put_latencies, 95):6.1f} ms   (every client sends its next PUT at once)"
    )
    print(
        f"PUT, paced      : p50 {p(paced, 50):6.1f} ms   p95 {p(paced, 95):6.1f} ms   (a PUT every {args.pace} s per client; target p95 < 50 ms)"
    )
    print(f"PUT/healthz p95 : {p(put_latencies, 95) / p(health, 95):.1f}× flat out   errors: {len(errors)}")
    cleanup(setup)
    cleanup(baseline)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
