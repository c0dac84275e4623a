"""Benchmark: how much personal data pseudonymisation finds, and how often it blots out what is not.

Reads the labelled Dutch sentences in tests/data/personal_data_sentences.tsv (each with the
personal data it holds, or none) and masks each sentence as a policy maker's page and a
pseudonymised export do. A piece of personal data counts as found when every one of its
characters is masked. Prints, per kind and overall:

- recall: the share of labelled pieces found;
- false-positive rate: the share of sentences without personal data in which anything was masked;
- time per sentence,

for the rule in the app next to the rule before issue 16 (addresses, e-mail addresses and phone
numbers only), measured in the same run.

    .venv/bin/python benchmarks/pseudonymisation.py [--show-misses]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "personal_data_sentences.tsv"
HELD_OUT = ROOT / "tests" / "data" / "personal_data_heldout.tsv"
MASK = "•"


def load(path: Path = DATA) -> list[tuple[str, list[str]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentence, _, labels = line.partition("\t")
        rows.append((sentence, [label.strip() for label in labels.split(" | ") if label.strip()]))
    return rows


def kind_of(piece: str) -> str:
    if "@" in piece or re.search(r"(?i)\b(at|apenstaartje)\b|\(at\)|\[at\]", piece):
        return "e-mail"
    if re.fullmatch(r"[1-9]\d{3}\s?[A-Za-z]{2}", piece):
        return "postcode"
    if re.search(r"\d", piece) and re.fullmatch(r"[+\d\s-]+", piece):
        return "phone"
    if re.search(r"\d", piece):
        return "address"
    return "name"


def found(masked: str, sentence: str, piece: str) -> bool:
    start = sentence.find(piece)
    assert start >= 0, f"label {piece!r} is not in {sentence!r}"
    return all(masked[i] == MASK for i in range(start, start + len(piece)) if not sentence[i].isspace())


def measure(rule: Callable[[str], str], rows: list[tuple[str, list[str]]]) -> dict[str, object]:
    hits, totals, misses, false_positives = Counter(), Counter(), [], []
    negatives = 0
    started = time.perf_counter()
    masked_rows = [(sentence, labels, rule(sentence)) for sentence, labels in rows]
    seconds = time.perf_counter() - started
    for sentence, labels, masked in masked_rows:
        if not labels:
            negatives += 1
            if masked != sentence:
                false_positives.append(masked)
        for piece in labels:
            kind = kind_of(piece)
            totals[kind] += 1
            if found(masked, sentence, piece):
                hits[kind] += 1
            else:
                misses.append(f"{kind}: {piece!r} in {masked!r}")
    return {
        "hits": hits,
        "totals": totals,
        "misses": misses,
        "false_positives": false_positives,
        "negatives": negatives,
        "microseconds": seconds / len(rows) * 1e6,
    }


def old_rule() -> Callable[[str], str]:
    """The rule before issue 16: addresses with a house number, e-mail addresses, phone numbers."""
    from app.privacy import STREET_NUMBER

    street = (
        r"straat|laan|weg|plein|pad|kade|dreef|singel|gracht|hof|dijk|markt|park|steeg|baan|plantsoen|erf|wal|kant|ring|"
        r"boulevard|allee|passage|dam|veld|hoek|zoom|promenade|pier|lei"
    )
    address = re.compile(
        rf"\b(?:[A-ZÀ-Þ][\w'’.-]*\s+){{0,3}}[\w'’-]*(?i:{street})\s*(?i:nr\.?|nummer)?\s*\d{{1,5}}(?:\s?[a-zA-Z]\b|-\d+\b)?"
    )
    email = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
    phone = re.compile(r"(?<!\d)(?:\+31|0031|0)(?:[\s-]?\d){9}(?!\d)")

    def mask(text: str) -> str:
        if not re.search(r"[\d@]", text):
            return text
        spans = [m.span() for m in email.finditer(text)] + [m.span() for m in phone.finditer(text)]
        if STREET_NUMBER.search(text):
            spans += [m.span() for m in address.finditer(text)]
        chars = list(text)
        for start, end in spans:
            for index in range(start, end):
                if not chars[index].isspace():
                    chars[index] = MASK
        return "".join(chars)

    return mask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    from app.privacy import mask

    for title, path in (("labelled set (the rule was tuned on it)", DATA), ("held-out set (never used to tune)", HELD_OUT)):
        report(title, load(path), mask, args.show_misses)


def report(title: str, rows: list[tuple[str, list[str]]], mask: Callable[[str], str], show_misses: bool) -> None:
    positives = sum(1 for _s, labels in rows if labels)
    print(
        f"\n{title}: {len(rows)} sentences, {positives} with personal data ({sum(len(labels) for _s, labels in rows)} pieces), "
        f"{len(rows) - positives} without"
    )
    results = {"before issue 16": measure(old_rule(), rows), "now": measure(mask, rows)}
    kinds = sorted(results["now"]["totals"])  # type: ignore[arg-type]
    print(f"{'rule':16} " + " ".join(f"{k:>9}" for k in kinds) + f" {'recall':>7} {'FPR':>6} {'µs/text':>8}")
    for name, result in results.items():
        hits, totals = result["hits"], result["totals"]
        recall = sum(hits.values()) / sum(totals.values())  # type: ignore[union-attr]
        fpr = len(result["false_positives"]) / result["negatives"]  # type: ignore[arg-type]
        per_kind = " ".join(f"{hits[k] / totals[k]:>9.0%}" for k in kinds)  # type: ignore[index]
        print(f"{name:16} {per_kind} {recall:>7.1%} {fpr:>6.1%} {result['microseconds']:>8.1f}")
    now = results["now"]
    before = results["before issue 16"]
    print(
        f"recall now / before: {sum(now['hits'].values()) / max(1, sum(before['hits'].values())):.2f}×, "  # type: ignore[union-attr]
        f"time per text now / before: {now['microseconds'] / before['microseconds']:.1f}×"
    )  # type: ignore[operator]
    if show_misses:
        for miss in now["misses"]:  # type: ignore[union-attr]
            print("missed   ", miss)
        for text in now["false_positives"]:  # type: ignore[union-attr]
            print("too much ", text)


if __name__ == "__main__":
    main()
