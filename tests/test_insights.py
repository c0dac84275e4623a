"""Insights: every aggregate checked against counts made here from the raw rows, filters that combine,
facts that follow every change, small numbers hidden from viewers, escaping and no personal data."""

from __future__ import annotations

import html
import io
import random
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from app.extensions import db

AREAS = (
    "stadsdeel,wijk,buurt\n"
    "Almere Stad,Filmwijk,Filmwijk Noord\n"
    "Almere Stad,Filmwijk,Filmwijk Zuid\n"
    "Almere Stad,Muziekwijk,\n"
    "Almere Haven,De Werven,\n"
)
GUIDE = [
    (
        "Buurt",
        [
            ("verbeteren", "long_text", "Wat zou u verbeteren?", {}),
            ("wens", "short_text", "Wat wenst u?", {}),
            ("groen", "quality", "Hoe ziet het groen eruit?", {"config": {"element": "Groen"}}),
            (
                "eerst",
                "single_choice",
                "Wat moet eerst?",
                {"options": [{"value": "groen", "label": "Groen"}, {"value": "weg", "label": "Wegen"}]},
            ),
            (
                "vaak",
                "multi_choice",
                "Waar komt u vaak?",
                {
                    "options": [
                        {"value": "park", "label": "Park"},
                        {"value": "winkel", "label": "Winkels"},
                        {"value": "school", "label": "School"},
                    ]
                },
            ),
            ("veilig", "yes_no", "Voelt u zich veilig?", {}),
            ("jaren", "number", "Hoe lang woont u hier?", {"config": {"min": 0, "max": 100}}),
            ("cijfer", "scale", "Hoe tevreden bent u?", {"config": {"min": 1, "max": 5, "min_label": "slecht", "max_label": "goed"}}),
        ],
    ),
]
TEXTS = [
    "Meer bankjes bij de vijver, en de lantaarns doen het niet.",
    "Hondenpoep op het veld achter de school.",
    "Ik woon op de Kerkstraat 12 en er wordt te hard gereden.",
    "Bel me op 06-12345678 of mail jan@example.nl over de speeltuin.",
    "<script>alert('x')</script> \" onmouseover=\"alert(1)",
]
ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass
class World:
    project_id: int
    users: dict[str, Any]
    areas: dict[str, int]
    rounds: dict[str, int]
    versions: list[int]
    codes: list[int]
    sources: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)


@pytest.fixture
def world(app, make_user, make_project, add_member, import_areas) -> World:
    """Two stadsdelen with wijken and buurten, a guide in two published versions (an open question,
    a short one and a perceived-quality rating), 16 interviews by two interviewers over two months
    and four contributions, coded at random (whole texts and fragments, sentiments, quotes), plus a
    second coder's sample coding that must never count."""
    from app.capture import services as capture
    from app.capture.validation import validate_contribution, validate_interview
    from app.coding import services as coding
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import (
        Answer,
        Area,
        Code,
        CodingSample,
        Contribution,
        Interview,
        Project,
        QuestionType,
        RoundKind,
        Sentiment,
        User,
    )
    from app.rounds import services as rounds

    coordinator = make_user(name="Cor Coördinator")
    viewer = make_user(name="Bram Beleid")
    anna = make_user(name="Anna Interviewer")
    bert = make_user(name="Bert Interviewer")
    project = make_project(coordinator)
    add_member(project, viewer, "viewer")
    add_member(project, anna, "interviewer")
    add_member(project, bert, "interviewer")
    import_areas(project, AREAS)
    rng = random.Random(7)
    with app.app_context():
        p = db.session.get(Project, project.id)
        areas = {a.name: a.id for a in db.session.scalars(sa.select(Area).where(Area.project_id == p.id))}
        sections = [SectionDef(t, [QuestionDef(k, QuestionType(kind), label, **extra) for k, kind, label, extra in qs]) for t, qs in GUIDE]
        guide = guides.create_guide(p, "Straatinterview", sections)
        first = guides.draft_of(guide)
        guides.publish(first, db.session.get(User, coordinator.id))
        second = guides.ensure_draft(guide)
        guides.publish(second, db.session.get(User, coordinator.id))
        street = rounds.create_round(p, rounds.RoundData(RoundKind.street, "Straat najaar", guide_id=guide.id))
        evening = rounds.create_round(p, rounds.RoundData(RoundKind.info, "Bewonersavond"))
        context = capture.context_for(p)
        w = World(
            p.id,
            {"coordinator": coordinator, "viewer": viewer, "anna": anna, "bert": bert},
            areas,
            {"street": street.id, "evening": evening.id},
            [first.id, second.id],
            list(db.session.scalars(sa.select(Code.id).where(Code.project_id == p.id).order_by(Code.id)))[:6],
        )
        places = [areas["Filmwijk Noord"], areas["Filmwijk Zuid"], areas["Filmwijk"], areas["Muziekwijk"], areas["De Werven"], None]
        base = datetime(2026, 9, 14, 10, 0, tzinfo=UTC)
        for n in range(16):
            version = first if n < 8 else second
            started = base + timedelta(days=3 * n, hours=rng.randint(0, 6))
            if n == 5:
                started = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)  # 1 October in Almere
            interviewer = anna if n % 3 else bert
            answers: dict[str, Any] = {"verbeteren": TEXTS[n % len(TEXTS)], "groen": rng.choice(["A+", "A", "B", "C", "D", "?"])}
            if n % 2:
                answers["wens"] = "Meer groen en speelplekken"
            closed = random.Random(n)  # apart from rng: the closed answers do not change the rest of the world
            if n % 5:
                answers["eerst"] = closed.choice(["groen", "weg"])
                answers["vaak"] = closed.sample(["park", "winkel", "school"], closed.randint(1, 3))
                answers["veilig"] = closed.choice(["yes", "no"])
                answers["jaren"] = closed.choice([0, 1, 2.5, 7, 7, 30, 64])
                answers["cijfer"] = closed.randint(1, 5)
            clean, errors = validate_interview(
                version.questions,
                {
                    "uuid": str(uuid.uuid4()),
                    "consent": True,
                    "started_at": started,
                    "ended_at": started + timedelta(minutes=10),
                    "area_id": places[n % len(places)],
                    "street": "Kerkstraat" if n == 2 else "",
                    "respondent_type": ["resident", "entrepreneur", "passer_by", None][n % 4],
                    "age_band": ["30_44", "65_79", None][n % 3],
                    "answers": answers,
                    "reflection": {"surprised": f"Verrassing {n}", "listening_level": ["factual", "empathic"][n % 2]},
                    "contact": {"name": "Jan Jansen", "email": "jan.jansen@example.nl", "phone": "0612345678"} if n == 3 else None,
                },
                context,
            )
            assert clean is not None, errors
            interview, _ = capture.record_interview(p, street, version, db.session.get(User, interviewer.id), clean)
            w.sources[("interview", interview.id)] = {
                "round": street.id,
                "area": clean.area_id,
                "at": started,
                "respondent": clean.respondent_type,
                "age": clean.age_band,
                "version": version.id,
                "worker": interviewer.id,
            }
        for n in range(4):
            recorded = base + timedelta(days=5 * n + 1)
            clean_c, errors = validate_contribution(
                {
                    "uuid": str(uuid.uuid4()),
                    "recorded_at": recorded,
                    "text": TEXTS[(n + 1) % len(TEXTS)],
                    "area_id": places[n],
                },
                context,
            )
            assert clean_c is not None, errors
            contribution, _ = capture.record_contribution(p, evening, db.session.get(User, anna.id), clean_c)
            w.sources[("contribution", contribution.id)] = {
                "round": evening.id,
                "area": clean_c.area_id,
                "at": recorded,
                "respondent": None,
                "age": None,
                "version": None,
                "worker": anna.id,
            }
        codes = [db.session.get(Code, i) for i in w.codes]
        coder = db.session.get(User, coordinator.id)
        targets = list(
            db.session.scalars(sa.select(Answer).join(Interview).where(Interview.project_id == p.id, Answer.text != "").order_by(Answer.id))
        )
        targets += list(db.session.scalars(sa.select(Contribution).where(Contribution.project_id == p.id).order_by(Contribution.id)))
        for target in targets:
            for code in rng.sample(codes[:4], rng.randint(0, 3)):
                text_length = len(coding.input_text(target))
                span = (0, min(5, text_length)) if rng.random() < 0.3 else (None, None)
                coding.apply_code(p, target, code, coder, *span, sentiment=rng.choice([None, *Sentiment]), is_quote=rng.random() < 0.3)
                if span[0] is not None and rng.random() < 0.5:  # a second fragment with the same code: one input still
                    coding.apply_code(p, target, code, coder, 1, min(6, text_length), sentiment=Sentiment.negative)
        # A rare theme: two people only (answers of two interviews, and one of them twice).
        answers_of: dict[int, list[Any]] = defaultdict(list)
        for t in targets:
            if isinstance(t, Answer):
                answers_of[t.interview_id].append(t)
        twice = next(a for a in answers_of.values() if len(a) > 1)
        once = next(a for a in answers_of.values() if a is not twice)
        rare = [*twice[:2], once[0]]
        for target in rare:
            coding.apply_code(p, target, codes[4], coder, sentiment=Sentiment.negative)
        sample = CodingSample(project_id=p.id, coder_id=coordinator.id, drawn_by_id=coordinator.id, name="Controle")
        db.session.add(sample)
        db.session.flush()
        for target in targets[:5]:  # blind codings with a code nobody else used: must never show
            coding.apply_code(p, target, codes[-1], coder, sample=sample, sentiment=Sentiment.positive)
        db.session.commit()
    return w


