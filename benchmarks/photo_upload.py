"""Benchmark: photo uploads (PUT /api/v1/photos/<uuid>) next to writing the same bytes to disk.

Photos as a tablet sends them (JPEG, 1600 px on the longest side, --kb about 400 kB) are declared by
contributions, then --clients clients upload them to gunicorn with --workers workers: the app checks
each by its content, decodes it, re-encodes it without metadata, makes a thumbnail and keeps both. The
baseline is a bare WSGI app on the same gunicorn that writes the same bytes to disk (benchmarks/
disk_put.py). Per run: photos/s, MB/s and the workers' CPU time per photo (from /proc); repeated --pairs
times back to back, with the ratio app/baseline. Read the medians: the machine's noise is large.

    .venv/bin/python benchmarks/photo_upload.py [--photos 120] [--clients 4] [--workers 2] [--pairs 3]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cleanup, free_port, fresh_database, new_uuid, start_gunicorn, worker_pids

TICKS = os.sysconf("SC_CLK_TCK")


def camera_photo(rng: random.Random, side: int = 1600) -> bytes:
    """A photo-like JPEG: a gradient with grain, as a downscaled tablet photo, with EXIF to strip."""
    from PIL import Image

    width, height = side, side * 3 // 4
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.effect_noise((width, height), 40 + rng.randint(0, 20)).convert("RGB")
    image = Image.blend(base, grain, 0.35)
    exif = Image.Exif()
    exif[0x010F] = "Tablet"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def declare(setup, port: int, photos: int, seed: int) -> list[str]:
    """Contributions naming the photos (three each), through the API as a tablet sends them."""
    from app import create_app
    from app.extensions import db
    from app.models import Project, RoundKind
    from app.rounds import services as rounds

    app = create_app()
    with app.app_context():
        info = rounds.create_round(db.session.get(Project, setup.project_id), rounds.RoundData(RoundKind.info, "Avond"))
        db.session.commit()
        round_id = info.id
        db.engine.dispose()
    rng = random.Random(seed)
    uuids = [new_uuid(rng) for _ in range(photos)]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {setup.token}", "Content-Type": "application/json"}
    for first in range(0, photos, 3):
        body = {
            "client_version": 1,
            "project_id": setup.project_id,
            "round_id": round_id,
            "recorded_at": datetime.now(UTC).isoformat(),
            "text": "Kapotte lantaarnpaal",
            "photos": uuids[first : first + 3],
        }
        connection.request("PUT", f"/api/v1/contributions/{new_uuid(rng)}", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 201, response.status
    connection.close()
    return uuids


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def upload(port: int, token: str, jobs: list[tuple[str, bytes]], clients: int) -> tuple[float, list[int]]:
    """All jobs spread over the clients; the wall time and the statuses."""
    statuses: list[int] = []
    lock = threading.Lock()
    queue = list(jobs)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"}
        while True:
            with lock:
                if not queue:
                    break
                photo_uuid, data = queue.pop()
            connection.request("PUT", f"/api/v1/photos/{photo_uuid}", body=data, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses


def run(setup, target: tuple[str, ...], workers: int, jobs, clients: int, probe: str) -> dict[str, float]:
    port = free_port()
    server = start_gunicorn(setup, workers, port, target=target, probe=probe)
    try:
        pids = worker_pids(server)
        before = cpu_seconds(pids)
        seconds, statuses = upload(port, setup.token, jobs, clients)
        cpu = cpu_seconds(pids) - before
    finally:
        server.terminate()
        server.wait()
    good = sum(1 for s in statuses if s in (200, 201))
    assert good == len(jobs), sorted(set(statuses))
    megabytes = sum(len(data) for _uuid, data in jobs) / 1e6
    return {"photos_s": len(jobs) / seconds, "mb_s": megabytes / seconds, "cpu_ms": 1000 * cpu / len(jobs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=120)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    setup = fresh_database(os.environ.get("DATABASE_URL"))
    rng = random.Random(21)
    images = [camera_photo(rng) for _ in range(8)]
    print(f"photos of {statistics.mean(len(i) for i in images) / 1000:.0f} kB (1600 × 1200 JPEG), {args.photos} per run")
    port = free_port()
    server = start_gunicorn(setup, args.workers, port)
    try:
        pairs = []
        batches = [declare(setup, port, args.photos, seed) for seed in range(args.pairs)]
    finally:
        server.terminate()
        server.wait()
    try:
        for n, uuids in enumerate(batches, 1):
            jobs = [(u, images[i % len(images)]) for i, u in enumerate(uuids)]
            app = run(setup, ("wsgi:app",), args.workers, jobs, args.clients, "/healthz")
            disk = run(setup, ("--chdir", "benchmarks", "disk_put:app"), args.workers, jobs, args.clients, "/")
            pairs.append((app, disk))
            print(
                f"pair {n}: app {app['photos_s']:.1f} photos/s, {app['mb_s']:.1f} MB/s, {app['cpu_ms']:.0f} ms CPU/photo | "
                f"disk {disk['photos_s']:.1f} photos/s, {disk['mb_s']:.1f} MB/s, {disk['cpu_ms']:.1f} ms CPU/photo | "
                f"throughput ratio {app['photos_s'] / disk['photos_s']:.2f}"
            )
        ratios = [a["photos_s"] / d["photos_s"] for a, d in pairs]
        print(
            f"median: app {statistics.median(a['photos_s'] for a, _ in pairs):.1f} photos/s "
            f"({statistics.median(a['cpu_ms'] for a, _ in pairs):.0f} ms CPU each), "
            f"disk {statistics.median(d['photos_s'] for _, d in pairs):.1f} photos/s "
            f"({statistics.median(d['cpu_ms'] for _, d in pairs):.1f} ms CPU each); "
            f"app/disk throughput {statistics.median(ratios):.2f} (spread {min(ratios):.2f}–{max(ratios):.2f})"
        )
    finally:
        cleanup(setup)


if __name__ == "__main__":
    main()
