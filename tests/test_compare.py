"""Comparisons: hand-computed figures with their periods in words; gaps never count as zero."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pcp_data.compare import (
    all_comparisons,
    latest_vs_previous,
    rolling_vs_previous,
    vs_baseline,
    vs_target,
    year_to_date_vs_last_year,
)
from pcp_data.vocabulary import Target


def monthly(values: list[float], start: str = "2017-04-30") -> pd.Series:
    return pd.Series(
        [float(v) for v in values],
        index=pd.date_range(start, periods=len(values), freq="ME"),
        dtype=float,
    )


# April 2017 .. March 2019: 1, 2, ..., 24
SERIES = monthly(list(range(1, 25)))


def test_latest_vs_previous() -> None:
    c = latest_vs_previous(SERIES, "month")
    assert (c.current, c.previous, c.change) == (24, 23, 24 - 23)
    assert c.pct_change == pytest.approx(100 * (24 - 23) / 23)
    assert c.periods_words == "March 2019 against February 2019"
    assert c.sentence == "March 2019 against February 2019: 24 against 23, up 1 (+4.3%)."


def test_rolling_12_months_from_monthly() -> None:
    c = rolling_vs_previous(SERIES, "month")
    assert c.current == sum(range(13, 25))  # 222
    assert c.previous == sum(range(1, 13))  # 78
    assert c.change == 222 - 78
    assert c.pct_change == pytest.approx(100 * 144 / 78)
    assert c.current_period_words == "12 months to March 2019"
    assert c.previous_period_words == "12 months to March 2018"


def test_rolling_12_months_from_quarterly() -> None:
    q = pd.Series(
        [1.0, 2, 3, 4, 5, 6, 7, 8], index=pd.date_range("2017-06-30", periods=8, freq="QE")
    )
    c = rolling_vs_previous(q, "quarter")
    assert (c.current, c.previous) == (5 + 6 + 7 + 8, 1 + 2 + 3 + 4)
    assert c.periods_words == "12 months to March 2019 against 12 months to March 2018"


def test_rolling_12_months_series_compares_a_year_apart() -> None:
    r = monthly([100 + k for k in range(13)], start="2018-03-31")  # March 2018 .. March 2019
    c = rolling_vs_previous(r, "rolling_12_months")
    assert (c.current, c.previous) == (112, 100)
    assert c.periods_words == "12 months to March 2019 against 12 months to March 2018"


def test_year_to_date() -> None:
    s = SERIES.iloc[:18]  # to September 2018
    c = year_to_date_vs_last_year(s, "month")
    # April-September 2018 = months 13..18; April-September 2017 = months 1..6
    assert c.current == 13 + 14 + 15 + 16 + 17 + 18
    assert c.previous == 1 + 2 + 3 + 4 + 5 + 6
    assert c.periods_words == "April–September 2018 against April–September 2017"


@pytest.mark.parametrize(
    ("months", "words"),
    [
        (13, "April 2018 against April 2017"),
        (22, "April 2018–January 2019 against April 2017–January 2018"),
        (24, "April 2018–March 2019 against April 2017–March 2018"),
    ],
)
def test_year_to_date_words(months: int, words: str) -> None:
    assert year_to_date_vs_last_year(SERIES.iloc[:months], "month").periods_words == words


def test_year_to_date_quarterly() -> None:
    q = pd.Series(
        [1.0, 2, 3, 4, 5, 6], index=pd.date_range("2017-06-30", periods=6, freq="QE")
    )  # to September 2018
    c = year_to_date_vs_last_year(q, "quarter")
    assert (c.current, c.previous) == (5 + 6, 1 + 2)
    assert c.periods_words == "April–September 2018 against April–September 2017"


@pytest.mark.parametrize(
    "func",
    [
        lambda s: rolling_vs_previous(s, "month"),
        lambda s: year_to_date_vs_last_year(s, "month"),
    ],
    ids=["rolling", "year to date"],
)
def test_a_gap_makes_the_comparison_unavailable(func: object) -> None:
    s = SERIES.copy()
    s.iloc[3] = math.nan  # July 2017
    c = func(s)  # type: ignore[operator]
    assert not c.available
    assert c.current is None and c.change is None and c.pct_change is None
    assert c.reason == "July 2017 is missing"
    assert "not available (July 2017 is missing)" in c.sentence


def test_too_short_for_rolling() -> None:
    c = rolling_vs_previous(SERIES.iloc[5:], "month")  # 19 months
    assert not c.available
    assert "is not in the data" in (c.reason or "")


def test_latest_missing_is_not_zero() -> None:
    s = SERIES.copy()
    s.iloc[-1] = math.nan
    c = latest_vs_previous(s, "month")
    assert not c.available and c.reason == "March 2019 is missing"


def test_pct_change_none_when_previous_zero() -> None:
    c = latest_vs_previous(monthly([0, 5]), "month")
    assert c.change == 5 and c.pct_change is None
    assert c.sentence == "May 2017 against April 2017: 5 against 0, up 5."


def test_pooled_percentages_over_windows() -> None:
    satisfied = monthly([40] * 12 + [45] * 12)
    respondents = monthly([50] * 12 + [60] * 11 + [100])
    c = rolling_vs_previous(satisfied, "month", base=respondents)
    # pooled, not an average of monthly percentages:
    assert c.current == pytest.approx(100 * (45 * 12) / (60 * 11 + 100))  # 71.05%
    assert c.previous == pytest.approx(100 * (40 * 12) / (50 * 12))  # 80%
    assert c.unit == "percent"
    assert c.sentence == (
        "12 months to March 2019 against 12 months to March 2018: 71.1% against 80.0%, "
        "down 8.9 percentage points."
    )
    latest = latest_vs_previous(satisfied, "month", base=respondents)
    assert latest.current == pytest.approx(45.0) and latest.previous == pytest.approx(75.0)


def test_vs_baseline_mean_per_period() -> None:
    c = vs_baseline(SERIES, "month", ("2017-04-01", "2018-03-31"))
    assert c.current == 24
    assert c.previous == pytest.approx(sum(range(1, 13)) / 12)  # 6.5
    assert c.periods_words == "March 2019 against the average month of April 2017–March 2018"


def test_vs_baseline_12_months() -> None:
    c = vs_baseline(SERIES, "month", ("2017-04-01", "2018-03-31"), current="12_months")
    assert c.current == sum(range(13, 25))
    assert c.previous == pytest.approx(12 * sum(range(1, 13)) / 12)
    assert c.previous_period_words == "12 × the average month of April 2017–March 2018"


def test_vs_baseline_annual_totals() -> None:
    fy = pd.Series(
        [1000.0, 1100.0, 900.0], index=pd.to_datetime(["2016-03-31", "2017-03-31", "2018-03-31"])
    )
    c = vs_baseline(fy, "financial_year", ("2015-04-01", "2016-03-31"))
    assert (c.current, c.previous) == (900, 1000)
    assert c.pct_change == pytest.approx(-10.0)
    assert c.periods_words == "2017/18 against the baseline 2015/16"


def test_vs_baseline_with_a_gap() -> None:
    s = SERIES.copy()
    s.iloc[2] = math.nan
    c = vs_baseline(s, "month", ("2017-04-01", "2018-03-31"))
    assert not c.available and c.reason == "June 2017 is missing"


@pytest.mark.parametrize(
    ("target", "meets"),
    [((">=", 20), True), (Target("<=", 20), False), ({"op": "<", "value": 25}, True)],
)
def test_vs_target(target: object, meets: bool) -> None:
    c = vs_target(SERIES, "month", target)  # type: ignore[arg-type]
    assert c.current == 24
    assert c.meets_target is meets
    assert c.change == 24 - c.previous  # type: ignore[operator]


def test_quarter_words_capitalised() -> None:
    q = pd.Series([1.0, 2.0], index=pd.to_datetime(["2018-12-31", "2019-03-31"]))
    assert latest_vs_previous(q, "quarter").sentence.startswith(
        "The quarter to March 2019 against the quarter to December 2018"
    )


def test_all_comparisons_kinds() -> None:
    labels = [c.label for c in all_comparisons(SERIES, "month", baseline=("2017-04-01",
              "2018-03-31"), target=(">=", 10))]  # fmt: skip
    assert len(labels) == 5
    fy = pd.Series([1.0, 2.0], index=pd.to_datetime(["2018-03-31", "2019-03-31"]))
    assert [c.periods_words for c in all_comparisons(fy, "financial_year")] == [
        "2018/19 against 2017/18"
    ]


def test_mean_windows() -> None:
    c = rolling_vs_previous(SERIES, "month", how="mean")
    assert c.current == pytest.approx(np.mean(range(13, 25)))
    assert c.previous == pytest.approx(np.mean(range(1, 13)))
