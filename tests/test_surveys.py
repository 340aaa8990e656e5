"""Survey percentages: Wilson intervals and two-proportion tests against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcp_data.spc import VARIATION_WORDS
from pcp_data.surveys import (
    Z95,
    compare_proportions,
    p_chart,
    survey_figure,
    two_proportion_z,
    wilson,
)


def _wilson_by_hand(x: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    # written out independently of the module, term by term
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = (z / (1 + z**2 / n)) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # 45 of 60: p = 0.75, z² = 3.841459, z²/n = 0.0640243, denominator = 1.0640243
        # centre = (0.75 + 0.0320122) / 1.0640243 = 0.734957
        # half = 1.842029 × sqrt(0.003125 + 0.00026677) = 1.842029 × 0.0582389 = 0.107278
        (45, 60, 0.627679, 0.842235),
        # 0 of 10: p = 0, centre = (0 + 0.1920730) / 1.3841459 = 0.1387663 = half; low = 0
        (0, 10, 0.0, 0.277533),
        # 10 of 10 mirrors 0 of 10
        (10, 10, 0.722467, 1.0),
        # 50 of 100: centre = 0.5 by symmetry;
        # half = (1.959964 / 1.0384146) × sqrt(0.0025 + 0.00009604) = 1.887459 × 0.0509514
        (50, 100, 0.5 - 0.096169, 0.5 + 0.096169),
    ],
)
def test_wilson_hand_computed(x: int, n: int, low: float, high: float) -> None:
    got = wilson(x, n)
    assert got[0] == pytest.approx(low, abs=2e-6)
    assert got[1] == pytest.approx(high, abs=2e-6)
    assert got == pytest.approx(_wilson_by_hand(x, n), abs=1e-12)


def test_wilson_default_is_95_percent() -> None:
    assert Z95 == 1.959964
    assert wilson(45, 60) == wilson(45, 60, z=1.959964)


@pytest.mark.parametrize(("x", "n"), [(-1, 10), (11, 10), (0, 0), (1, -5)])
def test_wilson_rejects_bad_counts(x: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson(x, n)


@given(
    st.integers(min_value=1, max_value=5000).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )
)
def test_wilson_contains_the_proportion_and_stays_in_0_1(xn: tuple[int, int]) -> None:
    x, n = xn
    low, high = wilson(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0


def test_two_proportion_hand_computed() -> None:
    # 45/60 then 60/70
    p1, p2 = 45 / 60, 60 / 70  # 0.75, 0.857143
    pooled = (45 + 60) / (60 + 70)  # 0.807692
    se = math.sqrt(pooled * (1 - pooled) * (1 / 60 + 1 / 70))  # 0.069337
    z = (p2 - p1) / se  # 1.54524
    p_value = math.erfc(abs(z) / math.sqrt(2))  # 0.1223
    got_z, got_p = two_proportion_z(45, 60, 60, 70)
    assert got_z == pytest.approx(z, rel=1e-12)
    assert got_z == pytest.approx(1.54524, abs=1e-5)
    assert got_p == pytest.approx(p_value, rel=1e-12)
    assert got_p == pytest.approx(0.1223, abs=1e-4)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "z", "p", "significant"),
    [
        # 45/60 -> 60/70: z = 1.54524, p = 0.1223: not significant
        (45, 60, 60, 70, 1.54524, 0.12228, False),
        # 300/400 -> 340/400: pooled = 640/800 = 0.8, se = sqrt(0.8 × 0.2 × (2/400)) = 0.028284
        # z = (0.85 - 0.75) / 0.028284 = 3.53553, p = erfc(3.53553/√2) = 0.000407
        (300, 400, 340, 400, 3.53553, 0.000407, True),
        # 80/100 -> 70/100: pooled = 0.75, se = sqrt(0.75 × 0.25 × 0.02) = 0.061237
        # z = -0.1 / 0.061237 = -1.63299, p = 0.10247
        (80, 100, 70, 100, -1.63299, 0.10247, False),
        # 160/200 -> 140/200: same proportions, twice the base: se = 0.043301, z = -2.30940,
        # p = 0.020921
        (160, 200, 140, 200, -2.30940, 0.020921, True),
    ],
)
def test_compare_proportions_table(
    x1: int, n1: int, x2: int, n2: int, z: float, p: float, significant: bool
) -> None:
    c = compare_proportions(x1, n1, x2, n2)
    assert c.judged
    assert c.z == pytest.approx(z, abs=1e-5)
    assert c.p_value == pytest.approx(p, abs=1e-5)
    assert c.significant is significant
    assert c.diff == pytest.approx(x2 / n2 - x1 / n1)
    assert c.direction == ("up" if x2 / n2 > x1 / n1 else "down")
    assert ("statistically significant" in c.sentence) and (
        ("not statistically significant" in c.sentence) is not significant
    )


def test_sentence_names_counts_and_periods() -> None:
    c = compare_proportions(300, 400, 340, 400, previous_label="2017/18", current_label="2018/19")
    assert c.sentence == (
        "85.0% (340 of 400) in 2018/19 against 75.0% (300 of 400) in 2017/18: a statistically "
        "significant rise of +10.0 percentage points (two-proportion test, p < 0.001, below 5%)."
    )


@pytest.mark.parametrize(
    ("n1", "n2", "judged"),
    [(49, 100, False), (100, 49, False), (50, 50, True), (10, 10, False)],
)
def test_minimum_base(n1: int, n2: int, judged: bool) -> None:
    c = compare_proportions(n1 // 2, n1, n2, n2)
    assert c.judged is judged
    if not judged:
        assert c.z is None and c.p_value is None and not c.significant
        assert c.sentence.startswith("Not judged")
        assert "below the minimum of 50" in c.sentence


def test_minimum_base_is_configurable() -> None:
    assert compare_proportions(20, 40, 35, 40, minimum_base=30).judged
    assert not compare_proportions(20, 40, 35, 40, minimum_base=41).judged


def test_no_change_possible_when_both_100_percent() -> None:
    c = compare_proportions(60, 60, 80, 80)
    assert c.z == 0.0 and c.p_value == 1.0 and not c.significant
    assert c.direction == "none"


def test_survey_figure() -> None:
    f = survey_figure(45, 60)
    assert f.judged and f.warning is None
    assert f.proportion == 0.75
    assert f.words == "75.0% (45 of 60; 95% interval 62.8% to 84.2%)"
    small = survey_figure(20, 40)
    assert not small.judged
    assert small.warning == "a base of 40 respondents is below the minimum of 50"
    assert small.low is not None  # still shown, with its interval
    empty = survey_figure(0, 0)
    assert empty.proportion is None and not empty.judged


@given(
    st.integers(min_value=1, max_value=2000),
    st.integers(min_value=1, max_value=2000),
    st.data(),
)
def test_swapping_periods_negates_z(n1: int, n2: int, data: st.DataObject) -> None:
    x1 = data.draw(st.integers(min_value=0, max_value=n1))
    x2 = data.draw(st.integers(min_value=0, max_value=n2))
    z, p = two_proportion_z(x1, n1, x2, n2)
    z_back, p_back = two_proportion_z(x2, n2, x1, n1)
    assert z_back == pytest.approx(-z, abs=1e-9)
    assert p_back == pytest.approx(p, abs=1e-12)
    assert 0.0 <= p <= 1.0


# --------------------------------------------------------------------------- p-chart


def _quarters(k: int, start: str = "2022-03-31") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=k, freq="QE")


def test_p_chart_by_hand_with_varying_bases() -> None:
    idx = _quarters(12)
    x = pd.Series([60, 75, 48, 90, 66, 70, 55, 84, 72, 63, 80, 57], index=idx, dtype=float)
    n = pd.Series([80, 100, 64, 120, 88, 100, 75, 112, 96, 84, 100, 76], index=idx, dtype=float)
    c = p_chart(x, n, "higher_is_better")
    assert c is not None
    # p̄ = 820 / 1095 = 0.748858
    pbar = 820 / 1095
    assert c.centre == pytest.approx(100 * pbar, rel=1e-12)
    assert c.centre == pytest.approx(74.8858, abs=1e-4)
    # at n = 100 (the quarter to June 2022): sigma = sqrt(0.748858 × 0.251142 / 100) = 0.043367
    # limits = 0.748858 ± 3 × 0.043367 = 0.618757 to 0.878959
    sigma_100 = math.sqrt(pbar * (1 - pbar) / 100)
    assert sigma_100 == pytest.approx(0.043367, abs=1e-6)
    assert c.upper.iloc[1] == pytest.approx(100 * (pbar + 3 * sigma_100), rel=1e-12)
    assert c.upper.iloc[1] == pytest.approx(87.8959, abs=1e-4)
    assert c.lower.iloc[1] == pytest.approx(61.8757, abs=1e-4)
    # the smallest base (64) has the widest limits: 3 × sqrt(p̄(1-p̄)/64) = 0.162625
    assert c.upper.iloc[2] == pytest.approx(100 * (pbar + 3 * math.sqrt(pbar * (1 - pbar) / 64)))
    assert c.upper.idxmax() == idx[2]
    assert c.p.iloc[5] == pytest.approx(70.0)
    assert c.n.tolist() == n.tolist()
    # the standardised points vary less than sampling would make them: no Laney adjustment
    assert c.sigma_z is not None and c.sigma_z < 1
    assert not c.laney
    assert not c.signals.any()
    assert c.points == 12
    assert c.latest_signal is None
    assert c.variation == "common_cause"
    assert c.sentence == (
        "The quarter to December 2024 (75.0%, base 76) is within its limits (60.0% to 89.8%) "
        "with no run of 7 on one side of the average (74.9%): "
        + VARIATION_WORDS["common_cause"]
        + "."
    )


def _sustained_fall() -> tuple[pd.Series, pd.Series]:
    # 9 quarters near 80% then 7 near 75%, 400 respondents each
    p = [0.80, 0.81, 0.79, 0.80, 0.81, 0.80, 0.79, 0.80, 0.81,
         0.75, 0.76, 0.74, 0.75, 0.76, 0.75, 0.74]  # fmt: skip
    idx = _quarters(len(p))
    return pd.Series([400 * v for v in p], index=idx).round(), pd.Series(400.0, index=idx)


def test_p_chart_sustained_fall_is_a_concern() -> None:
    x, n = _sustained_fall()
    c = p_chart(x, n, "higher_is_better")
    assert c is not None
    # p̄ = (sum of the 16 percentages) / 16 = 12.46 / 16 = 0.77875; sigma = 0.020738, so
    # the limits are 71.7% to 84.1%: the last 7 (74-76%) are inside them but all below p̄
    assert c.centre == pytest.approx(100 * 12.46 / 16)
    assert c.lower.iloc[-1] == pytest.approx(
        100 * (0.77875 - 3 * math.sqrt(0.77875 * 0.22125 / 400))
    )
    assert c.rules.iloc[-7:].tolist() == ["shift"] * 7
    assert c.signals.iloc[-7:].all()
    assert c.latest_signal == "concern"
    assert c.variation == "special_cause_concern"
    assert c.sentence.startswith(
        "7 consecutive quarters below the average (77.9%), to the quarter to December 2025: "
        "special cause concern"
    )
    # the same fall is an improvement when lower is better, and neutral without a polarity
    low = p_chart(x, n, "lower_is_better")
    assert low is not None and low.latest_signal == "improvement"
    assert low.variation == "special_cause_improvement"
    neutral = p_chart(x, n, "neutral")
    assert neutral is not None and neutral.latest_signal == "neutral"
    assert neutral.variation == "special_cause_neutral_low"


def test_p_chart_point_outside_its_limits() -> None:
    idx = _quarters(12)
    x = pd.Series([160.0, 162, 158, 161, 159, 160, 162, 158, 161, 159, 160, 120], index=idx)
    n = pd.Series(200.0, index=idx)
    c = p_chart(x, n, "higher_is_better")
    assert c is not None
    assert c.rules.iloc[-1] == "outside_limits"
    assert c.latest_signal == "concern"
    assert c.sentence.startswith(
        "The quarter to December 2024 (60.0%, base 200) was below the lower limit ("
    )


def test_p_chart_laney_for_large_bases_with_extra_variation() -> None:
    idx = _quarters(12)
    p = [0.70, 0.73, 0.68, 0.72, 0.69, 0.71, 0.74, 0.67, 0.70, 0.72, 0.69, 0.71]
    x = pd.Series([round(5000 * v) for v in p], index=idx, dtype=float)
    n = pd.Series(5000.0, index=idx)
    # p̄ = 8.46 / 12 = 0.705; sigma_i = sqrt(0.705 × 0.295 / 5000) = 0.0064494
    # equal bases: mR of z = |Δp| / sigma; the 11 |Δp| sum to 0.37, mean 0.033636
    # sigma_z = 0.033636 / 1.128 / 0.0064494 = 4.6236 > 1: Laney on
    sigma = math.sqrt(0.705 * 0.295 / 5000)
    sigma_z = (0.37 / 11) / 1.128 / sigma
    c = p_chart(x, n, "higher_is_better")
    assert c is not None
    assert c.laney
    assert c.sigma_z == pytest.approx(sigma_z, rel=1e-9)
    assert c.sigma_z == pytest.approx(4.6236, abs=1e-4)
    # limits 0.705 ± 3 × 0.0064494 × 4.6236 = 0.705 ± 0.089459
    assert c.upper.iloc[0] == pytest.approx(100 * (0.705 + 3 * sigma * sigma_z), rel=1e-9)
    assert c.lower.iloc[0] == pytest.approx(61.554, abs=1e-3)
    assert not c.signals.any()
    assert "widened 4.6 times by Laney's adjustment" in c.sentence
    # the plain p-chart's limits (0.705 ± 0.019348) would call 0.73, 0.68, 0.74 and 0.67 signals
    plain = p_chart(x, n, "higher_is_better", laney=False)
    assert plain is not None and not plain.laney
    assert plain.upper.iloc[0] == pytest.approx(100 * (0.705 + 3 * sigma), rel=1e-9)
    assert plain.rules.tolist().count("outside_limits") == 4
    assert "Laney" not in plain.sentence
    forced = p_chart(x, n, "higher_is_better", laney=True)
    assert forced is not None and forced.laney


def test_p_chart_laney_only_on_request_when_points_vary_less_than_sampling() -> None:
    idx = _quarters(12)
    x = pd.Series([60, 75, 48, 90, 66, 70, 55, 84, 72, 63, 80, 57], index=idx, dtype=float)
    n = pd.Series([80, 100, 64, 120, 88, 100, 75, 112, 96, 84, 100, 76], index=idx, dtype=float)
    auto = p_chart(x, n, "neutral")
    forced = p_chart(x, n, "neutral", laney=True)
    assert auto is not None and forced is not None
    assert not auto.laney and forced.laney
    assert forced.sigma_z is not None and forced.sigma_z < 1
    # forced on, Laney's p′ narrows the limits by sigma_z
    half = (auto.upper - auto.centre) * forced.sigma_z
    assert (forced.upper - forced.centre).tolist() == pytest.approx(half.tolist(), rel=1e-9)


def test_p_chart_missing_periods_and_minimum_points() -> None:
    x, n = _sustained_fall()
    n = n.copy()
    n.iloc[3] = np.nan  # a quarter without a base is not charted
    c = p_chart(x, n, "higher_is_better")
    assert c is not None
    assert c.points == 15
    assert np.isnan(c.p.iloc[3]) and np.isnan(c.upper.iloc[3]) and not c.signals.iloc[3]
    assert p_chart(x.iloc[:11], n.iloc[:11], "neutral") is None  # 10 charted periods
    assert p_chart(x.iloc[:11], n.iloc[:11], "neutral", minimum_points=10) is not None


def test_p_chart_refuses_rolling_windows_and_bad_input() -> None:
    x, n = _sustained_fall()
    with pytest.raises(ValueError, match="overlapping"):
        p_chart(x, n, "higher_is_better", frequency="rolling_12_months")
    with pytest.raises(ValueError, match="polarity"):
        p_chart(x, n, "up")
    with pytest.raises(ValueError, match="exceed"):
        p_chart(x + 1000, n, "neutral")
    with pytest.raises(ValueError):
        p_chart(x.reset_index(drop=True), n, "neutral")


def test_p_chart_all_100_percent() -> None:
    idx = _quarters(12)
    n = pd.Series(50.0, index=idx)
    c = p_chart(n, n, "higher_is_better")
    assert c is not None
    assert c.centre == 100.0 and c.sigma_z is None and not c.laney
    assert not c.signals.any() and c.variation == "common_cause"
