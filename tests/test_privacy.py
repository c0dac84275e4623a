"""Pseudonymisation over labelled Dutch sentences (tests/data): what it must find and what it must leave.

The figures themselves are the benchmark's (benchmarks/pseudonymisation.py); these are floors, so a
change that loses recall or starts blotting out ordinary sentences fails here."""

from __future__ import annotations

import pytest

from benchmarks.pseudonymisation import DATA, HELD_OUT, load, measure


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        ("Ik ben Kees de Vries en ik woon hier al 20 jaar.", ["Kees", "Vries"], ["ik woon hier al 20 jaar"]),
        ("Het gaat om 1323 AB Almere.", ["1323 AB"], ["Almere"]),
        ("Mail kees [at] example [dot] nl maar.", ["kees [at]", "example [dot] nl"], ["Mail", "maar"]),
        ("Mijn buurvrouw mevrouw El Idrissi kan niet meer lopen.", ["El Idrissi"], ["kan niet meer lopen"]),
        ("Ik ben Almeerder en 74 jaar.", [], ["Ik ben Almeerder en 74 jaar."]),
        ("In de zomer is het op het plein 35 graden.", [], ["In de zomer is het op het plein 35 graden."]),
    ],
)
def test_the_examples_of_the_issue(app, text, gone, kept):
    from app.privacy import mask, pseudonymise

    with app.test_request_context():
        replaced = pseudonymise(text)
    masked = mask(text)
    assert len(masked) == len(text)  # codings' offsets still point at the same words
    for piece in gone:
        assert piece not in replaced and piece not in masked
    for piece in kept:
        assert piece in replaced and piece in masked
    if gone:
        assert "[" in replaced and "•" in masked


def test_recall_and_false_positives_on_the_labelled_sentences(app):
    from app.privacy import mask

    rows = load(DATA)
    assert len(rows) >= 300 and sum(1 for _s, labels in rows if labels) >= 140
    result = measure(mask, rows)
    recall = sum(result["hits"].values()) / sum(result["totals"].values())
    assert recall >= 0.97, result["misses"]
    assert len(result["false_positives"]) / result["negatives"] <= 0.01, result["false_positives"]
    held_out = measure(mask, load(HELD_OUT))
    assert sum(held_out["hits"].values()) / sum(held_out["totals"].values()) >= 0.5, held_out["misses"]
    assert len(held_out["false_positives"]) / held_out["negatives"] <= 0.05, held_out["false_positives"]
