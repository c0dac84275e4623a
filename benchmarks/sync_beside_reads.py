"""Benchmark: the field's sync beside a coordinator reading dashboards (SQLite's write lock).

A tablet sends single interviews (PUT) one after another for --seconds, once alone and once while a
coordinator reloads the coding queue over and over (a page that reads every answer to count the queue).
Both run against gunicorn with --workers workers on a database that already holds --interviews
interviews. Repeated --pairs times, alone and beside reads back to back; prints PUT/s and p95 per run and
the ratio beside/alone per pair (target ≥ 0.8: reads must not stall the sync).

    .venv/bin/python benchmarks/sync_beside_reads.py [--interviews 20000] [--seconds 8] [--pairs 3]
    DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python benchmarks/sync_beside_reads.py
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cleanup, free_port, fresh_database, new_uuid, payload, start_gunicorn
from sync_ingest import app_ingest


def login(port: int) -> urllib.request.OpenerDirector:
    """A coordinator's browser session: the login form with its CSRF token."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"http://127.0.0.1:{port}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": "veld@almere.example", "password": "lange-benchmark-zin"}).encode()
    opener.open(f"http://127.0.0.1:{port}/login", data=form).read()
    return opener


def writer(port: int, setup, seconds: float, seed: int, latencies: list[float], errors: list[int]) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {setup.token}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        body = json.dumps(payload(setup, rng)).encode()
        started = time.perf_counter()
        connection.request("PUT", f"/api/v1/interviews/{new_uuid(rng)}", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status >= 400:
            errors.append(response.status)
    connection.close()


def reader(opener: urllib.request.OpenerDirector, url: str, stop: threading.Event, times: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        opener.open(url).read()
        times.append(time.perf_counter() - started)


def run(port: int, setup, seconds: float, seed: int, opener=None, url: str = "") -> tuple[float, float, list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    reads: list[float] = []
    stop = threading.Event()
    readers = [threading.Thread(target=reader, args=(opener, url, stop, reads))] if opener else []
    for thread in readers:
        thread.start()
    time.sleep(0.2 if readers else 0)
    writing = threading.Thread(target=writer, args=(port, setup, seconds, seed, latencies, errors))
    writing.start()
    writing.join(seconds + 120)
    stop.set()
    for thread in readers:
        thread.join(60)
    rate = len(latencies) / seconds
    p95 = statistics.quantiles(latencies, n=100)[94] * 1000 if len(latencies) > 1 else float("nan")
    return rate, p95, reads, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    given = os.environ.get("DATABASE_URL")
    setup = fresh_database(given, guide="demo")
    rng = random.Random(11)
    app_ingest(setup, [(new_uuid(rng), payload(setup, rng)) for _ in range(args.interviews)])
    print(f"{'PostgreSQL' if given else 'SQLite'}: {args.interviews} interviews stored; gunicorn {args.workers} workers")
    port = free_port()
    master = start_gunicorn(setup, args.workers, port)
    errors: list[int] = []
    ratios = []
    try:
        opener = login(port)
        url = f"http://127.0.0.1:{port}/projects/{setup.project_id}/coding/"
        probe = time.perf_counter()
        page = opener.open(url).read().decode()
        assert "verbeteren" in page or "Verbeteren" in page or "Meer groen" in page, "not the coding queue"
        print(f"coding queue page: {(time.perf_counter() - probe) * 1000:.0f} ms once")
        for pair in range(args.pairs):
            alone, alone_p95, _, e1 = run(port, setup, args.seconds, 1000 + pair)
            beside, beside_p95, reads, e2 = run(port, setup, args.seconds, 2000 + pair, opener, url)
            errors += e1 + e2
            ratios.append(beside / alone)
            print(
                f"pair {pair + 1}: alone {alone:6.1f} PUT/s (p95 {alone_p95:6.1f} ms); beside reads {beside:6.1f} PUT/s "
                f"(p95 {beside_p95:7.1f} ms), {len(reads) / args.seconds:.1f} queue pages/s; ratio {beside / alone:.2f}"
            )
    finally:
        master.terminate()
        master.wait(30)
    print(
        f"ratio beside/alone: median {statistics.median(ratios):.2f} of {', '.join(f'{r:.2f}' for r in ratios)} (target ≥ 0.8)   errors: {len(errors)}"
    )
    cleanup(setup)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
