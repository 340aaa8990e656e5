"""Status from evidence, judgement against the expectation tier, and roll-up (never averaging)."""

from __future__ import annotations

import pandas as pd
import pytest

from pcp_data.spc import xmr
from pcp_data.status import (
    JUDGEMENT_STYLE,
    JUDGEMENTS,
    STATUS_STYLE,
    Status,
    judge,
    judge_measure,
    roll_up,
    status_from_evidence,
    status_from_spc,
    status_from_survey,
)
from pcp_data.surveys import compare_proportions

PALETTE = {"#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"}


def monthly(values: list[float]) -> pd.Series:
    return pd.Series(
        [float(v) for v in values],
        index=pd.date_range("2018-01-31", periods=len(values), freq="ME"),
        dtype=float,
    )


BASE = [10, 12, 10, 8] * 3  # centre 10, limits 4.68 .. 15.32
BELOW = [*BASE, 9, 9, 9, 9, 9, 9, 9]  # 8 points below the mean (9.63): a shift down


@pytest.mark.parametrize(
    ("values", "polarity", "status"),
    [
        (BASE, "higher_is_better", "stable"),
        (BELOW, "lower_is_better", "improving"),
        (BELOW, "higher_is_better", "deteriorating"),
        (BELOW, "neutral", "changed"),
        ([*BASE, 30], "higher_is_better", "improving"),
        ([5.0], "higher_is_better", "not enough data"),  # one point: no limits
        ([float("nan")] * 3, "higher_is_better", "not enough data"),
    ],
)
def test_status_from_spc(values: list[float], polarity: str, status: str) -> None:
    result = xmr(monthly(values), polarity)
    s = status_from_spc(result)
    assert s.name == status
    assert s.sentence == result.sentence
    assert s.source == "spc"


def test_provisional_status_says_so() -> None:
    s = status_from_spc(xmr(monthly(BASE[:8]), "higher_is_better"))
    assert s.name == "stable" and s.provisional
    assert s.words == "stable (provisional)"
    assert "provisional" in s.sentence


@pytest.mark.parametrize(
    ("counts", "polarity", "status"),
    [
        # 300/400 -> 340/400: significant rise (p = 0.0004)
        ((300, 400, 340, 400), "higher_is_better", "improving"),
        ((300, 400, 340, 400), "lower_is_better", "deteriorating"),
        ((300, 400, 340, 400), "neutral", "changed"),
        # 45/60 -> 60/70: p = 0.12, not significant
        ((45, 60, 60, 70), "higher_is_better", "stable"),
        # base of 40 below the minimum 50
        ((30, 40, 35, 40), "higher_is_better", "not enough data"),
    ],
)
def test_status_from_survey(counts: tuple[int, int, int, int], polarity: str, status: str) -> None:
    change = compare_proportions(*counts)
    s = status_from_survey(change, polarity)
    assert s.name == status
    assert s.sentence == change.sentence
    assert status_from_evidence(change, polarity=polarity) == s


def test_no_evidence() -> None:
    s = status_from_evidence(None, reason="SPC rules are not run on rolling 12-month figures")
    assert s.name == "not enough data"
    assert s.sentence.startswith("SPC rules are not run")
    with pytest.raises(ValueError):
        status_from_evidence(compare_proportions(1, 60, 2, 60))


# (status, tier, assurance) -> judgement
JUDGEMENT_TABLE = [
    ("improving", "maintain", None, "on track"),
    ("stable", "maintain", None, "on track"),
    ("deteriorating", "maintain", None, "of concern"),
    ("changed", "maintain", None, "needs attention"),
    ("improving", "improve", None, "on track"),
    ("stable", "improve", None, "needs attention"),  # not yet
    ("deteriorating", "improve", None, "of concern"),
    ("improving", "transform", None, "on track"),  # needs special cause improvement
    ("stable", "transform", None, "needs attention"),
    ("deteriorating", "transform", None, "of concern"),
    ("stable", None, None, "on track"),  # no tier: read as maintain
    ("not enough data", "maintain", None, "not judged"),
    ("not enough data", "transform", "consistently_pass", "not judged"),
    # assurance moves one step at most
    ("stable", "maintain", "consistently_fail", "needs attention"),
    ("improving", "transform", "consistently_fail", "needs attention"),
    ("stable", "improve", "consistently_pass", "on track"),
    ("deteriorating", "maintain", "consistently_pass", "needs attention"),
    ("deteriorating", "maintain", "consistently_fail", "of concern"),
    ("stable", "improve", "hit_and_miss", "needs attention"),
    ("stable", "maintain", "hit_and_miss", "on track"),
]


