"""Exports that take longer than a request should: run in the background, with progress and expiry.

By default a job runs on a thread of the web process; with ``REDIS_URL`` (or ``EXPORT_QUEUE_URL``)
set it goes to RQ and runs on ``rq worker exports``. Either way the job's row holds its status and
progress, so any web worker can show them, and the finished file lies in ``instance/exports`` until
it expires.
"""

from __future__ import annotations

import logging
import os
import time
import uuid as uuid_module
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import background
from ..access.policy import Permission, permissions_in
from ..database import side_write
from ..extensions import db
from ..models import ErasedRecord, ExportJob, JobStatus, Project, User
from ..models.types import utcnow
from . import services

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)  # a job that reported nothing for this long has died with its worker
PROGRESS_SECONDS = 0.5  # at most this often a progress report is written


def export_dir() -> Path:
    path = Path(current_app.config.get("EXPORT_DIR") or Path(current_app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_of(job: ExportJob) -> Path:
    return export_dir() / f"{job.uuid}.{services.FORMATS[job.format][0]}"


def start(project: Project, user: User, options: services.ExportOptions, language: str, expected: int) -> ExportJob:
    """Queue an export and commit, so the worker sees the job; ``options`` have passed ``check``."""
    sweep()
    job = ExportJob(
        project_id=project.id, user_id=user.id, format=options.format, params=options.as_params(), language=language, rows_expected=expected
    )
    db.session.add(job)
    db.session.commit()
    key = str(job.uuid)
    background.submit("app.worker.run_export", key, run, current_app.config["EXPORT_JOB_TIMEOUT"], job_id=f"export-{key}")
    return job


def wait(key: str, timeout: float = 60) -> None:
    """Wait for the in-process job with this key (tests); hold no transaction while waiting."""
    background.wait(key, timeout)


class _Progress:
    """Writes the rows done, at most twice a second, on a connection of its own (the export's stays a reader)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        with side_write() as connection:
            connection.execute(sa.update(ExportJob).where(ExportJob.id == self.job_id).values(rows_done=rows, updated_at=utcnow()))


def run(key: str) -> None:
    """Build the job's file. Whatever goes wrong ends as a failed job with a message, never a half file."""
    job = db.session.scalar(sa.select(ExportJob).where(ExportJob.uuid == uuid_module.UUID(key)))
    if job is None or job.status != JobStatus.queued:
        return
    job.status, job.updated_at = JobStatus.running, utcnow()
    started = job.updated_at
    db.session.commit()
    target = file_of(job)
    partial = target.with_name(target.name + ".part")
    try:
        project, user = db.session.get(Project, job.project_id), db.session.get(User, job.user_id)
        granted = permissions_in(project, user) if project and user and user.active else frozenset()
        options = services.ExportOptions.from_params(job.params)
        with force_locale(job.language):
            if Permission.read_all not in granted:  # lost access since asking
                raise services.ExportError(_("You no longer have access to this project's input."))
            options = services.check(options, Permission.see_people in granted)
        with open(partial, "wb") as out:
            result = services.write(project, options, out, actor=user, language=job.language, progress=_Progress(job.id), origin="job")
        if erased_since(job.project_id, started):
            with force_locale(job.language):
                raise services.ExportError(_("A resident's input was erased while this export was made; start it again."))
        os.replace(partial, target)
        job.status, job.filename, job.size = JobStatus.done, result.filename, target.stat().st_size
        job.rows_done = result.rows
        job.finished_at = job.updated_at = utcnow()
        job.expires_at = job.finished_at + timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"])
        db.session.commit()
    except Exception as error:  # the job must end, and say so
        db.session.rollback()
        log.exception("export job %s failed", key)
        partial.unlink(missing_ok=True)
        # The reason when it is one a person can act on; the rest is in the log.
        job.status, job.error = JobStatus.failed, str(error)[:500] if isinstance(error, services.ExportError) else ""
        job.finished_at = job.updated_at = utcnow()
        db.session.commit()


def erased_since(project_id: int, moment: Any) -> bool:
    """Whether input of the project was erased since ``moment`` (an export made meanwhile may hold it)."""
    return (
        db.session.scalar(
            sa.select(ErasedRecord.uuid).where(ErasedRecord.project_id == project_id, ErasedRecord.erased_at >= moment).limit(1)
        )
        is not None
    )


def current(job: ExportJob) -> ExportJob:
    """The job as its owner should see it: a job whose worker died shows as failed, an old file as expired."""
    now = utcnow()
    if job.status in (JobStatus.queued, JobStatus.running) and job.updated_at < now - STALE_AFTER:
        job.status, job.finished_at = JobStatus.failed, now  # its worker stopped (a restart, a crash)
        db.session.commit()
    elif job.status == JobStatus.done and job.expires_at is not None and job.expires_at <= now:
        sweep()
        db.session.refresh(job)
    return job


def expire_files(*conditions: Any) -> int:
    """Remove the files of finished jobs matching ``conditions``; the job rows stay (as a record).
    Joins the caller's transaction."""
    expired = list(db.session.scalars(sa.select(ExportJob).where(ExportJob.status == JobStatus.done, *conditions)))
    for job in expired:
        file_of(job).unlink(missing_ok=True)
        job.status = JobStatus.expired
    return len(expired)


def sweep() -> int:
    """Remove the files of finished jobs whose time is up."""
    count = expire_files(ExportJob.expires_at <= utcnow())
    if count:
        db.session.commit()
    return count


def prune(before: Any, dry_run: bool = False) -> int:
    """Forget jobs created before ``before`` (their files first); returns how many."""
    old = list(db.session.scalars(sa.select(ExportJob).where(ExportJob.created_at < before)))
    if not dry_run:
        for job in old:
            file_of(job).unlink(missing_ok=True)
            db.session.delete(job)
    return len(old)


def recent(project: Project, user: User, limit: int = 10) -> list[ExportJob]:
    return list(
        db.session.scalars(
            sa.select(ExportJob)
            .where(ExportJob.project_id == project.id, ExportJob.user_id == user.id)
            .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
            .limit(limit)
        )
    )


def for_owner(project: Project, user: User, key: str) -> ExportJob | None:
    try:
        wanted = uuid_module.UUID(key)
    except ValueError:
        return None
    job = db.session.scalar(sa.select(ExportJob).where(ExportJob.uuid == wanted))
    if job is None or job.project_id != project.id or job.user_id != user.id:
        return None
    return job


def status_json(job: ExportJob, download_url: str | None) -> dict[str, Any]:
    return {
        "status": job.status.value,
        "progress": round(job.progress, 3),
        "rows_done": job.rows_done,
        "rows_expected": job.rows_expected,
        "download_url": download_url if job.status == JobStatus.done else None,
        "error": job.error or None,
    }