# -- counting from the raw rows, here, without the facts -------------------------------------------


def local_day(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def passes(w: World, source: dict[str, Any], f: dict[str, Any], area_paths: dict[int, str]) -> bool:
    if f.get("round") and source["round"] != f["round"]:
        return False
    if f.get("area"):
        root = area_paths[f["area"]]
        path = area_paths.get(source["area"] or -1, "")
        if not (path == root or path.startswith(root + "/")):
            return False
    if f.get("from") and local_day(source["at"]) < f["from"]:
        return False
    if f.get("to") and local_day(source["at"]) > f["to"]:
        return False
    for key in ("respondent", "age", "version"):
        if f.get(key) and (source[key] is None or getattr(source[key], "value", source[key]) != f[key]):
            return False
    return not (f.get("interviewer") and source["worker"] != f["interviewer"])


def current_sources(w: World) -> dict[tuple[str, int], dict[str, Any]]:
    """Each interview's and contribution's details as they are now (after corrections)."""
    from app.models import Contribution, Interview

    sources = {}
    for i in db.session.scalars(sa.select(Interview).where(Interview.project_id == w.project_id)):
        sources[("interview", i.id)] = {
            "round": i.round_id,
            "area": i.area_id,
            "at": i.started_at,
            "respondent": i.respondent_type,
            "age": i.age_band,
            "version": i.guide_version_id,
            "worker": i.interviewer_id,
        }
    for c in db.session.scalars(sa.select(Contribution).where(Contribution.project_id == w.project_id)):
        sources[("contribution", c.id)] = {
            "round": c.round_id,
            "area": c.area_id,
            "at": c.recorded_at,
            "respondent": None,
            "age": None,
            "version": None,
            "worker": c.author_id,
        }
    return sources


def raw_codings(w: World, f: dict[str, Any]) -> list[dict[str, Any]]:
    """The project's own codings whose input passes the filters, as plain rows."""
    from app.models import Answer, Area, Code, Coding, Question

    w.sources = current_sources(w)
    area_paths = {a.id: a.path for a in db.session.scalars(sa.select(Area).where(Area.project_id == w.project_id))}
    rows = []
    for coding, question_key, interview_id, group_id in db.session.execute(
        sa.select(Coding, Question.key, Answer.interview_id, Code.group_id)
        .outerjoin(Answer, Answer.id == Coding.answer_id)
        .outerjoin(Question, Question.id == Answer.question_id)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.project_id == w.project_id, Coding.sample_id.is_(None))
    ):
        source_key = ("interview", interview_id) if coding.answer_id else ("contribution", coding.contribution_id)
        if not passes(w, w.sources[source_key], f, area_paths):
            continue
        if f.get("question") and question_key != f["question"]:
            continue
        rows.append(
            {
                "code": coding.code_id,
                "group": group_id,
                "input": ("answer", coding.answer_id) if coding.answer_id else ("contribution", coding.contribution_id),
                "source": source_key,
                "sentiment": coding.sentiment,
                "area": w.sources[source_key]["area"],
                "at": w.sources[source_key]["at"],
            }
        )
    return rows


def expected_overview(rows: list[dict[str, Any]], level: str = "code") -> dict[int, dict[str, Any]]:
    coded_interviews = {r["source"] for r in rows if r["source"][0] == "interview"}
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"inputs": set(), "interviews": set(), "people": set(), "positive": set(), "negative": set(), "suggestion": set()}
    )
    for r in rows:
        theme = out[r[level]]
        theme["inputs"].add(r["input"])
        theme["people"].add(r["source"])
        if r["source"][0] == "interview":
            theme["interviews"].add(r["source"])
        if r["sentiment"] is not None:
            theme[r["sentiment"].value].add(r["input"])
    return {
        k: {
            "inputs": len(v["inputs"]),
            "interviews": len(v["interviews"]),
            "people": len(v["people"]),
            "positive": len(v["positive"]),
            "negative": len(v["negative"]),
            "suggestion": len(v["suggestion"]),
            "share": round(len(v["interviews"]) / len(coded_interviews), 9) if coded_interviews else None,
        }
        for k, v in out.items()
    }


def actual_overview(w: World, f: dict[str, Any], level: str = "code") -> dict[int, dict[str, Any]]:
    from app.insights import queries
    from app.models import Project

    themes, _ = queries.overview(db.session.get(Project, w.project_id), filters(f), level)
    return {
        t.id: {
            "inputs": t.inputs,
            "interviews": t.interviews,
            "people": t.people,
            "positive": t.positive.value,
            "negative": t.negative.value,
            "suggestion": t.suggestion.value,
            "share": None if t.share.value is None else round(t.share.value, 9),
        }
        for t in themes
    }


def filters(f: dict[str, Any]) -> Any:
    from werkzeug.datastructures import MultiDict

    from app.filters import Filters

    return Filters.from_args(MultiDict({k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in f.items() if v is not None}))


def combos(w: World) -> list[dict[str, Any]]:
    anna = w.users["anna"].id
    return [
        {},
        {"round": w.rounds["street"]},
        {"round": w.rounds["evening"]},
        {"area": w.areas["Filmwijk"]},  # the wijk and its buurten
        {"area": w.areas["Almere Stad"]},
        {"area": w.areas["Filmwijk Noord"], "round": w.rounds["street"]},
        {"from": date(2026, 10, 1)},  # the interview at 23:30 UTC on 30 September is on 1 October here
        {"to": date(2026, 9, 30)},
        {"from": date(2026, 9, 20), "to": date(2026, 10, 20), "area": w.areas["Almere Stad"]},
        {"respondent": "resident"},
        {"age": "65_79", "respondent": "entrepreneur"},
        {"question": "wens"},
        {"question": "verbeteren", "version": w.versions[1]},
        {"version": w.versions[0], "interviewer": anna},
        {"interviewer": anna},
        {"interviewer": anna, "area": w.areas["Filmwijk"], "from": date(2026, 9, 1), "respondent": "passer_by"},
    ]


# -- aggregates against the raw counts ---------------------------------------------------------------


