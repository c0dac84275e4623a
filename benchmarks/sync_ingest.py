"""Benchmark: sync ingest throughput, PUT latency, and a batch against single PUTs.

Interviews are what a tablet sends for the demo's guide (13 questions in three sections, show-if
rules, area, location and date answers, a profile, a field theme: ``common.demo_payload``).

1. Throughput: --interviews interviews through the sync API (Bearer token, batches of 25: the app's
   validation, idempotency check and audit rows) next to the same rows written the fastest plain way,
   as the app writes them (per batch one multi-row INSERT of the interviews, then one executemany each
   for answers, tags and audit rows), each in a fresh database. --pairs back-to-back pairs; prints the
   ratio per pair and its median.
2. Latency: --clients concurrent clients each PUT --per-client single interviews to gunicorn over
   loopback, flat out (each client sends its next request at once: with 20 clients on 2 workers this
   measures queueing, an upper bound) and paced like tablets syncing (a PUT every --pace seconds per
   client; target p95 < 50 ms), and one device's 25 interviews as one batch against 25 PUTs (ms per
   item; target: the batch is no slower per item). Each repeated --pairs times.

    .venv/bin/python benchmarks/sync_ingest.py [--interviews 2000] [--pairs 3] [--clients 20] [--per-client 25] [--pace 0.5]
    DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python benchmarks/sync_ingest.py
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


def app_ingest(setup, items: list[tuple[str, dict]], warm_up: int = WARM_UP) -> float:
    from app import create_app
    from app.extensions import db

    app = create_app()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {setup.token}"}
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        if start == warm_up:
            started = time.perf_counter()
        chunk = [{"kind": "interview", "uuid": u, "payload": p} for u, p in items[start : start + BATCH]]
        response = client.post("/api/v1/batch", json={"items": chunk}, headers=headers)
        assert response.status_code == 200 and all(r["status"] == 201 for r in response.json["results"]), response.json
    elapsed = time.perf_counter() - started
    with app.app_context():
        db.engine.dispose()
    return elapsed


def core_insert(setup, items: list[tuple[str, dict]], warm_up: int = WARM_UP) -> float:
    """The same rows written the fastest plain way, as the app writes them: per batch of 25, one
    multi-row INSERT of the interviews (RETURNING their ids), then one executemany each for their
    answers, theme tags and audit rows, in one transaction. No validation, no lookups, no ORM."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        engine = db.engine  # the app's engine: the same SQLite settings (WAL, BEGIN IMMEDIATE)
        from app.models import Answer, AuditEvent, Interview
        from app.models.fieldwork import interview_tags

        interviews, answers, audit = Interview.__table__, Answer.__table__, AuditEvent.__table__
        with engine.connect() as connection:
            questions = dict(
                connection.execute(sa.text("SELECT key, id FROM guide_questions WHERE version_id = :v"), {"v": setup.version_id}).all()
            )
            codes = dict(connection.execute(sa.text("SELECT uuid, id FROM codes WHERE project_id = :p"), {"p": setup.project_id}).all())
        codes = {str(uuid.UUID(str(k))): v for k, v in codes.items()}
        insert_interviews = interviews.insert().returning(interviews.c.id, sort_by_parameter_order=True)
        insert_answers, insert_tags, insert_audit = answers.insert(), interview_tags.insert(), audit.insert()
        started = time.perf_counter()
        for start in range(0, len(items), BATCH):
            if start == warm_up:
                started = time.perf_counter()
            chunk = items[start : start + BATCH]
            now = datetime.now(UTC)
            with engine.begin() as connection:
                ids = (
                    connection.execute(
                        insert_interviews,
                        [
                            dict(
                                uuid=uuid.UUID(record),
                                project_id=setup.project_id,
                                round_id=setup.round_id,
                                guide_version_id=setup.version_id,
                                interviewer_id=1,
                                started_at=datetime.fromisoformat(body["started_at"]),
                                ended_at=datetime.fromisoformat(body["ended_at"]),
                                area_id=body.get("area_id"),
                                street=body["street"],
                                respondent_type=body.get("respondent_type"),
                                age_band=body.get("age_band"),
                                consent=True,
                                receipt_code=record[:9].upper(),
                                fingerprint=hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
                                created_at=now,
                                updated_at=now,
                            )
                            for record, body in chunk
                        ],
                    )
                    .scalars()
                    .all()
                )
                connection.execute(
                    insert_answers,
                    [
                        {
                            "interview_id": interview_id,
                            "question_id": questions[key],
                            "value": value,
                            "text": value if isinstance(value, str) else "",
                        }
                        for interview_id, (_record, body) in zip(ids, chunk, strict=True)
                        for key, value in body["answers"].items()
                    ],
                )
                tags = [
                    {"interview_id": i, "code_id": codes[t]} for i, (_r, body) in zip(ids, chunk, strict=True) for t in body.get("tags", [])
                ]
                if tags:
                    connection.execute(insert_tags, tags)
                connection.execute(
                    insert_audit,
                    [
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
                            details={"uuid": record, "round": setup.round_id},
                        )
                        for interview_id, (record, _body) in zip(ids, chunk, strict=True)
                    ],
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


