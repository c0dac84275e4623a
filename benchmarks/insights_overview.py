"""Benchmark: the theme overview with 50,000 interviews and about 1M codings.

Fills a fresh database with Core inserts: areas (4 stadsdelen × 10 wijken), 50k interviews over a
year with a profile, four open answers each, and ~1M codings. Each resident raises 2–6 themes
(popular themes more often), and their answers are coded with those themes, whole or as fragments,
about 20 codings per interview. Then the theme facts are built (as the migration does for existing
data) and the overview is timed through the app (the WSGI call, no network) next to the bare SQL
aggregate the page needs (the same statements, executed directly), and their ratio. On PostgreSQL
the facts are vacuumed and analysed after the load first, as autovacuum would.

Target: ratio ≤ 2 and under 300 ms on SQLite.

    .venv/bin/python benchmarks/insights_overview.py [--interviews 50000] [--codings-per-interview 20] [--repeat 9]
    DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python benchmarks/insights_overview.py
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cleanup, fresh_database

CHUNK = 5000
CSRF = r'<meta name="csrf-token" content="([^"]+)"'
TEXTS = [
    "Bij het fietspad is het 's avonds veel te donker, de lantaarnpalen doen het niet en dat voelt onveilig.",
    "Het gras bij de speeltuin wordt veel te weinig gemaaid en de bankjes zijn kapot.",
    "Overal hondenpoep op het grasveld achter de school, er mogen wel meer afvalbakken komen.",
    "De tegels liggen los, mijn buurvrouw is gevallen. Er wordt ook hard gereden in de straat.",
]
EXTRA_QUESTIONS = ["wens", "zorgen", "idee"]  # open questions next to "verbeteren"


def fill(setup, interviews: int, per_interview: int, rng: random.Random) -> None:
    import sqlalchemy as sa

    from app import create_app
    from app.areas import services as areas
    from app.extensions import db
    from app.models import AgeBand, Answer, Area, Code, Coding, Interview, Project, Question, QuestionType, RespondentType, Sentiment, User

    app = create_app()
    with app.app_context():
        project = db.session.get(Project, setup.project_id)
        csv = "stadsdeel,wijk\n" + "".join(f"Stadsdeel {s},Wijk {s}.{w}\n" for s in range(1, 5) for w in range(1, 11))
        areas.import_areas(project, areas.parse(csv))
        user_id = db.session.scalar(sa.select(User.id))
        verbeteren = db.session.scalar(sa.select(Question).where(Question.version_id == setup.version_id, Question.key == "verbeteren"))
        db.session.execute(
            sa.insert(Question),
            [
                {
                    "version_id": setup.version_id,
                    "section_id": verbeteren.section_id,
                    "position": 10 + n,
                    "key": key,
                    "type": QuestionType.long_text,
                    "label": key.title(),
                    "help": "",
                    "required": False,
                    "options": [],
                    "config": {},
                }
                for n, key in enumerate(EXTRA_QUESTIONS)
            ],
        )
        question_ids = list(
            db.session.scalars(
                sa.select(Question.id).where(Question.version_id == setup.version_id, Question.type == QuestionType.long_text)
            )
        )
        area_ids = list(db.session.scalars(sa.select(Area.id).where(Area.project_id == project.id, Area.level == "wijk")))
        code_ids = list(db.session.scalars(sa.select(Code.id).where(Code.project_id == project.id)))
        popularity = [1 / (rank + 1) for rank in range(len(code_ids))]  # Zipf-like: some themes come up far more often
        db.session.commit()
        start = datetime.now(UTC) - timedelta(days=365)
        sentiments = [None, Sentiment.positive, Sentiment.negative, Sentiment.negative, Sentiment.suggestion]
        codings_made = 0
        for first in range(0, interviews, CHUNK):
            rows = []
            for n in range(first, min(interviews, first + CHUNK)):
                began = start + timedelta(minutes=10 * n)
                rows.append(
                    {
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "project_id": setup.project_id,
                        "round_id": setup.round_id,
                        "guide_version_id": setup.version_id,
                        "interviewer_id": user_id,
                        "started_at": began,
                        "ended_at": began + timedelta(minutes=10),
                        "area_id": rng.choice(area_ids),
                        "respondent_type": rng.choice([*RespondentType, None]),
                        "age_band": rng.choice([*AgeBand, None]),
                        "consent": True,
                        "receipt_code": f"{n // 10000:04d}-{n % 10000:04d}",
                        "fingerprint": "0" * 64,
                    }
                )
            ids = db.session.scalars(sa.insert(Interview).returning(Interview.id, sort_by_parameter_order=True), rows).all()
            answers = [
                {"interview_id": i, "question_id": q, "value": t, "text": t}
                for i in ids
                for q, t in zip(question_ids, rng.sample(TEXTS, 4))
            ]
            answer_ids = db.session.scalars(sa.insert(Answer).returning(Answer.id, sort_by_parameter_order=True), answers).all()
            codings = []
            for i, _interview_id in enumerate(ids):
                themes = list({*rng.choices(code_ids, popularity, k=rng.randint(2, 6))})
                mine = answer_ids[4 * i : 4 * i + 4]
                for _ in range(max(1, round(rng.gauss(per_interview, 3)))):
                    fragment = rng.random() < 0.5
                    begin = rng.randrange(0, 60)
                    codings.append(
                        {
                            "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                            "project_id": setup.project_id,
                            "answer_id": rng.choice(mine),
                            "contribution_id": None,
                            "code_id": rng.choice(themes),
                            "coder_id": user_id,
                            "start": begin if fragment else None,
                            "end": begin + 20 if fragment else None,
                            "fragment": "x" * 20 if fragment else "",
                            "sentiment": rng.choice(sentiments),
                            "is_quote": rng.random() < 0.02,
                            "memo": "",
                            "source": "manual",
                        }
                    )
            db.session.execute(sa.insert(Coding), codings)
            codings_made += len(codings)
            db.session.commit()
        print(f"filled: {interviews} interviews, {interviews * 4} answers, {codings_made} codings")
        db.engine.dispose()


def build_facts(setup) -> None:
    import sqlalchemy as sa

    from app import create_app, facts
    from app.database import refresh_statistics
    from app.extensions import db
    from app.models import ThemeFact

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        refresh_statistics()  # as `flask rebuild-insights` does first, after a bulk load
        facts.rebuild(db.session.connection(), setup.project_id)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load: planner statistics and the visibility map
            # (without it PostgreSQL cannot answer from the covering index alone).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE theme_facts")
        count = db.session.scalar(sa.select(sa.func.count()).select_from(ThemeFact))
        print(f"theme facts built: {count} rows in {time.perf_counter() - started:.0f} s")
        db.engine.dispose()


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def measure(setup, repeat: int) -> None:
    import sqlalchemy as sa
    from werkzeug.datastructures import MultiDict

    from app import create_app
    from app.extensions import db
    from app.filters import Filters
    from app.insights import queries
    from app.models import Area, Project, RespondentType

    app = create_app()
    client = app.test_client()
    token = re.search(CSRF, client.get("/login").text).group(1)
    assert (
        client.post("/login", data={"email": "veld@almere.example", "password": "lange-benchmark-zin", "csrf_token": token}).status_code
        == 302
    )
    with app.app_context():
        stadsdeel = db.session.scalar(sa.select(Area.id).where(Area.project_id == setup.project_id, Area.level == "stadsdeel").limit(1))
    base = f"/projects/{setup.project_id}/insights/"
    cases = [
        ("overview, no filter", "", {}),
        ("overview, per group", "?level=group", {"level": "group"}),
        ("overview, one stadsdeel", f"?area={stadsdeel}", {"area": stadsdeel}),
        ("overview, residents", f"?respondent={RespondentType.resident.value}", {"respondent": RespondentType.resident.value}),
        ("overview, one question", "?question=wens", {"question": "wens"}),
    ]

    def bare(args: dict) -> float:
        """The statements the overview runs, executed directly, rows fetched."""
        with app.app_context():
            project = db.session.get(Project, setup.project_id)
            filters = Filters.from_args(MultiDict({k: str(v) for k, v in args.items() if k != "level"}))
            started = time.perf_counter()
            db.session.execute(queries.totals_statement(project, filters)).all()
            db.session.execute(queries.interview_count_statement(project, filters)).all()
            db.session.execute(queries.themes_statement(project, filters, args.get("level", "code"))).all()
            elapsed = (time.perf_counter() - started) * 1000
            db.session.rollback()
            return elapsed

    def page(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    health = [page("/healthz") for _ in range(repeat + 2)][2:]
    print(f"GET /healthz: median {statistics.median(health):.1f} ms (the app's own floor, for reference)")
    print(f"{'request':28} {'page ms':>9} {'p95':>7} {'bare SQL ms':>12} {'p95':>7} {'ratio':>6}")
    for name, query, args in cases:
        for _ in range(2):  # warm-up: caches and compiled statements
            page(base + query)
            bare(args)
        pages, bares = [], []
        for _ in range(repeat):  # interleaved, so both see the same machine
            pages.append(page(base + query))
            bares.append(bare(args))
        p, b = statistics.median(pages), statistics.median(bares)
        print(f"{name:28} {p:9.1f} {percentile(pages, 0.95):7.1f} {b:12.1f} {percentile(bares, 0.95):7.1f} {p / b:6.2f}")
    print("other views (for information; no target):")
    for name, url in (
        ("themes × areas", "areas?level=wijk"),
        ("trend per month", "trend"),
        ("raised together", "together"),
        ("quotes", "quotes"),
    ):
        page(base + url)
        times = [page(base + url) for _ in range(max(3, repeat // 3))]
        print(f"  {name:26} {statistics.median(times):9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interviews", type=int, default=50_000)
    parser.add_argument("--codings-per-interview", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    setup = fresh_database(os.environ.get("DATABASE_URL"))
    try:
        started = time.perf_counter()
        fill(setup, args.interviews, args.codings_per_interview, random.Random(6))
        print(f"fill took {time.perf_counter() - started:.0f} s")
        build_facts(setup)
        measure(setup, args.repeat)
    finally:
        cleanup(setup)


if __name__ == "__main__":
    main()