def test_the_theme_overview_matches_the_raw_counts_under_every_filter(app, world):
    with app.app_context():
        seen_different = set()
        for f in combos(world):
            rows = raw_codings(world, f)
            for level in ("code", "group"):
                assert actual_overview(world, f, level) == (expected_overview(rows, level)), (f, level)
            seen_different.add(len(rows))
        assert len(seen_different) > 8  # the filters really narrow, differently
        assert world.codes[-1] not in actual_overview(world, {})  # the sample's code: coded only blind


def test_the_totals_count_people_and_all_interviews(app, world):
    from app.insights import queries
    from app.models import Project

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        for f in combos(world):
            rows = raw_codings(world, f)
            total = queries.totals(project, filters(f))
            assert total.interviews == len({r["source"] for r in rows if r["source"][0] == "interview"}), f
            assert total.people == len({r["source"] for r in rows}), f
            assert total.inputs == len({r["input"] for r in rows}), f
        assert queries.interview_count(project, filters({})) == 16
        assert queries.interview_count(project, filters({"question": "wens"})) == 8  # only half answered it


def test_the_area_table_rolls_areas_up_to_the_chosen_level(app, world):
    from app.insights import queries
    from app.models import Area, Project

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        paths = {a.id: a.path for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_id))}
        for f, level in [
            ({}, "stadsdeel"),
            ({}, "wijk"),
            ({"area": world.areas["Almere Stad"]}, None),
            ({"respondent": "resident"}, "buurt"),
        ]:
            table = queries.area_table(project, filters(f), level)
            columns = {a.id: a.path for a in table.columns.columns}
            if level is None:  # inside a stadsdeel the columns are its wijken
                assert set(columns.values()) == {"Almere Stad/Filmwijk", "Almere Stad/Muziekwijk"}

            def column_of(area_id: int | None) -> int | None:
                path = paths.get(area_id or -1, "")
                return next((cid for cid, cpath in columns.items() if path == cpath or path.startswith(cpath + "/")), None)

            rows = raw_codings(world, f)
            people: dict[tuple[int, int | None], set] = defaultdict(set)
            base: dict[int | None, set] = defaultdict(set)
            for r in rows:
                people[(r["code"], column_of(r["area"]))].add(r["source"])
                base[column_of(r["area"])].add(r["source"])
            assert {k: v.value for k, v in table.cells.items()} == {k: len(v) for k, v in people.items()}, (f, level)
            assert table.bases == {k: len(v) for k, v in base.items()}
            for key, share in table.shares.items():
                assert share.value == pytest.approx(len(people[key]) / len(base[key[1]]))


def test_the_trend_counts_people_per_week_and_month(app, world):
    from app.insights import queries
    from app.models import Project

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        for period in ("week", "month"):
            for f in ({}, {"area": world.areas["Filmwijk"]}):
                found = queries.trend(project, filters(f), period, limit=3)
                rows = raw_codings(world, f)
                people: dict[tuple[int, date], set] = defaultdict(set)
                for r in rows:
                    people[(r["code"], queries.bucket_start(local_day(r["at"]), period))].add(r["source"])
                shown = {t.id for t in found.themes}
                assert len(shown) == min(3, len({r["code"] for r in rows}))
                assert {k: v.value for k, v in found.cells.items()} == {k: len(v) for k, v in people.items() if k[0] in shown}
                assert found.buckets == sorted(found.buckets) and len(set(found.buckets)) == len(found.buckets)
                assert set(found.bases) <= set(found.buckets)
        months = queries.trend(project, filters({}), "month").buckets
        assert months == [date(2026, 9, 1), date(2026, 10, 1)]  # the last interview is on 29 October


def test_co_occurrence_counts_people_who_raised_both_themes(app, world):
    from app.insights import queries
    from app.models import Project

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        for f in ({}, {"round": world.rounds["street"]}, {"question": "verbeteren"}):
            rows = raw_codings(world, f)
            codes_of: dict[Any, set] = defaultdict(set)
            for r in rows:
                codes_of[r["source"]].add(r["code"])
            expected: dict[tuple[int, int], int] = defaultdict(int)
            for codes in codes_of.values():
                for a in codes:
                    for b in codes:
                        if a < b:
                            expected[(a, b)] += 1
            pairs = queries.cooccurrence(project, filters(f), limit=100)
            assert {(p.first.id, p.second.id): p.together.value for p in pairs} == dict(expected), f
            assert expected  # the data has pairs
            values = [p.together.value for p in pairs]
            assert values == sorted(values, reverse=True)


def test_perceived_quality_per_area_with_distribution_median_and_share_below_target(app, world):
    """Each rating is held against the target level of its own area: the project's (B), Filmwijk's own (A),
    which holds in Filmwijk Noord too, and Filmwijk Zuid's own (C); the median is a level, never a mean."""
    from app.elements import services as elements
    from app.insights import queries
    from app.models import Answer, Area, Interview, Project, Question
    from app.questions.quality import median_level

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        groen = elements.add_element(project, "Groen", "Groen", "")  # the world's question names it in words
        areas = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.project_id == project.id))}
        elements.set_targets(project, None, {groen.id: "B"})
        elements.set_targets(project, areas[world.areas["Filmwijk"]], {groen.id: "A"})
        elements.set_targets(project, areas[world.areas["Filmwijk Zuid"]], {groen.id: "C"})
        target_of = {
            world.areas["Filmwijk"]: "A",
            world.areas["Filmwijk Noord"]: "A",
            world.areas["Filmwijk Zuid"]: "C",
        }
        scores = {"A+": 5, "A": 4, "B": 3, "C": 2, "D": 1}
        for f in ({}, {"respondent": "resident"}, {"area": world.areas["Almere Stad"]}):
            found, _columns = queries.quality(project, filters(f), "stadsdeel")
            assert [(e.element, e.element_id) for e in found] == [("Groen", groen.id)]
            expected: dict[str, int] = defaultdict(int)
            below = judged = 0
            for interview, value in db.session.execute(
                sa.select(Interview, Answer.value)
                .join(Answer)
                .join(Question)
                .where(Interview.project_id == project.id, Question.key == "groen")
            ):
                source = world.sources[("interview", interview.id)]
                if passes(world, source, f, {a.id: a.path for a in project.areas}):
                    expected[value] += 1
                    if value in scores:
                        judged += 1
                        below += scores[value] < scores[target_of.get(interview.area_id, "B")]
            together = found[0].rows[0]
            assert together.area is None and {lv: fig.value for lv, fig in together.counts.items() if fig.value} == dict(expected)
            rated = sum(n for lv, n in expected.items() if lv != "?")
            assert together.rated.value == rated and judged == rated
            ordered = sorted((lv for lv, n in expected.items() for _ in range(n) if lv in scores), key=scores.__getitem__)
            assert together.median.value == ordered[(len(ordered) - 1) // 2] == median_level(expected)  # the lower middle
            assert together.below.value == pytest.approx(below / judged) and together.below.people == judged
            assert sum(r.rated.value for r in found[0].rows[1:]) == rated  # the areas add up to the whole
            assert below > 0 and set(together.targets) <= {"A", "B", "C"}


@pytest.mark.parametrize(
    ("counts", "median"),
    [
        ({}, None),
        ({"?": 4}, None),
        ({"A": 1}, "A"),
        ({"A": 1, "C": 1}, "C"),  # two middle levels: the lower one
        ({"A+": 2, "D": 1}, "A+"),
        ({"B": 2, "C": 2, "?": 9}, "C"),
        ({"A+": 1, "A": 1, "B": 1, "C": 1, "D": 1}, "B"),
    ],
)
def test_median_level_is_the_lower_middle_rating(counts, median):
    from app.questions.quality import below, median_level

    assert median_level(counts) == median
    assert below(counts, None) == (0, 0)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["A+", "A", "B", "C", "D", "?"]), st.integers(0, 50)), st.sampled_from(["A+", "A", "B", "C", "D"]))