def batch_versus_puts(port: int, setup, rng: random.Random, headers: dict[str, str]) -> tuple[float, float]:
    """One device with 25 interviews: sent as one batch, then as 25 PUTs; ms per item each way."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    batch = [{"kind": "interview", "uuid": new_uuid(rng), "payload": payload(setup, rng)} for _ in range(BATCH)]
    started = time.perf_counter()
    connection.request("POST", "/api/v1/batch", body=json.dumps({"items": batch}).encode(), headers=headers)
    response = connection.getresponse()
    statuses = {r["status"] for r in json.loads(response.read())["results"]}
    batch_ms = (time.perf_counter() - started) * 1000 / BATCH
    assert statuses == {201}, statuses
    started = time.perf_counter()
    for _ in range(BATCH):
        connection.request("PUT", f"/api/v1/interviews/{new_uuid(rng)}", body=json.dumps(payload(setup, rng)).encode(), headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 201, response.status
    puts_ms = (time.perf_counter() - started) * 1000 / BATCH
    connection.close()
    return batch_ms, puts_ms


def spread(values: list[float], digits: int = 2) -> str:
    return f"median {statistics.median(values):.{digits}f} of {', '.join(f'{v:.{digits}f}' for v in values)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=3, help="back-to-back pairs (app, baseline) per measurement")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (this machine has 2 cores)")
    parser.add_argument("--pace", type=float, default=0.5, help="seconds between a paced client's requests")
    args = parser.parse_args()
    rng = random.Random(7)
    given = os.environ.get("DATABASE_URL")  # PostgreSQL when set; otherwise SQLite files

    print(
        f"== 1. Ingest throughput ({args.interviews} interviews a run, batches of {BATCH}, demo guide, {'PostgreSQL' if given else 'SQLite'}) =="
    )
    setup = fresh_database(given, guide="demo")
    baseline = fresh_database(given, guide="demo")
    ratios = []
    for pair in range(args.pairs):
        warm_up = WARM_UP if pair == 0 else 0
        items = [(new_uuid(rng), payload(setup, rng)) for _ in range(args.interviews + warm_up)]
        os.environ["DATABASE_URL"] = setup.database_url
        app_seconds = app_ingest(setup, items, warm_up)
        os.environ["DATABASE_URL"] = baseline.database_url
        same_codes = dict(zip(setup.code_uuids, baseline.code_uuids, strict=True))  # the same codebook, other UUIDs
        twins = [(new_uuid(rng), {**body, "tags": [same_codes[t] for t in body["tags"]]}) for _u, body in items]
        core_seconds = core_insert(baseline, twins, warm_up)
        app_rate, core_rate = args.interviews / app_seconds, args.interviews / core_seconds
        ratios.append(app_rate / core_rate)
        print(
            f"pair {pair + 1}: sync API {app_rate:6.0f} interviews/s   plain multi-row inserts {core_rate:6.0f}/s   ratio {ratios[-1]:.2f}"
        )
    print(f"ratio sync API / plain inserts: {spread(ratios)}")

    print(f"== 2. PUT latency, {args.clients} concurrent clients × {args.per_client}, gunicorn {args.workers} workers ==")
    os.environ["DATABASE_URL"] = setup.database_url
    port = free_port()
    master = start_gunicorn(setup, args.workers, port)
    headers = {"Authorization": f"Bearer {setup.token}", "Content-Type": "application/json"}
    errors: list[int] = []
    flat, paced, per_item = [], [], []
    try:

        def puts(n: int) -> list[tuple[str, bytes]]:
            local = random.Random(rng.random() + n)
            return [(f"/api/v1/interviews/{new_uuid(local)}", json.dumps(payload(setup, local)).encode()) for _ in range(args.per_client)]

        health, _ = concurrent(port, args.clients, "GET", lambda n: [("/healthz", None)] * args.per_client, {})
        for _pair in range(args.pairs):
            latencies, failed = concurrent(port, args.clients, "PUT", puts, headers)
            flat.append(p(latencies, 95))
            latencies, failed_paced = concurrent(port, args.clients, "PUT", puts, headers, interval=args.pace)
            paced.append(p(latencies, 95))
            per_item.append(batch_versus_puts(port, setup, rng, headers))
            errors += failed + failed_paced
    finally:
        master.terminate()
        master.wait(30)
    print(f"GET /healthz    : p95 {p(health, 95):6.1f} ms (flat out)")
    print(f"PUT, flat out   : p95 ms {spread(flat, 1)}   (every client sends its next PUT at once: queueing, see README)")
    print(f"PUT, paced      : p95 ms {spread(paced, 1)}   (a PUT every {args.pace} s per client; target p95 < 50 ms)")
    batch_ratios = [b / u for b, u in per_item]
    print(
        f"batch of {BATCH} vs {BATCH} PUTs, ms per item: batch {spread([b for b, _ in per_item])}; PUTs {spread([u for _, u in per_item])}; "
        f"ratio {spread(batch_ratios)} (target ≤ 1)"
    )
    print(f"errors: {len(errors)}")
    cleanup(setup)
    cleanup(baseline)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
