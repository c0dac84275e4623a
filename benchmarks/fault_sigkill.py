"""Fault script: devices sync through flaky connections while a gunicorn worker is SIGKILLed.

N simulated devices each send M interviews to gunicorn (several workers) with a Bearer token,
half of them one PUT per interview, half in batches as the app does. Devices behave like the
app: an item counts as done only when the server acknowledged it (200/201); they send some
items twice, drop some connections before reading the answer, and retry until acknowledged. Mid-burst one worker is killed with SIGKILL. At the end the script
compares what was acknowledged with what is stored and exits non-zero on any difference.

    .venv/bin/python benchmarks/fault_sigkill.py [--devices 8] [--interviews 40] [--workers 3]
    DATABASE_URL=postgresql://127.0.0.1:5432/test ... (uses that database instead of SQLite)

It talks only to 127.0.0.1 and stops by itself (bounded retries and time).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cleanup, free_port, fresh_database, new_uuid, payload, start_gunicorn, worker_pids

MAX_TRIES = 40
DEADLINE_S = 240


def post_batch(port: int, token: str, items: list[tuple[str, dict]], drop: bool) -> dict[str, int] | None:
    """One POST /batch; the status per UUID, or None when the connection failed or was dropped."""
    body = json.dumps({"items": [{"kind": "interview", "uuid": u, "payload": p} for u, p in items]}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            "POST", "/api/v1/batch", body=body, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        )
        if drop:
            connection.sock.close()
            return None
        response = connection.getresponse()
        data = response.read()
        if response.status != 200:
            return None
        return {r["uuid"]: r["status"] for r in json.loads(data)["results"]}
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()


def put(port: int, token: str, record: str, body: bytes, drop: bool) -> int | None:
    """One PUT; None when the connection failed or was dropped before the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            "PUT",
            f"/api/v1/interviews/{record}",
            body=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        if drop:
            connection.sock.close()  # the tablet walked out of reach: no answer read
            return None
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def batch_device(
    number: int,
    args: argparse.Namespace,
    setup,
    port: int,
    acked: set[str],
    sent: set[str],
    problems: list[str],
    lock: threading.Lock,
    started: float,
) -> None:
    """Like the app: a queue sent in batches; an item leaves the queue only when acknowledged."""
    rng = random.Random(2000 + number)
    queue = [(new_uuid(rng), payload(setup, rng)) for _ in range(args.interviews)]
    with lock:
        sent.update(u for u, _p in queue)
    attempt = 0
    while queue and time.monotonic() - started < DEADLINE_S and attempt < MAX_TRIES * 4:
        chunk = queue[: rng.randint(1, 10)]
        statuses = post_batch(port, setup.token, chunk, drop=rng.random() < 0.15)
        attempt += 1
        if statuses is None:
            time.sleep(min(0.05 * 2 ** min(attempt, 5), 1.0))
            continue
        for record, _body in chunk:
            status = statuses.get(record)
            if status in (200, 201):
                with lock:
                    acked.add(record)
            elif status is not None:
                problems.append(f"{record} answered {status} in a batch")
        queue = [(u, p) for u, p in queue if u not in statuses]  # answered items leave the queue


def device(
    number: int,
    args: argparse.Namespace,
    setup,
    port: int,
    acked: set[str],
    sent: set[str],
    problems: list[str],
    lock: threading.Lock,
    started: float,
) -> None:
    rng = random.Random(1000 + number)
    for _ in range(args.interviews):
        record = new_uuid(rng)
        body = json.dumps(payload(setup, rng)).encode()
        with lock:
            sent.add(record)
        for attempt in range(MAX_TRIES):
            if time.monotonic() - started > DEADLINE_S:
                return
            status = put(port, setup.token, record, body, drop=rng.random() < 0.15)
            if status in (200, 201):
                with lock:
                    acked.add(record)
                if rng.random() < 0.2:  # a double tap or an app retry after an answer got lost
                    again = put(port, setup.token, record, body, drop=False)
                    if again not in (200, 201, None):
                        problems.append(f"replay of {record} answered {again}")
                break
            if status not in (None, 502, 503, 500):
                problems.append(f"{record} answered {status}")
                break
            time.sleep(min(0.05 * 2**attempt, 1.0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=8)
    parser.add_argument("--interviews", type=int, default=40, help="interviews per device")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    setup = fresh_database(os.environ.get("DATABASE_URL"))
    port = free_port()
    master = start_gunicorn(setup, args.workers, port)
    acked: set[str] = set()
    sent: set[str] = set()
    problems: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()
    # Half the devices send one interview per PUT, half send their queue in batches, as the app does.
    threads = [
        threading.Thread(target=device if n % 2 == 0 else batch_device, args=(n, args, setup, port, acked, sent, problems, lock, started))
        for n in range(args.devices)
    ]
    try:
        for thread in threads:
            thread.start()
        total = args.devices * args.interviews
        while len(acked) < total // 3 and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        victim = worker_pids(master)[0]
        os.kill(victim, signal.SIGKILL)
        print(f"killed worker {victim} with SIGKILL after {len(acked)} acknowledged")
        for thread in threads:
            thread.join(DEADLINE_S)
    finally:
        master.terminate()
        master.wait(30)

    import sqlalchemy as sa

    engine = sa.create_engine(setup.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT uuid FROM interviews")).scalars().all()
        answers = connection.execute(sa.text("SELECT count(*) FROM answers")).scalar_one()
        integrity = connection.execute(sa.text("PRAGMA integrity_check")).scalar_one() if engine.dialect.name == "sqlite" else "ok"
    engine.dispose()
    cleanup(setup)
    stored = Counter(str(__import__("uuid").UUID(str(r))) for r in rows)
    missing = acked - set(stored)
    doubled = [u for u, n in stored.items() if n > 1]
    strangers = set(stored) - sent
    print(f"devices {args.devices} × interviews {args.interviews}, workers {args.workers}")
    print(f"sent {len(sent)}, acknowledged {len(acked)}, stored {len(stored)}, answers {answers}")
    print(
        f"acknowledged but not stored: {len(missing)}; stored twice: {len(doubled)}; stored but never sent: {len(strangers)}; integrity: {integrity}"
    )
    expected_answers = sum(1 for _ in stored) * 5
    if answers != expected_answers:
        problems.append(f"answers {answers} != {expected_answers}: a partly stored interview")
    for problem in problems[:10]:
        print("problem:", problem)
    failed = bool(missing or doubled or strangers or problems or integrity != "ok" or len(acked) < len(sent))
    print("RESULT:", "FAIL" if failed else "OK (every acknowledged interview is stored exactly once)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