def test_median_and_below_target_against_the_ratings_written_out(counts, target):
    from app.questions.quality import QUALITY_SCORES, below, median_level

    ratings = sorted((lv for lv, n in counts.items() if lv != "?" for _ in range(n)), key=QUALITY_SCORES.__getitem__)
    assert median_level(counts) == (ratings[(len(ratings) - 1) // 2] if ratings else None)
    assert below(counts, target) == (sum(QUALITY_SCORES[r] < QUALITY_SCORES[target] for r in ratings), len(ratings))


def test_closed_questions_counted_per_option_and_area_equal_a_direct_count(app, world):
    """Options chosen (one, several, yes/no, a scale) and a number's median and quartiles, per area
    column and for all areas, under filters: against the answers read one by one."""
    import statistics

    from app.insights import queries
    from app.models import Answer, Interview, Project, Question

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        paths = {a.id: a.path for a in project.areas}
        top = {a.id: next(b.id for b in project.areas if b.path == a.path.split("/")[0]) for a in project.areas}
        for f in ({}, {"respondent": "resident"}, {"area": world.areas["Almere Stad"]}, {"round": world.rounds["street"]}):
            found, _columns = queries.closed_questions(project, filters(f), "stadsdeel")
            by_key = {q.key: q for q in found}
            assert list(by_key) == ["eerst", "vaak", "veilig", "jaren", "cijfer"]  # in the guide's order; quality is not here
            expected: dict[tuple[str, Any], list[Any]] = defaultdict(list)
            for interview, key, value in db.session.execute(
                sa.select(Interview, Question.key, Answer.value)
                .join(Answer, Answer.interview_id == Interview.id)
                .join(Question, Question.id == Answer.question_id)
                .where(Interview.project_id == project.id, Question.key.in_(by_key))
            ):
                if passes(world, world.sources[("interview", interview.id)], f, paths):
                    for where in ("all", top.get(interview.area_id) if interview.area_id else None):
                        expected[(key, where)].append(value)
            for key, question in by_key.items():
                for row in question.rows:
                    where = "all" if row.column_id is None else (None if row.column_id == -1 else row.column_id)
                    values = expected[(key, where)]
                    assert row.answered.value == len(values) > 0, (key, where)
                    if key == "jaren":
                        assert row.median.value == pytest.approx(statistics.median(values))
                        if len(values) > 1:
                            quartiles = statistics.quantiles(values, n=4, method="inclusive")
                            assert (row.low_quartile.value, row.high_quartile.value) == pytest.approx((quartiles[0], quartiles[2]))
                        assert (row.lowest.value, row.highest.value) == (min(values), max(values))
                        continue
                    chosen: Counter[str] = Counter()
                    for v in values:
                        chosen.update(v if isinstance(v, list) else ["yes" if v is True else "no" if v is False else str(v)])
                    assert {k: fig.value for k, fig in row.counts.items() if fig.value} == dict(chosen), (key, where)
                    for k, fig in row.shares.items():
                        assert fig.value == pytest.approx(chosen[k] / len(values))
                total = sum(r.answered.value for r in question.rows[1:])
                assert total == question.rows[0].answered.value  # the areas add up to the whole
            assert [label for _k, label in by_key["cijfer"].options] == ["1 (slecht)", "2", "3", "4", "5 (goed)"]
            assert sum(by_key["vaak"].rows[0].counts[k].value for k, _ in by_key["vaak"].options) > by_key["vaak"].rows[0].answered.value


def test_action_summary_by_status_theme_and_area(app, world, client):
    from app.actions import services as actions
    from app.insights import queries
    from app.models import ActionStatus, Project, User

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        user = db.session.get(User, world.users["coordinator"].id)
        for title, status, code, area in [("A", "new", 0, "Filmwijk Noord"), ("B", "done", 0, "De Werven"), ("C", "done", 1, None)]:
            actions.create_action(
                project,
                user,
                actions.ActionData(
                    title=title, status=ActionStatus(status), code_id=world.codes[code], area_id=world.areas[area] if area else None
                ),
                [],
            )
        db.session.commit()
        summary = queries.action_summary(project, filters({}))
        assert summary.by_status == {ActionStatus.new: 1, ActionStatus.planned: 0, ActionStatus.done: 2, ActionStatus.rejected: 0}
        assert summary.by_theme[world.codes[0]][ActionStatus.done] == 1 and summary.by_theme[world.codes[1]][ActionStatus.done] == 1
        assert queries.action_summary(project, filters({"area": world.areas["Almere Stad"]})).total == 1  # inside Almere Stad: A only
    # The tab lists the action items themselves, not only their counts.
    client.login(world.users["coordinator"].email)
    page = lxml_html.fromstring(client.get(f"/projects/{world.project_id}/insights/actions").text)
    titles = page.xpath("//table[@class='action-list']//td/a/text()")
    assert sorted(titles) == ["A", "B", "C"]
    # Under the area filter the list holds what the counts above it count: the areas inside it too.
    inside = lxml_html.fromstring(client.get(f"/projects/{world.project_id}/insights/actions?area={world.areas['Almere Stad']}").text)
    assert inside.xpath("//table[@class='action-list']//td/a/text()") == ["A"]


def test_the_area_table_has_areas_as_rows_and_themes_as_columns(app, world, client):
    """A town has dozens of wijken and a codebook about a dozen themes: areas down, themes across."""
    client.login(world.users["coordinator"].email)
    page = lxml_html.fromstring(client.get(f"/projects/{world.project_id}/insights/areas?level=wijk").text)
    rows = [" ".join(t.split()) for t in page.xpath("//table[contains(@class, 'heat')]/tbody/tr/th[@scope='row']/text()")]
    assert "Almere Stad › Filmwijk" in rows and "Almere Haven › De Werven" in rows
    columns = page.xpath("//table[contains(@class, 'heat')]/thead/tr/th/text()")
    assert len(columns) < 12 and not any("›" in c for c in columns)


def test_charts_that_link_are_groups_of_links_and_labels_fit(app, world, client):
    """Links inside role="img" are hidden from screen readers (axe nested-interactive); a label longer
    than its room was cut off at the chart's left edge."""
    from app.insights.charts import LABEL

    client.login(world.users["coordinator"].email)
    for view in ("", "trend", "quality"):
        page = lxml_html.fromstring(client.get(f"/projects/{world.project_id}/insights/{view}").text)
        for svg in page.xpath("//figure[contains(@class, 'chart')]/*[local-name()='svg']"):
            linked = bool(svg.xpath(".//*[local-name()='a']"))
            assert svg.get("role") == ("group" if linked else "img"), view
        labels = page.xpath("//*[local-name()='text'][contains(@class, 'chart-label')]/text()")
        assert labels and max(len(label) for label in labels) <= 30 and LABEL >= 30 * 9


# -- the facts follow every change ------------------------------------------------------------------


def test_the_facts_follow_codings_corrections_merges_and_deletions(app, world):
    from app import facts
    from app.codebook import services as codebook
    from app.coding import services as coding
    from app.models import Answer, Code, Coding, Interview, Project, ThemeFact

    def check() -> None:
        for f in ({}, {"area": world.areas["Filmwijk"]}, {"question": "verbeteren"}):
            assert actual_overview(world, f) == (expected_overview(raw_codings(world, f))), f

    def snapshot() -> list[tuple]:
        return sorted(
            db.session.execute(
                sa.select(
                    ThemeFact.code_id,
                    ThemeFact.group_id,
                    ThemeFact.scope,
                    ThemeFact.interview_id,
                    ThemeFact.contribution_id,
                    ThemeFact.area_id,
                    ThemeFact.day,
                    ThemeFact.inputs,
                    ThemeFact.positive,
                    ThemeFact.negative,
                    ThemeFact.suggestion,
                    ThemeFact.quotes,
                ).where(ThemeFact.project_id == world.project_id)
            ).all(),
            key=repr,
        )

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        one = db.session.scalars(
            sa.select(Coding).where(Coding.project_id == project.id, Coding.sample_id.is_(None)).order_by(Coding.id)
        ).first()
        coding.remove_coding(one)
        db.session.commit()
        check()
        interview = db.session.scalars(
            sa.select(Interview).where(Interview.project_id == project.id, Interview.area_id.is_not(None))
        ).first()
        interview.area_id = world.areas["De Werven"]  # as a coordinator's correction does
        interview.respondent_type = None
        db.session.commit()
        check()
        answer = db.session.scalars(sa.select(Answer).where(Answer.interview_id == interview.id, Answer.text != "")).first()
        db.session.delete(answer)  # a correction that removes an answer takes its codings along
        db.session.commit()
        check()
        source, target = db.session.get(Code, world.codes[0]), db.session.get(Code, world.codes[1])
        codebook.merge_codes(source, target)
        db.session.commit()
        check()
        other_group = db.session.scalars(sa.select(Code).where(Code.project_id == project.id, Code.group_id != target.group_id)).first()
        target.group_id = other_group.group_id  # moving a code to another group moves its figures along
        db.session.commit()
        check()
        assert actual_overview(world, {}, "group") == (expected_overview(raw_codings(world, {}), "group"))
        db.session.delete(db.session.get(Interview, interview.id))
        db.session.commit()
        check()
        kept = snapshot()
        facts.rebuild(db.session.connection(), project.id)  # built from scratch: the same rows
        assert snapshot() == kept
        db.session.rollback()


def test_a_rolled_back_coding_leaves_the_facts_as_they_were(app, world):
    from app.coding import services as coding
    from app.models import Answer, Code, Interview, Project, User

    with app.app_context():
        before = actual_overview(world, {})
        project = db.session.get(Project, world.project_id)
        answer = db.session.scalars(sa.select(Answer).join(Interview).where(Interview.project_id == project.id, Answer.text != "")).first()
        coding.apply_code(
            project, answer, db.session.get(Code, world.codes[2]), db.session.get(User, world.users["coordinator"].id), sentiment=None
        )
        db.session.rollback()
        assert actual_overview(world, {}) == before


# -- views: links, small numbers, escaping, personal data --------------------------------------------

PAGES = [
    "",
    "?level=group",
    "areas",
    "areas?level=buurt",
    "trend",
    "trend?period=week",
    "together",
    "quality",
    "quotes",
    "actions",
    "inputs",
]


def rows_of(page: str) -> dict[str, list[str]]:
    """Table rows of a page by their header cell's text: the cells' texts."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header:
            name = html.unescape(re.sub(r"<[^>]+>", "", header.group(1))).strip()
            found[" ".join(name.split())] = [
                " ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
    return found


def test_every_view_opens_for_coordinators_and_viewers_and_not_for_interviewers(app, world, client_factory):
    for who, status in (("coordinator", 200), ("viewer", 200), ("anna", 403)):
        client = client_factory()
        client.login(world.users[who].email)
        for page in PAGES:
            assert client.get(f"/projects/{world.project_id}/insights/{page}").status_code == status, (who, page)
        assert client.get(f"/projects/{world.project_id}/insights/team").status_code == (403 if who == "viewer" else 200)


def test_filters_travel_in_the_url_to_every_view_and_the_inputs_behind_a_figure(app, world, client):
    client.login(world.users["coordinator"].email)
    area = world.areas["Almere Stad"]
    html = client.get(f"/projects/{world.project_id}/insights/?area={area}&from=2026-09-20&respondent=resident").text
    for view in ("areas", "trend", "together", "quality", "quotes"):
        assert re.search(rf'/insights/{view}\?[^"]*area={area}', html), view
    with app.app_context():
        expected = expected_overview(raw_codings(world, {"area": area, "from": date(2026, 9, 20), "respondent": "resident"}))
    code_id, figures = next(iter(sorted(expected.items())))
    # The theme's link leads to its inputs, under the same filters: as many as the figure says.
    link = (
        re.search(rf'href="(/projects/{world.project_id}/insights/inputs\?[^"]*code={code_id}[^"]*)"', html).group(1).replace("&amp;", "&")
    )
    assert "respondent=resident" in link and f"area={area}" in link
    listed = client.get(link).text
    assert re.search(r'<p role="status">(\d+)', listed).group(1) == str(figures["inputs"])


def test_viewers_see_small_numbers_as_less_than_the_threshold(app, world, client_factory):
    from app.models import Code

    with app.app_context():
        expected = expected_overview(raw_codings(world, {}))
        names = {c.id: f"{c.key} {c.name}" for c in db.session.scalars(sa.select(Code).where(Code.id.in_(expected)))}
    small = [c for c, v in expected.items() if 0 < v["people"] < 3]
    large = [c for c, v in expected.items() if v["people"] >= 3]
    assert small and large, "the data should have both"
    coordinator, viewer = client_factory(), client_factory()
    coordinator.login(world.users["coordinator"].email)
    viewer.login(world.users["viewer"].email)
    url = f"/projects/{world.project_id}/insights/"
    seen_by_viewer, seen_by_coordinator = rows_of(viewer.get(url).text), rows_of(coordinator.get(url).text)
    for code_id in small:
        coordinator_row, viewer_row = seen_by_coordinator[names[code_id]], seen_by_viewer[names[code_id]]
        # Columns: group, inputs, interviews, share, contributions, positive, negative, suggestion.
        assert coordinator_row[1:3] == [str(expected[code_id]["inputs"]), str(expected[code_id]["interviews"])]
        assert viewer_row[1:4] == ["< 3", "< 3", "< 3"], names[code_id]  # inputs and share rest on the same few people
        assert viewer_row[6] == "< 3" and coordinator_row[6] == str(expected[code_id]["negative"])
    for code_id in large:
        assert seen_by_viewer[names[code_id]][1] == str(expected[code_id]["inputs"])
    # The inputs behind a small figure are not listed for a viewer either (but are for a coordinator).
    inputs = f"/projects/{world.project_id}/insights/inputs?code={small[0]}"
    assert "Minder dan 3 mensen" in viewer.get(inputs).text
    assert re.search(r'<p role="status">\d+', coordinator.get(inputs).text)
    # A higher threshold hides more.
    with app.app_context():
        from app.models import Project

        db.session.get(Project, world.project_id).small_numbers = 100
        db.session.commit()
    assert "&lt; 3" not in viewer.get(url).text and "&lt; 100" in viewer.get(url).text
    assert "&lt; 100" not in coordinator.get(url).text


def test_the_area_table_hides_small_cells_from_viewers(app, world, client_factory):
    viewer = client_factory()
    viewer.login(world.users["viewer"].email)
    cells = [c for row in rows_of(viewer.get(f"/projects/{world.project_id}/insights/areas?level=buurt").text).values() for c in row]
    assert "< 3" in cells
    assert not any(re.fullmatch(r"[12]( \d+%)?", c) for c in cells)  # never a 1 or a 2


def test_resident_text_and_theme_names_are_escaped_in_quotes_charts_and_lists(app, world, client):
    from app.models import Code

    with app.app_context():
        code = db.session.get(Code, world.codes[0])
        code.name = '<img src=x onerror="alert(1)">'
        db.session.commit()
    client.login(world.users["coordinator"].email)
    for page in ["", "areas", "trend", "together", f"quotes?code={world.codes[0]}", f"inputs?code={world.codes[0]}"] + [
        f"quotes?code={c}" for c in world.codes
    ]:
        html = client.get(f"/projects/{world.project_id}/insights/{page}").text
        assert "<img src=x" not in html and "<script>alert" not in html, page
        assert 'onmouseover="alert' not in html
    texts = "".join(client.get(f"/projects/{world.project_id}/insights/inputs?page={n}").text for n in (1, 2))
    assert "&lt;script&gt;alert(" in texts  # shown, as text
    assert "&lt;img src=x" in client.get(f"/projects/{world.project_id}/insights/").text


def test_viewers_never_see_names_contact_details_or_addresses(app, world, client_factory):
    viewer, coordinator = client_factory(), client_factory()
    viewer.login(world.users["viewer"].email)
    coordinator.login(world.users["coordinator"].email)
    anna = world.users["anna"].id
    pages = PAGES + [f"quotes?code={c}" for c in world.codes] + ["inputs?page=2", f"?interviewer={anna}"]
    viewer_html = "".join(viewer.get(f"/projects/{world.project_id}/insights/{p}").text for p in pages)
    for personal in (
        "Anna Interviewer",
        "Bert Interviewer",
        "Jan Jansen",
        "jan.jansen@example.nl",
        "0612345678",
        "Kerkstraat 12",
        "06-12345678",
        "jan@example.nl",
    ):
        assert personal not in viewer_html, personal
    assert "[adres]" in viewer_html and "[telefoonnummer]" in viewer_html and "[e-mailadres]" in viewer_html
    # The interviewer filter is the coordinator's: a viewer's ?interviewer= changes nothing.
    assert rows_of(viewer.get(f"/projects/{world.project_id}/insights/?interviewer={anna}").text) == rows_of(
        viewer.get(f"/projects/{world.project_id}/insights/").text
    )
    coordinator_html = "".join(coordinator.get(f"/projects/{world.project_id}/insights/{p}").text for p in ("inputs", "inputs?page=2"))
    assert "Kerkstraat 12" in coordinator_html and "Anna Interviewer" in coordinator.get(f"/projects/{world.project_id}/insights/").text


def test_team_learning_is_shown_per_round_for_the_team_never_per_person(app, world, client_factory):
    from app.insights import queries
    from app.models import Project

    client = client_factory()
    client.login(world.users["anna"].email)
    html = client.get(f"/projects/{world.project_id}/insights/team").text
    assert "Anna Interviewer" not in html and "Bert Interviewer" not in html
    assert html.count("Verrassing ") == 16  # every reflection's surprise, without a name
    with app.app_context():
        project = db.session.get(Project, world.project_id)
        rounds = queries.team(project, filters({}))
        assert [(r.interviewers, r.reflections) for r in rounds] == [(2, 16)]
        assert sum(rounds[0].levels.values()) == 16
        only_anna = queries.team(project, filters({"version": world.versions[0], "from": date(2026, 9, 15), "to": date(2026, 9, 17)}))
        assert only_anna and not only_anna[0].shown  # one interviewer: not broken down
    html = client.get(f"/projects/{world.project_id}/insights/team?from=2026-09-15&to=2026-09-17").text
    assert "Verrassing" not in html


def test_unknown_filter_values_are_ignored_not_an_error(app, world, client):
    client.login(world.users["coordinator"].email)
    for query in (
        "from=gisteren",
        "respondent=alien",
        "age=300",
        "round=abc",
        "level=galaxy",
        "period=century",
        "sort=evil&dir=x",
        "key=groen&level=Z",
    ):
        assert client.get(f"/projects/{world.project_id}/insights/?{query}").status_code == 200, query
        assert client.get(f"/projects/{world.project_id}/insights/ratings?{query}").status_code == 200, query


def test_pseudonymise_replaces_addresses_phone_numbers_and_email_addresses(app):
    from app.privacy import pseudonymise

    with app.test_request_context():
        assert pseudonymise("Ik woon op de Kerkstraat 12a, bel 06-12345678.") == "Ik woon op de [adres], bel [telefoonnummer]."
        assert pseudonymise("Mail naar piet@almere.nl of +31 6 12345678") == "Mail naar [e-mailadres] of [telefoonnummer]"
        assert pseudonymise("Grote Markt 3 en Charlie Chaplinweg 145") == "[adres] en [adres]"
        assert pseudonymise("De straat is te donker, 12 lantaarns kapot") == "De straat is te donker, 12 lantaarns kapot"


def test_rebuild_insights_repairs_facts_changed_behind_the_apps_back(app, world, runner):
    from app.models import ThemeFact

    with app.app_context():
        before = actual_overview(world, {})
        db.session.execute(sa.delete(ThemeFact).where(ThemeFact.project_id == world.project_id, ThemeFact.code_id == world.codes[0]))
        db.session.commit()
        assert actual_overview(world, {}) != before
    result = runner.invoke(args=["rebuild-insights", "--project", str(world.project_id)])
    assert result.exit_code == 0 and "rebuilt" in result.output
    with app.app_context():
        assert actual_overview(world, {}) == before
    missing = runner.invoke(args=["rebuild-insights", "--project", "999999"])
    assert missing.exit_code != 0 and "No project 999999" in missing.output


def test_one_input_opens_read_only_pseudonymised_for_viewers(app, world, client_factory):
    from app.models import Answer, Contribution, Interview

    with app.app_context():
        answer_id = db.session.scalar(
            sa.select(Answer.id).join(Interview).where(Interview.project_id == world.project_id, Answer.text.contains("Kerkstraat 12"))
        )
        contribution_id = db.session.scalar(sa.select(Contribution.id).where(Contribution.project_id == world.project_id))
        scale_answer = db.session.scalar(
            sa.select(Answer.id).join(Interview).where(Interview.project_id == world.project_id, Answer.text == "")
        )
    viewer, coordinator = client_factory(), client_factory()
    viewer.login(world.users["viewer"].email)
    coordinator.login(world.users["coordinator"].email)
    url = f"/projects/{world.project_id}/insights/answers/{answer_id}"
    assert "[adres]" in viewer.get(url).text and "Kerkstraat 12" not in viewer.get(url).text
    assert "Kerkstraat 12" in coordinator.get(url).text and "/coding/answers/" in coordinator.get(url).text
    assert viewer.get(f"/projects/{world.project_id}/insights/contributions/{contribution_id}").status_code == 200
    assert viewer.get(f"/projects/{world.project_id}/insights/answers/{scale_answer}").status_code == 404  # not a text
    assert viewer.get(f"/projects/{world.project_id}/insights/answers/999999").status_code == 404


def test_the_input_list_behind_the_figures_takes_the_same_filters(app, world):
    """The list a figure links to (the workbench's queue, read-only): every filter, counted here."""
    from app.coding import queries as coding_queries
    from app.models import Answer, Area, Contribution, Interview, Project, Question

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        sources = current_sources(world)
        paths = {a.id: a.path for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_id))}
        texts = [
            (("interview", i), key)
            for i, key in db.session.execute(
                sa.select(Answer.interview_id, Question.key)
                .join(Question)
                .join(Interview)
                .where(Interview.project_id == project.id, Answer.text != "")
            )
        ]
        texts += [
            (("contribution", c), None) for c in db.session.scalars(sa.select(Contribution.id).where(Contribution.project_id == project.id))
        ]
        for f in combos(world):
            interviews_only = any(f.get(k) for k in ("question", "respondent", "age", "version"))
            expected = sum(
                1
                for source, key in texts
                if passes(world, sources[source], f, paths)
                and not (interviews_only and source[0] == "contribution")
                and (not f.get("question") or key == f["question"])
            )
            assert coding_queries.count(project, filters(f)) == expected, f


def test_quotes_come_first_then_coded_fragments_under_the_filters(app, world):
    from app.insights import queries
    from app.models import Coding, Project

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        for f in ({}, {"area": world.areas["Almere Stad"]}, {"question": "verbeteren"}, {"round": world.rounds["evening"]}):
            kept = {(r["input"], r["code"]) for r in raw_codings(world, f)}
            for code_id in world.codes[:4]:
                expected = [
                    c
                    for c in db.session.scalars(sa.select(Coding).where(Coding.code_id == code_id, Coding.sample_id.is_(None)))
                    if (c.is_quote or c.start is not None)
                    and ((("answer", c.answer_id) if c.answer_id else ("contribution", c.contribution_id)), code_id) in kept
                ]
                page = queries.quotes(project, filters(f), code_id)
                assert page.total == len(expected), (f, code_id)
                flags = [q.is_quote for q in page.items]
                assert flags == sorted(flags, reverse=True) and sum(flags) == sum(c.is_quote for c in expected)


def test_two_coders_of_one_interview_at_the_same_moment_both_count(live_database, make_app):
    """Each commit recomputes the interview's facts; the second waits for the first (a row lock on
    PostgreSQL, the single writer on SQLite), so neither writes facts without the other's coding.
    Real commits on a database of its own, two threads."""
    import threading

    from app import facts
    from app.coding import services as coding
    from app.models import Answer, Code, Coding, Interview, Project, ThemeFact, User

    app = make_app(live_database(demo=True))
    with app.app_context():
        project_id = db.session.scalar(sa.select(Project.id).order_by(Project.id))
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "coordinator@buitenbinnen.example"))
        interview_id, first, second = next(
            (i, a[0], a[1])
            for i, a in (
                (i, list(db.session.scalars(sa.select(Answer.id).where(Answer.interview_id == i, Answer.text != ""))))
                for i in db.session.scalars(sa.select(Interview.id).where(Interview.project_id == project_id))
            )
            if len(a) > 1
        )
        used = sa.select(Coding.code_id).join(Answer).where(Answer.interview_id == interview_id)
        fresh = db.session.scalar(sa.select(Code.id).where(Code.project_id == project_id, Code.id.not_in(used), ~Code.archived).limit(1))
    barrier, errors = threading.Barrier(2), []

    def code(answer_id: int) -> None:
        try:
            with app.app_context():
                project = db.session.get(Project, project_id)
                coding.apply_code(project, db.session.get(Answer, answer_id), db.session.get(Code, fresh), db.session.get(User, user_id))
                try:
                    barrier.wait(timeout=2)  # both have coded, neither has committed (on SQLite the second waits to write)
                except threading.BrokenBarrierError:
                    pass
                db.session.commit()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=code, args=(answer,)) for answer in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with app.app_context():
        fact = db.session.scalar(
            sa.select(ThemeFact).where(ThemeFact.interview_id == interview_id, ThemeFact.code_id == fresh, ThemeFact.scope == "")
        )
        assert fact is not None and fact.inputs == 2
        before = sorted(
            db.session.execute(
                sa.select(
                    ThemeFact.code_id,
                    ThemeFact.group_id,
                    ThemeFact.scope,
                    ThemeFact.interview_id,
                    ThemeFact.contribution_id,
                    ThemeFact.inputs,
                )
            ).all(),
            key=repr,
        )
        facts.rebuild(db.session.connection())
        after = sorted(
            db.session.execute(
                sa.select(
                    ThemeFact.code_id,
                    ThemeFact.group_id,
                    ThemeFact.scope,
                    ThemeFact.interview_id,
                    ThemeFact.contribution_id,
                    ThemeFact.inputs,
                )
            ).all(),
            key=repr,
        )
        assert after == before  # what the commits left equals a rebuild from scratch
        db.session.rollback()
        db.engine.dispose()


