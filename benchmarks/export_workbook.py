"""Benchmark: the full Excel export of a project with 100,000 answers (or 1M), next to openpyxl alone.

Fills a fresh database with Core inserts: interviews with the benchmark guide's five answers each
(a scale, an open text, yes/no, a multiple choice, a number), the open answers coded (one or two
codings, some fragments, some quotes), a few contributions, and builds the dashboards' facts.
Then, each in a process of its own so that its peak memory is its own:

- **export**: the whole pipeline, ``app.exports.services.write``: every sheet streamed from the
  database, pseudonymised, made safe and written in write-only mode, the explanation sheet, the
  chart, saving, the audit row;
- **baseline**: the same cells (read from the same row generators, untimed, a chunk at a time)
  appended to a write-only workbook from plain Python lists and saved; only the appends and the
  save are timed.

Prints both times, their ratio (target ≤ 1.25) and the export's peak RSS (target < 150 MB at 1M).

    .venv/bin/python benchmarks/export_workbook.py [--answers 100000] [--repeat 3]
    .venv/bin/python benchmarks/export_workbook.py --answers 1000000 --repeat 1
    DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python benchmarks/export_workbook.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cleanup, fresh_database

CHUNK = 5000
PER_INTERVIEW = 5  # the benchmark guide's questions
TEXTS = [
    "Bij het fietspad is het 's avonds veel te donker, de lantaarnpalen doen het niet en dat voelt onveilig.",
    "Het gras bij de speeltuin wordt veel te weinig gemaaid en de bankjes zijn kapot.",
    "Overal hondenpoep op het grasveld achter de school, er mogen wel meer afvalbakken komen.",
    "Ik woon op de Bachstraat 12, er wordt 's nachts hard gereden; bel me op 06-12345678.",
    "=Meer groen graag, en -minder- verkeer.",
]


def fill(setup, answers: int, rng: random.Random) -> None:
    import sqlalchemy as sa

    from app import create_app, facts
    from app.areas import services as areas
    from app.database import refresh_statistics
    from app.extensions import db
    from app.models import AgeBand, Answer, Area, Code, Coding, Contribution, Interview, Project, Question, RespondentType, Sentiment, User

    app = create_app()
    with app.app_context():
        project = db.session.get(Project, setup.project_id)
        csv = "stadsdeel,wijk,buurt\n" + "".join(f"Stadsdeel {s},Wijk {s}.{w},Buurt {s}.{w}.1\n" for s in range(1, 5) for w in range(1, 6))
        areas.import_areas(project, areas.parse(csv))
        user_id = db.session.scalar(sa.select(User.id))
        questions = {q.key: q.id for q in db.session.scalars(sa.select(Question).where(Question.version_id == setup.version_id))}
        area_ids = list(db.session.scalars(sa.select(Area.id).where(Area.project_id == project.id, Area.level == "buurt")))
        code_ids = list(db.session.scalars(sa.select(Code.id).where(Code.project_id == project.id)))
        db.session.commit()
        start = datetime.now(UTC) - timedelta(days=365)
        interviews = answers // PER_INTERVIEW
        made = {"answers": 0, "codings": 0}
        for first in range(0, interviews, CHUNK):
            rows = []
            for n in range(first, min(interviews, first + CHUNK)):
                began = start + timedelta(minutes=2 * n)
                rows.append(
                    {
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "project_id": setup.project_id,
                        "round_id": setup.round_id,
                        "guide_version_id": setup.version_id,
                        "interviewer_id": user_id,
                        "started_at": began,
                        "ended_at": began + timedelta(minutes=rng.randint(4, 20)),
                        "area_id": rng.choice(area_ids),
                        "street": rng.choice(["Bachstraat", "Mozartlaan 4", "Chopinstraat", ""]),
                        "gps_lat": 52.37 + rng.random() / 100 if rng.random() < 0.3 else None,
                        "gps_lon": 5.21 + rng.random() / 100,
                        "respondent_type": rng.choice([*RespondentType, None]),
                        "age_band": rng.choice([*AgeBand, None]),
                        "consent": True,
                        "receipt_code": f"{n // 10000:04d}-{n % 10000:04d}",
                        "fingerprint": "0" * 64,
                    }
                )
            ids = db.session.scalars(sa.insert(Interview).returning(Interview.id, sort_by_parameter_order=True), rows).all()
            batch = []
            for interview_id in ids:
                text = rng.choice(TEXTS)
                batch += [
                    {"interview_id": interview_id, "question_id": questions["tevreden"], "value": rng.randint(1, 5), "text": ""},
                    {"interview_id": interview_id, "question_id": questions["verbeteren"], "value": text, "text": text},
                    {"interview_id": interview_id, "question_id": questions["veilig"], "value": rng.random() < 0.5, "text": ""},
                    {
                        "interview_id": interview_id,
                        "question_id": questions["thema"],
                        "value": rng.sample(["groen", "spelen", "afval"], 2),
                        "text": "",
                    },
                    {"interview_id": interview_id, "question_id": questions["jaren"], "value": rng.randint(0, 40), "text": ""},
                ]
            answer_ids = db.session.scalars(sa.insert(Answer).returning(Answer.id, sort_by_parameter_order=True), batch).all()
            codings = []
            for n, answer_id in enumerate(answer_ids):
                if n % PER_INTERVIEW != 1:  # the open answer
                    continue
                for code_id in rng.sample(code_ids, rng.randint(1, 2)):
                    fragment = rng.random() < 0.4
                    codings.append(
                        {
                            "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                            "project_id": setup.project_id,
                            "answer_id": answer_id,
                            "contribution_id": None,
                            "code_id": code_id,
                            "coder_id": user_id,
                            "start": 0 if fragment else None,
                            "end": 30 if fragment else None,
                            "fragment": "Bij het fietspad is het 's avo" if fragment else "",
                            "sentiment": rng.choice([None, *Sentiment]),
                            "is_quote": rng.random() < 0.02,
                            "memo": "",
                            "source": "manual",
                        }
                    )
            db.session.execute(sa.insert(Coding), codings)
            made["answers"] += len(answer_ids)
            made["codings"] += len(codings)
            db.session.commit()
        db.session.execute(
            sa.insert(Contribution),
            [
                {
                    "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "project_id": setup.project_id,
                    "round_id": setup.round_id,
                    "author_id": user_id,
                    "recorded_at": start + timedelta(hours=n),
                    "text": rng.choice(TEXTS),
                    "area_id": rng.choice(area_ids),
                    "street": "",
                    "fingerprint": "0" * 64,
                }
                for n in range(max(10, answers // 1000))
            ],
        )
        db.session.commit()
        facts.rebuild(db.session.connection(), setup.project_id)
        db.session.commit()
        refresh_statistics()  # as README says after a bulk load (PostgreSQL ran the answers query 131× slower without)
        print(f"filled: {interviews} interviews, {made['answers']} answers, {made['codings']} codings", flush=True)
        db.engine.dispose()


def run_export(project_id: int, target: str) -> dict:
    from app import create_app
    from app.exports import services
    from app.extensions import db
    from app.models import Project

    app = create_app()
    with app.app_context():
        project = db.session.get(Project, project_id)
        options = services.check(services.ExportOptions(format="xlsx"), True)
        started = time.perf_counter()
        with open(target, "wb") as out:
            result = services.write(project, options, out, actor=None, language="nl")
        db.session.commit()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": result.rows, "per_sheet": result.per_sheet, "peak_mb": peak_mb(), "bytes": os.path.getsize(target)}


def run_baseline(project_id: int, target: str) -> dict:
    """The same cells through openpyxl's write-only mode from Python lists: only appends and save timed."""
    from flask_babel import force_locale
    from openpyxl import Workbook

    from app import create_app
    from app.exports import services, sheets
    from app.extensions import db
    from app.models import Project

    app = create_app()
    with app.app_context(), force_locale("nl"):
        project = db.session.get(Project, project_id)
        options = services.check(services.ExportOptions(format="xlsx"), True)
        scope = sheets.Scope(project, options.filters())
        wb = Workbook(write_only=True)
        timed = 0.0
        about = wb.create_sheet("Toelichting")
        for sheet in sheets.workbook_sheets(scope):
            ws = wb.create_sheet(sheet.title)
            header = [c.label for c in sheet.columns]
            started = time.perf_counter()
            ws.append(header)
            timed += time.perf_counter() - started
            rows = sheet.rows()
            while True:
                chunk = [list(row) for row in islice(rows, 10_000)]  # untimed: the lists are given
                if not chunk:
                    break
                started = time.perf_counter()
                for row in chunk:
                    ws.append(row)
                timed += time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(60):
            about.append(["Toelichting", "een regel uitleg over de export"])
        wb.save(target)
        timed += time.perf_counter() - started
    return {"seconds": timed, "peak_mb": peak_mb()}


