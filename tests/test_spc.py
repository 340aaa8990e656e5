"""XmR charts: hand-computed limits and rule tables, re-basing, icons, and invariants.

Every expected limit is written as the arithmetic that produces it, and every rule table lists
the rule each point must carry (O = outside_limits, T = trend, W = two_in_three, S = shift,
. = none).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcp_data.spc import spc_refusal, xmr
from pcp_data.vocabulary import Target

CODE = {"O": "outside_limits", "T": "trend", "W": "two_in_three", "S": "shift", ".": None}


def monthly(values: list[float], start: str = "2018-01-31") -> pd.Series:
    return pd.Series(
        [float(v) for v in values],
        index=pd.date_range(start, periods=len(values), freq="ME"),
        dtype=float,
    )


def rules(result: object) -> str:
    inverse = {v: k for k, v in CODE.items()}
    return "".join(inverse[r] for r in result.data["rule"])  # type: ignore[attr-defined]


# A baseline with centre 10 and every moving range 2:
#   mean = (10×6 + 12×3 + 8×3) / 12 = 10;  mean mR = 2×11 / 11 = 2
#   limits = 10 ± 2.66×2 = 4.68 .. 15.32;  near lines = 10 ± (2/3)×2.66×2 = 6.4533 .. 13.5467
BASE = [10, 12, 10, 8] * 3
BASE_CENTRE = 10.0
BASE_MR = 2.0


# --------------------------------------------------------------------------- limits


def test_limits_hand_computed() -> None:
    x = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 10, 12]
    mean = (10 + 12 + 11 + 13 + 12 + 10 + 11 + 12 + 13 + 11 + 10 + 12) / 12  # 137/12
    mr = (2 + 1 + 2 + 1 + 2 + 1 + 1 + 1 + 2 + 1 + 2) / 11  # 16/11
    r = xmr(monthly(x))
    seg = r.segments[0]
    assert seg.centre == pytest.approx(mean)
    assert seg.mean_mr == pytest.approx(mr)
    assert seg.upper == pytest.approx(mean + 2.66 * mr)
    assert seg.lower == pytest.approx(mean - 2.66 * mr)
    assert seg.upper_2_3 == pytest.approx(mean + 2 / 3 * 2.66 * mr)
    assert seg.lower_2_3 == pytest.approx(mean - 2 / 3 * 2.66 * mr)
    assert r.data["upper"].tolist() == pytest.approx([mean + 2.66 * mr] * 12)
    assert math.isnan(r.data["mr"].iloc[0])
    assert r.data["mr"].iloc[1:].tolist() == [2, 1, 2, 1, 2, 1, 1, 1, 2, 1, 2]
    assert rules(r) == "." * 12
    assert not r.provisional
    assert r.variation == "common_cause"


def test_screening_of_a_large_moving_range() -> None:
    x = [10, 11, 10, 11, 10, 30, 10, 11, 10, 11, 10, 11]
    # mR = 1,1,1,1,20,20,1,1,1,1,1: mean = 49/11 = 4.4545; 3.267 × 4.4545 = 14.553
    # the two 20s are >= 14.553 and screened: mean mR = 9/9 = 1
    mean = 145 / 12
    screened = xmr(monthly(x))
    assert screened.segments[0].mean_mr == pytest.approx(9 / 9)
    assert screened.segments[0].screened == 2
    assert screened.data["mr_screened"].tolist() == [False] * 5 + [True, True] + [False] * 5
    assert screened.segments[0].upper == pytest.approx(mean + 2.66 * 1)
    unscreened = xmr(monthly(x), screen=False)
    assert unscreened.segments[0].mean_mr == pytest.approx(49 / 11)
    assert unscreened.segments[0].upper == pytest.approx(mean + 2.66 * 49 / 11)
    # 30 is outside either way: 145/12 + 2.66 × 49/11 = 23.93
    assert rules(screened)[5] == "O" and rules(unscreened)[5] == "O"


def test_screening_threshold_is_inclusive() -> None:
    # mR = 0,0,...,0,k: a single non-zero mR of size k among 11; mean = k/11 and
    # k >= 3.267 × k/11, so it is screened and the mean mR becomes 0.
    x = [5] * 11 + [6]
    r = xmr(monthly(x))
    assert r.segments[0].screened == 1
    assert r.segments[0].mean_mr == 0.0


# --------------------------------------------------------------------------- rule tables

# (name, values, polarity, expected rules, expected signals by point (i/c/n/.), note)
RULE_TABLE = [
    (
        "trend of 7 points (6 increases) is flagged whole",
        # mean = (10+16+4+16+4+10 + 7+8+9+10+11+12+13 + 10)/14 = 140/14 = 10
        # mR = 6,12,12,12,6,3,1,1,1,1,1,1,3: mean = 60/13 = 4.615 (screen at 15.08: none)
        # limits 10 ± 12.28 and near lines 10 ± 8.19: nothing outside or near
        [10, 16, 4, 16, 4, 10, 7, 8, 9, 10, 11, 12, 13, 10],
        "higher_is_better",
        "......TTTTTTT.",
        "......iiiiiii.",
    ),
    (
        "6 points (5 increases) is not a trend",
        [10, 16, 4, 16, 4, 10, 8, 9, 10, 11, 12, 13, 10, 10],
        "higher_is_better",
        "..............",
        "..............",
    ),
    (
        "a tie breaks the trend (7,8,9,9,10,11,12)",
        [10, 16, 4, 16, 4, 10, 7, 8, 9, 9, 10, 11, 12, 10],
        "higher_is_better",
        "..............",
        "..............",
    ),
    (
        "rising trend on a lower-is-better measure is concern",
        [10, 16, 4, 16, 4, 10, 7, 8, 9, 10, 11, 12, 13, 10],
        "lower_is_better",
        "......TTTTTTT.",
        "......ccccccc.",
    ),
    (
        "falling trend: improvement when lower is better",
        [10, 4, 16, 4, 16, 10, 13, 12, 11, 10, 9, 8, 7, 10],
        "lower_is_better",
        "......TTTTTTT.",
        "......iiiiiii.",
    ),
    (
        "7 points below the mean is a shift",
        # mean = (6+14)×3/14 ... = (60 + 9×7 + 17)/14 = 140/14 = 10
        # mR = 8,8,8,8,8,5,0,0,0,0,0,0,8: mean = 53/13 = 4.077; limits 10 ± 10.85
        # near lines 10 ± 7.23 = 2.77 .. 17.23: 17 is inside them
        [6, 14, 6, 14, 6, 14, 9, 9, 9, 9, 9, 9, 9, 17],
        "lower_is_better",
        "......SSSSSSS.",
        "......iiiiiii.",
    ),
    (
        "a point on the mean breaks the shift",
        # mean = (60 + 9×6 + 10 + 16)/14 = 140/14 = 10: the 10 is exactly on the mean
        [6, 14, 6, 14, 6, 14, 9, 9, 9, 10, 9, 9, 9, 16],
        "lower_is_better",
        "..............",
        "..............",
    ),
    (
        "6 points below the mean is not a shift",
        # mean = (60 + 9×6 + 26 + 14)/14 = 154/14 = 11: six 9s below it, then 26 above
        [6, 14, 6, 14, 6, 14, 9, 9, 9, 9, 9, 9, 26, 14],
        "lower_is_better",
        "..............",
        "..............",
    ),
    (
        "outside the limits takes precedence over the trend",
        # 1..10: mean 5.5, mR 1, limits 5.5 ± 2.66 = 2.84 .. 8.16
        # 1, 2 below; 9, 10 above; 3..8 remain part of the 10-point trend
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        "higher_is_better",
        "OOTTTTTTOO",
        "cciiiiiiii",
    ),
    (
        "trend takes precedence over shift (falling run below the mean)",
        # mean = (20×4 + 0×3 + 9+8+7+6+5+4+3 + 37)/15 = (80+42+37)/15 = 10.6
        # 9..3 are 7 points below the mean (a shift) and, with the 20 before them, 8 points
        # each lower than the one before (a trend): the trend wins, and the 20 (above the
        # mean) is signalled low because the trend falls
        [20, 0, 20, 0, 20, 0, 20, 9, 8, 7, 6, 5, 4, 3, 37],
        "neutral",
        "......TTTTTTTT.",
        "......nnnnnnnn.",
    ),
]


@pytest.mark.parametrize(
    ("values", "polarity", "expected", "signals"),
    [case[1:] for case in RULE_TABLE],
    ids=[case[0] for case in RULE_TABLE],
)
def test_rule_table(values: list[float], polarity: str, expected: str, signals: str) -> None:
    r = xmr(monthly(values), polarity)
    assert rules(r) == expected
    code = {"improvement": "i", "concern": "c", "neutral": "n", None: "."}
    assert "".join(code[s] for s in r.data["signal"]) == signals


def test_trend_table_has_no_outside_points() -> None:
    # the arithmetic behind the first trend case
    r = xmr(monthly([10, 16, 4, 16, 4, 10, 7, 8, 9, 10, 11, 12, 13, 10]))
    assert r.segments[0].centre == pytest.approx(140 / 14)
    assert r.segments[0].mean_mr == pytest.approx(60 / 13)
    assert r.segments[0].upper == pytest.approx(10 + 2.66 * 60 / 13)


# Two-in-three cases on the fixed BASE limits (4.68 .. 15.32, near 6.4533 .. 13.5467)
TWO_IN_THREE = [
    # 14 near, 11 above the mean (not near), 14 near: both 14s flagged
    ("2 of 3 near the upper limit", [14, 11, 14, 10], "W.W.", "high"),
    # 16 is outside (rule 1) and does not count towards 2-of-3: only one near point (14)
    ("2 of 3 with one point outside", [16, 14, 11, 10], "O...", None),
    # 14 and 6 are near opposite limits: not the same side
    ("near opposite limits", [14, 6, 14, 10], "....", None),
    # the middle point is below the mean: NHSRplotthedots needs all 3 on the same side
    ("middle point across the mean", [14, 9, 14, 10], "....", None),
    # 3 of 3 near the lower limit: all flagged
    ("3 of 3 near the lower limit", [6, 6, 6, 10], "WWW.", "low"),
    # 2 near + 1 outside on the same side: the near points are flagged
    ("2 near and 1 outside", [14, 16, 14, 10], "WOW.", "high"),
]


@pytest.mark.parametrize(
    ("tail", "expected", "side"),
    [case[1:] for case in TWO_IN_THREE],
    ids=[case[0] for case in TWO_IN_THREE],
)
def test_two_in_three(tail: list[float], expected: str, side: str | None) -> None:
    r = xmr(monthly(BASE + tail), "higher_is_better", baseline=12)
    seg = r.segments[0]
    assert seg.centre == pytest.approx(BASE_CENTRE)
    assert seg.upper_2_3 == pytest.approx(10 + 2 / 3 * 2.66 * 2)  # 13.5467
    assert seg.lower_2_3 == pytest.approx(10 - 2 / 3 * 2.66 * 2)  # 6.4533
    assert rules(r) == "." * 12 + expected
    if side:
        flagged = r.data[r.data["rule"] == "two_in_three"]
        assert set(flagged["signal"]) == {"improvement" if side == "high" else "concern"}


# --------------------------------------------------------------------------- baseline, re-basing


def test_baseline_first_n_points_fixes_the_limits() -> None:
    r = xmr(monthly([*BASE, 30, 31, 32]), baseline=12)
    seg = r.segments[0]
    assert seg.centre == BASE_CENTRE
    assert seg.mean_mr == BASE_MR
    assert seg.upper == pytest.approx(10 + 2.66 * 2)
    assert r.data["baseline"].tolist() == [True] * 12 + [False] * 3
    assert rules(r).endswith("OOO")


def test_baseline_date_range() -> None:
    r = xmr(monthly([*BASE, 30, 31, 32]), baseline=("2018-01-01", "2018-12-31"))
    assert r.segments[0].centre == BASE_CENTRE
    assert r.segments[0].baseline_points == 12


def test_baseline_as_a_list_and_rebase_as_a_bare_date() -> None:
    s = monthly(BASE + [20, 22, 20, 18] * 3)
    r = xmr(s, baseline=["2018-01-01", "2018-12-31"], rebase=["2019-01-31"])
    assert [seg.centre for seg in r.segments] == [10, 20]
    assert r.segments[1].reason is None
    # the second segment has no point in the baseline range, so it uses all its points
    assert r.segments[1].baseline_points == 12


def test_baseline_n_counts_observed_points() -> None:
    x: list[float] = [*BASE, 30, 31]
    x[1] = math.nan
    # first 12 observed points: the 11 observed BASE points and the 30
    r = xmr(monthly(x), baseline=12)
    assert r.segments[0].baseline_points == 12
    assert r.data["baseline"].tolist() == [True] * 13 + [False]
    assert r.segments[0].centre == pytest.approx((120 - 12 + 30) / 12)


def test_rebasing_gives_each_segment_its_own_limits() -> None:
    second = [20, 22, 20, 18] * 3  # mean 20, mR 2
    s = monthly(BASE + second)
    without = xmr(s, "higher_is_better")
    assert set(rules(without)) != {"."}
    r = xmr(s, "higher_is_better", rebase=[("2019-01-01", "new recording standard")])
    assert [seg.centre for seg in r.segments] == [10, 20]
    assert [seg.mean_mr for seg in r.segments] == [2, 2]
    assert r.segments[1].reason == "new recording standard"
    assert r.segments[1].upper == pytest.approx(20 + 2.66 * 2)
    assert r.segments[1].start == pd.Timestamp("2019-01-31")
    assert r.data["segment"].tolist() == [0] * 12 + [1] * 12
    # no moving range across the boundary
    assert math.isnan(r.data["mr"].iloc[12])
    assert rules(r) == "." * 24


def test_rules_run_within_a_segment() -> None:
    s = monthly([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    # one segment: outside and trend (see the rule table)
    assert rules(xmr(s)) == "OOTTTTTTOO"
    # segments [1..4] (mean 2.5, limits 2.5 ± 2.66) and [5..10] (mean 7.5, limits 7.5 ± 2.66):
    # 4 and 6 increasing points: no trend, nothing outside
    r = xmr(s, rebase=[pd.Timestamp("2018-05-31")])
    assert [seg.centre for seg in r.segments] == [2.5, 7.5]
    assert rules(r) == "." * 10
    assert r.segments[0].provisional and r.segments[1].provisional


def test_rebase_outside_the_data_is_noted() -> None:
    r = xmr(monthly(BASE), rebase=[("2030-01-01", "future plan")])
    assert len(r.segments) == 1
    assert "ignored" in r.notes[0]


# --------------------------------------------------------------------------- provisional, gaps


@pytest.mark.parametrize(("n", "provisional"), [(11, True), (12, False), (2, True)])
def test_fewer_than_12_points_is_provisional(n: int, provisional: bool) -> None:
    r = xmr(monthly((BASE * 2)[:n]))
    assert r.provisional is provisional
    assert r.data["provisional"].all() == provisional
    assert ("provisional" in r.sentence) is provisional


def test_missing_points_are_skipped_and_break_runs() -> None:
    x: list[float] = [6, 14, 6, 14, 6, 14, 9, 9, 9, 9, 9, 9, 9, 17]
    assert rules(xmr(monthly(x), "lower_is_better")) == "......SSSSSSS."
    x[9] = math.nan
    r = xmr(monthly(x), "lower_is_better")
    # mean of the 13 observed = (140 - 9)/13; no mR either side of the gap
    assert r.segments[0].centre == pytest.approx(131 / 13)
    # mR = 8,8,8,8,8,5,0,0,(gap),(gap),0,0,8: mean = 53/11
    assert r.segments[0].mean_mr == pytest.approx(53 / 11)
    assert rules(r) == ".............."
    assert r.data["point_type"].iloc[9] == "common_cause"


def test_latest_missing_uses_latest_observed_point() -> None:
    r = xmr(monthly([*BASE, math.nan]))
    assert r.latest_date == pd.Timestamp("2018-12-31")
    assert r.sentence.startswith("December 2018 (8.00) is within the process limits")


def test_all_missing() -> None:
    r = xmr(monthly([math.nan] * 5))
    assert r.variation == "not_available"
    assert r.latest_date is None


# --------------------------------------------------------------------------- refusal, validation


def test_rolling_12_months_is_refused() -> None:
    with pytest.raises(ValueError, match="rolling 12-month"):
        xmr(monthly(BASE), frequency="rolling_12_months")
    assert spc_refusal("rolling_12_months")
    assert spc_refusal("month") is None


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1.0, 2.0, 3.0]),
        pd.Series([1.0, 2.0], index=pd.to_datetime(["2019-02-28", "2019-01-31"])),
        pd.Series([1.0, 2.0], index=pd.to_datetime(["2019-01-31", "2019-01-31"])),
    ],
    ids=["no dates", "descending", "duplicate"],
)
def test_bad_series_rejected(series: pd.Series) -> None:
    with pytest.raises(ValueError):
        xmr(series)


def test_bad_polarity_and_target() -> None:
    with pytest.raises(ValueError):
        xmr(monthly(BASE), "up")
    with pytest.raises(ValueError):
        xmr(monthly(BASE), target=("==", 3))


# --------------------------------------------------------------------------- icons and sentences


@pytest.mark.parametrize(
    ("target", "assurance"),
    [
        # limits 4.68 .. 15.32
        ((">=", 4), "consistently_pass"),  # lower limit 4.68 >= 4
        ((">=", 16), "consistently_fail"),  # upper limit 15.32 < 16
        ((">=", 10), "hit_and_miss"),
        (("<=", 16), "consistently_pass"),
        (("<=", 4), "consistently_fail"),
        (("<", 12), "hit_and_miss"),
        ({"op": ">", "value": 4.5}, "consistently_pass"),
        (Target("<", 4.68), "consistently_fail"),  # lower limit 4.68 is not < 4.68 (rounding)
        (None, None),
    ],
)
def test_assurance(target: object, assurance: str | None) -> None:
    r = xmr(monthly(BASE), "higher_is_better", target=target)  # type: ignore[arg-type]
    assert r.assurance == assurance
    assert (r.assurance_sentence is None) is (assurance is None)


@pytest.mark.parametrize(
    ("values", "polarity", "variation", "sentence"),
    [
        (
            [*BASE, 9, 9, 9, 9, 9, 9, 9],
            "lower_is_better",
            "special_cause_improvement",
            # mean = (120 + 63)/19 = 9.63: the last BASE point (8) and the seven 9s are below
            "8 consecutive months below the average (9.63), to July 2019: "
            "special cause improvement.",
        ),
        (
            # mean = (120 + 30)/13 = 11.54; mR = 2 (×11) and 22: mean 44/12 = 3.67, screened at
            # 3.267 × 3.67 = 11.98 so the 22 goes: mean mR = 2; upper = 11.54 + 5.32 = 16.86
            [*BASE, 30],
            "lower_is_better",
            "special_cause_concern",
            "January 2019 (30.0) was above the upper process limit (16.9): special cause concern.",
        ),
        (
            [*BASE, 30],
            "neutral",
            "special_cause_neutral_high",
            "January 2019 (30.0) was above the upper process limit (16.9): "
            "special cause variation (high), neither good nor bad.",
        ),
        (
            [10, 16, 4, 16, 4, 10, 13, 12, 11, 10, 9, 8, 7],
            "higher_is_better",
            "special_cause_concern",
            "7 months in a row, to January 2019, each lower than the one before: "
            "special cause concern.",
        ),
        (
            BASE,
            "higher_is_better",
            "common_cause",
            "December 2018 (8.00) is within the process limits (4.68 to 15.3) with no trend "
            "or run: common cause variation: no significant change.",
        ),
    ],
)
def test_variation_and_sentence(
    values: list[float], polarity: str, variation: str, sentence: str
) -> None:
    r = xmr(monthly(values), polarity)
    assert r.variation == variation
    assert r.sentence == sentence


def test_two_in_three_sentence() -> None:
    r = xmr(monthly([*BASE, 14, 11, 14]), "lower_is_better", baseline=12)
    assert r.variation == "special_cause_concern"
    assert r.sentence.startswith("2 of the 3 months to March 2019 were close to the upper")


def test_quarter_words() -> None:
    s = pd.Series(
        [float(v) for v in BASE], index=pd.date_range("2016-03-31", periods=12, freq="QE")
    )
    r = xmr(s, frequency="quarter")
    assert r.sentence.startswith("The quarter to December 2018")


# --------------------------------------------------------------------------- properties

int_series = st.lists(st.integers(min_value=-50, max_value=50), min_size=2, max_size=40)
polarities = st.sampled_from(["higher_is_better", "lower_is_better", "neutral"])


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.integers(min_value=1, max_value=40),
    polarities,
)
def test_constant_series_has_no_signal(c: float, n: int, polarity: str) -> None:
    r = xmr(monthly([c] * n), polarity)
    assert r.data["rule"].isna().all()
    assert r.variation == "common_cause"


@given(int_series)
def test_reversing_polarity_swaps_improvement_and_concern(x: list[int]) -> None:
    up = xmr(monthly(x), "higher_is_better")
    down = xmr(monthly(x), "lower_is_better")
    swap = {"improvement": "concern", "concern": "improvement", None: None}
    assert [swap[s] for s in up.data["signal"]] == down.data["signal"].tolist()
    assert up.data["rule"].tolist() == down.data["rule"].tolist()


@given(int_series, st.integers(min_value=-1000, max_value=1000), polarities)
def test_shifting_by_a_constant_shifts_the_limits(x: list[int], c: int, polarity: str) -> None:
    a = xmr(monthly(x), polarity)
    b = xmr(monthly([v + c for v in x]), polarity)
    for col in ("centre", "lower", "upper", "lower_2_3", "upper_2_3"):
        np.testing.assert_allclose(b.data[col], a.data[col] + c, rtol=0, atol=1e-9)
    assert a.data["rule"].tolist() == b.data["rule"].tolist()
    assert a.data["signal"].tolist() == b.data["signal"].tolist()


@given(int_series, st.sampled_from([0.25, 0.5, 2.0, 8.0, 1024.0, 3.0, 0.1]), polarities)
@settings(max_examples=150)
def test_scaling_keeps_the_rule_flags(x: list[int], k: float, polarity: str) -> None:
    a = xmr(monthly(x), polarity)
    b = xmr(monthly([v * k for v in x]), polarity)
    assert a.data["rule"].tolist() == b.data["rule"].tolist()
    assert a.data["signal"].tolist() == b.data["signal"].tolist()
    np.testing.assert_allclose(b.data["upper"], a.data["upper"] * k, rtol=1e-9, atol=1e-9)


@given(int_series)
def test_negating_with_reversed_polarity_keeps_signals(x: list[int]) -> None:
    a = xmr(monthly(x), "higher_is_better")
    b = xmr(monthly([-v for v in x]), "lower_is_better")
    assert a.data["rule"].tolist() == b.data["rule"].tolist()
    assert a.data["signal"].tolist() == b.data["signal"].tolist()


@given(st.lists(st.one_of(st.integers(-50, 50), st.none()), min_size=0, max_size=30), polarities)
def test_never_fails_on_gaps(x: list[int | None], polarity: str) -> None:
    values = [math.nan if v is None else v for v in x]
    r = xmr(monthly(values), polarity)
    missing = r.data["value"].isna()
    assert r.data.loc[missing, "rule"].isna().all()
    assert len(r.data) == len(x)