def test_a_trend_point_links_to_its_period_within_the_filtered_period(app, world, client):
    client.login(world.users["coordinator"].email)
    page = client.get(f"/projects/{world.project_id}/insights/trend?from=2026-09-20&to=2026-10-10").text
    links = {html.unescape(found) for found in re.findall(r'href="([^"]*/insights/inputs\?[^"]*)"', page)}
    assert links
    for link in links:
        start, end = re.search(r"from=([\d-]+)", link).group(1), re.search(r"to=([\d-]+)", link).group(1)
        assert "2026-09-20" <= start <= end <= "2026-10-10", link


def test_participation_counts_people_per_round_and_area_and_the_feedback_loop(app, world, client):
    from app.actions import services as actions
    from app.insights import queries
    from app.models import ActionStatus, Answer, ContactDetails, Interview, Project, User

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        paths = {a.id: a.path for a in project.areas}
        asked = db.session.scalar(sa.select(ContactDetails.interview_id).limit(1))
        answer = db.session.scalar(sa.select(Answer).where(Answer.interview_id == asked).limit(1))
        actions.create_action(
            project,
            db.session.get(User, world.users["coordinator"].id),
            actions.ActionData("Drempels", status=ActionStatus.planned, feedback_given=True),
            [answer],
        )
        top = {a.id: next(b.id for b in project.areas if b.path == a.path.split("/")[0]) for a in project.areas}
        for f in ({}, {"area": world.areas["Almere Stad"]}, {"round": world.rounds["evening"]}, {"from": date(2026, 10, 1)}):
            records, _columns = queries.participation(project, filters(f), "stadsdeel")
            expected_rounds = {world.rounds["evening"]} if f.get("round") else set(world.rounds.values())
            assert {r.round.id for r in records} == expected_rounds
            for record in records:
                kept = [
                    (kind, key)
                    for (kind, key), source in world.sources.items()
                    if source["round"] == record.round.id and passes(world, source, f, paths)
                ]
                assert record.interviews == sum(k == "interview" for k, _ in kept), (f, record.round.name)
                assert record.contributions == sum(k == "contribution" for k, _ in kept)
                per_area: dict[int | None, int] = defaultdict(int)
                for kind, key in kept:
                    area = world.sources[(kind, key)]["area"]
                    per_area[top[area] if area else None] += 1
                assert {k: v for k, v in record.per_area.items() if v} == dict(per_area)
                with_contact = [key for kind, key in kept if kind == "interview" and db.session.get(Interview, key).contact is not None]
                assert record.asked_feedback == len(with_contact)
                assert record.heard_back == sum(key == asked for key in with_contact)
        street = next(r for r in queries.participation(project, filters({}), None)[0] if r.round.id == world.rounds["street"])
        assert street.asked_feedback == street.heard_back == 1  # the world has one resident who asked, now told


