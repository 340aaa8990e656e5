"""Comparisons on a measure's series, each with its periods named in words.

Every function takes a series following the product's contract (float values indexed by an
ascending DatetimeIndex of period *end* dates, one per period, NaN for a missing period) and its
frequency, and returns a :class:`Comparison`. A comparison needs every period of both windows:
if a period is missing (NaN, or absent from the index) the comparison is *unavailable* and says
why. A missing period is never treated as zero.

Comparisons
-----------
* :func:`latest_vs_previous` - the latest period against the one before
  ("March 2019 against February 2019").
* :func:`rolling_vs_previous` - the 12 months to the latest period against the 12 months before
  ("12 months to March 2019 against 12 months to March 2018"). A monthly series sums its last 12
  values and the 12 before; a quarterly series its last 4 and the 4 before; a series that is
  already rolling 12-month figures compares its latest value with the value 12 months earlier.
* :func:`year_to_date_vs_last_year` - financial year to date (April-March) against the same
  months a year earlier ("April–September 2018 against April–September 2017").
* :func:`vs_baseline` - the latest period against the **mean per period** of a baseline date
  range ("March 2019 against the average month of April 2015–March 2016"). For an annual series
  (``financial_year``) with a one-year baseline the mean per period *is* the baseline year's
  total, so annual totals are compared. ``current="12_months"`` instead compares the sum of the
  latest 12 months with 12 × the baseline mean per month (for plans that set an annual baseline
  against a monthly series).
* :func:`vs_target` - the latest period against a target value.

Windows are summed (``how="sum"``, counts and rates) or averaged (``how="mean"``). For survey
percentages pass the numerators as ``series`` and the respondents as ``base``: every figure is
then ``100 × sum(numerators) / sum(bases)`` over its window (pooled, never an average of
percentages), and changes are in percentage points.

``change = current - previous``; ``pct_change = 100 × change / previous`` (None when the previous
figure is 0 or missing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from pcp_data.vocabulary import FREQUENCIES, Target, period_label

How = Literal["sum", "mean"]

_MONTH_FREQ = "month"
_QUARTER_FREQ = "quarter"


@dataclass(frozen=True)
class Comparison:
    """One comparison of two figures.

    Attributes
    ----------
    label : str
        What is compared, e.g. ``"latest against previous period"``.
    current, previous : float or None
        The two figures (None when unavailable). For a target comparison ``previous`` is the
        target value.
    change : float or None
        ``current - previous`` (percentage points for percentages).
    pct_change : float or None
        ``100 × change / previous``; None when ``previous`` is 0 or missing.
    current_period_words, previous_period_words : str
        E.g. ``"12 months to March 2019"`` and ``"12 months to March 2018"``.
    available : bool
        False when a period needed is missing; ``reason`` says which.
    reason : str or None
        Why the comparison is unavailable.
    unit : str
        ``"count"``, ``"percent"``, ``"rate"`` or ``"value"``: how to write the figures.
    meets_target : bool or None
        For :func:`vs_target` only.
    """

    label: str
    current: float | None
    previous: float | None
    change: float | None
    pct_change: float | None
    current_period_words: str
    previous_period_words: str
    available: bool = True
    reason: str | None = None
    unit: str = "count"
    meets_target: bool | None = None

    @property
    def periods_words(self) -> str:
        """``"12 months to March 2019 against 12 months to March 2018"``."""
        return f"{self.current_period_words} against {self.previous_period_words}"

    @property
    def sentence(self) -> str:
        """One plain-English sentence, e.g.
        ``"March 2019 against February 2019: 120 against 100, up 20 (+20.0%)."``"""
        if not self.available or self.current is None or self.previous is None:
            return _capital(f"{self.periods_words}: not available ({self.reason}).")
        assert self.change is not None
        figures = f"{_fmt(self.current, self.unit)} against {_fmt(self.previous, self.unit)}"
        if self.change == 0:
            movement = "no change"
        else:
            word = "up" if self.change > 0 else "down"
            movement = f"{word} {_fmt_change(abs(self.change), self.unit)}"
            if self.pct_change is not None and self.unit != "percent":
                movement += f" ({self.pct_change:+.1f}%)"
        text = _capital(f"{self.periods_words}: {figures}, {movement}")
        if self.meets_target is not None:
            text += "; meets the target" if self.meets_target else "; does not meet the target"
        return text + "."


# --------------------------------------------------------------------------- comparisons


def latest_vs_previous(
    series: pd.Series,
    frequency: str,
    *,
    base: pd.Series | None = None,
    unit: str | None = None,
) -> Comparison:
    """The latest period against the one before it.

    Parameters
    ----------
    series : pandas.Series
        The measure (or, with ``base``, its numerators).
    frequency : str
        The series' frequency; names the periods.
    base : pandas.Series, optional
        Bases (respondents) aligned with ``series``: figures become pooled percentages.
    unit : str, optional
        How to write the figures; default ``"percent"`` with a base, else ``"count"``.
    """
    label = "latest against previous period"
    s, b, unit_ = _prepare(series, base, unit)
    if len(s) < 2:
        return _unavailable(label, "", "", "fewer than two periods in the data", unit_)
    cur_words = period_label(s.index[-1], frequency)
    prev_words = period_label(s.index[-2], frequency)
    return _window_comparison(
        label, s, b, [s.index[-1]], [s.index[-2]], "sum", cur_words, prev_words, frequency, unit_
    )


def rolling_vs_previous(
    series: pd.Series,
    frequency: str,
    *,
    base: pd.Series | None = None,
    how: How = "sum",
    unit: str | None = None,
) -> Comparison:
    """The 12 months to the latest period against the 12 months before.

    A monthly series sums (or averages, ``how="mean"``) its last 12 values against the 12
    before; a quarterly series its last 4 against the 4 before; a ``rolling_12_months`` series
    compares its latest value with the value 12 months earlier. Other frequencies are
    unavailable (use :func:`latest_vs_previous` for annual figures).
    """
    label = "12 months against the 12 months before"
    s, b, unit_ = _prepare(series, base, unit)
    if len(s) == 0:
        return _unavailable(label, "", "", "no data", unit_)
    end = s.index[-1]
    year_ago = _months_before(end, 12)
    cur_words = f"12 months to {_month(end)}"
    prev_words = f"12 months to {_month(year_ago)}"
    if frequency == "rolling_12_months":
        return _window_comparison(
            label, s, b, [end], [year_ago], "sum", cur_words, prev_words, frequency, unit_
        )
    if frequency not in (_MONTH_FREQ, _QUARTER_FREQ):
        return _unavailable(
            label, cur_words, prev_words,
            f"a 12-month comparison needs a monthly or quarterly series, not {frequency!r}",
            unit_,
        )  # fmt: skip
    current, previous = _a_year_apart(end, 12, frequency)
    return _window_comparison(
        label, s, b, current, previous, how, cur_words, prev_words, frequency, unit_
    )


def year_to_date_vs_last_year(
    series: pd.Series,
    frequency: str,
    *,
    base: pd.Series | None = None,
    how: How = "sum",
    unit: str | None = None,
) -> Comparison:
    """Financial year to date (from April) against the same months of the year before.

    Needs a monthly or quarterly series; the window runs from the April (or the quarter to June)
    of the latest period's financial year to the latest period.
    """
    label = "financial year to date against the same period last year"
    s, b, unit_ = _prepare(series, base, unit)
    if len(s) == 0:
        return _unavailable(label, "", "", "no data", unit_)
    end = s.index[-1]
    if frequency not in (_MONTH_FREQ, _QUARTER_FREQ):
        return _unavailable(
            label, "", "",
            f"a year-to-date comparison needs a monthly or quarterly series, not {frequency!r}",
            unit_,
        )  # fmt: skip
    months_in = (end.month - 4) % 12 + 1  # April = 1 ... March = 12
    if frequency == _QUARTER_FREQ and months_in % 3 != 0:
        return _unavailable(
            label, "", "", "quarterly periods do not end on financial quarters (June, ...)", unit_
        )
    current, previous = _a_year_apart(end, months_in, frequency)
    first_month = _months_before(end, months_in - 1)
    cur_words = _month_range(first_month, end)
    prev_words = _month_range(_months_before(first_month, 12), _months_before(end, 12))
    return _window_comparison(
        label, s, b, current, previous, how, cur_words, prev_words, frequency, unit_
    )


def vs_baseline(
    series: pd.Series,
    frequency: str,
    baseline: tuple[object, object],
    *,
    base: pd.Series | None = None,
    current: Literal["latest", "12_months"] = "latest",
    unit: str | None = None,
) -> Comparison:
    """The latest period (or latest 12 months) against the mean per period of a baseline.

    Parameters
    ----------
    baseline : (start, end)
        Dates; every period whose end date falls in ``[start, end]`` is in the baseline, and all
        of them must be present.
    current : {"latest", "12_months"}
        ``"latest"``: the latest period against the baseline mean per period.
        ``"12_months"`` (monthly series only): the sum of the latest 12 months against
        12 × the baseline mean per month.
    base : pandas.Series, optional
        With bases the baseline figure is the pooled percentage over the baseline.
    """
    label = "against the baseline"
    s, b, unit_ = _prepare(series, base, unit)
    start, stop = pd.Timestamp(baseline[0]), pd.Timestamp(baseline[1])
    if len(s) == 0:
        return _unavailable(label, "", "", "no data", unit_)
    in_base = [d for d in s.index if start <= d <= stop]
    base_words = _baseline_words(in_base, frequency, start, stop)
    if not in_base:
        return _unavailable(
            label, "", base_words, "no period of the baseline is in the data", unit_
        )
    end = s.index[-1]
    if current == "12_months":
        if frequency != _MONTH_FREQ:
            return _unavailable(
                label, "", base_words, "a 12-month comparison needs a monthly series", unit_
            )
        cur_dates = [_months_before(end, k) for k in range(12)][::-1]
        cur_words = f"12 months to {_month(end)}"
        prev_words = f"12 × the average month of {base_words}"
        cur = _window_value(s, b, cur_dates, "sum", frequency)
        prev = _window_value(s, b, in_base, "mean", frequency)
        if isinstance(prev, float) and b is None:
            prev = 12 * prev
    else:
        each = FREQUENCIES.get(frequency)
        unit_word = each.period if each is not None and each.step_months else "period"
        cur_words = period_label(end, frequency)
        if frequency == "financial_year" and len(in_base) == 1:
            prev_words = f"the baseline {base_words}"
        else:
            prev_words = f"the average {unit_word} of {base_words}"
        cur = _window_value(s, b, [end], "sum", frequency)
        prev = _window_value(s, b, in_base, "mean", frequency)
    return _finish(label, cur, prev, cur_words, prev_words, unit_)


def vs_target(
    series: pd.Series,
    frequency: str,
    target: Target | tuple[str, float] | Mapping[str, object],
    *,
    base: pd.Series | None = None,
    unit: str | None = None,
) -> Comparison:
    """The latest period against a target (``previous`` holds the target value)."""
    label = "against target"
    s, b, unit_ = _prepare(series, base, unit)
    tgt = Target.judged_from(target)
    tgt_words = f"the target ({tgt.op} {_fmt(tgt.value, unit_)})"
    if len(s) == 0:
        return _unavailable(label, "", tgt_words, "no data", unit_)
    end = s.index[-1]
    cur_words = period_label(end, frequency)
    cur = _window_value(s, b, [end], "sum", frequency)
    result = _finish(label, cur, float(tgt.value), cur_words, tgt_words, unit_)
    if result.available and result.current is not None:
        return replace(result, meets_target=tgt.met_by(result.current))
    return result


def all_comparisons(
    series: pd.Series,
    frequency: str,
    *,
    base: pd.Series | None = None,
    baseline: tuple[object, object] | None = None,
    target: Target | tuple[str, float] | Mapping[str, object] | None = None,
    how: How = "sum",
    unit: str | None = None,
) -> list[Comparison]:
    """Every comparison that applies to a series of this frequency, in reading order."""
    out = [latest_vs_previous(series, frequency, base=base, unit=unit)]
    if frequency in (_MONTH_FREQ, _QUARTER_FREQ, "rolling_12_months"):
        out.append(rolling_vs_previous(series, frequency, base=base, how=how, unit=unit))
    if frequency in (_MONTH_FREQ, _QUARTER_FREQ):
        out.append(year_to_date_vs_last_year(series, frequency, base=base, how=how, unit=unit))
    if baseline is not None:
        out.append(vs_baseline(series, frequency, baseline, base=base, unit=unit))
    if target is not None:
        out.append(vs_target(series, frequency, target, base=base, unit=unit))
    return out


# --------------------------------------------------------------------------- helpers


def _prepare(
    series: pd.Series, base: pd.Series | None, unit: str | None
) -> tuple[pd.Series, pd.Series | None, str]:
    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
        raise ValueError("a comparison needs a Series indexed by period end dates")
    if series.index.has_duplicates or not series.index.is_monotonic_increasing:
        raise ValueError("the series must be in ascending date order with one value per period")
    s = pd.to_numeric(series, errors="raise").astype(float)
    b = None
    if base is not None:
        if not base.index.equals(series.index):
            raise ValueError("the base series must have the same dates as the series")
        b = pd.to_numeric(base, errors="raise").astype(float)
    return s, b, unit or ("percent" if b is not None else "count")


def _a_year_apart(
    end: pd.Timestamp, months: int, frequency: str
) -> tuple[list[pd.Timestamp], list[pd.Timestamp]]:
    """The monthly or quarterly periods of the ``months`` to ``end``, and of the same months a
    year before."""
    step = FREQUENCIES[frequency].step_months or 1
    current = [_months_before(end, k) for k in range(0, months, step)][::-1]
    previous = [_months_before(end, 12 + k) for k in range(0, months, step)][::-1]
    return current, previous


def _months_before(d: pd.Timestamp, k: int) -> pd.Timestamp:
    """End of the month ``k`` months before the month of ``d``."""
    period = pd.Timestamp(d).to_period("M") - k
    return period.to_timestamp(how="end").normalize()


def _month(d: pd.Timestamp) -> str:
    label: str = pd.Timestamp(d).strftime("%B %Y")
    return label


def _month_range(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """``"April 2018"``, ``"April–September 2018"`` or ``"April 2018–January 2019"``."""
    if first.year == last.year and first.month == last.month:
        return _month(first)
    if first.year == last.year:
        return f"{first.strftime('%B')}–{_month(last)}"
    return f"{_month(first)}–{_month(last)}"


def _baseline_words(
    dates: list[pd.Timestamp], frequency: str, start: pd.Timestamp, stop: pd.Timestamp
) -> str:
    if not dates:
        return f"{start.date()} to {stop.date()}"
    if frequency == "financial_year":
        first, last = period_label(dates[0], frequency), period_label(dates[-1], frequency)
        return first if first == last else f"{first} to {last}"
    if frequency == _QUARTER_FREQ:
        return _month_range(_months_before(dates[0], 2), dates[-1])
    if frequency == _MONTH_FREQ:
        return _month_range(dates[0], dates[-1])
    first, last = period_label(dates[0], frequency), period_label(dates[-1], frequency)
    return first if first == last else f"{first} to {last}"


def _window_value(
    s: pd.Series, b: pd.Series | None, dates: list[pd.Timestamp], how: str, frequency: str
) -> float | str:
    """The figure for a window, or a string saying why there is none."""
    idx = pd.DatetimeIndex(dates)
    absent = [d for d in idx if d not in s.index]
    if absent:
        return f"{period_label(absent[0], frequency)} is not in the data"
    vals = s.loc[idx]
    missing = vals[vals.isna()]
    if b is not None:
        bases = b.loc[idx]
        missing = pd.concat([missing, vals[bases.isna()]])
    if len(missing):
        return f"{period_label(missing.index[0], frequency)} is missing"
    if b is not None:
        total = float(b.loc[idx].sum())
        if total <= 0:
            return "no respondents in the window"
        return 100.0 * float(vals.sum()) / total
    arr = vals.to_numpy(dtype=float)
    return float(np.sum(arr)) if how == "sum" else float(np.mean(arr))


def _window_comparison(
    label: str,
    s: pd.Series,
    b: pd.Series | None,
    current: list[pd.Timestamp],
    previous: list[pd.Timestamp],
    how: str,
    cur_words: str,
    prev_words: str,
    frequency: str,
    unit: str,
) -> Comparison:
    cur = _window_value(s, b, current, how, frequency)
    prev = _window_value(s, b, previous, how, frequency)
    return _finish(label, cur, prev, cur_words, prev_words, unit)


def _finish(
    label: str,
    cur: float | str,
    prev: float | str,
    cur_words: str,
    prev_words: str,
    unit: str,
) -> Comparison:
    if isinstance(cur, str) or isinstance(prev, str):
        reason = "; ".join(x for x in (cur, prev) if isinstance(x, str))
        return _unavailable(label, cur_words, prev_words, reason, unit)
    change = cur - prev
    pct = None if prev == 0 or math.isnan(prev) else 100.0 * change / abs(prev)
    return Comparison(label, cur, prev, change, pct, cur_words, prev_words, True, None, unit)


def _unavailable(label: str, cur_words: str, prev_words: str, reason: str, unit: str) -> Comparison:
    return Comparison(label, None, None, None, None, cur_words, prev_words, False, reason, unit)


def _fmt(x: float, unit: str) -> str:
    if unit == "percent":
        return f"{x:.1f}%"
    if unit == "count" and float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.2f}" if abs(x) < 10 else f"{x:,.1f}"


def _fmt_change(x: float, unit: str) -> str:
    if unit == "percent":
        return f"{x:.1f} percentage points"
    return _fmt(x, unit)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
