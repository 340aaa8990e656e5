"""The small tables pages draw from, computed in the library (never in a page)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pcp_data.measures import group_totals
from pcp_data.surveys import interval_frame, pooled_windows, wilson


def month_ends(n: int, start: str = "2019-04-30") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="ME")


def test_pooled_windows_add_counts_and_leave_out_windows_with_a_gap() -> None:
    idx = month_ends(4).delete(2)  # April, May, July: June is missing
    monthly = pd.DataFrame({"value": [30.0, 40.0, 50.0], "base": [50.0, 60.0, 70.0]}, index=idx)
    pooled = pooled_windows(monthly, 2)
    # only April+May is a whole window: 30 + 40 = 70 of 50 + 60 = 110
    assert pooled.to_dict("index") == {pd.Timestamp("2019-05-31"): {"value": 70.0, "base": 110.0}}


def test_interval_frame_is_percent_with_wilson_limits() -> None:
    idx = month_ends(2)
    frame = interval_frame(pd.Series([45.0, 0.0], index=idx), pd.Series([60.0, 0.0], index=idx))
    assert len(frame) == 1  # no respondents: left out
    low, high = wilson(45, 60)
    row = frame.iloc[0]
    assert row["value"] == pytest.approx(100 * 45 / 60)  # 75%
    assert (row["low"], row["high"]) == pytest.approx((100 * low, 100 * high))
    assert 62.7 < row["low"] < 62.8 and 84.2 < row["high"] < 84.3


def test_group_totals_latest_12_months_against_the_12_before() -> None:
    idx = month_ends(24)
    rows = [
        {
            "category": "Robbery",
            "period_end": d.strftime("%Y-%m-%d"),
            "period_type": "month",
            "value": 1.0 if i < 12 else 2.0,
        }
        for i, d in enumerate(idx)
    ]
    rows += [
        {
            "category": "Theft offences",
            "period_end": d.strftime("%Y-%m-%d"),
            "period_type": "month",
            "value": 10.0,
        }
        for d in idx[12:]
    ]
    totals = group_totals(pd.DataFrame(rows))
    t = totals.table.set_index("category")
    # robbery: 12 x 2 = 24 now against 12 x 1 = 12 before: +12, +100%
    assert t.loc["Robbery", ["latest", "before", "change", "change_pct"]].tolist() == [
        24.0,
        12.0,
        12.0,
        100.0,
    ]
    # theft: 120 now, nothing held before: no change, never a change from zero
    assert t.loc["Theft offences", "latest"] == 120.0
    assert math.isnan(t.loc["Theft offences", "before"])
    assert (totals.total_now, totals.total_before) == (144.0, 12.0)
    assert totals.last == idx[-1]


def test_group_totals_without_a_whole_year_before_do_not_compare() -> None:
    idx = month_ends(18)
    frame = pd.DataFrame(
        {
            "category": "Robbery",
            "period_end": idx.strftime("%Y-%m-%d"),
            "period_type": "month",
            "value": np.ones(18),
        }
    )
    totals = group_totals(frame)
    assert totals.total_now == 12.0 and totals.total_before is None
    assert totals.table["before"].isna().all()
