"""Demo coding for ``flask seed-demo``: keyword rules, codings of most demo input (fragments,
sentiments, quotes), a double-coded sample with its agreement, and action items resting on
the residents' words. Built through the coding and action services; deterministic per seed."""

from __future__ import annotations

import random
from typing import Any

import sqlalchemy as sa

from . import statements
from .actions import services as actions
from .coding import double, memos
from .coding import services as coding
from .demo_fieldwork import said_in
from .extensions import db
from .filters import Filters
from .models import ActionStatus, Answer, Code, CodingSample, Contribution, Priority, Project, Sentiment, User

KEYWORDS = {
    "HEEL-VERL": "lantaarn*|verlichting|donker",
    "VRK-PARK": "parkeer*|busje*",
    "SCH-HOND": "hondenpoep|hond*",
    "GRN-BOOM": "boom|bomen|wortels|blad",
    "GRN-KLIM": "water|hitte|bui",
}
ACTIONS = [
    (
        "HEEL-VERL",
        "Lantaarnpalen fietspad Bachstraat repareren",
        "Twee defecte lantaarnpalen vervangen; daarna schouw in het donker.",
        "Fietspad langs de Bachstraat",
        Priority.high,
        "Openbare verlichting",
        ActionStatus.planned,
        "",
    ),
    (
        "GRN-ONDH",
        "Maaifrequentie rond speeltuinen verhogen",
        "Van 6 naar 10 maaibeurten per jaar bij speelplekken.",
        "Speeltuinen Muziekwijk",
        Priority.medium,
        "Groenbeheer",
        ActionStatus.new,
        "",
    ),
    (
        "SCH-HOND",
        "Extra afvalbakken met hondenpoepzakjes",
        "",
        "Grasveld achter de school",
        Priority.medium,
        "Stadsreiniging",
        ActionStatus.done,
        "",
    ),
    (
        "VRK-PARK",
        "Parkeerverbod bedrijfsbusjes in het weekend",
        "",
        "",
        Priority.low,
        "Verkeer en parkeren",
        ActionStatus.rejected,
        "Geen grond in de APV; wordt meegenomen in het parkeerbeleid 2028.",
    ),
]


def _theme_of(text: str) -> str | None:
    found = said_in(text)
    return found[0] if found else None


def _inputs(project: Project) -> list[Answer | Contribution]:
    keys = db.session.execute(sa.select(statements.union(project, Filters(), "kind", "id")))
    found = statements.records((row.kind, row.id) for row in keys)
    return [found[key] for key in sorted(found)]  # answers first, each kind by id


# The coordinator's notes while coding: on the project, and on codes whose edges were unclear.
MEMOS = [
    ("Eerste ronde: veel over groen en verlichting; verkeer komt vooral uit Muziekwijk Zuid. Na de bewonersavond opnieuw kijken.", None),
    ("Alleen gebruiken als het over het onderhoud gaat (maaien, snoeien), niet over het ontwerp van de buurt.", "GRN-ONDH"),
    (
        "Donkere plekken bij fietspaden apart houden van lantaarnpalen die kapot zijn: het eerste is ontwerp, het tweede onderhoud.",
        "HEEL-VERL",
    ),
]


def build(project: Project, coordinator: User, interviewer: User, seed: int) -> dict[str, Any]:
    rng = random.Random(seed + 5)
    codes = {c.key: c for c in db.session.scalars(sa.select(Code).where(Code.project_id == project.id))}
    for key, words in KEYWORDS.items():
        if key in codes:
            codes[key].keywords = words
    inputs = _inputs(project)
    coded: dict[str, list[Any]] = {}
    quotes = 0
    for target in inputs:
        theme = _theme_of(coding.input_text(target))
        if theme is None or theme not in codes or rng.random() < 0.25:
            continue  # left for the coordinator to code: the queue is never empty
        text = coding.input_text(target)
        _theme, fragment, sentiment = said_in(text) or (theme, "", "negative")
        span = coding.find_fragment(text, fragment) if fragment else None
        quote = quotes < 8 and rng.random() < 0.3
        quotes += quote
        made = coding.apply_code(project, target, codes[theme], coordinator, *(span or (None, None)), Sentiment(sentiment), quote)
        if quote:
            memos.add_memo(project, coordinator, "Sterk citaat voor het plan.", coding=made)
        coded.setdefault(theme, []).append(target)
    for text, key in MEMOS:
        memos.add_memo(project, coordinator, text, code=codes.get(key) if key else None)
    sample = _double_coded_sample(project, coordinator, interviewer, codes, rng)
    made = []
    for theme, title, description, location, priority, department, status, reason in ACTIONS:
        evidence = coded.get(theme, [])[:4]
        made.append(
            actions.create_action(
                project,
                coordinator,
                actions.ActionData(
                    title=title,
                    description=description,
                    code_id=codes[theme].id if theme in codes else None,
                    location=location,
                    priority=priority,
                    department=department,
                    status=status,
                    rejection_reason=reason,
                    feedback_given=status == ActionStatus.done,
                ),
                evidence,
            )
        )
    db.session.flush()
    return {"codings": sum(len(v) for v in coded.values()), "sample": sample, "actions": made}


def _double_coded_sample(
    project: Project, coordinator: User, second: User, codes: dict[str, Code], rng: random.Random
) -> CodingSample | None:
    """The interviewer codes a sample of ten blind, agreeing mostly: the report shows something real."""
    try:
        sample = double.draw_sample(project, second, coordinator, number=10, rng=rng, name="Controle ronde 1")
    except coding.CodingError:
        return None  # no coded input (a demo without interviews)
    keys = list(codes)
    for n, item in enumerate(sample.items):
        target = double.item_target(item)
        theme = _theme_of(coding.input_text(target))
        if n == len(sample.items) - 1:
            break  # one left open: the second coder's queue shows it
        chosen = theme if theme in codes and rng.random() < 0.8 else rng.choice(keys)
        coding.apply_code(project, target, codes[chosen], second, sample=sample)
        if rng.random() < 0.2:
            coding.apply_code(project, target, codes[rng.choice(keys)], second, sample=sample)
        double.mark_done(item)
    return sample
