"""Demo field work for ``flask seed-demo --interviews N --seed S``: a published guide with every
question type, a street round, an information round, and N synthetic interviews (and N/3
contributions) spread over Almere, with Dutch answers of the kind residents give.

Built through the same validator and services as real capture; deterministic per seed.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import shapely

from .areas.outlines import geometry_of
from .areas.services import area_tree
from .capture import services as capture
from .capture.validation import RECEIPT_ALPHABET, validate_contribution, validate_interview, validate_route
from .codebook.services import active_codes
from .elements import services as elements
from .guides import services as guides
from .guides.definition import QuestionDef, SectionDef
from .models import AreaLevel, InfoFormat, Project, QuestionType, RoundKind, User
from .rounds import services as rounds

Q = QuestionType
GUIDE = [
    SectionDef(
        "Over de buurt",
        [
            QuestionDef(
                "woonduur", Q.number, "Hoe lang woont of werkt u hier al (in jaren)?", config={"min": 0, "max": 100, "integer": True}
            ),
            QuestionDef(
                "tevreden",
                Q.scale,
                "Hoe tevreden bent u over de buitenruimte in uw straat?",
                required=True,
                config={"min": 1, "max": 5, "min_label": "zeer ontevreden", "max_label": "zeer tevreden"},
            ),
            QuestionDef(
                "verbeteren",
                Q.long_text,
                "Wat zou u verbeteren in uw straat of buurt?",
                required=True,
                help="Laat de bewoner vertellen; vraag door naar een concrete plek.",
            ),
            QuestionDef("beeld_groen", Q.quality, "Hoe ziet het groen er volgens u uit?", config={"element": "beplanting"}),
            QuestionDef(
                "beeld_verharding", Q.quality, "Hoe ziet de bestrating er volgens u uit?", config={"element": "verharding-elementen"}
            ),
        ],
    ),
    SectionDef(
        "Veiligheid en gebruik",
        [
            QuestionDef("veilig", Q.yes_no, "Voelt u zich 's avonds veilig op straat?"),
            QuestionDef(
                "onveilig_waar",
                Q.short_text,
                "Waar voelt u zich niet veilig?",
                show_if={"question": "veilig", "op": "equals", "value": "no"},
            ),
            QuestionDef(
                "onderwerpen",
                Q.multi_choice,
                "Welke onderwerpen vindt u het belangrijkst?",
                options=[
                    {"value": "groen", "label": "Groen"},
                    {"value": "spelen", "label": "Spelen"},
                    {"value": "parkeren", "label": "Parkeren"},
                    {"value": "verlichting", "label": "Verlichting"},
                    {"value": "afval", "label": "Afval"},
                ],
            ),
            QuestionDef(
                "prioriteit",
                Q.single_choice,
                "Wat moet als eerste worden aangepakt?",
                options=[
                    {"value": "verlichting", "label": "Verlichting"},
                    {"value": "bestrating", "label": "Bestrating en stoepen"},
                    {"value": "groen", "label": "Groenonderhoud"},
                    {"value": "afval", "label": "Afval en zwerfvuil"},
                    {"value": "verkeer", "label": "Verkeersveiligheid"},
                ],
            ),
            QuestionDef(
                "speelplek",
                Q.long_text,
                "Wat mist u aan speelplekken?",
                show_if={"question": "onderwerpen", "op": "includes", "value": "spelen"},
            ),
            QuestionDef(
                "vervoer",
                Q.single_choice,
                "Hoe gaat u meestal de wijk uit?",
                options=[
                    {"value": "fiets", "label": "Fiets"},
                    {"value": "auto", "label": "Auto"},
                    {"value": "ov", "label": "Bus of trein"},
                    {"value": "lopen", "label": "Lopend"},
                ],
            ),
        ],
    ),
    SectionDef(
        "Een plek aanwijzen",
        [
            QuestionDef("plek_buurt", Q.area, "Over welke wijk gaat uw opmerking?"),
            QuestionDef("plek_gps", Q.gps, "Waar is het precies? (loop er even heen)"),
            QuestionDef("plek_gezien", Q.date, "Wanneer zag u het voor het laatst?"),
            QuestionDef("plek_foto", Q.photo, "Foto van de plek (zonder mensen of kentekens)", config={"max_photos": 3}),
        ],
    ),
]

REMARKS = [
    ("HEEL-VERL", "Bij het fietspad langs de Bachstraat is het 's avonds veel te donker, twee lantaarnpalen doen het niet."),
    ("GRN-ONDH", "Het gras bij de speeltuin wordt veel te weinig gemaaid, de kinderen zitten in het hoge gras."),
    ("SCH-HOND", "Overal hondenpoep op het grasveld achter de school, er mag wel een extra afvalbak met zakjes komen."),
    ("HEEL-VERH", "De tegels voor nummer zoveel liggen los, mijn buurvrouw met rollator is al een keer gevallen."),
    ("VRK-VEIL", "Er wordt hard gereden in de straat, vooral 's ochtends als de kinderen naar school gaan."),
    ("VRK-PARK", "Bedrijfsbusjes staan het hele weekend op de parkeerplaatsen, bezoek kan nergens staan."),
    ("SCH-DUMP", "Bij de containers aan het eind van de straat wordt steeds grof vuil neergezet."),
    ("HEEL-SPEL", "Het klimrek is al maanden kapot, er staat alleen een lint omheen."),
    ("SOC-ONTM", "Er is geen plek meer waar je elkaar tegenkomt sinds het buurthuis dicht is."),
    ("GRN-BOOM", "De wortels van de bomen drukken de stoep omhoog en in de herfst ligt alles vol blad."),
    ("SOC-TOEG", "Met de scootmobiel kom ik de stoep niet op bij de bushalte, de rand is te hoog."),
    ("GRN-KLIM", "Na een flinke bui staat het plein helemaal onder water."),
    ("SOC-VEIL", "'s Avonds hangen er jongeren bij het winkelcentrum, ik loop er dan liever niet langs."),
    ("VRK-OV", "De bushalte heeft geen overkapping, je staat in de regen te wachten."),
]
# Other things residents say about the same themes: praise, and what they propose. With REMARKS, each
# (theme, core) carries the words a coder marks (its fragment) and their sentiment.
MORE_REMARKS = [
    (
        "HEEL-VERL",
        "Sinds de nieuwe lantaarnpalen er staan, fiets ik 's avonds weer met een gerust hart.",
        "met een gerust hart",
        "positive",
    ),
    (
        "HEEL-VERL",
        "Zet bij het fietspad een paar extra lantaarnpalen, dan durven meer mensen er 's avonds langs.",
        "een paar extra lantaarnpalen",
        "suggestion",
    ),
    ("GRN-ONDH", "Het gras rond de speeltuin ziet er dit jaar keurig uit, goed bijgehouden.", "keurig uit", "positive"),
    ("SCH-HOND", "Het grasveld ligt vol hondenpoep, de kinderen kunnen er niet meer spelen.", "vol hondenpoep", "negative"),
    ("HEEL-VERH", "De nieuwe bestrating in de winkelstraat loopt heerlijk, ook met de rollator.", "loopt heerlijk", "positive"),
    ("VRK-VEIL", "Met een drempel bij de school zou er minder hard gereden worden.", "een drempel bij de school", "suggestion"),
    (
        "SCH-DUMP",
        "Als het grof vuil wat vaker werd opgehaald, zou er minder naast de containers staan.",
        "wat vaker werd opgehaald",
        "suggestion",
    ),
    ("HEEL-SPEL", "Het nieuwe klimrek is een succes, er spelen elke middag kinderen.", "een succes", "positive"),
    ("SOC-ONTM", "Maak van het lege winkelpand een buurtkamer, dan zie je elkaar weer.", "een buurtkamer", "suggestion"),
    ("GRN-BOOM", "De grote bomen in onze straat geven in de zomer heerlijke schaduw.", "heerlijke schaduw", "positive"),
    (
        "SOC-TOEG",
        "Met een verlaagde stoeprand bij de bushalte kom ik er met de scootmobiel wel op.",
        "een verlaagde stoeprand",
        "suggestion",
    ),
    ("GRN-KLIM", "Meer groen op het plein zou helpen tegen de hitte en het water.", "Meer groen op het plein", "suggestion"),
    ("SOC-VEIL", "Een buurtagent bij het winkelcentrum zou 's avonds veel schelen.", "Een buurtagent", "suggestion"),
    ("VRK-OV", "Fijn dat de bus nu elk kwartier rijdt.", "elk kwartier", "positive"),
]
# The words a coder marks in each of REMARKS (by theme), and the sentiment of the first remarks.
REMARK_FRAGMENTS = {
    "HEEL-VERL": "veel te donker",
    "GRN-ONDH": "veel te weinig gemaaid",
    "SCH-HOND": "er mag wel een extra afvalbak met zakjes komen",
    "HEEL-VERH": "De tegels voor nummer zoveel liggen los",
    "VRK-VEIL": "Er wordt hard gereden in de straat",
    "VRK-PARK": "Bedrijfsbusjes staan het hele weekend op de parkeerplaatsen",
    "HEEL-SPEL": "Het klimrek is al maanden kapot",
    "GRN-BOOM": "De wortels van de bomen drukken de stoep omhoog",
    "SOC-TOEG": "de rand is te hoog",
}
REMARK_SENTIMENT = {"SCH-HOND": "suggestion"}
# (theme, core, fragment, sentiment) of everything the demo's residents say.
SAYINGS = [
    (theme, core, REMARK_FRAGMENTS.get(theme, ""), REMARK_SENTIMENT.get(theme, "negative")) for theme, core in REMARKS
] + MORE_REMARKS
# How people begin and end what they say: the same remark never reads the same dozens of times.
OPENINGS = [
    "",
    "",
    "Ik woon hier al twintig jaar. ",
    "Mijn buurman zegt het ook. ",
    "Goed dat u het vraagt. ",
    "Het valt me elke dag op. ",
    "Ik loop hier dagelijks met de hond. ",
    "Ik heb het al eens gemeld. ",
]
CLOSINGS = [
    "",
    "",
    " Dat zeg ik al jaren.",
    " Verder is het een fijne buurt.",
    " Ik hoop dat er iets mee gebeurt.",
    " Vraag het de buren maar.",
    " Dat mag de gemeente weten.",
    " Meer heb ik er niet over te zeggen.",
]


def saying(rng: random.Random, mood: float) -> tuple[str, str]:
    """(theme, text) a resident says: praise or a proposal more often where the mood is good, a
    complaint more often where it is not, in their own words around it."""
    wanted = "negative" if rng.random() > mood else rng.choice(["positive", "suggestion"])
    pool = [s for s in SAYINGS if s[3] == wanted] or SAYINGS
    theme, core, _fragment, _sentiment = rng.choice(pool)
    return theme, f"{rng.choice(OPENINGS)}{core}{rng.choice(CLOSINGS)}"


def said_in(text: str) -> tuple[str, str, str] | None:
    """(theme, fragment, sentiment) of the demo saying in a text, as a coder reads it."""
    return next(((t, f, s) for t, c, f, s in SAYINGS if c in text), None)


def mood_of(area: Any, seed: int) -> float:
    """How content an area is (0 to 1): each area its own, the same for the same seed."""
    return random.Random(seed * 100_003 + area.id).uniform(0.1, 0.8)


# What a resident who raised a theme most likely puts first (and sometimes something else).
PRIORITY_OF = {
    "HEEL-VERL": "verlichting",
    "HEEL-VERH": "bestrating",
    "GRN-BOOM": "bestrating",
    "GRN-ONDH": "groen",
    "SCH-HOND": "afval",
    "SCH-DUMP": "afval",
    "VRK-VEIL": "verkeer",
}
SURPRISES = [
    "Hoeveel mensen het groen belangrijker vinden dan parkeren.",
    "Dat de bewoner zelf al een oplossing had bedacht.",
    "Hoe goed mensen de buurt kennen, tot op de tegel.",
]


def _rng_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _receipt(rng: random.Random) -> str:
    chars = "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def _target_levels(project: Project, focus: list[Any]) -> None:
    """The plan aims at basic quality (B) for planting and paving, and higher (A) for the paving
    of the first focus area (a shopping street, say)."""
    catalogue = {e.key: e for e in elements.elements_of(project)}
    elements.set_targets(project, None, {catalogue["beplanting"].id: "B", catalogue["verharding-elementen"].id: "B"})
    if focus:
        elements.set_targets(project, focus[0], {catalogue["verharding-elementen"].id: "A"})


def _gps_in(area: Any, places: random.Random, rng: random.Random) -> dict[str, Any]:
    """A GPS answer about a place in the area (near the middle of town when it has no outline)."""
    point = _point_in(area, places)
    lat, lon = point if point else (52.37 + rng.uniform(-0.03, 0.03), 5.21 + rng.uniform(-0.05, 0.05))
    return {"lat": lat, "lon": lon, "accuracy": rng.randint(3, 30)}


def _point_in(area: Any, rng: random.Random) -> tuple[float, float] | None:
    """A random (latitude, longitude) inside the area's outline, if it has one."""
    shape = geometry_of(area)
    if shape is None:
        return None
    west, south, east, north = shape.bounds
    for _attempt in range(200):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if shape.contains(shapely.Point(lon, lat)):
            return round(lat, 6), round(lon, 6)
    return None