def test_the_area_page_and_report_count_what_the_database_holds_with_filters_and_suppression(app, world, client):
    """Per area: people heard, top themes and their people, against a direct count; for a policy maker
    the small numbers hide; the PDF says the same in text."""
    from pypdf import PdfReader

    from app.models import Code, Project

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        paths = {a.id: a.path for a in project.areas}
        small = project.small_numbers
    filmwijk = world.areas["Filmwijk"]
    for who, f in (
        ("coordinator", {"area": filmwijk}),
        ("coordinator", {"area": filmwijk, "respondent": "resident"}),
        ("viewer", {"area": filmwijk}),
    ):
        client.login(world.users[who].email)
        page = client.get(f"/projects/{world.project_id}/insights/area", query_string=f)
        assert page.status_code == 200
        tree = lxml_html.fromstring(page.text)
        with app.app_context():
            kept = [key for key, source in current_sources(world).items() if passes(world, source, f, paths)]
            expected = expected_overview(raw_codings(world, f))
        interviews = sum(k == "interview" for k, _ in kept)
        facts = dict(
            zip(
                tree.xpath("//section[contains(@class,'area-report')]//dt/text()"),
                tree.xpath("//section[contains(@class,'area-report')]//dd/text()"),
            )
        )
        shown_interviews = facts["Gesprekken"].strip()
        if who == "viewer" and 0 < interviews < small:
            assert shown_interviews == f"< {small}"
        else:
            assert shown_interviews == str(interviews), (f, facts)
        rows = tree.xpath("//section[h3[@id='themes-heading']]//tbody/tr")
        people = {r.xpath("string(th)"): r.xpath("string(td[1])") for r in rows}
        with app.app_context():
            names = {c.id: c.name for c in db.session.scalars(sa.select(Code).where(Code.project_id == world.project_id))}
        top = sorted(expected.items(), key=lambda item: -item[1]["people"])[: len(people)]
        for code, figures in top:
            n = figures["people"]
            assert people[names[code]] == (f"< {small}" if who == "viewer" and 0 < n < small else str(n)), (who, f, names[code])
        client.post("/logout", data={"csrf_token": client.csrf_token()})

    client.login(world.users["coordinator"].email)
    response = client.get(f"/projects/{world.project_id}/insights/report.pdf", query_string={"area": filmwijk})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="wat-we-hoorden-filmwijk.pdf"' in response.headers["Content-Disposition"]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Wat we hoorden in Almere Stad › Filmwijk" in text and "Wat bewoners het meest noemden" in text
    with app.app_context():
        kept = [key for key, source in current_sources(world).items() if passes(world, source, {"area": filmwijk}, paths)]
    assert f"Gesprekken {sum(k == 'interview' for k, _ in kept)}" in text