@pytest.mark.parametrize(("status", "tier", "assurance", "expected"), JUDGEMENT_TABLE)
def test_judgement_table(
    status: str, tier: str | None, assurance: str | None, expected: str
) -> None:
    j = judge(Status(status, "Evidence sentence."), tier, assurance)
    assert j.name == expected
    assert j.sentence.endswith("Evidence sentence.")
    assert j.sentence.lower().startswith(expected)
    # never colour alone: icon, words and a palette colour
    assert j.icon and j.words == expected and j.colour in PALETTE


def test_judgement_sentence() -> None:
    j = judge(Status("stable", "March 2019 (8.00) is within the process limits."), "improve")
    assert j.sentence == (
        "Needs attention: stable, and the plan expects it to improve. "
        "March 2019 (8.00) is within the process limits."
    )


def test_styles_are_distinct_and_in_the_palette() -> None:
    for style in (STATUS_STYLE, JUDGEMENT_STYLE):
        icons = [icon for icon, _ in style.values()]
        assert len(set(icons)) == len(icons)
        assert {colour for _, colour in style.values()} <= PALETTE
    assert len({c for _, c in JUDGEMENT_STYLE.values()}) == len(JUDGEMENT_STYLE)


def test_bad_tier_or_assurance() -> None:
    with pytest.raises(ValueError):
        judge(Status("stable", "x"), "double")
    with pytest.raises(ValueError):
        judge(Status("stable", "x"), "maintain", "sometimes")


def test_judge_measure_uses_spc_assurance() -> None:
    # limits 4.68 .. 15.32; target >= 16 is above the upper limit: consistently fail
    result = xmr(monthly(BASE), "higher_is_better", target=(">=", 16))
    j = judge_measure(result, "maintain")
    assert j.assurance == "consistently_fail"
    assert j.status.name == "stable"
    assert j.name == "needs attention"
    assert "consistently fail" in j.sentence


def _j(name: str) -> object:
    status = {
        "on track": "stable",
        "needs attention": "changed",
        "of concern": "deteriorating",
        "not judged": "not enough data",
    }[name]
    j = judge(Status(status, "x"), "maintain")
    assert j.name == name
    return j


@pytest.mark.parametrize(
    ("names", "worst"),
    [
        (["on track", "on track", "of concern"], "of concern"),  # one bad measure is not averaged
        (["on track", "needs attention", "not judged"], "needs attention"),
        (["on track", "not judged"], "on track"),
        (["not judged", "not judged"], "not judged"),
        ([], "not judged"),
    ],
)
def test_roll_up_worst(names: list[str], worst: str) -> None:
    r = roll_up("KPQ 1", [_j(n) for n in names])  # type: ignore[misc]
    assert r.worst == worst
    assert sum(r.counts.values()) == len(names)
    assert set(r.counts) == set(JUDGEMENTS)
    assert r.icon == JUDGEMENT_STYLE[worst][0]


def test_roll_up_sentence_and_priority() -> None:
    kpq1 = roll_up("KPQ 1", [_j("on track"), _j("on track"), _j("of concern")])  # type: ignore[list-item]
    assert (
        kpq1.sentence
        == "KPQ 1: of concern, the worst of its 3 measures (2 on track, 1 of concern)."
    )
    kpq2 = roll_up("KPQ 2", [_j("needs attention"), _j("not judged")])  # type: ignore[list-item]
    priority = roll_up("Priority A", [kpq1, kpq2])
    # counts add up across KPQs; the worst measure decides
    assert priority.counts == {
        "on track": 2,
        "needs attention": 1,
        "of concern": 1,
        "not judged": 1,
    }
    assert priority.worst == "of concern"