def build(project: Project, coordinator: User, interviewer: User, interviews: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    places = random.Random(seed + 1)  # where things were said: its own stream, the rest stays as it was
    guide = guides.create_guide(project, "Straatgesprek buitenruimte", GUIDE)
    version = guides.draft_of(guide)
    assert version is not None
    guides.publish(version, coordinator)

    wijken = [a for a in area_tree(project) if a.level != AreaLevel.stadsdeel]
    focus = [a for a in wijken if a.name.startswith("Muziekwijk")] or wijken[:2]
    _target_levels(project, focus)
    street = rounds.create_round(
        project,
        rounds.RoundData(
            kind=RoundKind.street,
            name="Straatgesprekken Muziekwijk Zuid",
            guide_id=guide.id,
            starts_on=datetime(2027, 1, 11).date(),
            ends_on=datetime(2027, 3, 31).date(),
            area_ids=[a.id for a in focus],
            interviewer_ids=[interviewer.id],
        ),
    )
    evening = rounds.create_round(
        project,
        rounds.RoundData(
            kind=RoundKind.info,
            name="Bewonersavond Muziekwijk",
            info_format=InfoFormat.resident_evening,
            place="Wijkcentrum De Schakel",
            starts_at=datetime(2027, 2, 3, 18, 30, tzinfo=UTC),
            attendee_count=42,
            session_notes="Goede opkomst; veel vragen over verlichting en parkeren.",
        ),
    )
    walk = rounds.create_round(
        project,
        rounds.RoundData(
            kind=RoundKind.info,
            name="Wijkschouw Muziekwijk",
            info_format=InfoFormat.walk,
            place="Start bij het Muziekplein",
            starts_at=datetime(2027, 2, 10, 10, 0, tzinfo=UTC),
            attendee_count=9,
            session_notes="Met zes bewoners en de wijkbeheerder gelopen, één uur.",
        ),
    )
    codes = {c.key: c for c in active_codes(project)}
    context = capture.context_for(project)
    start = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    now = start + timedelta(days=400)
    receipts: set[str] = set()
    first_receipt: str | None = None
    taken_by = [interviewer, coordinator]

    for n in range(interviews):
        area = rng.choice(focus)  # in the round's own areas
        theme, remark = saying(rng, mood_of(area, seed))
        began = start + timedelta(days=rng.randrange(0, 80), minutes=rng.randrange(0, 8 * 60))
        safe = rng.random() < 0.7
        topics = sorted(rng.sample(["groen", "spelen", "parkeren", "verlichting", "afval"], rng.randint(1, 3)))
        answers: dict[str, Any] = {
            "woonduur": rng.randint(0, 40),
            "tevreden": rng.randint(1, 5),
            "verbeteren": remark,
            "beeld_groen": rng.choice(["A", "B", "B", "C", "D", "?"]),
            "beeld_verharding": rng.choice(["A+", "A", "B", "C", "C", "D"]),
            "veilig": "yes" if safe else "no",
            "onderwerpen": topics,
            "vervoer": rng.choice(["fiets", "fiets", "auto", "ov", "lopen"]),
            "prioriteit": PRIORITY_OF.get(theme, "verkeer") if rng.random() < 0.7 else rng.choice(sorted(set(PRIORITY_OF.values()))),
            "plek_buurt": area.id,
            "plek_gps": _gps_in(area, places, rng),
            "plek_gezien": (began - timedelta(days=rng.randrange(0, 30))).date().isoformat(),
        }
        if not safe:
            answers["onveilig_waar"] = rng.choice(["Bij het winkelcentrum", "Het fietstunneltje", "Achter de sporthal"])
        if "spelen" in topics:
            answers["speelplek"] = rng.choice(
                ["Een trapveldje voor de grotere kinderen.", "Schommels voor de kleintjes.", "Een plek in de schaduw."]
            )
        receipt = _receipt(rng)
        while receipt in receipts:
            receipt = _receipt(rng)
        receipts.add(receipt)
        # Where: most talks in the round's wijken have a point there; two have only a point, in a wijk
        # outside the round (the area found from it, the coordinator told it lies outside the round).
        stray = n in (3, 11) and len(wijken) > len(focus)
        where = _point_in(places.choice([w for w in wijken if w not in focus]), places) if stray else None
        if where is None and area in focus and places.random() < 0.7:
            where = _point_in(area, places)
        payload = {
            "uuid": _rng_uuid(rng),
            "started_at": began,
            "ended_at": began + timedelta(minutes=rng.randint(4, 25)),
            "consent": True,
            "area_id": None if stray and where else area.id,
            "gps": {"lat": where[0], "lon": where[1], "accuracy": places.randint(4, 25)} if where else None,
            "street": rng.choice(["Bachstraat", "Mozartlaan", "Chopinstraat", "Vivaldipad", ""]),
            "respondent_type": rng.choice(["resident", "resident", "resident", "entrepreneur", "passer_by"]),
            "age_band": rng.choice(["18_29", "30_44", "45_64", "65_79", "80_plus"]),
            "answers": answers,
            "tags": [str(codes[theme].uuid)] if theme in codes else [],
            "reflection": {
                "surprised": rng.choice(SURPRISES),
                "resident_words": remark[:60],
                "listening_level": rng.choice(["downloading", "factual", "empathic", "generative"]),
            }
            if rng.random() < 0.4
            else None,
            "receipt_code": receipt,
        }
        if n == 0:
            first_receipt = receipt  # this resident also spoke up at the evening, with the same code
        if rng.random() < 0.05 or n == 0:
            payload["contact"] = {
                "name": "",
                "email": f"bewoner{n}@voorbeeld.example",
                "phone": "",
                "note": "Graag horen wat er met de lantaarnpaal gebeurt.",
            }
        clean, errors = validate_interview(version.questions, payload, context, now=now)
        assert clean is not None, errors
        capture.record_interview(project, street, version, rng.choice(taken_by), clean)

    for _n in range(interviews // 3):
        area = rng.choice(focus)
        theme, remark = saying(rng, mood_of(area, seed))
        payload = {
            "uuid": _rng_uuid(rng),
            "recorded_at": datetime(2027, 2, 3, 18, 30, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 120)),
            "text": remark,
            "area_id": area.id,
            "street": "",
            "tags": [str(codes[theme].uuid)] if theme in codes else [],
            "receipt_code": first_receipt if _n == 0 and interviews else None,
        }
        clean_c, errors = validate_contribution(payload, context, now=now)
        assert clean_c is not None, errors
        capture.record_contribution(project, evening, rng.choice(taken_by), clean_c)
    _walk(project, walk, focus, codes, coordinator, context, now, rng)
    return {"guide": guide, "street_round": street, "info_round": evening, "walk_round": walk}


OBSERVATIONS = [
    ("verharding-elementen", "C", "HEEL-VERH", "Tegels liggen los over een meter of vijf, struikelgevaar bij de bank."),
    ("beplanting", "D", "GRN-ONDH", "Plantvak vol onkruid, de heesters zijn half dood."),
    ("verharding-elementen", "B", "", "Nieuwe bestrating bij de school ligt er netjes bij."),
    ("beplanting", "B", "GRN-BOOM", "Boomwortels tillen het fietspad op bij de brug."),
    ("verharding-elementen", "D", "SOC-TOEG", "Stoeprand bij de bushalte te hoog voor een rollator."),
    ("beplanting", "A", "", "Bloemenweide langs het water, bewoners zijn er blij mee."),
]


def _walk(
    project: Project, walk: Any, focus: list[Any], codes: dict[str, Any], walker: User, context: Any, now: datetime, rng: random.Random
) -> None:
    """The walk: observations along the way (a point, an element, how it looks) and its route."""
    catalogue = {e.key: e for e in elements.elements_of(project)}
    began = datetime(2027, 2, 10, 10, 0, tzinfo=UTC)
    shape = geometry_of(focus[0]) if focus else None
    start = shape.representative_point() if shape is not None else shapely.Point(5.2101, 52.3702)
    # About 5 m a minute north, zigzagging a little: an hour's walk inside the wijk.
    route = [
        [
            round(start.y - 0.0012 + n * 0.00004, 6),
            round(start.x - 0.0009 + (n % 7) * 0.0003, 6),
            6,
            int((began + timedelta(minutes=n)).timestamp() * 1000),
        ]
        for n in range(60)
    ]
    for n, (element, level, theme, note) in enumerate(OBSERVATIONS):
        lat, lon, _accuracy, _at = route[n * 10]
        clean, errors = validate_contribution(
            {
                "uuid": _rng_uuid(rng),
                "recorded_at": began + timedelta(minutes=n * 10),
                "text": note,
                "area_id": focus[0].id if focus else None,
                "gps": {"lat": lat, "lon": lon, "accuracy": 6},
                "element_id": catalogue[element].id if element in catalogue else None,
                "quality": level,
                "tags": [str(codes[theme].uuid)] if theme in codes else [],
            },
            context,
            now=now,
        )
        assert clean is not None, errors
        capture.record_contribution(project, walk, walker, clean)
    clean_route, errors = validate_route(
        {"uuid": _rng_uuid(rng), "started_at": began, "ended_at": began + timedelta(minutes=59), "points": route}, now=now
    )
    assert clean_route is not None, errors
    capture.record_route(project, walk, walker, clean_route)