@pytest.mark.parametrize("by", ["round", "respondent", "age", "area"])
def test_the_theme_matrix_by_who_was_heard_matches_a_hand_count(app, world, client, by):
    """Issue 24.3: people per theme and round, respondent type, age band or area, with the share of the
    column (the people heard there) and of the row (everyone who raised the theme)."""
    from app.insights import queries
    from app.models import Area, Project

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        table = queries.attribute_table(project, filters({}), by, "wijk")
        rows = raw_codings(world, {})
        paths = {a.id: a.path for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_id))}
        wijken = {
            a.id: a.path for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_id, Area.level == "wijk"))
        }

        def value_of(source: Any) -> Any:
            details = world.sources[source]
            if by == "area":
                path = paths.get(details["area"] or -1, "")
                return next((wid for wid, wpath in wijken.items() if path == wpath or path.startswith(wpath + "/")), None)
            value = details[by]
            return value.value if hasattr(value, "value") else value

        people: dict[tuple[int, Any], set] = defaultdict(set)
        base: dict[Any, set] = defaultdict(set)
        total: dict[int, set] = defaultdict(set)
        for r in rows:
            people[(r["code"], value_of(r["source"]))].add(r["source"])
            base[value_of(r["source"])].add(r["source"])
            total[r["code"]].add(r["source"])
        assert table.cells == {k: len(v) for k, v in people.items()}
        assert table.bases == {k: len(v) for k, v in base.items()}
        assert table.totals == {k: len(v) for k, v in total.items()}
        assert len(table.columns) >= 2 and {c.value for c in table.columns} == set(base)
        for (code, value), who in people.items():
            assert table.column_share(code, value).value == pytest.approx(len(who) / len(base[value]))
            assert table.row_share(code, value).value == pytest.approx(len(who) / len(total[code]))
    client.login(world.users["coordinator"].email)
    page = client.get(f"/projects/{world.project_id}/insights/matrix?by={by}&share=row&level=wijk")
    assert page.status_code == 200 and "Aandeel van de rij" in page.text
    known = next(c for c in table.columns if c.value is not None)
    argument = {"area": "area", "round": "round", "respondent": "respondent", "age": "age"}[by]
    assert f"{argument}={known.value}" in page.text  # a cell leads to its statements


