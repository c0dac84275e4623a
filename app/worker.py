"""The background worker's entry points: a job queued on RQ runs here, in an app of its own.

It sits above every package (it builds the whole app), so the packages that queue work name their
entry point here by its dotted path instead of importing upwards.
"""

from __future__ import annotations

from flask import Flask, has_app_context

from . import create_app
from .exports import jobs

_app: Flask | None = None


def run_export(key: str) -> None:
    """Build an export job's file; the test's app when it runs the worker in-process, else our own."""
    global _app
    if has_app_context():
        jobs.run(key)
        return
    if _app is None:
        _app = create_app()
    with _app.app_context():
        jobs.run(key)
