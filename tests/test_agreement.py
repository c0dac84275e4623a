"""Agreement statistics against published values and hand-worked examples."""

from __future__ import annotations

import pytest

from app.coding.agreement import coding_agreement, cohen_kappa, krippendorff_alpha_nominal, percent_agreement

N = None


def test_cohen_kappa_wikipedia_example():
    # 50 grant proposals, two readers: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> p_o 0.7, p_e 0.5
    pairs = [("ja", "ja")] * 20 + [("ja", "nee")] * 5 + [("nee", "ja")] * 10 + [("nee", "nee")] * 15
    assert percent_agreement(pairs) == pytest.approx(0.7)
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_krippendorff_alpha_published_examples():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers, 12 units, nominal 0.743
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3]
    c = [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]
    assert krippendorff_alpha_nominal(list(zip(a, b, c, d, strict=True))) == pytest.approx(0.743, abs=5e-4)
    # The 3-coder, 15-unit example on Wikipedia and in the `krippendorff` package: nominal 0.691
    coders = [
        [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
        [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
        [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
    ]
    assert krippendorff_alpha_nominal(list(zip(*coders, strict=True))) == pytest.approx(0.691, abs=5e-4)


def test_a_hand_worked_binary_example():
    # 10 units: 6 both-yes, 2 both-no, 1 yes/no, 1 no/yes.
    # kappa: p_o = 0.8, p_e = 0.7*0.7 + 0.3*0.3 = 0.58 -> 0.22 / 0.42 = 11/21.
    # alpha: o_11 = 12, o_00 = 4, o_10 = o_01 = 2; n_1 = 14, n_0 = 6, n = 20;
    #        1 - 4 / (2*14*6 / 19) = 1 - 19/42 = 23/42.
    pairs = [(1, 1)] * 6 + [(0, 0)] * 2 + [(1, 0), (0, 1)]
    assert cohen_kappa(pairs) == pytest.approx(11 / 21)
    assert krippendorff_alpha_nominal(pairs) == pytest.approx(23 / 42)


def test_perfect_agreement():
    pairs = [("a", "a"), ("b", "b"), ("a", "a")]
    assert (percent_agreement(pairs), cohen_kappa(pairs), krippendorff_alpha_nominal(pairs)) == (1.0, 1.0, 1.0)


def test_one_category_only_is_undefined_not_perfect():
    pairs = [("a", "a")] * 5
    assert percent_agreement(pairs) == 1.0
    assert cohen_kappa(pairs) is None
    assert krippendorff_alpha_nominal(pairs) is None


def test_no_units_and_units_one_coder_left_empty():
    assert (percent_agreement([]), cohen_kappa([]), krippendorff_alpha_nominal([])) == (None, None, None)
    # units coded by one coder only carry no information about agreement
    assert krippendorff_alpha_nominal([(1, N), (N, 2)]) is None
    assert krippendorff_alpha_nominal([(1, 1), (2, 2), (1, N)]) == pytest.approx(1.0)


def test_systematic_disagreement_is_below_zero():
    pairs = [("a", "b"), ("b", "a")] * 3
    assert cohen_kappa(pairs) == pytest.approx(-1.0)
    assert krippendorff_alpha_nominal(pairs) < 0


def test_coding_agreement_on_input_by_code_units():
    codes = ["verlichting", "groen", "parkeren"]
    first = {1: {"verlichting"}, 2: {"groen"}, 3: set(), 4: {"groen", "parkeren"}, 5: {"verlichting"}}
    second = {1: {"verlichting"}, 2: {"groen", "parkeren"}, 3: set(), 4: {"groen"}, 6: {"groen"}}
    report = coding_agreement(first, second, codes)
    assert report.overall.units == 4 * 3  # inputs both coded (1-4) x codes
    assert report.overall.percent == pytest.approx(10 / 12)
    assert report.per_code["verlichting"].percent == 1.0 and report.per_code["verlichting"].kappa == 1.0
    assert report.per_code["parkeren"].percent == pytest.approx(0.5)
    assert sorted(report.disagreements) == [(2, "parkeren", False, True), (4, "parkeren", True, False)]