@pytest.mark.parametrize("key", ["eerst", "vaak", "veilig", "cijfer"])
def test_the_theme_matrix_by_the_answer_to_a_closed_question_matches_a_hand_count(app, world, client, key):
    """Issue 24.3: people per theme and option chosen for a closed question (one choice, several choices,
    yes/no, a scale); who did not answer it is "unknown"; a cell leads to exactly its statements."""
    from urllib.parse import parse_qs, urlsplit

    from app.insights import queries
    from app.models import Answer, Project, Question

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        table = queries.attribute_table(project, filters({}), "answer", key=key)
        assert table.by == "answer" and table.question is not None and table.question.key == key
        stored = dict(
            db.session.execute(
                sa.select(Answer.interview_id, Answer.value).join(Question, Question.id == Answer.question_id).where(Question.key == key)
            ).all()
        )
        rows = raw_codings(world, {})

    def options(source: Any) -> list[Any]:
        kind, source_id = source
        value = stored.get(source_id) if kind == "interview" else None
        if value is None or value == []:
            return [None]
        if key == "veilig":
            return ["yes" if value else "no"]
        if key == "vaak":
            return list(value)
        return [str(int(value))] if key == "cijfer" else [value]

    people: dict[tuple[int, Any], set] = defaultdict(set)
    base: dict[Any, set] = defaultdict(set)
    total: dict[int, set] = defaultdict(set)
    inputs: dict[tuple[int, Any], set] = defaultdict(set)
    for r in rows:
        for option in options(r["source"]):
            people[(r["code"], option)].add(r["source"])
            base[option].add(r["source"])
            inputs[(r["code"], option)].add(r["input"])
        total[r["code"]].add(r["source"])
    assert table.cells == {k: len(v) for k, v in people.items()}
    assert table.bases == {k: len(v) for k, v in base.items()}
    assert table.totals == {k: len(v) for k, v in total.items()}
    assert {c.value for c in table.columns} == set(base) and len(base) >= 3
    assert table.heard == len({s for v in base.values() for s in v})  # each person once
    if key == "vaak":  # several choices: a person counts in each column chosen
        assert sum(len(v) for k, v in base.items() if k is not None) > len({s for k, v in base.items() if k is not None for s in v})

    client.login(world.users["coordinator"].email)
    page = client.get(f"/projects/{world.project_id}/insights/matrix")
    assert f'<option value="{key}"' in page.text  # the question is offered in the page's form
    page = client.get(f"/projects/{world.project_id}/insights/matrix", query_string={"by": "answer", "key": key})
    assert page.status_code == 200 and "antwoord op" in page.text
    (code, option), who = max(((k, v) for k, v in inputs.items() if k[1] is not None), key=lambda item: len(item[1]))
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*/insights/inputs[^"]*)"', page.text)]
    wanted = {"code": [str(code)], "answer": [f"{key}:{option}"]}
    link = next(h for h in links if wanted.items() <= parse_qs(urlsplit(h).query).items())
    listed = client.get(link)
    assert listed.status_code == 200
    assert re.search(r'role="status">(\d+) ', listed.text).group(1) == str(len(who))
    assert "van mensen die antwoordden:" in listed.text


def test_an_answer_filter_that_matches_nothing_or_is_not_one_shows_nothing_and_breaks_nothing(app, world, client):
    """A cell's link edited by hand: an unknown key, an option no one chose, wildcards and quotes."""
    from werkzeug.datastructures import MultiDict

    from app.filters import Filters

    assert Filters.from_args(MultiDict({"answer": "geen-sleutel"})).answer is None  # not key:option
    assert Filters.from_args(MultiDict({"answer": "veilig:no"})).answer == ("veilig", "no")
    client.login(world.users["coordinator"].email)
    for value in ("onbekend:ja", "veilig:%", "vaak:_", 'vaak:park", "x', "cijfer:9", "eerst:groen%"):
        page = client.get(f"/projects/{world.project_id}/insights/inputs", query_string={"answer": value})
        assert page.status_code == 200
        assert 'role="status">0 ' in page.text, value


def test_the_answer_filter_selects_exactly_who_chose_the_option(app, world):
    """Generated options (the real ones, and text with quotes, wildcards, backslashes and accents)
    against the answers read one by one: the SQL match agrees with how each kind counts its answers."""
    from hypothesis import HealthCheck

    from app.filters import INTERVIEW, Filters, source_conditions
    from app.models import Answer, Interview, Project, Question
    from app.questions import kind_of

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        stored = [
            (interview_id, key, kind_of(question_type).count_keys(value))
            for interview_id, key, question_type, value in db.session.execute(
                sa.select(Answer.interview_id, Question.key, Question.type, Answer.value)
                .join(Question, Question.id == Answer.question_id)
                .join(Interview, Interview.id == Answer.interview_id)
                .where(Interview.project_id == project.id)
            )
        ]
        real = sorted({(key, option) for _i, key, options in stored for option in options})
        assert len(real) > 8

        @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(
            st.one_of(
                st.sampled_from(real),
                st.tuples(st.sampled_from(["eerst", "vaak", "veilig", "cijfer", "onbekend"]), st.text(min_size=1, max_size=12)),
            )
        )
        def check(answer: tuple[str, str]) -> None:
            expected = {i for i, key, options in stored if key == answer[0] and answer[1] in options}
            found = set(db.session.scalars(sa.select(Interview.id).where(*source_conditions(project, Filters(answer=answer), INTERVIEW))))
            assert found == expected, answer

        check()
