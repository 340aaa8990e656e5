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

The interval and the test are computed by ``statsmodels.stats.proportion`` (``proportion_confint``
with ``method="wilson"`` and ``proportions_ztest``, pooled); the formulas above are what they
compute, and the tests check them against these formulas by hand.

* **p-chart** of a survey percentage over time (:func:`p_chart`)::

      p̄        = sum of x_i / sum of n_i            (the centre, over every charted period)
      sigma_i  = sqrt(p̄ (1 - p̄) / n_i)              (varies with each period's base)
      limits_i = p̄ ± 3 sigma_i, clipped to 0-100%

  With large bases (thousands of respondents a quarter) sigma_i is tiny and real
  period-to-period variation (fieldwork, question changes, seasons) puts most points outside
  the limits: the points are *overdispersed*. **Laney's p′ chart** measures that extra
  variation on the standardised points and widens the limits by it::

      z_i      = (p_i - p̄) / sigma_i
      sigma_z  = mean |z_i - z_(i-1)| / 1.128        (consecutive periods, both present)
      limits_i = p̄ ± 3 sigma_i sigma_z

  By default Laney's adjustment is used when ``sigma_z > 1`` (never to narrow the limits).
  Rules, named as in :mod:`pcp_data.spc`: ``outside_limits`` (a point outside its own limits)
  and ``shift`` (7 or more consecutive periods on one side of the centre; a gap or a point on the
  centre breaks the run). The direction with the measure's polarity gives improvement, concern
  or neutral, as for an XmR chart.

  **The periods must not overlap.** Each point must count different respondents: overlapping
  rolling 12-month windows share 11 months of interviews, so neighbouring points are not
  independent and the rules would fire on the overlap. Chart quarters, or non-overlapping
  12-month windows (e.g. :func:`pooled_windows` taken every 12th month), never every month of a
  rolling year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from pcp_data.spc import RUN_LENGTH, VARIATION_WORDS, _classify, _runs
from pcp_data.vocabulary import FREQUENCIES, POLARITIES, POLARITY_SIGNS, period_label

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
        Proportions in [0, 1] (not percentages), from
        ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

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
    # statsmodels takes the two-sided level, alpha = 2 (1 - Phi(z)) = erfc(z / sqrt 2)
    lo, hi = proportion_confint(successes, n, alpha=math.erfc(z / math.sqrt(2)), method="wilson")
    # exact ends at 0% and 100% (rounding would otherwise give 0.9999999999999999)
    low = 0.0 if successes == 0 else max(0.0, float(lo))
    high = 1.0 if successes == n else min(1.0, float(hi))
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

    Computed by ``statsmodels.stats.proportion.proportions_ztest`` (pooled variance). Returns
    ``(0.0, 1.0)`` when the pooled standard error is zero (both proportions 0 or both 1).

    Raises
    ------
    ValueError
        When either base is not positive or the counts are inconsistent.
    """
    _check_counts(x1, n1, "first period")
    _check_counts(x2, n2, "second period")
    if n1 <= 0 or n2 <= 0:
        raise ValueError("a two-proportion test needs respondents in both periods")
    pooled = (x1 + x2) / (n1 + n2)
    if pooled * (1 - pooled) == 0:
        return 0.0, 1.0
    z, p_value = proportions_ztest([x2, x1], [n2, n1], value=0, alternative="two-sided")
    return float(z), float(p_value)


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
            f"(two-proportion test, {_p(p_value)}, below {level})"
        )
    else:
        verdict = (
            f"a change of {change} that is not statistically significant "
            f"(two-proportion test, {_p(p_value)}, not below {level})"
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
    """``p < 0.001`` or ``p = 0.023``, as the count test writes it."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


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
        rows.append(
            {
                "date": date,
                "value": 100 * x / float(n),
                "low": 100 * low,
                "high": 100 * high,
                "base": float(n),
            }
        )
    return pd.DataFrame(rows, columns=["date", "value", "low", "high", "base"])


# --------------------------------------------------------------------------- p-chart

LANEY_D2 = 1.128
"""Mean moving range of two independent standard normal values (d2 for n = 2)."""


@dataclass(frozen=True, eq=False)
class PChart:
    """A p-chart (or Laney p′ chart) of a survey percentage, with its signals.

    Every series is indexed by period end, one row per period given; a period without a base
    has NaN percentages and limits and no signal.

    Attributes
    ----------
    p : pandas.Series
        Percentage in each period (0-100).
    n : pandas.Series
        Base (respondents) in each period.
    centre : float
        ``100 × sum x / sum n``.
    upper, lower : pandas.Series
        Limits in per cent, varying with each period's base, clipped to 0-100.
    laney : bool
        Whether Laney's adjustment widened the limits.
    sigma_z : float or None
        Mean moving range of the standardised points over 1.128 (None when it cannot be
        computed: a centre of 0% or 100%, or no two consecutive periods).
    signals : pandas.Series
        Bool: the period is part of a signal.
    latest_signal : str or None
        ``"improvement"``, ``"concern"`` or ``"neutral"`` when the latest charted period is part
        of a signal, else None.
    variation : str
        Variation icon for the latest charted period: a key of
        :data:`pcp_data.spc.VARIATION_WORDS`.
    points : int
        Periods charted (with a base).
    sentence : str
        One plain-English sentence explaining the latest period.
    rules : pandas.Series
        The rule behind each signal (``"outside_limits"`` or ``"shift"``), None elsewhere.
    """

    p: pd.Series
    n: pd.Series
    centre: float
    upper: pd.Series
    lower: pd.Series
    laney: bool
    sigma_z: float | None
    signals: pd.Series
    latest_signal: str | None
    variation: str
    points: int
    sentence: str
    rules: pd.Series


def p_chart(
    successes: pd.Series,
    n: pd.Series,
    polarity: str,
    *,
    frequency: str = "quarter",
    laney: bool | None = None,
    minimum_points: int = 12,
) -> PChart | None:
    """A p-chart of a survey percentage over non-overlapping periods.

    Parameters
    ----------
    successes : pandas.Series
        Respondents giving the answer counted, per period end date (ascending).
    n : pandas.Series
        Respondents per period, on the same dates. A period where either is missing, or the
        base is 0, is not charted.
    polarity : str
        ``"higher_is_better"``, ``"lower_is_better"`` or ``"neutral"``.
    frequency : str, default "quarter"
        Names the periods in the sentence (``"month"``, ``"quarter"``, ``"financial_year"``).
        ``"rolling_12_months"`` is refused: overlapping windows must not be charted.
    laney : bool or None, default None
        True or False forces Laney's adjustment on or off; None uses it when ``sigma_z > 1``.
    minimum_points : int, default 12
        Fewer charted periods than this give None.

    Returns
    -------
    PChart or None

    Raises
    ------
    ValueError
        For an unknown polarity, a rolling frequency, counts that are negative or exceed their
        base, or series that are not on an ascending DatetimeIndex.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}, not {polarity!r}")
    if frequency == "rolling_12_months":
        raise ValueError(
            "overlapping rolling 12-month windows share respondents, so their percentages are "
            "not independent points: chart quarters or non-overlapping windows instead"
        )
    for given, what in ((successes, "successes"), (n, "n")):
        if not isinstance(given, pd.Series) or not isinstance(given.index, pd.DatetimeIndex):
            raise ValueError(f"{what} must be a pandas Series indexed by period end dates")
        if given.index.has_duplicates:
            raise ValueError(f"{what} has more than one value for the same period")
    frame = pd.concat({"x": successes, "n": n}, axis=1).sort_index()
    if not successes.index.is_monotonic_increasing or not n.index.is_monotonic_increasing:
        raise ValueError("the series must be in ascending date order")
    dates = pd.DatetimeIndex(frame.index)
    x = pd.to_numeric(frame["x"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    base = pd.to_numeric(frame["n"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    valid = ~np.isnan(x) & ~np.isnan(base) & (base > 0)
    for k in np.flatnonzero(~np.isnan(x) & ~np.isnan(base)):
        _check_counts(float(x[k]), float(base[k]), period_label(dates[k], frequency))
    points = int(valid.sum())
    if points < max(1, minimum_points):
        return None

    m = len(dates)
    pbar = float(x[valid].sum() / base[valid].sum())
    prop = np.full(m, np.nan)
    prop[valid] = x[valid] / base[valid]
    sigma = np.full(m, np.nan)
    sigma[valid] = np.sqrt(pbar * (1 - pbar) / base[valid])

    sigma_z: float | None = None
    if 0 < pbar < 1:
        z = (prop - pbar) / sigma
        mr = np.abs(np.diff(z))  # NaN across a gap: no moving range spans a missing period
        mr = mr[~np.isnan(mr)]
        if len(mr):
            sigma_z = float(mr.mean()) / LANEY_D2
    use_laney = (sigma_z is not None and sigma_z > 1) if laney is None else bool(laney)
    use_laney = use_laney and sigma_z is not None
    width = 3 * sigma * (sigma_z if use_laney and sigma_z is not None else 1.0)
    upper = np.clip(pbar + width, 0.0, 1.0)
    lower = np.clip(pbar - width, 0.0, 1.0)

    tol = 1e-9
    diff = np.where(valid, prop - pbar, 0.0)
    side = np.where(diff > tol, 1, np.where(diff < -tol, -1, 0))
    rule: list[str | None] = [None] * m
    run_len: dict[int, int] = {}
    for start, end, _side in _runs(side):
        if end - start + 1 >= RUN_LENGTH:
            for i in range(start, end + 1):
                rule[i] = "shift"
                run_len[i] = i - start + 1
    outside = valid & ((prop > upper + tol) | (prop < lower - tol))
    for pos in np.flatnonzero(outside):
        rule[pos] = "outside_limits"

    pol = POLARITY_SIGNS[polarity]
    last = int(np.flatnonzero(valid)[-1])
    latest_signal, variation = _classify(rule[last], int(side[last]), pol)
    label = period_label(dates[last], frequency)
    figure = f"{_pct(prop[last])}, base {_count(base[last])}"
    verdict = VARIATION_WORDS[variation]
    if rule[last] == "outside_limits":
        high = side[last] > 0
        limit = upper[last] if high else lower[last]
        where = "above the upper" if high else "below the lower"
        sentence = f"{label} ({figure}) was {where} limit ({_pct(limit)}): {verdict}."
    elif rule[last] == "shift":
        run = run_len[last]
        where = "above" if side[last] > 0 else "below"
        unit = FREQUENCIES[frequency].periods if frequency in FREQUENCIES else "periods"
        sentence = (
            f"{run} consecutive {unit} {where} the average ({_pct(pbar)}), to {label}: {verdict}."
        )
    else:
        sentence = (
            f"{label} ({figure}) is within its limits ({_pct(lower[last])} to "
            f"{_pct(upper[last])}) with no run of {RUN_LENGTH} on one side of the average "
            f"({_pct(pbar)}): {verdict}."
        )
    sentence = sentence[:1].upper() + sentence[1:]
    if use_laney and sigma_z is not None:
        sentence += (
            f" The limits are widened {sigma_z:.1f} times by Laney's adjustment: the "
            "percentages vary more from period to period than sampling alone explains."
        )

    def series(values: object, name: str) -> pd.Series:
        return pd.Series(values, index=dates, name=name)

    pct_or_nan = np.where(valid, 100.0, np.nan)
    return PChart(
        p=series(prop * 100, "p"),
        n=series(base, "n"),
        centre=100 * pbar,
        upper=series(upper * pct_or_nan, "upper"),
        lower=series(lower * pct_or_nan, "lower"),
        laney=use_laney,
        sigma_z=sigma_z,
        signals=series(np.array([r is not None for r in rule], dtype=bool), "signal"),
        latest_signal=latest_signal,
        variation=variation,
        points=points,
        sentence=sentence,
        rules=pd.Series(rule, index=dates, name="rule", dtype=object),
    )
