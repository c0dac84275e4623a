"""Benchmark: ``purge-expired`` over a year of interviews, next to a plain read of the same rows.

Fills a fresh database as the export benchmark does (interviews with five answers each over the last
365 days, the open answers coded; one text in five holds an address and a phone number), sets the
project to keep input 9 months and personal data 6, and then times, in this order:

- **baseline**: reading what the purge has to look at — the interviews recorded before the personal
  cut-off (street, GPS), their open answers (text) and their contact details, and the contributions —
  with plain SQLAlchemy Core, fetched into Python;
- **first run**: ``retention.purge`` (erases about a quarter of the interviews, anonymises the
  personal data in the quarter between 6 and 9 months, recomputes the theme facts, writes the audit
  row, commits);
- **second run**: the same the next minute, when nothing more has expired (the daily cron job's usual
  case).

Prints each time and its ratio to the baseline. The purge is destructive, so each figure is one run:
read them with this machine's noise (about ±20%) in mind.

    .venv/bin/python benchmarks/purge_expired.py [--answers 100000]
    DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python benchmarks/purge_expired.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cleanup, fresh_database
from export_workbook import fill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    setup = fresh_database(os.environ.get("DATABASE_URL"))
    try:
        fill(setup, args.answers, random.Random(11))
        from datetime import timedelta

        import sqlalchemy as sa

        from app import create_app, facts
        from app.extensions import db
        from app.models import Answer, ContactDetails, Contribution, Interview, Project
        from app.models.types import utcnow
        from app.residents import retention

        app = create_app()
        with app.app_context():
            project = db.session.get(Project, setup.project_id)
            project.retention_months, project.personal_retention_months = 9, 6
            # Spread the interviews evenly over the last year (the fill puts them two minutes apart).
            ids = list(db.session.scalars(sa.select(Interview.id).where(Interview.project_id == project.id).order_by(Interview.id)))
            now = utcnow()
            table = Interview.__table__
            db.session.connection().execute(
                table.update()
                .where(table.c.id == sa.bindparam("key"))
                .values(started_at=sa.bindparam("began"), ended_at=sa.bindparam("ended")),
                [
                    {
                        "key": i,
                        "began": now - timedelta(days=365 * n / len(ids)),
                        "ended": now - timedelta(days=365 * n / len(ids)) + timedelta(minutes=10),
                    }
                    for n, i in enumerate(ids)
                ],
            )
            facts.rebuild(db.session.connection(), project.id)
            db.session.commit()
            personal_before, _input_before = retention.cutoffs(project, utcnow())

            started = time.perf_counter()
            old = sa.select(Interview.id).where(Interview.project_id == project.id, Interview.started_at < personal_before)
            rows = len(
                db.session.execute(
                    sa.select(Interview.id, Interview.street, Interview.gps_lat, Interview.gps_lon).where(Interview.id.in_(old))
                ).all()
            )
            rows += len(
                db.session.execute(
                    sa.select(Answer.id, Answer.text, Answer.value).where(Answer.interview_id.in_(old), Answer.text != "")
                ).all()
            )
            rows += len(db.session.execute(sa.select(ContactDetails.id).where(ContactDetails.interview_id.in_(old))).all())
            rows += len(
                db.session.execute(
                    sa.select(Contribution.id, Contribution.text, Contribution.street).where(
                        Contribution.project_id == project.id, Contribution.recorded_at < personal_before
                    )
                ).all()
            )
            baseline = time.perf_counter() - started
            db.session.rollback()

            started = time.perf_counter()
            first = retention.purge(project_id=project.id)
            first_time = time.perf_counter() - started
            started = time.perf_counter()
            second = retention.purge(project_id=project.id)
            second_time = time.perf_counter() - started

        counts = first.projects[0].counts
        print(
            f"database: {'PostgreSQL' if setup.database_url.startswith('postgres') else 'SQLite'}; "
            f"{args.answers} answers; baseline read {rows} rows"
        )
        print(
            f"first run: {counts['interviews']} interviews erased ({counts['codings']} codings), "
            f"{counts['texts']} texts and {counts['streets']} streets anonymised, {counts['gps_points']} GPS points rounded"
        )
        print(f"second run: {sum(second.projects[0].counts.values())} changes")
        print(f"baseline (plain read) {baseline:8.3f} s")
        print(f"first run             {first_time:8.3f} s   ratio {first_time / baseline:6.2f}")
        print(f"second run (idle)     {second_time:8.3f} s   ratio {second_time / baseline:6.2f}")
    finally:
        cleanup(setup)


if __name__ == "__main__":
    main()
