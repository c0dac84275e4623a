"""The background worker's entry points: a job queued on RQ runs here, in an app of its own.

It sits above every package (it builds the whole app), so the packages that queue work name their
entry point here by its dotted path instead of importing upwards.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, has_app_context

from . import create_app
from .coding import learning
from .exports import jobs

_app: Flask | None = None


def _in_app(run: Callable[[str], None], key: str) -> None:
    """Run a job: in the test's app when it runs the worker in-process, else in an app of our own."""
    global _app
    if has_app_context():
        run(key)
        return
    if _app is None:
        _app = create_app()
    with _app.app_context():
        run(key)


def run_export(key: str) -> None:
    """Build an export job's file."""
    _in_app(jobs.run, key)


def run_training(key: str) -> None:
    """Train a project's model for learned suggestions (``key``: the project's id)."""
    _in_app(learning.run, key)
