"""Seasonal adjustment of monthly and quarterly counts by the ratio-to-mean method.

Why
---
Most crime is seasonal: violence peaks in summer, burglary in the dark winter months. XmR
limits drawn over raw monthly counts call every summer "concern" and every winter
"improvement" (GUIDE section 2, "Seasonality"). Dividing each period by its seasonal factor
takes the calendar out, so that an SPC signal on the adjusted series is news rather than
the time of year. The raw series is always kept (``observed``) so the product can show both and
say which one was judged.

Method (multiplicative, ratio to mean)
--------------------------------------
1. **Window.** Count back from the latest observed period over consecutive periods with a
   value (no NaN, no missing row), and keep the longest run of *whole years*: 12 months or 4
   quarters each. A gap therefore shortens the window to the whole years after it. With fewer
   than ``minimum_years`` (3) whole years there is no adjustment (None).
2. **Factors.** With ``W`` the window's values, ``s`` a calendar month (1-12) or quarter
   (1-4)::

       factor_s = mean(W in season s) / mean(W)

   Each season appears the same number of times in whole years, so the factors already average
   exactly 1; they are divided by their mean once more so that rounding never drifts.
3. **Adjusted values.** ``adjusted_t = observed_t / factor_(season of t)`` for every period,
   including those before the window (the factors are applied, not re-estimated). A missing
   value stays missing.

Why ratio to mean and not ratio to moving average
-------------------------------------------------
The classical decomposition (``statsmodels.tsa.seasonal.seasonal_decompose``) divides each
value by a centred 12-month moving average before averaging by month, which removes trend
first. It loses six months at each end, so three years yield only two full cycles of ratios, and
its factors move when the trend estimate does. STL (``statsmodels.tsa.seasonal.STL``) is robust
but its factors cannot be checked by hand. The ratio to the overall mean is stable on the short
series a force has (3-6 years), transparent ("July averages 12% above the typical month") and
checkable in a spreadsheet. Its cost: a strong trend inside the window leaks a little into the
factors of the months at the window's ends. Over whole years every month is pulled the same
way, so the leak is small for the modest trends of crime series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pcp_data.spc import series_values
from pcp_data.vocabulary import FREQUENCIES

METHOD = "ratio-to-mean (multiplicative)"
"""The ``method`` recorded on every :class:`SeasonalAdjustment`."""

DEFAULT_MINIMUM_YEARS = 3
"""Whole years of history needed before seasonal factors are estimated (GUIDE section 2)."""


def periods_per_year(frequency: str) -> int | None:
    """Periods in a year for a seasonal frequency: 12 for ``"month"``, 4 for ``"quarter"``,
    None for anything else (financial years, rolling years and snapshots have no season)."""
    return FREQUENCIES[frequency].seasons if frequency in FREQUENCIES else None


@dataclass(frozen=True, eq=False)
class SeasonalAdjustment:
    """A series with its seasonal factors and the adjusted values.

    Attributes
    ----------
    observed : pandas.Series
        The values as given (float), indexed by period end.
    adjusted : pandas.Series
        ``observed / factor`` of each period's calendar month or quarter (NaN stays NaN).
    factors : pandas.Series
        Indexed 1-12 (calendar month) or 1-4 (calendar quarter, 1 = January-March); mean 1.
    whole_years : int
        Whole years in the window the factors come from.
    window : tuple of pandas.Timestamp
        Period end dates of the window's first and last periods.
    method : str
        :data:`METHOD`.
    """

    observed: pd.Series
    adjusted: pd.Series
    factors: pd.Series
    whole_years: int
    window: tuple[pd.Timestamp, pd.Timestamp]
    method: str

    @property
    def frequency(self) -> str:
        """``"month"`` or ``"quarter"``, from the number of factors."""
        return "month" if len(self.factors) == 12 else "quarter"

    @property
    def words(self) -> str:
        """E.g. ``"Seasonally adjusted: each month divided by its seasonal factor, from the 6
        whole years April 2019–March 2025."``"""
        unit = self.frequency
        first, last = self.window
        # a quarter ending June 2019 starts in April 2019
        start = first - pd.DateOffset(months=2) if unit == "quarter" else first
        years = f"{self.whole_years} whole year{'' if self.whole_years == 1 else 's'}"
        return (
            f"Seasonally adjusted: each {unit} divided by its seasonal factor, from the {years} "
            f"{start.strftime('%B %Y')}–{last.strftime('%B %Y')}."
        )


