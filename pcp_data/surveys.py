"""Survey percentages: Wilson intervals, a two-proportion test of a change, a minimum base.

Methods (GUIDE section 2, "Survey percentages"):

* **Wilson score interval** at 95% (``z = 1.959964``)::

      p = x / n
      centre = (p + z²/(2n)) / (1 + z²/n)
      half   = z / (1 + z²/n) * sqrt(p(1 - p)/n + z²/(4n²))
      interval = (centre - half, centre + half)

  It stays inside 0-100% and behaves well for small bases and percentages near 0 or 100, where
  the textbook ``p ± 1.96·sqrt(p(1-p)/n)`` does not.
* **Two-proportion z-test (pooled)** of a change between two periods::

      pooled = (x1 + x2) / (n1 + n2)
      se = sqrt(pooled (1 - pooled) (1/n1 + 1/n2))
      z = (p2 - p1) / se
      p-value (two-sided) = erfc(|z| / sqrt(2))

  A change is *significant* only when the p-value is below ``alpha`` (5%). When ``se`` is zero
  (both periods 0% or both 100%) there is no change to test: ``z = 0``, p-value 1.
* **Minimum base** (a plan setting, default 50): a figure whose base is below it is shown, greyed,
  with a warning, but is *not judged*: no significance, no status.

Period 1 is always the earlier ("previous") period and period 2 the later ("current") one, so a
positive difference is a rise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

Z95 = 1.959964
"""The two-sided 95% point of the standard normal distribution."""

DEFAULT_MINIMUM_BASE = 50
"""Default minimum number of respondents below which a percentage is not judged."""


def _check_counts(successes: float, n: float, what: str = "") -> None:
    label = f" ({what})" if what else ""
    if n < 0 or successes < 0:
        raise ValueError(f"counts must not be negative{label}: {successes} of {n}")
    if successes > n:
        raise ValueError(f"successes exceed the base{label}: {successes} of {n}")
    if math.isnan(successes) or math.isnan(n):
        raise ValueError(f"counts must not be missing{label}: {successes} of {n}")


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    Parameters
    ----------
    successes : float
        Number of respondents giving the answer counted (e.g. satisfied).
    n : float
        Number of respondents (the base). Must be positive.
    z : float, default 1.959964
        Normal quantile; the default gives a 95% interval.

    Returns
    -------
    (low, high) : tuple of float
        Proportions in [0, 1] (not percentages).

    Raises
    ------
    ValueError
        When ``n`` is not positive or the counts are inconsistent.

    Examples
    --------
    >>> low, high = wilson(45, 60)
    >>> round(low, 4), round(high, 4)
    (0.6277, 0.8422)
    """
    _check_counts(successes, n)
    if n <= 0:
        raise ValueError("a Wilson interval needs at least one respondent (n > 0)")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # exact ends at 0% and 100% (rounding would otherwise give 0.9999999999999999)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class SurveyFigure:
    """One survey percentage as the product shows it.

    Attributes
    ----------
    successes, n : float
        The count and the base (always shown: "45 of 60").
    proportion : float or None
        ``successes / n`` (None when ``n`` is 0).
    low, high : float or None
        Wilson 95% interval (None when ``n`` is 0).
    judged : bool
        False when ``n`` is below the minimum base: show greyed with ``warning``.
    warning : str or None
        Why the figure is not judged.
    """

    successes: float
    n: float
    proportion: float | None
    low: float | None
    high: float | None
    judged: bool
    warning: str | None

    @property
    def words(self) -> str:
        """E.g. ``"75.0% (45 of 60; 95% interval 62.7% to 84.2%)"``."""
        if self.proportion is None or self.low is None or self.high is None:
            return "no respondents"
        return (
            f"{_pct(self.proportion)} ({_count(self.successes)} of {_count(self.n)}; "
            f"95% interval {_pct(self.low)} to {_pct(self.high)})"
        )


def survey_figure(
    successes: float, n: float, *, minimum_base: int = DEFAULT_MINIMUM_BASE, z: float = Z95
) -> SurveyFigure:
    """A percentage with its base, Wilson interval and whether it may be judged.

    Parameters
    ----------
    successes, n : float
        Count and base.
    minimum_base : int, default 50
        Bases below this are shown but not judged.
    z : float, default 1.959964
        Normal quantile for the interval.
    """
    _check_counts(successes, n)
    if n == 0:
        return SurveyFigure(successes, n, None, None, None, False, "no respondents")
    low, high = wilson(successes, n, z)
    judged = n >= minimum_base
    warning = None if judged else _base_warning(n, minimum_base)
    return SurveyFigure(successes, n, successes / n, low, high, judged, warning)


@dataclass(frozen=True)
class ProportionChange:
    """A change in a survey percentage between two periods, tested at ``alpha``.

    Attributes
    ----------
    previous, current : float or None
        Proportions (0-1) in the earlier and later period (None when that base is 0).
    diff : float or None
        ``current - previous`` as a proportion (multiply by 100 for percentage points).
    z : float or None
        Pooled two-proportion z statistic (None when not judged).
    p_value : float or None
        Two-sided p-value (None when not judged).
    significant : bool
        True only when judged and ``p_value < alpha``.
    judged : bool
        False when either base is below the minimum base.
    direction : str
        ``"up"``, ``"down"`` or ``"none"`` (the sign of ``diff``, whatever its significance).
    sentence : str
        One plain-English sentence explaining the result.
    x1, n1, x2, n2 : float
        The counts tested.
    alpha : float
        Significance level used.
    """

    previous: float | None
    current: float | None
    diff: float | None
    z: float | None
    p_value: float | None
    significant: bool
    judged: bool
    direction: str
    sentence: str
    x1: float
    n1: float
    x2: float
    n2: float
    alpha: float


