"""XmR statistical process control charts, as NHS England's *Making Data Count* and the NHS-R
package NHSRplotthedots do them.

Limits
------
For each segment (the whole series, or the stretch between re-basing dates)::

    centre    = mean of the baseline points
    mR_i      = |x_i - x_(i-1)|             (consecutive periods, both present)
    mean mR   = mean of the baseline moving ranges
    screening = drop every mR >= 3.267 × mean mR, then recompute mean mR once
                (on by default, as NHSRplotthedots ``screen_outliers = TRUE``)
    limits    = centre ± 2.66 × mean mR
    "near"    = centre ± (2/3) × 2.66 × mean mR     (two-thirds of the way to a limit)

The baseline is every point of the segment unless ``baseline`` fixes it on the first N points
(of each segment, like NHSRplotthedots ``fix_after_n_points``) or on a date range.

Rules (run within a segment, in this order of precedence)
--------------------------------------------------------
1. ``outside_limits``: a point above the upper or below the lower process limit.
2. ``trend``: 7 points in a row each strictly higher (or each strictly lower) than the one
   before, i.e. 6 successive increases (decreases). This is how NHSRplotthedots counts it
   (``ptd_seven_point_trend`` takes ``sign(diff(y[i - 0:6]))`` over 7 points and needs all six
   signs equal). Every point of the run is flagged, including the first. A tie (two equal
   consecutive values) breaks the run. A point at the top (or bottom) of two runs takes the
   direction of the later run, as NHSRplotthedots does.
3. ``two_in_three``: in 3 consecutive points all on the same side of the centre, at least 2
   lie beyond the "near" line but not outside the limits. Points outside the limits do not
   count towards the 2 (they are caught by rule 1) but do count as being on that side, and only
   the near-limit points are flagged, as NHSRplotthedots ``ptd_two_in_three`` does.
4. ``shift``: 7 or more consecutive points on the same side of the centre; a point exactly on
   the centre breaks the run. Every point of the run is flagged.

A point that meets several rules is labelled with the first. Its *direction* is the side of the
centre (rules 1, 3, 4) or the direction of the trend (rule 2); with the measure's polarity the
direction gives the signal: ``"improvement"``, ``"concern"`` or, for a neutral measure,
``"neutral"``. Comparisons with the centre, limits and neighbours use a tolerance of 1e-9
relative to the size of the values so that rounding in the arithmetic never creates a signal.

Missing periods
---------------
A NaN value is a missing period, never zero. It is left out of the centre; a moving range is
only taken between two consecutive periods that are both present (so a gap contributes no
moving range, as in NHSRplotthedots); and a gap *breaks* every run: a trend, a shift or a
2-of-3 window cannot span a missing period, because "7 consecutive months" must be 7 months
that were all observed. The latest point for the variation icon is the latest *observed* point.

Also
----
* Variation icon (latest observed point): common cause, special cause improvement, special
  cause concern, special cause neutral (high / low).
* Assurance icon, only with a target (``op`` one of ``>=``, ``<=``, ``>``, ``<``): judged on
  the latest segment's limits. If every value inside the limits meets the target it will
  consistently pass; if none does it will consistently fail; otherwise hit and miss.
* Fewer than 12 observed points behind a segment's limits: the limits are *provisional*.
* Rolling 12-month sums overlap (11 of 12 months are shared between neighbours) so they are not
  independent points: :func:`xmr` refuses them with a ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pcp_data.vocabulary import FREQUENCIES, POLARITIES, POLARITY_SIGNS, Target, period_label

RULES: tuple[str, ...] = ("outside_limits", "trend", "two_in_three", "shift")
"""Rule names in order of precedence."""

LIMIT_FACTOR = 2.66
"""Process limits sit 2.66 mean moving ranges from the centre (3 sigma, sigma = mR/1.128)."""
SCREEN_FACTOR = 3.267
"""Moving ranges at or above 3.267 × mean mR are screened out (the upper limit of an mR chart)."""
RUN_LENGTH = 7
"""Points in a trend or a shift."""
MINIMUM_POINTS = 12
"""Limits resting on fewer observed points than this are provisional."""

VARIATION_WORDS: dict[str, str] = {
    "common_cause": "common cause variation: no significant change",
    "special_cause_improvement": "special cause improvement",
    "special_cause_concern": "special cause concern",
    "special_cause_neutral_high": "special cause variation (high), neither good nor bad",
    "special_cause_neutral_low": "special cause variation (low), neither good nor bad",
    "not_available": "no data to judge",
}
ASSURANCE_WORDS: dict[str, str] = {
    "consistently_pass": "will consistently pass the target",
    "consistently_fail": "will consistently fail the target unless something changes",
    "hit_and_miss": "will hit and miss the target at random",
}
RULE_WORDS: dict[str, str] = {
    "outside_limits": "a point outside the process limits",
    "trend": "7 or more points each higher (or lower) than the one before",
    "two_in_three": "2 of 3 consecutive points close to a process limit",
    "shift": "7 or more consecutive points on one side of the average",
}


@dataclass(frozen=True)
class Segment:
    """One stretch of the chart with its own centre and limits.

    Attributes
    ----------
    number : int
        0 for the first segment, then 1, 2, ... at each re-basing date.
    start, end : pandas.Timestamp
        Period end dates of its first and last points.
    reason : str or None
        Why the limits were re-based here (None for the first segment).
    centre, mean_mr, lower, upper, lower_2_3, upper_2_3 : float
        Limits (NaN when fewer than 2 consecutive baseline points were observed).
    baseline_points : int
        Observed points the centre rests on.
    screened : int
        Moving ranges left out by screening.
    provisional : bool
        True when ``baseline_points`` is below 12.
    """

    number: int
    start: pd.Timestamp
    end: pd.Timestamp
    reason: str | None
    centre: float
    mean_mr: float
    lower: float
    upper: float
    lower_2_3: float
    upper_2_3: float
    baseline_points: int
    screened: int
    provisional: bool


@dataclass(frozen=True, eq=False)
class SPCResult:
    """An XmR chart with its rules, icons and explanation.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per period: ``date, value, segment, baseline`` (bool, the point is in the
        baseline), ``mr`` (moving range), ``mr_screened`` (bool), ``centre, lower, upper,
        lower_2_3, upper_2_3``, ``rule`` (name from :data:`RULES` or None), ``direction``
        (+1 high / -1 low / 0), ``signal`` (``"improvement"``, ``"concern"``, ``"neutral"`` or
        None), ``point_type`` (a key of :data:`VARIATION_WORDS`), ``provisional`` (bool).
    polarity, frequency : str
        As given.
    segments : tuple of Segment
    variation : str
        Icon for the latest observed point: a key of :data:`VARIATION_WORDS`.
    assurance : str or None
        A key of :data:`ASSURANCE_WORDS`, or None without a target.
    target : Target or None
    provisional : bool
        The latest segment's limits rest on fewer than 12 points.
    latest_date : pandas.Timestamp or None
        The latest observed period.
    latest_rule, latest_signal : str or None
        The rule and signal at the latest observed point.
    sentence : str
        One plain-English sentence explaining the latest signal.
    assurance_sentence : str or None
        One sentence explaining the assurance icon.
    notes : tuple of str
        Anything ignored on the way (e.g. a re-basing date outside the data).
    """

    data: pd.DataFrame
    polarity: str
    frequency: str
    segments: tuple[Segment, ...]
    variation: str
    assurance: str | None
    target: Target | None
    provisional: bool
    latest_date: pd.Timestamp | None
    latest_rule: str | None
    latest_signal: str | None
    sentence: str
    assurance_sentence: str | None
    notes: tuple[str, ...] = ()

    @property
    def variation_words(self) -> str:
        """Plain words for :attr:`variation`."""
        return VARIATION_WORDS[self.variation]

    @property
    def assurance_words(self) -> str | None:
        """Plain words for :attr:`assurance`."""
        return None if self.assurance is None else ASSURANCE_WORDS[self.assurance]


def spc_refusal(frequency: str) -> str | None:
    """Why SPC rules may not be run on a series of this frequency, or None when they may."""
    if frequency == "rolling_12_months":
        return (
            "SPC rules are not run on rolling 12-month figures: neighbouring values share 11 of "
            "their 12 months, so they are not independent points"
        )
    if frequency not in FREQUENCIES:
        return f"unknown frequency {frequency!r}; expected one of {', '.join(FREQUENCIES)}"
    return None


def xmr(
    series: pd.Series,
    polarity: str = "neutral",
    *,
    baseline: int | tuple[object, object] | list[object] | None = None,
    rebase: Iterable[tuple[object, str] | object] = (),
    screen: bool = True,
    target: Target | tuple[str, float] | Mapping[str, object] | None = None,
    frequency: str = "month",
) -> SPCResult:
    """Build an XmR chart and apply the four Making Data Count rules.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by an ascending DatetimeIndex of period end dates, one per period; NaN
        for a missing period (see the module docstring for how gaps are handled).
    polarity : {"higher_is_better", "lower_is_better", "neutral"}
        Which direction is good; decides improvement or concern.
    baseline : int or (start, end), optional
        Fix the limits on the first N observed points of each segment, or on the points whose
        dates fall in ``[start, end]`` (a segment with no point in the range uses all of its
        points). Default: every point of the segment.
    rebase : iterable of (date, reason)
        Start a new segment, with its own centre and limits, at the first period ending on or
        after each date. A bare date is accepted (reason None). Dates that do not fall after
        the first period and on or before the last are ignored and reported in ``notes``.
    screen : bool, default True
        Screen out moving ranges at or above 3.267 × mean mR before setting the limits.
    target : Target or (op, value) or {"op": ..., "value": ...}, optional
        Gives the assurance icon.
    frequency : str, default "month"
        One of "month", "quarter", "financial_year", "snapshot". "rolling_12_months" is refused.

    Returns
    -------
    SPCResult

    Raises
    ------
    ValueError
        For a rolling 12-month series, an unknown polarity or frequency, an index that is not
        an ascending DatetimeIndex without duplicates, or a bad baseline or target.
    """
    refusal = spc_refusal(frequency)
    if refusal:
        raise ValueError(refusal)
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}, not {polarity!r}")
    values, dates = series_values(series, "an SPC chart")
    tgt = None if target is None else Target.judged_from(target)
    notes: list[str] = []
    starts, reasons = _segment_starts(dates, rebase, notes)
    pol = POLARITY_SIGNS[polarity]

    n = len(values)
    seg_of = np.zeros(n, dtype=int)
    in_baseline = np.zeros(n, dtype=bool)
    mr = np.full(n, np.nan)
    mr_screened = np.zeros(n, dtype=bool)
    cols = {k: np.full(n, np.nan) for k in ("centre", "lower", "upper", "lower_2_3", "upper_2_3")}
    rule: list[str | None] = [None] * n
    direction = np.zeros(n, dtype=int)
    seg_prov = np.zeros(n, dtype=bool)
    segments: list[Segment] = []
    latest_runs: dict[int, int] = {}

    bounds = [*starts, n]
    for k in range(len(starts)):
        lo, hi = bounds[k], bounds[k + 1]
        seg_of[lo:hi] = k
        v = values[lo:hi]
        base = _baseline_mask(v, dates[lo:hi], baseline)
        in_baseline[lo:hi] = base
        seg, seg_mr, seg_screened = _limits(v, base, screen)
        mr[lo:hi] = seg_mr
        mr_screened[lo:hi] = seg_screened
        centre, mean_mr = seg
        lower = centre - LIMIT_FACTOR * mean_mr
        upper = centre + LIMIT_FACTOR * mean_mr
        near = 2 / 3 * LIMIT_FACTOR * mean_mr
        for name, val in (
            ("centre", centre),
            ("lower", lower),
            ("upper", upper),
            ("lower_2_3", centre - near),
            ("upper_2_3", centre + near),
        ):
            cols[name][lo:hi] = val
        n_base = int(np.sum(base & ~np.isnan(v)))
        provisional = n_base < MINIMUM_POINTS
        seg_prov[lo:hi] = provisional
        segments.append(
            Segment(
                number=k,
                start=dates[lo],
                end=dates[hi - 1],
                reason=reasons[k],
                centre=centre,
                mean_mr=mean_mr,
                lower=lower,
                upper=upper,
                lower_2_3=centre - near,
                upper_2_3=centre + near,
                baseline_points=n_base,
                screened=int(seg_screened.sum()),
                provisional=provisional,
            )
        )
        seg_rule, seg_dir, run_len = _rules(v, centre, lower, upper, near, mean_mr)
        rule[lo:hi] = seg_rule
        direction[lo:hi] = seg_dir
        for i, length in run_len.items():
            latest_runs[lo + i] = length

    signal: list[str | None] = []
    point_type: list[str] = []
    for r, d in zip(rule, direction, strict=True):
        s, t = _classify(r, int(d), pol)
        signal.append(s)
        point_type.append(t)

    data = pd.DataFrame(
        {
            "date": dates,
            "value": values,
            "segment": seg_of,
            "baseline": in_baseline,
            "mr": mr,
            "mr_screened": mr_screened,
            **cols,
            "rule": pd.Series(rule, dtype=object),
            "direction": direction,
            "signal": pd.Series(signal, dtype=object),
            "point_type": pd.Series(point_type, dtype=object),
            "provisional": seg_prov,
        }
    )

    observed = np.flatnonzero(~np.isnan(values))
    if len(observed) == 0:
        return SPCResult(
            data, polarity, frequency, tuple(segments), "not_available", None, tgt,
            True, None, None, None, "There is no data to chart.", None, tuple(notes),
        )  # fmt: skip
    last = int(observed[-1])
    last_seg = segments[seg_of[last]]
    variation = point_type[last]
    sentence = _capital(
        _sentence(
            last,
            values,
            dates,
            rule[last],
            int(direction[last]),
            variation,
            last_seg,
            latest_runs.get(last, 0),
            frequency,
        )
    )
    if last_seg.provisional:
        sentence += (
            f" The limits are provisional: they rest on {last_seg.baseline_points} "
            f"{_unit(frequency, last_seg.baseline_points)}, fewer than {MINIMUM_POINTS}."
        )
    assurance, assurance_sentence = _assurance(tgt, last_seg)
    return SPCResult(
        data=data,
        polarity=polarity,
        frequency=frequency,
        segments=tuple(segments),
        variation=variation,
        assurance=assurance,
        target=tgt,
        provisional=last_seg.provisional,
        latest_date=dates[last],
        latest_rule=rule[last],
        latest_signal=signal[last],
        sentence=sentence,
        assurance_sentence=assurance_sentence,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- helpers


def series_values(series: pd.Series, needed_for: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """A copy of the values (NaN for a missing period) and the period end dates of a series
    that keeps the product's contract (one finite value or NaN per period, indexed by
    ascending period end dates); ValueError otherwise."""
    if not isinstance(series, pd.Series):
        raise ValueError(f"{needed_for} needs a pandas Series")
    if not isinstance(series.index, pd.DatetimeIndex):
        raise ValueError("the series must be indexed by period end dates (a DatetimeIndex)")
    if series.index.has_duplicates:
        raise ValueError("the series has more than one value for the same period")
    if not series.index.is_monotonic_increasing:
        raise ValueError("the series must be in ascending date order")
    values = pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        raise ValueError("the series holds an infinite value")
    return values.copy(), pd.DatetimeIndex(series.index)


def _segment_starts(
    dates: pd.DatetimeIndex, rebase: Iterable[tuple[object, str] | object], notes: list[str]
) -> tuple[list[int], list[str | None]]:
    if len(dates) == 0:
        return [], []
    starts: dict[int, str | None] = {0: None}
    for item in rebase:
        if isinstance(item, tuple):
            when, reason = item[0], (None if len(item) < 2 else item[1])
        else:
            when, reason = item, None
        ts = pd.Timestamp(when)
        pos = int(dates.searchsorted(ts, side="left"))
        if pos == 0 or pos >= len(dates):
            notes.append(
                f"re-basing at {ts.date()} ignored: it does not fall within the data "
                "(after the first period, up to the last)"
            )
            continue
        if pos in starts:
            notes.append(f"re-basing at {ts.date()} ignored: a segment already starts there")
            continue
        starts[pos] = None if reason is None else str(reason)
    order = sorted(starts)
    return order, [starts[p] for p in order]


def _baseline_mask(
    v: np.ndarray,
    dates: pd.DatetimeIndex,
    baseline: int | tuple[object, object] | list[object] | None,
) -> np.ndarray:
    m = len(v)
    if baseline is None:
        return np.ones(m, dtype=bool)
    if isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool):
        if baseline < 2:
            raise ValueError("a baseline needs at least 2 points")
        # the first N observed points, with any gaps between them
        return np.cumsum(~np.isnan(v)) <= baseline
    if isinstance(baseline, (tuple, list)) and len(baseline) == 2:
        start, end = pd.Timestamp(baseline[0]), pd.Timestamp(baseline[1])
        if end < start:
            raise ValueError("a baseline date range must end after it starts")
        mask = np.asarray((dates >= start) & (dates <= end))
        return mask if mask.any() else np.ones(m, dtype=bool)
    raise ValueError(f"baseline must be a number of points or (start, end), not {baseline!r}")


def _limits(
    v: np.ndarray, base: np.ndarray, screen: bool
) -> tuple[tuple[float, float], np.ndarray, np.ndarray]:
    """(centre, mean mR), the moving ranges used (NaN outside the baseline) and screened flags."""
    m = len(v)
    b = np.where(base, v, np.nan)
    mr = np.full(m, np.nan)
    if m > 1:
        mr[1:] = np.abs(np.diff(b))  # NaN where either neighbour is missing or not in baseline
    screened = np.zeros(m, dtype=bool)
    observed = b[~np.isnan(b)]
    centre = float(observed.mean()) if len(observed) else math.nan
    used = mr[~np.isnan(mr)]
    if len(used) == 0:
        return (centre, math.nan), mr, screened
    mean_mr = float(used.mean())
    if screen:
        # ``mr > 0``: when every moving range is 0 nothing is screened (the limits stay at the
        # centre) rather than screening them all
        screened = ~np.isnan(mr) & (mr >= SCREEN_FACTOR * mean_mr) & (mr > 0)
        if screened.any():
            mean_mr = float(mr[~np.isnan(mr) & ~screened].mean())
    return (centre, mean_mr), mr, screened


def _rules(
    v: np.ndarray, centre: float, lower: float, upper: float, near: float, mean_mr: float
) -> tuple[list[str | None], np.ndarray, dict[int, int]]:
    """Rule and direction for each point of one segment, and the run length of run rules."""
    m = len(v)
    present = ~np.isnan(v)
    scale = max([1.0, *np.abs(v[present]).tolist()])
    if math.isfinite(mean_mr):
        scale = max(scale, abs(mean_mr))
    tol = 1e-9 * scale

    side = np.zeros(m, dtype=int)
    if math.isfinite(centre):
        diff_c = np.where(present, v - centre, 0.0)
        side = np.where(diff_c > tol, 1, np.where(diff_c < -tol, -1, 0))

    have_limits = math.isfinite(lower) and math.isfinite(upper)
    outside = np.zeros(m, dtype=bool)
    close = np.zeros(m, dtype=bool)
    if have_limits:
        vv = np.where(present, v, centre)
        outside = present & ((vv > upper + tol) | (vv < lower - tol))
        close = present & ~outside & ((vv > centre + near + tol) | (vv < centre - near - tol))

    rule: list[str | None] = [None] * m
    direction = np.zeros(m, dtype=int)
    run_len: dict[int, int] = {}

    # rule 4: shift (lowest precedence, written first and overwritten by higher rules)
    for start, end, s in _runs(side):
        if end - start + 1 >= RUN_LENGTH:
            for i in range(start, end + 1):
                rule[i], direction[i] = "shift", s
                run_len[i] = i - start + 1

    # rule 3: two in three
    for s0 in range(m - 2):
        w = range(s0, s0 + 3)
        sides = {int(side[i]) for i in w}
        if len(sides) != 1 or 0 in sides or not all(present[i] for i in w):
            continue
        if sum(bool(close[i]) for i in w) >= 2:
            for i in w:
                if close[i]:
                    rule[i], direction[i] = "two_in_three", int(side[i])
                    run_len[i] = sum(bool(close[j]) for j in w)

    # rule 2: trend; step[i] = sign(v[i] - v[i-1]), 0 for a tie or a gap
    step = np.zeros(m, dtype=int)
    for i in range(1, m):
        if present[i] and present[i - 1]:
            d = v[i] - v[i - 1]
            step[i] = 1 if d > tol else (-1 if d < -tol else 0)
    trend_runs = [
        (start - 1, end, s)
        for start, end, s in _runs(step)
        if end - start + 1 >= RUN_LENGTH - 1  # 6 steps = 7 points
    ]
    for first, last, s in trend_runs:  # later runs overwrite a shared turning point
        for i in range(first, last + 1):
            rule[i], direction[i] = "trend", s
            run_len[i] = i - first + 1

    # rule 1: outside the limits
    for pos in np.flatnonzero(outside):
        rule[pos], direction[pos] = "outside_limits", int(side[pos])
        run_len.pop(int(pos), None)
    return rule, direction, run_len


def _runs(x: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero values: (first index, last index, value)."""
    out: list[tuple[int, int, int]] = []
    i, m = 0, len(x)
    while i < m:
        if x[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < m and x[j + 1] == x[i]:
            j += 1
        out.append((i, j, int(x[i])))
        i = j + 1
    return out


def _classify(rule: str | None, direction: int, pol: int) -> tuple[str | None, str]:
    if rule is None or direction == 0:
        return None, "common_cause"
    if pol == 0:
        return (
            "neutral",
            "special_cause_neutral_high" if direction > 0 else "special_cause_neutral_low",
        )
    if direction * pol > 0:
        return "improvement", "special_cause_improvement"
    return "concern", "special_cause_concern"


def _unit(frequency: str, k: int) -> str:
    f = FREQUENCIES.get(frequency)
    one, many = (f.period, f.periods) if f else ("point", "points")
    return one if k == 1 else many


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:,.2f}"


