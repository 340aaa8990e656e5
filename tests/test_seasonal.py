"""Seasonal adjustment (ratio to mean) against factors worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcp_data.seasonal import METHOD, periods_per_year, seasonally_adjust


def _quarters(values: list[float], start: str = "2019-03-31") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="QE"))


def _months(values: list[float], start: str = "2019-01-31") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="ME"))


def test_periods_per_year() -> None:
    assert periods_per_year("month") == 12
    assert periods_per_year("quarter") == 4
    for other in ("financial_year", "rolling_12_months", "snapshot", "week"):
        assert periods_per_year(other) is None


def test_quarterly_factors_by_hand() -> None:
    # calendar quarters Q1 (Jan-Mar) ... Q4 (Oct-Dec), 2019-2021
    values = [
        80, 100, 120, 100,  # 2019
        90, 110, 130, 110,  # 2020
        100, 120, 140, 120,  # 2021
    ]  # fmt: skip
    s = seasonally_adjust(_quarters([float(v) for v in values]), "quarter")
    assert s is not None
    # quarter means: Q1 (80 + 90 + 100) / 3 = 90, Q2 (100 + 110 + 120) / 3 = 110,
    # Q3 (120 + 130 + 140) / 3 = 130, Q4 = 110; overall mean 1320 / 12 = 110
    # factors 90/110 = 0.818182, 110/110 = 1, 130/110 = 1.181818, 1; they average (4.0) / 4 = 1
    assert s.factors.index.tolist() == [1, 2, 3, 4]
    assert s.factors.tolist() == pytest.approx([90 / 110, 1.0, 130 / 110, 1.0], rel=1e-12)
    assert s.factors.round(6).tolist() == [0.818182, 1.0, 1.181818, 1.0]
    # adjusted: 80 / 0.818182 = 97.7778, 140 / 1.181818 = 118.4615, 120 (Q4 2021) / 1 = 120
    assert s.adjusted.iloc[0] == pytest.approx(80 * 110 / 90)
    assert s.adjusted.iloc[0] == pytest.approx(97.7778, abs=1e-4)
    assert s.adjusted.iloc[10] == pytest.approx(118.4615, abs=1e-4)
    assert s.adjusted.iloc[11] == 120.0
    assert s.observed.tolist() == [float(v) for v in values]
    assert s.whole_years == 3
    assert s.window == (pd.Timestamp("2019-03-31"), pd.Timestamp("2021-12-31"))
    assert s.method == METHOD
    assert s.words == (
        "Seasonally adjusted: each quarter divided by its seasonal factor, from the 3 whole years "
        "January 2019–December 2021."
    )


def test_factors_are_by_calendar_quarter_not_position() -> None:
    # starting with the quarter to June: position 0 is calendar quarter 2
    values = [100.0, 120, 80, 100] * 3  # Q2, Q3, Q4, Q1 repeating
    s = seasonally_adjust(_quarters(values, start="2019-06-30"), "quarter")
    assert s is not None
    # overall mean 100: Q1 = 100/100, Q2 = 100/100, Q3 = 120/100, Q4 = 80/100
    assert s.factors.tolist() == pytest.approx([1.0, 1.0, 1.2, 0.8])
    # window words start at the first month of the first quarter
    assert "April 2019–March 2022" in s.words


def test_monthly_words_and_whole_years() -> None:
    # April 2019 to March 2025 is 72 months = 6 whole years; a leading partial year is left out
    pattern = [float(10 + m) for m in range(12)]
    values = pattern[:5] + pattern * 6  # 5 extra months before April 2019
    s = seasonally_adjust(_months(values, start="2018-11-30"), "month")
    assert s is not None
    assert s.whole_years == 6
    assert s.window == (pd.Timestamp("2019-04-30"), pd.Timestamp("2025-03-31"))
    assert s.words == (
        "Seasonally adjusted: each month divided by its seasonal factor, from the 6 whole years "
        "April 2019–March 2025."
    )
    assert s.factors.index.tolist() == list(range(1, 13))
    # the points before the window are adjusted with the same factors
    assert not s.adjusted.isna().any()
    assert s.adjusted.iloc[0] == pytest.approx(values[0] / s.factors[11])


def test_purely_seasonal_series_adjusts_to_a_flat_line() -> None:
    shape = np.array([0.8, 0.85, 0.9, 1.0, 1.05, 1.15, 1.25, 1.2, 1.05, 1.0, 0.9, 0.85])
    values = (500 * np.tile(shape, 4)).tolist()
    s = seasonally_adjust(_months(values), "month")
    assert s is not None
    assert s.adjusted.to_numpy() == pytest.approx(np.full(48, 500 * shape.mean()), rel=1e-12)
    assert s.factors.to_numpy() == pytest.approx(shape / shape.mean(), rel=1e-12)


def test_fewer_than_three_whole_years_gives_none() -> None:
    assert seasonally_adjust(_quarters([10.0, 20, 30, 40] * 2 + [10, 20, 30]), "quarter") is None
    assert seasonally_adjust(_months([5.0] * 35), "month") is None
    assert seasonally_adjust(_months([5.0] * 36), "month") is not None
    # a lower minimum is allowed
    assert seasonally_adjust(_months([5.0] * 24), "month", minimum_years=2) is not None
    with pytest.raises(ValueError):
        seasonally_adjust(_months([5.0] * 36), "month", minimum_years=0)


def test_non_seasonal_frequency_gives_none() -> None:
    s = _months([5.0] * 48)
    assert seasonally_adjust(s, "financial_year") is None
    assert seasonally_adjust(s, "rolling_12_months") is None


def test_a_gap_shortens_the_window() -> None:
    # 60 months, January 2019 to December 2023
    values = [float(100 + (i % 12)) for i in range(60)]
    gap = list(values)
    gap[17] = np.nan  # June 2020: 42 months after it, 3 whole years (January 2021 on)
    s = seasonally_adjust(_months(gap), "month")
    assert s is not None
    assert s.whole_years == 3
    assert s.window == (pd.Timestamp("2021-01-31"), pd.Timestamp("2023-12-31"))
    assert np.isnan(s.adjusted.iloc[17])  # a missing value stays missing
    assert seasonally_adjust(_months(values), "month").whole_years == 5  # type: ignore[union-attr]
    later = list(values)
    later[29] = np.nan  # June 2021: only 30 months after it, 2 whole years
    assert seasonally_adjust(_months(later), "month") is None


def test_trailing_nan_counts_back_from_the_last_observed_point() -> None:
    values = [float(100 + (i % 12)) for i in range(36)] + [np.nan, np.nan]
    s = seasonally_adjust(_months(values), "month")
    assert s is not None
    assert s.whole_years == 3
    assert s.window[1] == pd.Timestamp("2021-12-31")


def test_a_missing_row_breaks_the_run_like_a_nan() -> None:
    s = _months([float(100 + (i % 12)) for i in range(48)])
    dropped = s.drop(s.index[20])  # September 2020 row missing: 27 consecutive months after
    assert seasonally_adjust(dropped, "month") is None


def test_a_factor_of_zero_gives_none() -> None:
    values = [0.0, 10, 20, 30] * 3  # the first quarter is always 0
    assert seasonally_adjust(_quarters(values), "quarter") is None
    assert seasonally_adjust(_quarters([0.0] * 12), "quarter") is None


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        seasonally_adjust(pd.Series([1.0] * 12), "quarter")  # no dates
    with pytest.raises(ValueError):
        seasonally_adjust(_quarters([1.0] * 12).iloc[::-1], "quarter")


@given(
    st.lists(st.floats(min_value=1, max_value=10_000, allow_nan=False), min_size=36, max_size=72)
)
def test_factors_average_to_one(values: list[float]) -> None:
    s = seasonally_adjust(_months(values), "month")
    assert s is not None
    assert s.factors.mean() == pytest.approx(1.0, abs=1e-12)
    assert s.whole_years == len(values) // 12
    # over the window the adjusted values keep the total (each month's mean becomes the overall)
    start = len(values) - 12 * s.whole_years
    window = s.observed.iloc[start:]
    assert s.adjusted.iloc[start:].mean() == pytest.approx(window.mean(), rel=1e-9)