def seasonally_adjust(
    values: pd.Series, frequency: str, minimum_years: int = DEFAULT_MINIMUM_YEARS
) -> SeasonalAdjustment | None:
    """Seasonal factors from the trailing whole years and the seasonally adjusted series.

    Parameters
    ----------
    values : pandas.Series
        Counts indexed by period end dates (month ends or quarter ends), ascending; NaN for a
        missing period.
    frequency : str
        ``"month"`` or ``"quarter"``; any other frequency has no season and gives None.
    minimum_years : int, default 3
        Whole years the window must hold.

    Returns
    -------
    SeasonalAdjustment or None
        None when the frequency is not seasonal, fewer than ``minimum_years`` whole years end at
        the latest observed period, or a factor is not positive (e.g. a month that is always 0).

    Raises
    ------
    ValueError
        When ``values`` is not a Series on an ascending DatetimeIndex without duplicates, or
        ``minimum_years`` is below 1.

    Examples
    --------
    Three years of quarters, 10, 20, 30, 40 each year: the mean is 25, so the factors are
    10/25, 20/25, 30/25, 40/25 and every adjusted value is 25.

    >>> idx = pd.date_range("2019-03-31", periods=12, freq="QE")
    >>> s = seasonally_adjust(pd.Series([10.0, 20, 30, 40] * 3, index=idx), "quarter")
    >>> s.factors.tolist()
    [0.4, 0.8, 1.2, 1.6]
    >>> s.adjusted.unique().tolist()
    [25.0]
    """
    if minimum_years < 1:
        raise ValueError("minimum_years must be at least 1")
    v, dates = series_values(values, "seasonal adjustment")
    per_year = periods_per_year(frequency)
    if per_year is None:
        return None
    season = _season(dates, frequency)
    # consecutive period numbers: a missing row breaks the run just like a NaN does
    number = dates.year.to_numpy() * per_year + season - 1
    present = np.flatnonzero(~np.isnan(v))
    if len(present) == 0:
        return None
    last = int(present[-1])
    first = last
    while first > 0 and not np.isnan(v[first - 1]) and number[first - 1] == number[first] - 1:
        first -= 1
    whole_years = (last - first + 1) // per_year
    if whole_years < minimum_years:
        return None
    start = last + 1 - whole_years * per_year
    window = v[start : last + 1]
    overall = float(window.mean())
    if not math.isfinite(overall) or overall <= 0:
        return None
    win_season = season[start : last + 1]
    raw = np.array([window[win_season == s].mean() / overall for s in range(1, per_year + 1)])
    if not np.all(np.isfinite(raw)) or np.any(raw <= 0):
        return None
    factors = pd.Series(raw / raw.mean(), index=pd.RangeIndex(1, per_year + 1), name="factor")
    factors.index.name = "month" if frequency == "month" else "quarter"
    observed = pd.Series(v, index=dates, name=values.name)
    adjusted = pd.Series(v / factors.to_numpy()[season - 1], index=dates, name=values.name)
    return SeasonalAdjustment(
        observed=observed,
        adjusted=adjusted,
        factors=factors,
        whole_years=int(whole_years),
        window=(pd.Timestamp(dates[start]), pd.Timestamp(dates[last])),
        method=METHOD,
    )


def _season(dates: pd.DatetimeIndex, frequency: str) -> np.ndarray:
    """Calendar month (1-12) or calendar quarter (1-4) of each period end."""
    month: np.ndarray = dates.month.to_numpy()
    return month if frequency == "month" else (month - 1) // 3 + 1
