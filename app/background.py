"""Work that takes longer than a request: on RQ when a queue is configured, else on a thread here.

With ``EXPORT_QUEUE_URL`` (or ``REDIS_URL``) set, a job goes to RQ's queue "exports" and runs on
``rq worker exports``, which calls the job's entry point in ``app.worker`` (it builds an app of its
own). Without it the job runs on a daemon thread of the web process, in this app's context. Either
way the job keeps its own status in the database, so any web worker can show it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask, current_app
from redis import Redis
from rq import Queue

QUEUE = "exports"  # one queue for all background work (the name deployments already run a worker for)
_threads: dict[str, threading.Thread] = {}


def submit(entry: str, key: str, run: Callable[[str], None], timeout: int, job_id: str) -> None:
    """Run ``run(key)`` in the background; ``entry`` names the same work in ``app.worker`` for RQ,
    ``job_id`` is the job's name there (unique). Commit first: the job reads what the request stored."""
    queue_url = current_app.config.get("EXPORT_QUEUE_URL")
    if queue_url:
        Queue(QUEUE, connection=Redis.from_url(queue_url)).enqueue(
            entry, key, job_id=job_id, job_timeout=timeout, result_ttl=3600, failure_ttl=86400
        )
        return
    thread = threading.Thread(target=_run_in_thread, args=(current_app._get_current_object(), key, run), name=job_id, daemon=True)
    _threads[key] = thread
    thread.start()


def _run_in_thread(app: Flask, key: str, run: Callable[[str], None]) -> None:
    try:
        with app.app_context():
            run(key)
    finally:
        _threads.pop(key, None)


def wait(key: str, timeout: float = 60) -> None:
    """Wait for the in-process job with this key (tests); hold no transaction while waiting."""
    thread = _threads.get(key)
    if thread is not None:
        thread.join(timeout)
