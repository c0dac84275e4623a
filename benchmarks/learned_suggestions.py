"""Learned suggestions against the keyword rules alone (issue 24.5).

2,400 labelled statements (``labelled_statements.py``: 172 ways of saying 23 codes, strung together with
everyday openings, closings and keyboard slips; 22 % carry two or three codes) go into a project with the
default codebook and a careful coordinator's keyword rules. 1,500 are coded (as accepted codings), the
model is trained on them in-process (as the background job does), and 600 held-out statements are
suggested for:

- **keywords**: the keyword rules alone, the first three matches;
- **model**: the learned model's three most confident codes, only those it is at least ``SHOW_FROM`` sure
  of (what the coding page offers), and its plain top three;
- **shown**: the first three of what the coding page lists (keywords and model together).

Precision: of the codes suggested, how many the statement has; recall: of the statement's codes, how
many were suggested. Then a coder works through 300 more statements with the model's suggestions,
accepting the right ones, rejecting the wrong ones and coding what was missed; the model is trained
again, with and without those rejections, and measured on the same held-out 600.

Times: suggesting for one statement through ``suggested_codes`` (as the coding page does) with the
model next to the same without it (keyword rules and field tags), and the training itself.

Run: .venv/bin/python benchmarks/learned_suggestions.py
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from labelled_statements import KEYWORDS, split_ways, statements

TRAIN, FEEDBACK, HELD_OUT = 1500, 300, 600
NEW_WAYS = 0.3  # of each code's ways, kept out of the training statements


def score(suggested: list[list[str]], truth: list[set[str]]) -> tuple[float, float, float]:
    """Precision, recall, and the share of statements with at least one right suggestion."""
    shown = sum(len(s) for s in suggested)
    right = sum(len(set(s) & t) for s, t in zip(suggested, truth, strict=True))
    hit = sum(bool(set(s) & t) for s, t in zip(suggested, truth, strict=True))
    return right / shown if shown else 0.0, right / sum(len(t) for t in truth), hit / len(truth)


def main() -> None:
    setup = common.fresh_database()
    import sqlalchemy as sa

    from app import create_app
    from app.codebook.services import active_codes
    from app.coding import learning, services
    from app.extensions import db
    from app.models import Contribution, Project, User

    seen_ways, new_ways = split_ways(NEW_WAYS)
    # Coded, and held out said the same ways; held out said in ways never coded; feedback said any way.
    labelled = statements(TRAIN + HELD_OUT, seed=24, ways=seen_ways)
    known = {text for text, _codes in labelled}
    labelled += [s for s in statements(HELD_OUT + 50, seed=25, ways=new_ways) if s[0] not in known][:HELD_OUT]
    known |= {text for text, _codes in labelled}
    labelled += [s for s in statements(FEEDBACK + 50, seed=26) if s[0] not in known][:FEEDBACK]
    app = create_app()
    with app.app_context():
        project = db.session.get(Project, setup.project_id)
        user = db.session.scalar(sa.select(User))
        codes = active_codes(project)
        by_key = {c.key: c for c in codes}
        for code in codes:
            code.keywords = KEYWORDS.get(code.key, "")
        now = datetime.now(UTC)
        inputs = []
        for text, _codes in labelled:
            contribution = Contribution(
                uuid=uuid.uuid4(),
                project_id=project.id,
                round_id=setup.round_id,
                author_id=user.id,
                recorded_at=now,
                text=text,
                fingerprint="b" * 64,
            )
            db.session.add(contribution)
            inputs.append(contribution)
        db.session.flush()
        train, held_seen = inputs[:TRAIN], inputs[TRAIN : TRAIN + HELD_OUT]
        held_new, feedback = inputs[TRAIN + HELD_OUT : TRAIN + 2 * HELD_OUT], inputs[TRAIN + 2 * HELD_OUT :]
        truth = {c.id: keys for c, (_t, keys) in zip(inputs, labelled, strict=True)}
        for target in train:
            for key in sorted(truth[target.id]):
                services.code_input(project, target, by_key[key], user)
        db.session.commit()
        id_to_key = {c.id: c.key for c in codes}

        def keyword_top3(text: str) -> list[str]:
            found = []
            for code in codes:
                pattern = services.keyword_pattern(code.keywords or "")
                if pattern is not None and pattern.search(text):
                    found.append(code.key)
            return found[:3]

        def model_top3(model: learning.Model, held: list[Contribution], threshold: float) -> list[list[str]]:
            rows = model.confidence([services.input_text(c) for c in held])
            out = []
            for row in rows:
                ranked = sorted(zip(model.code_ids.tolist(), row.tolist(), strict=True), key=lambda pair: -pair[1])
                out.append([id_to_key[code] for code, p in ranked[:3] if p >= threshold])
            return out

        started = time.perf_counter()
        row = learning.train_now(project)
        first_training = time.perf_counter() - started
        model = learning.model_of(project.id)
        assert model is not None, "no model was trained"
        print(
            f"statements: {len(labelled)} ({TRAIN} coded; held out: {HELD_OUT} said in the coded ways, {HELD_OUT} in new ways; {FEEDBACK} for feedback); codes: {len(codes)}"
        )
        print(
            f"trained on {row.statements} statements, {row.codes} codes learned, in {first_training:.1f} s; stored {len(row.data or b'') / 1024:.0f} kB"
        )
        header = f"{'top 3 suggested':44} precision  recall  ≥1 right"
        for title, held in (("held out, said in the ways coded before", held_seen), ("held out, said in ways never coded", held_new)):
            truth_of = [truth[c.id] for c in held]
            keywords = score([keyword_top3(services.input_text(c)) for c in held], truth_of)
            learned = score(model_top3(model, held, learning.SHOW_FROM), truth_of)
            plain = score(model_top3(model, held, 0.0), truth_of)
            shown = score([[s.code.key for s in services.suggested_codes(project, c, codes)][:3] for c in held], truth_of)
            print(f"\n{title} ({len(held)} statements)\n{header}")
            for name, (p, r, h) in (
                ("keyword rules alone", keywords),
                (f"learned (≥ {learning.SHOW_FROM:.0%} sure: what the page offers)", learned),
                ("learned, plain top 3", plain),
                ("as the coding page lists them (both)", shown),
            ):
                print(f"{name:44} {p:9.0%} {r:7.0%} {h:9.0%}")
            print(f"ratio learned / keywords: precision {learned[0] / keywords[0]:.2f}, recall {learned[1] / keywords[1]:.2f}")

        # A coder works through more statements with the model's suggestions: accepts, rejects, codes the rest.
        accepted = rejected = 0
        for target in feedback:
            offered = [s for s in services.suggested_codes(project, target, codes) if s.source.value == "model"]
            for s in offered:
                if s.code.key in truth[target.id]:
                    services.code_input(project, target, s.code, user, source=services.CodingSource.model)
                    accepted += 1
                else:
                    services.reject_suggestion(project, target, s.code, user)
                    rejected += 1
            for key in sorted(truth[target.id]):
                services.code_input(project, target, by_key[key], user)
        db.session.commit()
        texts, labels, _rejections = learning.examples(project.id)
        without = learning.train(texts, labels, [set() for _ in texts])
        learning.train_now(project)
        again = learning.model_of(project.id)
        assert again is not None and without is not None
        print(
            f"\nafter {FEEDBACK} more statements said any way ({accepted} learned suggestions accepted, {rejected} rejected, the rest coded by hand)"
        )
        print(f"{'on the held out in new ways, retrained':44} precision  recall  ≥1 right")
        truth_of = [truth[c.id] for c in held_new]
        for name, m in (("rejections ignored", without), ("rejections as counter-examples", again)):
            p, r, h = score(model_top3(m, held_new, learning.SHOW_FROM), truth_of)
            print(f"{name:44} {p:9.0%} {r:7.0%} {h:9.0%}")

        # Time: one statement's suggestions as the coding page makes them (its codings, rejections and field
        # tags read, keyword rules, and the model) with the model and without it (the same project, forgotten).
        sample = held_new[:100]

        def per_statement() -> float:
            started = time.perf_counter()
            for target in sample:
                services.suggested_codes(project, target, codes)
            return (time.perf_counter() - started) / len(sample)

        with_model = [per_statement() for _round in range(5)]
        learning.forget(project)
        db.session.commit()
        without = [per_statement() for _round in range(5)]
        a, b = statistics.median(with_model), statistics.median(without)
        print()
        print(
            f"suggestions for one statement: {a * 1000:.2f} ms with the model vs {b * 1000:.2f} ms with keyword rules and field tags only (ratio {a / b:.1f})"
        )
        db.engine.dispose()


if __name__ == "__main__":
    main()