def _sentence(
    i: int,
    values: np.ndarray,
    dates: pd.DatetimeIndex,
    rule: str | None,
    direction: int,
    variation: str,
    seg: Segment,
    run: int,
    frequency: str,
) -> str:
    label = period_label(dates[i], frequency)
    verdict = VARIATION_WORDS[variation]
    high = direction > 0
    if rule == "outside_limits":
        limit, value = (seg.upper, "above the upper") if high else (seg.lower, "below the lower")
        return f"{label} ({_fmt(values[i])}) was {value} process limit ({_fmt(limit)}): {verdict}."
    if rule == "trend":
        word = "higher" if high else "lower"
        return (
            f"{run} {_unit(frequency, run)} in a row, to {label}, each {word} than the one "
            f"before: {verdict}."
        )
    if rule == "two_in_three":
        where = "upper" if high else "lower"
        return (
            f"{run} of the 3 {_unit(frequency, 3)} to {label} were close to the {where} process "
            f"limit (beyond two-thirds of the way from the average): {verdict}."
        )
    if rule == "shift":
        where = "above" if high else "below"
        return (
            f"{run} consecutive {_unit(frequency, run)} {where} the average ({_fmt(seg.centre)}), "
            f"to {label}: {verdict}."
        )
    if not math.isfinite(seg.upper):
        return (
            f"{label} ({_fmt(values[i])}): too few consecutive points to set process limits; "
            "no signal can be judged."
        )
    return (
        f"{label} ({_fmt(values[i])}) is within the process limits ({_fmt(seg.lower)} to "
        f"{_fmt(seg.upper)}) with no trend or run: {verdict}."
    )


def _assurance(target: Target | None, seg: Segment) -> tuple[str | None, str | None]:
    if target is None:
        return None, None
    if not (math.isfinite(seg.lower) and math.isfinite(seg.upper)):
        return None, "No assurance: too few points to set process limits."
    lo_pass, hi_pass = target.met_by(seg.lower), target.met_by(seg.upper)
    tv = _fmt(target.value)
    limits = f"process limits {_fmt(seg.lower)} to {_fmt(seg.upper)}"
    if lo_pass and hi_pass:
        return "consistently_pass", (
            f"The target ({target.op} {tv}) lies beyond the {limits} on the passing side: "
            f"the measure {ASSURANCE_WORDS['consistently_pass']}."
        )
    if not lo_pass and not hi_pass:
        return "consistently_fail", (
            f"The target ({target.op} {tv}) lies beyond the {limits} on the failing side: "
            f"the measure {ASSURANCE_WORDS['consistently_fail']}."
        )
    return "hit_and_miss", (
        f"The target ({target.op} {tv}) lies within the {limits}: "
        f"the measure {ASSURANCE_WORDS['hit_and_miss']}."
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