def two_proportion_z(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float]:
    """Pooled two-proportion z statistic and two-sided p-value for ``x2/n2 - x1/n1``.

    Returns ``(0.0, 1.0)`` when the pooled standard error is zero (both proportions 0 or both 1).

    Raises
    ------
    ValueError
        When either base is not positive or the counts are inconsistent.
    """
    _check_counts(x1, n1, "first period")
    _check_counts(x2, n2, "second period")
    if n1 <= 0 or n2 <= 0:
        raise ValueError("a two-proportion test needs respondents in both periods")
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (p2 - p1) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def compare_proportions(
    x1: float,
    n1: float,
    x2: float,
    n2: float,
    alpha: float = 0.05,
    minimum_base: int = DEFAULT_MINIMUM_BASE,
    *,
    previous_label: str = "the previous period",
    current_label: str = "the latest period",
) -> ProportionChange:
    """Test a change in a survey percentage from period 1 (earlier) to period 2 (later).

    Parameters
    ----------
    x1, n1 : float
        Count and base in the earlier period.
    x2, n2 : float
        Count and base in the later period.
    alpha : float, default 0.05
        Significance level (two-sided).
    minimum_base : int, default 50
        When either base is below this the change is shown but not judged.
    previous_label, current_label : str
        Words naming the periods in the sentence, e.g. ``"2017/18"``.

    Returns
    -------
    ProportionChange

    Examples
    --------
    >>> c = compare_proportions(45, 60, 60, 70)
    >>> round(c.p_value, 3), c.significant
    (0.122, False)
    """
    _check_counts(x1, n1, "first period")
    _check_counts(x2, n2, "second period")
    p1 = x1 / n1 if n1 > 0 else None
    p2 = x2 / n2 if n2 > 0 else None
    diff = p2 - p1 if p1 is not None and p2 is not None else None
    direction = "none" if not diff else ("up" if diff > 0 else "down")
    figures = (
        f"{_pct_or_none(p2)} ({_count(x2)} of {_count(n2)}) in {current_label} against "
        f"{_pct_or_none(p1)} ({_count(x1)} of {_count(n1)}) in {previous_label}"
    )
    small = [n for n in (n1, n2) if n < minimum_base]
    if small:
        sentence = f"Not judged: {figures}; {_base_warning(min(small), minimum_base)}."
        return ProportionChange(
            p1, p2, diff, None, None, False, False, direction, sentence,
            x1, n1, x2, n2, alpha,
        )  # fmt: skip
    z, p_value = two_proportion_z(x1, n1, x2, n2)
    significant = p_value < alpha
    assert diff is not None
    change = f"{_points(diff)}"
    level = f"{alpha * 100:g}%"
    if significant:
        verdict = (
            f"a statistically significant {'rise' if diff > 0 else 'fall'} of {change} "
            f"(two-proportion test, p = {_p(p_value)} < {level})"
        )
    else:
        verdict = (
            f"a change of {change} that is not statistically significant "
            f"(two-proportion test, p = {_p(p_value)}, not below {level})"
        )
    return ProportionChange(
        p1, p2, diff, z, p_value, significant, True, direction,
        f"{figures[0].upper()}{figures[1:]}: {verdict}.",
        x1, n1, x2, n2, alpha,
    )  # fmt: skip


def _base_warning(n: float, minimum_base: int) -> str:
    return f"a base of {_count(n)} respondents is below the minimum of {minimum_base}"


def _count(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


def _pct(p: float) -> str:
    return f"{p * 100:.1f}%"


def _pct_or_none(p: float | None) -> str:
    return "no figure" if p is None else _pct(p)


def _points(diff: float) -> str:
    sign = "+" if diff > 0 else ("−" if diff < 0 else "")
    return f"{sign}{abs(diff) * 100:.1f} percentage points"


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def pooled_windows(monthly: pd.DataFrame, months: int) -> pd.DataFrame:
    """Survey counts pooled over windows of ``months`` months ending at each month.

    ``monthly`` has ``value`` (number satisfied) and ``base`` (respondents) per month end.
    Missing months stay missing, so a window with a gap is left out (never filled with 0).
    """
    frame = monthly.sort_index()
    full = pd.date_range(frame.index.min(), frame.index.max(), freq="ME")
    frame = frame.reindex(full)
    return frame.rolling(months, min_periods=months).sum().dropna()


def interval_frame(counts: pd.Series, base: pd.Series, z: float = Z95) -> pd.DataFrame:
    """Per period: ``date``, ``value`` (per cent), Wilson ``low`` and ``high`` (per cent) and
    ``base``; periods without respondents are left out. What an interval chart draws."""
    rows = []
    for date, n in base.items():
        if pd.isna(n) or n <= 0 or pd.isna(counts.get(date)):
            continue
        x = float(counts[date])
        low, high = wilson(x, float(n), z)
        rows.append({"date": date, "value": 100 * x / float(n), "low": 100 * low,
                     "high": 100 * high, "base": float(n)})
    return pd.DataFrame(rows, columns=["date", "value", "low", "high", "base"])
