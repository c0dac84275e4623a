"""A small HTTP load generator for the request benchmarks: N clients in one asyncio loop, each sending
its next request as soon as the last one is answered (or paced), over raw sockets so that the client
costs as little CPU as possible. Run as its own process, so it shares the machine's cores with the
server the same way for the app and for its baseline.

    python benchmarks/load.py --port 8000 --path /healthz --clients 20 --seconds 20 [--cookie ...]

Prints one JSON line: requests, seconds, rate, p50/p95 (ms), statuses, bytes per response.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections import Counter


async def client(host: str, port: int, request: bytes, until: float, pace: float, latencies: list[float], statuses: Counter) -> None:
    next_at = time.perf_counter()
    while time.perf_counter() < until:
        if pace:
            next_at += pace
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(request)
        await writer.drain()
        response = await reader.read()  # the server closes after each response (gunicorn's sync workers)
        writer.close()
        latencies.append(time.perf_counter() - started)
        statuses[response[9:12].decode() if len(response) >= 12 else "none"] += 1
        statuses["bytes"] += len(response)


async def hammer(host: str, port: int, path: str, clients: int, seconds: float, headers: dict[str, str], pace: float) -> dict:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    statuses: Counter = Counter()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client(host, port, request, until, pace, latencies, statuses) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    count = len(latencies)
    cuts = statistics.quantiles(latencies, n=100) if count > 1 else [float("nan")] * 99
    size = statuses.pop("bytes", 0)
    return {
        "requests": count,
        "seconds": elapsed,
        "rate": count / elapsed,
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "statuses": dict(statuses),
        "bytes": size // max(count, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--pace", type=float, default=0.0, help="seconds between a client's requests (0: flat out)")
    parser.add_argument("--cookie", default="")
    args = parser.parse_args()
    headers = {"Cookie": args.cookie} if args.cookie else {}
    print(json.dumps(asyncio.run(hammer(args.host, args.port, args.path, args.clients, args.seconds, headers, args.pace))))


if __name__ == "__main__":
    main()
