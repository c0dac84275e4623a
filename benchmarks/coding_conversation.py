"""The coding page with the whole conversation beside the queue (issue 24.1).

The coding page now renders every answer of the interview with its codings cut into highlighted pieces
and stripes, where it rendered one text. For one demo interview with 0, 30 and 120 fragment codings on
its open answers, the server time of the coding page (``GET /projects/1/coding/answers/<id>``) next to
the interview's own page (``GET /projects/1/interviews/<id>``, which shows the same answers without
codings): the ratio says what the highlights and the editing cost over reading the conversation.

Run: .venv/bin/python benchmarks/coding_conversation.py  (seven rounds each; read the medians)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECRET = "bench-" + "Zx8Cv6Bn4Mm2Ll0Kk9Jj7Hh5Gg3Ff1Dd" * 2


def main() -> None:
    instance = Path(tempfile.mkdtemp(prefix="bb-bench-"))
    os.environ.update(
        {"APP_ENV": "testing", "SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{instance / 'b.sqlite'}", "INSTANCE_PATH": str(instance)}
    )
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app, demo
    from app.coding import services as coding
    from app.extensions import db
    from app.models import Answer, Code, Coding, Interview, Project, User

    app = create_app({"WTF_CSRF_ENABLED": True})
    with app.app_context():
        upgrade()
        demo.seed(interviews=40, seed=2027)
        db.session.commit()
        # The interview with the most open answers in the Muziekwijk project; its open answers uncoded.
        interview_id, answer_id = db.session.execute(
            sa.select(Interview.id, sa.func.min(Answer.id))
            .join(Answer, Answer.interview_id == Interview.id)
            .where(Interview.project_id == 1, Answer.text != "")
            .group_by(Interview.id)
            .order_by(sa.func.count().desc(), Interview.id)
            .limit(1)
        ).one()
        answers = list(db.session.scalars(sa.select(Answer.id).where(Answer.interview_id == interview_id, Answer.text != "")))
        db.session.execute(sa.delete(Coding).where(Coding.answer_id.in_(answers)))
        db.session.commit()
        coordinator_email = db.session.scalar(sa.select(User.email).where(User.email.like("coordinator@%")))

    client = app.test_client()
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post("/login", data={"email": coordinator_email, "password": "coordinator-demo-2027", "csrf_token": token}).status_code
        == 302
    )

    def timed(url: str) -> tuple[float, int]:
        client.get(url)  # warm (templates compiled)
        times, size = [], 0
        for _ in range(7):
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.data)
        return statistics.median(times) * 1000, size

    rng = random.Random(7)
    coded = 0
    print(f"interview {interview_id}: {len(answers)} open answers")
    print(f"{'codings':>8} {'coding page':>14} {'interview page':>16} {'ratio':>6} {'sizes (kB)':>14}")
    for target in (0, 30, 120):
        with app.app_context():
            project = db.session.get(Project, 1)
            codes = list(db.session.scalars(sa.select(Code).where(Code.project_id == 1, Code.archived.is_(False))))
            coder = db.session.scalar(sa.select(User).where(User.email == coordinator_email))
            while coded < target:
                answer = db.session.get(Answer, rng.choice(answers))
                text = coding.input_text(answer)
                start = rng.randrange(0, max(1, len(text) - 2))
                end = rng.randrange(start + 1, len(text) + 1)
                _made, new = coding.code_input(project, answer, rng.choice(codes), coder, start, end)
                coded += new
            db.session.commit()
        page_ms, page_size = timed(f"/projects/1/coding/answers/{answer_id}")
        base_ms, base_size = timed(f"/projects/1/interviews/{interview_id}")
        print(
            f"{target:>8} {page_ms:>11.1f} ms {base_ms:>13.1f} ms {page_ms / base_ms:>6.2f} {page_size // 1024:>6} / {base_size // 1024:<5}"
        )


if __name__ == "__main__":
    main()
