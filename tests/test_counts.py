"""Comparing two counts: quasi-Poisson and exact Poisson tests against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pcp_data.counts import (
    DISPERSION_METHOD,
    POISSON_EXACT,
    QUASI_POISSON,
    Dispersion,
    count_test,
    dispersion,
)


def _two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


# --------------------------------------------------------------------------- dispersion


def test_dispersion_by_hand() -> None:
    values = pd.Series([100.0, 120, 90, 130, 110, 100, 140, 95])
    # moving ranges: |120-100| = 20, 30, 40, 20, 10, 40, 45; sum 205, mean 205/7 = 29.2857
    # sigma = 29.2857 / 1.128 = 25.9625; sigma² = 674.052
    # mean = 885 / 8 = 110.625; phi = 674.052 / 110.625 = 6.0931
    d = dispersion(values)
    assert d is not None
    assert d.phi == pytest.approx(((205 / 7) / 1.128) ** 2 / (885 / 8), rel=1e-12)
    assert d.phi == pytest.approx(6.0931, abs=1e-4)
    assert d.points == 8
    assert d.method == DISPERSION_METHOD
    assert d.words.startswith("Dispersion 6.1: the counts vary 6.1 times as much as pure chance")
    assert "from the moving ranges of 8 periods" in d.words


def test_dispersion_is_at_least_one() -> None:
    # moving ranges all 1: sigma = 1/1.128 = 0.8865, sigma² = 0.786, / mean 100.5 = 0.0078
    d = dispersion(pd.Series([100.0, 101, 100, 101, 100, 101]))
    assert d is not None
    assert d.phi == 1.0
    assert d.words.startswith("Dispersion 1: the counts vary no more than pure chance")


def test_dispersion_skips_moving_ranges_across_a_gap() -> None:
    values = pd.Series([100.0, 120, np.nan, 90, 130, 110, 100])
    # moving ranges: 20, (gap), (gap), 40, 20, 10 -> mean 90/4 = 22.5; mean 650/6 = 108.333
    d = dispersion(values)
    assert d is not None
    assert d.points == 6
    assert d.phi == pytest.approx((22.5 / 1.128) ** 2 / (650 / 6), rel=1e-12)


def test_dispersion_needs_six_points() -> None:
    assert dispersion(pd.Series([100.0, 120, 90, 130, 110])) is None
    assert dispersion(pd.Series([100.0, 120, 90, 130, 110, np.nan, np.nan])) is None
    assert dispersion(pd.Series([0.0] * 8)) is None  # no mean to divide by
    # no two consecutive points, so no moving range
    assert dispersion(pd.Series([1.0, np.nan] * 6)) is None


def test_dispersion_of_poisson_counts_is_near_one() -> None:
    rng = np.random.default_rng(7)
    d = dispersion(pd.Series(rng.poisson(1000, size=240).astype(float)))
    assert d is not None
    assert d.phi == pytest.approx(1.0, abs=0.25)


# --------------------------------------------------------------------------- quasi-Poisson


def test_quasi_poisson_phi_1_by_hand() -> None:
    # z = (1100 - 1000) / sqrt(1 × (1100 + 1000)) = 100 / 45.8258 = 2.18218; p = 0.0291
    t = count_test(1100, 1000, dispersion=1.0)
    assert t.z == pytest.approx(100 / math.sqrt(2100), rel=1e-12)
    assert t.z == pytest.approx(2.18218, abs=1e-5)
    assert t.p_value == pytest.approx(_two_sided(100 / math.sqrt(2100)), rel=1e-9)
    assert t.p_value == pytest.approx(0.0291, abs=1e-4)
    assert t.significant and t.judged
    assert t.direction == "up"
    assert t.ratio == pytest.approx(1.1)
    assert t.pct_change == pytest.approx(10.0)
    assert t.method == QUASI_POISSON
    assert t.phi == 1.0


def test_quasi_poisson_phi_4_by_hand() -> None:
    # z = 100 / sqrt(4 × 2100) = 100 / 91.6515 = 1.09109; p = 0.2752: not significant
    t = count_test(1100, 1000, dispersion=Dispersion(4.0, 36, DISPERSION_METHOD))
    assert t.z == pytest.approx(1.09109, abs=1e-5)
    assert t.p_value == pytest.approx(0.2752, abs=1e-4)
    assert not t.significant and t.judged
    assert t.phi == 4.0
    assert t.sentence == (
        "1,100 in the latest 12 months against 1,000 in the 12 months before: up 10.0%, "
        "not a statistically significant change (quasi-Poisson test allowing for the series' "
        "own variation, dispersion 4.0, p = 0.275, not below 5%)."
    )


def test_significant_sentence() -> None:
    t = count_test(
        1100,
        1000,
        dispersion=1.0,
        current_words="the 12 months to March 2019",
        previous_words="the 12 months before",
    )
    assert t.sentence == (
        "1,100 in the 12 months to March 2019 against 1,000 in the 12 months before: up 10.0%, "
        "a statistically significant change (quasi-Poisson test allowing for the series' own "
        "variation, dispersion 1.0, p = 0.029)."
    )


def test_a_fall_is_down_with_negative_z() -> None:
    t = count_test(1000, 1100, dispersion=1.0)
    assert t.z == pytest.approx(-2.18218, abs=1e-5)
    assert t.direction == "down"
    assert t.pct_change == pytest.approx(-100 / 11)
    assert ": down 9.1%, a statistically significant change" in t.sentence


def test_exposure_compares_rates() -> None:
    # 300 over 2 years against 100 over 1: rates 150 and 100
    # variance = 300 / 2² + 100 / 1² = 75 + 100 = 175; z = 50 / sqrt(175) = 3.77964
    t = count_test(300, 100, current_exposure=2.0, dispersion=1.0)
    assert t.z == pytest.approx(50 / math.sqrt(175), rel=1e-12)
    assert t.z == pytest.approx(3.77964, abs=1e-5)
    assert t.ratio == pytest.approx(1.5)
    assert t.pct_change == pytest.approx(50.0)
    assert t.significant
    assert "the rate is up 50.0%" in t.sentence
    # 1,200 among 120,000 people against 1,000 among 100,000 is the same rate: no change
    same = count_test(1200, 1000, current_exposure=120.0, previous_exposure=100.0, dispersion=2.0)
    assert same.z == pytest.approx(0.0, abs=1e-12)
    assert same.p_value == pytest.approx(1.0)
    assert same.direction == "none" and not same.significant
    assert "the rate is unchanged" in same.sentence


# --------------------------------------------------------------------------- Poisson fallback


def test_poisson_fallback_calls_two_percent_of_20000_significant() -> None:
    # Pure Poisson: sd of 20,000 is sqrt(20,000) = 141; z ≈ 400 / sqrt(40,400) = 1.99, p = 0.047.
    # This is why the pure Poisson test is only the fallback when there is no history: with a
    # realistic dispersion of 3 the same change is z = 400 / sqrt(3 × 40,400) = 1.149, p = 0.25.
    poisson = count_test(20400, 20000)
    assert poisson.method == POISSON_EXACT
    assert poisson.phi is None
    assert poisson.z == pytest.approx(400 / math.sqrt(40400), abs=1e-3)
    assert poisson.p_value == pytest.approx(0.0466, abs=1e-3)
    assert poisson.significant
    assert "assumes Poisson variation: no history to estimate how much the counts vary" in (
        poisson.sentence
    )
    quasi = count_test(20400, 20000, dispersion=3.0)
    assert quasi.z == pytest.approx(1.14897, abs=1e-5)
    assert quasi.p_value == pytest.approx(0.2506, abs=1e-4)
    assert not quasi.significant


def test_poisson_fallback_small_counts() -> None:
    # 25 robberies against 16 is +56% and not significant (E-test p = 0.165)
    t = count_test(25, 16)
    assert t.pct_change == pytest.approx(56.25)
    assert t.p_value == pytest.approx(0.1648, abs=1e-3)
    assert not t.significant and t.judged
    assert "up 56.2%, not a statistically significant change (Poisson means test" in t.sentence


def test_poisson_fallback_needs_whole_counts() -> None:
    t = count_test(10.5, 8.0)
    assert not t.judged and t.p_value is None
    assert "needs whole counts" in t.sentence


# --------------------------------------------------------------------------- not judged


@pytest.mark.parametrize(
    ("current", "previous", "why"),
    [
        (0.0, 0.0, "nothing was counted in either period"),
        (0.0, 25.0, "a count of 0 in the latest 12 months"),
        (25.0, 0.0, "a count of 0 in the 12 months before"),
        (math.nan, 25.0, "there is no count for the latest 12 months"),
        (25.0, -3.0, "the count for the 12 months before is not a valid count"),
    ],
)
def test_not_judged(current: float, previous: float, why: str) -> None:
    for d in (None, 2.0):
        t = count_test(current, previous, dispersion=d)
        assert not t.judged and not t.significant
        assert t.z is None and t.p_value is None
        assert t.sentence.startswith("Not judged:")
        assert why in t.sentence


def test_ratio_where_defined_even_when_not_judged() -> None:
    t = count_test(0.0, 25.0)
    assert t.ratio == 0.0 and t.pct_change == -100.0 and t.direction == "down"
    assert count_test(25.0, 0.0).ratio is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"current_exposure": -1.0},
        {"previous_exposure": 0.0},
        {"current_exposure": math.nan},
        {"dispersion": 0.5},
        {"dispersion": math.inf},
        {"alpha": 0.0},
        {"alpha": 1.5},
    ],
)
def test_rejects_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        count_test(100, 90, **kwargs)  # type: ignore[arg-type]


def test_alpha_is_used() -> None:
    # p = 0.0291: significant at 5%, not at 1%
    assert count_test(1100, 1000, dispersion=1.0, alpha=0.05).significant
    strict = count_test(1100, 1000, dispersion=1.0, alpha=0.01)
    assert not strict.significant and strict.alpha == 0.01
    assert "not below 1%" in strict.sentence
