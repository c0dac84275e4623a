"""A gunicorn worker is SIGKILLed three times while devices sync; afterwards every acknowledgement a
device got must match what is stored: the same id and receipt code, every answer, one create
audit row each, and nothing a device was not acknowledged for (bad items mixed in never land).

Devices behave like the app: an item leaves the queue only when the server answered it; some
connections drop before the answer is read, some items are sent twice. Bounded: ~30 s.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from benchmarks.common import worker_pids

from .live import LiveServer

DEADLINE_S = 90
PER_DEVICE = 14
ANSWERS = {"tevreden": 4, "verbeteren": "Meer groen bij de school"}
BAD_CHANGES = [
    {"street": "Bach\ud800straat"},
    {"area_id": 10**20},
    {"answers": {"tevreden": 99}},
    {"started_at": "0001-01-01T00:30:00+01:00"},
    {"street": ["Bachstraat"]},
    {"round_id": 2**31},
    {"answers": {"verbeteren": "a\x00b"}},
]


@dataclass
class Ledger:
    """What the devices sent, and what the server acknowledged (uuid -> acknowledgement body)."""

    good: set[str] = field(default_factory=set)
    bad: set[str] = field(default_factory=set)
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, record: str, body: dict[str, Any]) -> None:
        with self.lock:
            earlier = self.acked.setdefault(record, body)
            if earlier != body:
                self.problems.append(f"{record}: a second acknowledgement differs: {earlier} / {body}")


def request(port: int, token: str, method: str, path: str, body: Any, drop: bool) -> tuple[int, Any] | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            method, path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        )
        if drop:  # the tablet walked out of reach: no answer read
            connection.sock.close()
            return None
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()


def interview(setup: dict[str, int], rng: random.Random) -> dict[str, Any]:
    began = datetime.now(UTC) - timedelta(minutes=rng.randint(20, 300))
    return {
        "client_version": 1,
        "project_id": setup["project"],
        "round_id": setup["round"],
        "guide_version_id": setup["version"],
        "consent": True,
        "started_at": began.isoformat(),
        "ended_at": (began + timedelta(minutes=5)).isoformat(),
        "street": rng.choice(["Bachstraat", "Mozartlaan"]),
        "answers": dict(ANSWERS),
    }


def contribution(setup: dict[str, int], rng: random.Random) -> dict[str, Any]:
    return {
        "client_version": 1,
        "project_id": setup["project"],
        "round_id": setup["info"],
        "recorded_at": datetime.now(UTC).isoformat(),
        "text": rng.choice(["Meer bankjes", "Te donker"]),
    }


def put_device(kind: str, number: int, setup: dict[str, Any], port: int, ledger: Ledger, started: float) -> None:
    rng = random.Random(number)
    make = interview if kind == "interviews" else contribution
    for _ in range(PER_DEVICE):
        record, body = str(uuid.UUID(int=rng.getrandbits(128), version=4)), make(setup, rng)
        with ledger.lock:
            ledger.good.add(record)
        for attempt in range(60):
            if time.monotonic() - started > DEADLINE_S:
                return
            answer = request(port, setup["token"], "PUT", f"/api/v1/{kind}/{record}", body, drop=rng.random() < 0.15)
            if answer is not None and answer[0] in (200, 201):
                ledger.ack(record, answer[1])
                if rng.random() < 0.2:  # a double tap: the same acknowledgement again
                    again = request(port, setup["token"], "PUT", f"/api/v1/{kind}/{record}", body, drop=False)
                    if again is not None and again[0] in (200, 201):
                        ledger.ack(record, again[1])
                break
            if answer is not None and answer[0] < 500:
                ledger.problems.append(f"{record} answered {answer[0]}: {answer[1]}")
                break
            time.sleep(min(0.05 * 2 ** min(attempt, 4), 0.5))


def batch_device(number: int, setup: dict[str, Any], port: int, ledger: Ledger, started: float) -> None:
    """A queue of interviews, contributions and bad items, sent in chunks as the app does."""
    rng = random.Random(number)
    queue = []
    for n in range(PER_DEVICE * 2):
        record = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if n % 4 == 3:
            queue.append(("interview", record, {**interview(setup, rng), **BAD_CHANGES[n % len(BAD_CHANGES)]}))
            ledger.bad.add(record)
        else:
            kind = "interview" if n % 2 == 0 else "contribution"
            queue.append((kind, record, interview(setup, rng) if kind == "interview" else contribution(setup, rng)))
            ledger.good.add(record)
    while queue and time.monotonic() - started < DEADLINE_S:
        chunk = queue[: rng.randint(1, 8)]
        answer = request(
            port,
            setup["token"],
            "POST",
            "/api/v1/batch",
            {"items": [{"kind": k, "uuid": u, "payload": p} for k, u, p in chunk]},
            drop=rng.random() < 0.15,
        )
        if answer is None or answer[0] != 200:
            time.sleep(0.1)
            continue
        for (_kind, record, _payload), result in zip(chunk, answer[1]["results"], strict=True):
            if result["status"] in (200, 201):
                ledger.ack(record, result["body"])
            elif record not in ledger.bad:
                ledger.problems.append(f"{record} answered {result['status']} in a batch: {result['body']}")
        queue = queue[len(chunk) :]  # every item of the chunk was answered: none blocks the others


def prepare(url: str, make_app: Any) -> dict[str, Any]:
    from app.auth import services as auth
    from app.extensions import db
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import QuestionType, RoundKind
    from app.projects import services as projects
    from app.rounds import services as rounds

    app = make_app(url)
    with app.app_context():
        user = auth.create_user("veld@almere.example", "Veldwerker", "lange-test-zin-voor-het-veld")
        project = projects.create_project(projects.ProjectData(name="Storing"), user)
        guide = guides.create_guide(
            project,
            "Straat",
            [
                SectionDef(
                    "",
                    [
                        QuestionDef("tevreden", QuestionType.scale, "Tevreden?", required=True, config={"min": 1, "max": 5}),
                        QuestionDef("verbeteren", QuestionType.long_text, "Verbeteren?"),
                    ],
                )
            ],
        )
        guides.publish(guides.draft_of(guide), user)
        street = rounds.create_round(project, rounds.RoundData(RoundKind.street, "Straat", guide_id=guide.id))
        info = rounds.create_round(project, rounds.RoundData(RoundKind.info, "Avond"))
        _token, plain = auth.create_token(user, "veld")
        setup = {"project": project.id, "round": street.id, "info": info.id, "version": guides.published_of(guide).id, "token": plain}
        db.session.commit()
        db.engine.dispose()
    return setup


def test_acknowledged_records_survive_killed_workers_exactly_once(live_database, make_app, tmp_path):
    url = live_database()
    setup = prepare(url, make_app)
    ledger = Ledger()
    with LiveServer(url, tmp_path / "server", workers=3) as server:
        assert server.process is not None
        started = time.monotonic()
        threads = [
            threading.Thread(target=put_device, args=("interviews", 1, setup, server.port, ledger, started)),
            threading.Thread(target=put_device, args=("interviews", 2, setup, server.port, ledger, started)),
            threading.Thread(target=put_device, args=("contributions", 3, setup, server.port, ledger, started)),
            threading.Thread(target=batch_device, args=(4, setup, server.port, ledger, started)),
            threading.Thread(target=batch_device, args=(5, setup, server.port, ledger, started)),
        ]
        for thread in threads:
            thread.start()
        total = PER_DEVICE * 3 + PER_DEVICE * 2 * 2 * 3 // 4
        kills = 0
        for share in (0.2, 0.45, 0.7):
            while len(ledger.acked) < total * share and any(t.is_alive() for t in threads):
                time.sleep(0.02)
            pids = worker_pids(server.process)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                kills += 1
        for thread in threads:
            thread.join(DEADLINE_S)
    assert kills == 3

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url)
    with engine.connect() as connection:
        interviews = {
            str(uuid.UUID(str(r.uuid))): r for r in connection.execute(sa.text("SELECT id, uuid, project_id, receipt_code FROM interviews"))
        }
        contributions = {
            str(uuid.UUID(str(r.uuid))): r
            for r in connection.execute(sa.text("SELECT id, uuid, project_id, receipt_code FROM contributions"))
        }
        answers = dict(connection.execute(sa.text("SELECT interview_id, count(*) FROM answers GROUP BY interview_id")).all())
        created = connection.execute(
            sa.text(
                "SELECT object_id, count(*) FROM audit_events WHERE action IN ('interview.create', 'contribution.create') GROUP BY object_id, action"
            )
        ).all()
        raw_interviews = connection.execute(sa.text("SELECT count(*) FROM interviews")).scalar_one()
        raw_contributions = connection.execute(sa.text("SELECT count(*) FROM contributions")).scalar_one()
    engine.dispose()

    assert ledger.problems == []
    assert set(ledger.acked) == ledger.good, "every good record was acknowledged in the end"
    stored = {**interviews, **contributions}
    assert raw_interviews == len(interviews) and raw_contributions == len(contributions), "nothing stored twice"
    assert set(stored) == ledger.good, "nothing stored that no device was acknowledged for (bad items never land)"
    for record, ack in ledger.acked.items():
        row = stored[record]
        assert (ack["id"], ack["project_id"], ack.get("receipt_code")) == (row.id, row.project_id, row.receipt_code), record
        if record in interviews:
            assert answers.get(row.id) == len(ANSWERS), f"{record}: a partly stored interview"
    assert all(count == 1 for _object, count in created), "one create audit row per record"
    assert len(created) == len(stored)
