"""The guide builder page: every question edited in place means a form per question on one page.

For a guide of 9, 40 and 100 questions (the demo's kinds, a show-if rule every fifth question), the
server time to render the builder (``GET /projects/<id>/guides/<id>``) next to the same guide's tablet
preview (the capture page the builder frames: one form for the whole guide), and both pages' sizes.
The ratio says what editing in place costs over showing the guide; the milliseconds what a coordinator
waits after each question saved (the builder reloads).

Run: .venv/bin/python benchmarks/guide_builder.py  (five rounds each; read the medians)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECRET = "bench-" + "Zx8Cv6Bn4Mm2Ll0Kk9Jj7Hh5Gg3Ff1Dd" * 2
KINDS = ["short_text", "long_text", "yes_no", "scale", "single_choice", "multi_choice", "number", "date"]


def main() -> None:
    instance = Path(tempfile.mkdtemp(prefix="bb-bench-"))
    os.environ.update(
        {"APP_ENV": "testing", "SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{instance / 'b.sqlite'}", "INSTANCE_PATH": str(instance)}
    )
    from flask_migrate import upgrade

    from app import create_app
    from app.auth import services as auth
    from app.extensions import db
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import QuestionType
    from app.projects import services as projects

    app = create_app({"WTF_CSRF_ENABLED": True})
    with app.app_context():
        upgrade()
        user = auth.create_user("bench@almere.example", "Bench", "een lang wachtwoord voor de bench")
        project = projects.create_project(projects.ProjectData(name="Bench"), user)
        made = {}
        for size in (9, 40, 100):
            questions = []
            for n in range(size):
                kind = QuestionType(KINDS[n % len(KINDS)])
                options = [{"value": f"o{i}", "label": f"Optie {i}"} for i in range(4)] if "choice" in kind.value else []
                config = {"min": 1, "max": 5, "min_label": "slecht", "max_label": "goed"} if kind.value == "scale" else {}
                rule = {"question": "q2", "op": "equals", "value": "yes"} if n > 2 and n % 5 == 0 else None
                questions.append(QuestionDef(f"q{n}", kind, f"Vraag {n} over de buurt?", options=options, config=config, show_if=rule))
            guide = guides.create_guide(project, f"Gids {size}", [SectionDef("", questions)])
            draft = guides.draft_of(guide)
            made[size] = (guide.id, draft.id)
        db.session.commit()
        project_id = project.id

    client = app.test_client()
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post(
            "/login", data={"email": "bench@almere.example", "password": "een lang wachtwoord voor de bench", "csrf_token": token}
        ).status_code
        == 302
    )

    def timed(url: str) -> tuple[float, int]:
        client.get(url)  # warm (templates compiled)
        times, size = [], 0
        for _ in range(5):
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.data)
        return statistics.median(times) * 1000, size

    print(f"{'questions':>9}  {'builder ms':>10}  {'preview ms':>10}  {'ratio':>5}  {'builder kB':>10}  {'preview kB':>10}")
    for size, (guide_id, version_id) in made.items():
        builder, builder_bytes = timed(f"/projects/{project_id}/guides/{guide_id}")
        preview, preview_bytes = timed(f"/projects/{project_id}/guides/{guide_id}/versions/{version_id}/preview?embed=1")
        print(
            f"{size:>9}  {builder:>10.1f}  {preview:>10.1f}  {builder / preview:>5.1f}  {builder_bytes / 1024:>10.0f}  {preview_bytes / 1024:>10.0f}"
        )


if __name__ == "__main__":
    main()
