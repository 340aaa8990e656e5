"""Survey percentages: Wilson intervals and two-proportion tests against hand-computed values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcp_data.surveys import (
    Z95,
    compare_proportions,
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
        "significant rise of +10.0 percentage points (two-proportion test, p = <0.001 < 5%)."
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