_STEAL: list[tuple[int, int]] = []


def stolen() -> float:
    """The share of CPU time the hypervisor gave to others since the first call (from /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    _STEAL.append((fields[7] if len(fields) > 7 else 0, sum(fields)))
    (steal0, total0), (steal1, total1) = _STEAL[0], _STEAL[-1]
    return (steal1 - steal0) / (total1 - total0) if total1 > total0 else 0.0


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from
    the parent across fork and exec, so a child of the process that filled the database would report
    the parent's size."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, setup, target: str) -> dict:
    env = {**os.environ, "DATABASE_URL": setup.database_url, "INSTANCE_PATH": str(setup.instance)}
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--project", str(setup.project_id), "--target", target],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=["export", "baseline"])
    parser.add_argument("--project", type=int)
    parser.add_argument("--target")
    args = parser.parse_args()
    if args.child:
        result = run_export(args.project, args.target) if args.child == "export" else run_baseline(args.project, args.target)
        print(json.dumps(result))
        return

    setup = fresh_database(os.environ.get("DATABASE_URL"))
    try:
        started = time.perf_counter()
        fill(setup, args.answers, random.Random(args.seed))
        print(f"fill took {time.perf_counter() - started:.0f} s", flush=True)
        folder = Path(tempfile.mkdtemp(prefix="bb-export-"))
        stolen()
        exports, baselines = [], []
        for n in range(args.repeat):  # alternated, so that both see the same machine
            exports.append(child("export", setup, str(folder / f"export-{n}.xlsx")))
            baselines.append(child("baseline", setup, str(folder / f"baseline-{n}.xlsx")))
            print(
                f"run {n + 1}: export {exports[-1]['seconds']:.2f} s (peak {exports[-1]['peak_mb']:.0f} MB), "
                f"openpyxl alone {baselines[-1]['seconds']:.2f} s",
                flush=True,
            )
        ours = statistics.median(r["seconds"] for r in exports)
        raw = statistics.median(r["seconds"] for r in baselines)
        pairs = [e["seconds"] / b["seconds"] for e, b in zip(exports, baselines)]
        last = exports[-1]
        cells = sum(last["per_sheet"].values())
        print(f"rows per sheet: {last['per_sheet']}")
        print(f"workbook: {last['bytes'] / 1e6:.1f} MB, {cells} data rows")
        print(f"full export (median of {args.repeat}): {ours:.2f} s; openpyxl write-only alone, same cells: {raw:.2f} s")
        print(
            f"ratio: {statistics.median(pairs):.2f} median of the back-to-back pairs ({', '.join(f'{p:.2f}' for p in pairs)}); "
            f"{min(e['seconds'] for e in exports) / min(b['seconds'] for b in baselines):.2f} best against best "
            "(target ≤ 1.25: the pipeline at least 80 % of raw write-only speed)"
        )
        print(f"CPU stolen by the host during the runs: {stolen():.0%}; the pairs above show how much one run varies here")
        print(f"peak RSS of the export process: {max(r['peak_mb'] for r in exports):.0f} MB (target < 150 MB at 1M answers)")
    finally:
        cleanup(setup)


if __name__ == "__main__":
    main()
