"""Agreement between coders: percent agreement, Cohen's kappa and Krippendorff's alpha (nominal).

Coding agreement is computed on input × code units: for every input both coders saw and every
code, did the coder apply the code (True) or not (False)? Per code over the inputs, and overall
over all (input, code) units. A statistic that is undefined for the data (no units, or every
value the same category so that chance agreement is already perfect) is returned as None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations


def percent_agreement(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """The share of units on which two coders gave the same value."""
    if not pairs:
        return None
    return sum(1 for a, b in pairs if a == b) / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa for two coders on nominal values: (p_o − p_e) / (1 − p_e)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    first, second = Counter(a for a, _b in pairs), Counter(b for _a, b in pairs)
    expected = sum(first[value] * second[value] for value in first) / (n * n)
    if expected == 1:
        return None  # one category only: chance already explains everything
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    ``units``: per unit the values the coders gave (None where a coder gave none). Built on the
    coincidence matrix: alpha = 1 − D_o / D_e (Krippendorff 2011, "Computing Krippendorff's
    alpha-reliability")."""
    coincidences: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue  # a unit one coder coded cannot show (dis)agreement
        for c, k in permutations(values, 2):
            coincidences[(c, k)] += 1 / (m - 1)
    totals: Counter[Hashable] = Counter()
    for (c, _k), weight in coincidences.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    disagreement = sum(weight for (c, k), weight in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    if expected == 0:
        return None  # one category only
    return 1 - disagreement / expected


@dataclass
class Agreement:
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None


@dataclass
class AgreementReport:
    overall: Agreement
    per_code: dict[Hashable, Agreement] = field(default_factory=dict)
    # (input, code) units where the coders differ: (input, code, first applied it, second applied it)
    disagreements: list[tuple[Hashable, Hashable, bool, bool]] = field(default_factory=list)


def _agreement(pairs: list[tuple[bool, bool]]) -> Agreement:
    return Agreement(
        units=len(pairs),
        percent=percent_agreement(pairs),
        kappa=cohen_kappa(pairs),
        alpha=krippendorff_alpha_nominal([list(p) for p in pairs]),
    )


def coding_agreement(
    first: Mapping[Hashable, set[Hashable]], second: Mapping[Hashable, set[Hashable]], codes: Iterable[Hashable]
) -> AgreementReport:
    """Agreement of two coders over the inputs both coded, for every code of the codebook.

    ``first`` and ``second`` map an input to the codes that coder applied to it."""
    inputs = sorted(set(first) & set(second), key=str)
    codes = list(codes)
    per_code: dict[Hashable, list[tuple[bool, bool]]] = {code: [] for code in codes}
    disagreements = []
    for input_id in inputs:
        for code in codes:
            pair = (code in first[input_id], code in second[input_id])
            per_code[code].append(pair)
            if pair[0] != pair[1]:
                disagreements.append((input_id, code, *pair))
    everything = [pair for pairs in per_code.values() for pair in pairs]
    return AgreementReport(
        overall=_agreement(everything),
        per_code={code: _agreement(pairs) for code, pairs in per_code.items()},
        disagreements=disagreements,
    )
