"""How a measure is judged: the method the product chooses for the shape of its data.

A measure's series (`pcp_data.measures`) has a shape: monthly or quarterly counts, rolling
12-month or financial-year totals, rates per 1,000, survey percentages with their bases, or
workforce snapshots. Each shape is judged by the method that fits it, and the judgement names
its method, the number of periods it rests on and the period it is for (`Verdict`). The
methods (`METHODS`), in the order the product tries them:

* **seasonal_spc**: monthly or quarterly counts (or rates) with at least 12 points and 3 whole
  years. An XmR chart of the *seasonally adjusted* figures (`pcp_data.seasonal`), so that a
  summer peak is not a signal; and the latest 12 months against the 12 before with the
  quasi-Poisson count test (`pcp_data.counts`), so that a sustained change is seen even when
  no single month is outside the limits. A special cause at the latest point decides;
  otherwise a significant 12-month change does; otherwise the measure is stable.
* **count_year**: rolling 12-month or financial-year figures, and monthly or quarterly counts
  with fewer than 3 whole years. The latest 12 months (or year) against the 12 months (year)
  before, with the quasi-Poisson count test. The dispersion comes from the series' own history
  (the months or quarters behind it, seasonally adjusted where they can be); where there is no
  history the exact Poisson test is used and the sentence says it assumes Poisson variation.
  Where the plan sets a baseline, the latest year is also tested against it (a significant
  difference from the baseline decides when the year-on-year change is not significant).
  Rates per 1,000 are tested as counts over their populations.
* **count_same_period**: monthly or quarterly counts with fewer than 2 whole years. The latest
  month or quarter against the same one a year before, tested the same way.
* **count_recent**: fewer than 13 months (5 quarters), so no same period a year before. The
  latest period against the average of the periods before it; the season is not allowed for,
  and the sentence says so. The dispersion is the periods' own variance over their mean (3 or
  more), so a seasonal swing widens the test rather than reading as news.
* **p_chart**: survey percentages with 12 or more non-overlapping periods (the months, else
  the quarters, behind a rolling figure). A p-chart (Laney's p' where the bases are large and
  the points overdispersed) with limits that vary with each period's base, so that a sustained
  fall is seen; a signal at the latest period decides, otherwise the two-proportion test of the
  latest figure against a year before does.
* **proportion_test**: survey percentages with fewer periods. The latest figure against the
  same period a year before, pooled over the period, two-proportion test at 5%; below the
  plan's minimum base, not judged.
* **spc**: snapshots (workforce) with at least 12 points. An XmR chart of the snapshots, with
  the target assurance where the plan sets a pledge.
* **snapshot**: snapshots with fewer points. Against the plan's pledge or target, and the same
  date a year before. Counts of people are not samples, so no test applies: a change of less
  than `SNAPSHOT_MATERIAL` (2%) on the year before is read as no change, a larger one as a
  change in its direction.
* **none**: nothing to judge, with the reason.

Rules that hold for every method:

* SPC limits from fewer than 12 points are drawn as *provisional* and never decide a status.
* A monthly or quarterly series that cannot be seasonally adjusted is drawn without limits:
  limits over a season would call every summer a signal.
* A target turns "on track" into "needs attention" when the latest figure misses it (an XmR
  chart's assurance does the same where its limits say the target will consistently fail).
* A judgement whose newest figure is more than one period older than the plan's "as at" is
  *stale*, and its sentence says so with the date.
* "What changed since the last Panel" lists a movement as significant only when the measure's
  own method finds a change in a newer figure (`pcp_data.assess.changes_since`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from pcp_data import counts, seasonal, spc, surveys
from pcp_data import measures as measures_module
from pcp_data.counts import CountTest, Dispersion
from pcp_data.measures import MeasureSeries
from pcp_data.plan import Measure
from pcp_data.seasonal import SeasonalAdjustment
from pcp_data.spc import SPCResult
from pcp_data.status import (
    STATUS_OF_VARIATION,
    Judgement,
    Status,
    judge,
    judge_table,
    status_from_spc,
    status_from_survey,
    status_from_test,
)
from pcp_data.surveys import PChart, ProportionChange
from pcp_data.vocabulary import FREQUENCIES, TIERS, Target, period_label

METHODS: dict[str, str] = {
    "seasonal_spc": "XmR chart of the seasonally adjusted figures, and the latest 12 months "
    "against the 12 before (count test)",
    "count_year": "the latest 12 months (or year) against the 12 months (or year) before "
    "(count test)",
    "count_same_period": "the latest period against the same period a year before (count test)",
    "count_recent": "the latest period against the average of the periods before it "
    "(count test; the season not allowed for)",
    "p_chart": "p-chart of the survey percentage, and the latest figure against a year before "
    "(two-proportion test)",
    "proportion_test": "the survey percentage against the same period a year before "
    "(two-proportion test)",
    "spc": "XmR chart",
    "snapshot": "against the pledge or target and the same date a year before",
    "none": "not judged",
}
"""Every judging method the product uses, by id, in words."""

SNAPSHOT_MATERIAL = 0.02
"""A snapshot that moved less than this share of its figure in a year is read as unchanged."""

MINIMUM_SPC_POINTS = spc.MINIMUM_POINTS


@dataclass(frozen=True, eq=False)
class Verdict:
    """A measure's judgement with the evidence behind it.

    Attributes
    ----------
    method : str
        A key of :data:`METHODS`.
    judgement : Judgement
        Name, status, tier, sentence (see `pcp_data.status`).
    points : int
        Periods the judgement rests on.
    period_end : pandas.Timestamp or None
        The period judged (the newest figure).
    stale : bool
        The newest figure is more than one period older than the plan's "as at".
    spc : SPCResult or None
        The chart's XmR (of the seasonally adjusted figures for ``seasonal_spc``); provisional
        limits are drawn but never decided a status.
    adjustment : SeasonalAdjustment or None
    count_test, baseline_test : CountTest or None
    dispersion : Dispersion or None
    survey_change : ProportionChange or None
    p_chart : PChart or None
    notes : list of str
        How the evidence was gathered, for the table behind the chart.
    """

    method: str
    judgement: Judgement
    points: int
    period_end: pd.Timestamp | None
    stale: bool = False
    spc: SPCResult | None = None
    adjustment: SeasonalAdjustment | None = None
    count_test: CountTest | None = None
    baseline_test: CountTest | None = None
    dispersion: Dispersion | None = None
    survey_change: ProportionChange | None = None
    p_chart: PChart | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def method_words(self) -> str:
        return METHODS[self.method]

    @property
    def rebase_words(self) -> str | None:
        """``"SPC limits re-based from April 2024 (new recording standard)"``: where the
        chart's limits start afresh and why (the plan's re-basing dates and those analysts
        recorded); None when the limits were never re-based."""
        if self.spc is None or len(self.spc.segments) < 2:
            return None
        parts = [
            f"from {segment.start:%B %Y}" + (f" ({segment.reason})" if segment.reason else "")
            for segment in self.spc.segments[1:]
        ]
        return "SPC limits re-based " + "; ".join(parts)

    @property
    def status(self) -> Status:
        return self.judgement.status

    @property
    def significant(self) -> bool:
        """Whether the method found a change (a signal or a significant test)."""
        return self.judgement.status.signal


@dataclass(frozen=True)
class _Evidence:
    method: str
    status: Status
    points: int
    assurance: str | None = None
    spc: SPCResult | None = None
    adjustment: SeasonalAdjustment | None = None
    count_test: CountTest | None = None
    baseline_test: CountTest | None = None
    dispersion: Dispersion | None = None
    survey_change: ProportionChange | None = None
    p_chart: PChart | None = None


def judge_series(
    measure: Measure,
    series: MeasureSeries,
    *,
    history: MeasureSeries | None = None,
    plan_as_at: pd.Timestamp | None = None,
    rebase: tuple[tuple[object, str], ...] = (),
    minimum_base: int = surveys.DEFAULT_MINIMUM_BASE,
) -> Verdict:
    """Judge a measure's series (already cut at the plan's "as at") by the method that fits.

    Parameters
    ----------
    measure : Measure
        With the frequency the series is shown at (``series.frequency``).
    series : MeasureSeries
    history : MeasureSeries, optional
        The same measure at a finer, non-overlapping frequency (months, else quarters), cut at
        the same date: the history a rolling or financial-year figure's dispersion and a
        survey's p-chart come from.
    plan_as_at : pandas.Timestamp, optional
        The plan's "as at" (the month chosen, or the newest figure of any of its measures):
        a newest figure more than one period older is stale.
    rebase : tuple of (date, reason)
        The plan's re-basing dates for SPC limits.
    minimum_base : int
        Fewest respondents for a survey percentage to be judged.
    """
    notes: list[str] = []
    values = series.values
    observed = values.dropna()
    frequency = series.frequency
    if observed.empty:
        reason = series.notes[0] if series.notes else "There are no figures to judge."
        reason = " ".join(dict.fromkeys([reason, *series.gaps]))
        return _verdict(measure, _none(reason), None, plan_as_at, notes, frequency, values)
    if series.counts is not None and series.base is not None:
        evidence = _proportions(measure, series, history, minimum_base, notes)
    elif frequency == "snapshot":
        evidence = _snapshots(measure, values, rebase, notes)
    elif frequency in ("month", "quarter"):
        evidence = _periodic_counts(measure, series, rebase, notes)
    else:
        evidence = _yearly_counts(measure, series, history, notes)
    if evidence.method == "none" and series.gaps:
        evidence = _none(" ".join([evidence.status.sentence, *series.gaps]))
    return _verdict(measure, evidence, observed.index[-1], plan_as_at, notes, frequency, values)


# --------------------------------------------------------------------------- verdict


def _none(reason: str) -> _Evidence:
    return _Evidence("none", Status("not enough data", reason), 0)


def _verdict(
    measure: Measure,
    ev: _Evidence,
    end: pd.Timestamp | None,
    plan_as_at: pd.Timestamp | None,
    notes: list[str],
    frequency: str,
    values: pd.Series,
) -> Verdict:
    judgement = judge(ev.status, measure.tier, ev.assurance)
    stale = False
    if end is not None and plan_as_at is not None:
        step = _step_months(frequency, values)
        if end + pd.DateOffset(months=step) + pd.offsets.MonthEnd(0) < plan_as_at:
            stale = True
            when = period_label(end, frequency)
            judgement = replace(
                judgement,
                sentence=(
                    f"Stale: the newest figure is for {when}, more than one period before "
                    f"{plan_as_at:%B %Y}. {judgement.sentence}"
                ),
            )
    judgement = replace(judgement, method=ev.method, points=ev.points, period_end=end, stale=stale)
    return Verdict(
        ev.method,
        judgement,
        ev.points,
        end,
        stale,
        ev.spc,
        ev.adjustment,
        ev.count_test,
        ev.baseline_test,
        ev.dispersion,
        ev.survey_change,
        ev.p_chart,
        notes,
    )


def _step_months(frequency: str, values: pd.Series) -> int:
    step = FREQUENCIES[frequency].step_months if frequency in FREQUENCIES else None
    if step is not None:
        return step
    ends = values.dropna().index
    if len(ends) >= 2:
        gap: int = (ends[-1].year - ends[-2].year) * 12 + ends[-1].month - ends[-2].month
        return max(1, gap)
    return 3 if frequency == "rolling_12_months" else 12


# --------------------------------------------------------------------------- status


def _status_from_spc(result: SPCResult, prefix: str = "") -> Status:
    status = status_from_spc(result)
    return replace(status, sentence=f"{prefix}{status.sentence}") if prefix else status


# --------------------------------------------------------------------------- counts


def _counts_and_exposure(series: MeasureSeries) -> tuple[pd.Series, pd.Series | None]:
    """The counts behind a series, and the exposure (population in thousands) for a rate."""
    if series.rate_counts is None:
        return series.values, None
    population = series.population
    counts_ = series.rate_counts.copy()
    if population is not None:
        # a rate published without its count: the count it implies on its population
        derived = series.values * population / 1000.0
        counts_ = counts_.fillna(derived)
        return counts_, population / 1000.0
    return counts_, None


def history_dispersion(values: pd.Series, frequency: str) -> tuple[Dispersion | None, str]:
    """The quasi-Poisson dispersion of a monthly or quarterly count series, from its own
    moving ranges: of the seasonally adjusted values where 3 whole years allow, scaled by
    ``Y / (Y - 1)`` for the ``Y`` years the seasonal factors were estimated from (each factor
    takes up part of the variation it is estimated from); else of the raw values, whose
    seasonal swings make the estimate larger (the test more cautious)."""
    adjustment = (
        seasonal.seasonally_adjust(values, frequency)
        if seasonal.periods_per_year(frequency)
        else None
    )
    if adjustment is not None:
        found = counts.dispersion(adjustment.adjusted)
        if found is not None:
            years = adjustment.whole_years
            phi = max(1.0, found.phi * years / (years - 1))
            return replace(found, phi=phi), "seasonally adjusted"
    found = counts.dispersion(values)
    return found, "not seasonally adjusted"


def _window(values: pd.Series, end: pd.Timestamp, k: int, step: int) -> float | None:
    """The sum of ``k`` periods ``step`` months apart ending at ``end``; None if one is
    missing."""
    total = 0.0
    for i in range(k):
        when = end - pd.DateOffset(months=step * i) + pd.offsets.MonthEnd(0)
        if when not in values.index or pd.isna(values[when]):
            return None
        total += float(values[when])
    return total


def _periodic_counts(
    measure: Measure,
    series: MeasureSeries,
    rebase: tuple[tuple[object, str], ...],
    notes: list[str],
) -> _Evidence:
    """Monthly or quarterly counts (or rates)."""
    frequency = series.frequency
    values = series.values
    per_year = seasonal.periods_per_year(frequency) or 12
    step = 12 // per_year
    observed = values.dropna()
    end = observed.index[-1]
    counts_, exposure = _counts_and_exposure(series)
    dispersion_, basis = history_dispersion(counts_, frequency)
    adjustment = seasonal.seasonally_adjust(values, frequency)
    year = _year_test(measure, counts_, exposure, end, per_year, step, dispersion_, frequency)
    if adjustment is not None and len(observed) >= MINIMUM_SPC_POINTS:
        chart = spc.xmr(
            adjustment.adjusted,
            measure.polarity,
            rebase=rebase,
            frequency=frequency,
            target=_target_for_spc(measure, adjusted=True),
        )
        notes.append(adjustment.words)
        if not chart.provisional:
            spc_status = _status_from_spc(chart, "Seasonally adjusted: ")
            if spc_status.signal or year is None:
                status = spc_status
            else:
                year_status = status_from_test(year, measure.polarity)
                status = (
                    year_status
                    if year_status.signal
                    else replace(spc_status, sentence=f"{spc_status.sentence} {year.sentence}")
                )
            points = chart.segments[-1].baseline_points
            return _Evidence(
                "seasonal_spc",
                status,
                points,
                None,
                chart,
                adjustment,
                year,
                dispersion=dispersion_,
            )
        notes.append(
            f"The limits since the last re-basing rest on "
            f"{chart.segments[-1].baseline_points} points, fewer than "
            f"{MINIMUM_SPC_POINTS}: drawn as provisional, not used to judge."
        )
        chart = _without_signals(chart)
    else:
        chart = None
        notes.append(_no_limits_words(frequency, len(observed)))
    _dispersion_note(dispersion_, basis, notes)
    if year is not None:
        status = status_from_test(year, measure.polarity)
        return _with_target(
            measure,
            _Evidence(
                "count_year",
                status,
                2 * per_year,
                None,
                chart,
                adjustment,
                year,
                dispersion=dispersion_,
            ),
            series,
        )
    before = end - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
    if before in counts_.index and pd.notna(counts_.get(before)):
        test = counts.count_test(
            float(counts_[end]),
            float(counts_[before]),
            current_exposure=_exp(exposure, end),
            previous_exposure=_exp(exposure, before),
            dispersion=dispersion_,
            current_words=period_label(end, frequency),
            previous_words=period_label(before, frequency),
        )
        status = status_from_test(test, measure.polarity)
        return _with_target(
            measure,
            _Evidence(
                "count_same_period",
                status,
                2,
                None,
                chart,
                adjustment,
                test,
                dispersion=dispersion_,
            ),
            series,
        )
    return _with_target(measure, _recent(measure, counts_, exposure, frequency, chart), series)


def _year_test(
    measure: Measure,
    counts_: pd.Series,
    exposure: pd.Series | None,
    end: pd.Timestamp,
    per_year: int,
    step: int,
    dispersion_: Dispersion | None,
    frequency: str,
) -> CountTest | None:
    """The latest 12 months against the 12 before, when every period of both is held."""
    before_end = end - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
    now = _window(counts_, end, per_year, step)
    then = _window(counts_, before_end, per_year, step)
    if now is None or then is None:
        return None
    exp_now = exp_then = 1.0
    if exposure is not None:
        e_now = _window(exposure, end, per_year, step)
        e_then = _window(exposure, before_end, per_year, step)
        if e_now is None or e_then is None:
            return None
        exp_now, exp_then = e_now / per_year, e_then / per_year
    return counts.count_test(
        now,
        then,
        current_exposure=exp_now,
        previous_exposure=exp_then,
        dispersion=dispersion_,
        current_words=f"the 12 months to {end:%B %Y}",
        previous_words=f"the 12 months to {before_end:%B %Y}",
    )


def _rate_words(series: MeasureSeries, when: pd.Timestamp, words: str) -> str:
    """``"12 months to June 2019 (99.8 per 1,000)"`` for a rate tested as a count."""
    if series.rate_counts is None:
        return words
    rate = series.values.get(when)
    return words if rate is None or pd.isna(rate) else f"{words} ({rate:,.1f} per 1,000)"


def _exp(exposure: pd.Series | None, when: pd.Timestamp) -> float:
    if exposure is None:
        return 1.0
    value = exposure.get(when)
    return float(value) if value is not None and pd.notna(value) and value > 0 else 1.0


def _recent(
    measure: Measure,
    counts_: pd.Series,
    exposure: pd.Series | None,
    frequency: str,
    chart: SPCResult | None,
) -> _Evidence:
    """The latest period against the average of the (up to 11) periods before it."""
    observed = counts_.dropna()
    if len(observed) < 2:
        return _none(
            f"Only one figure ({period_label(observed.index[-1], frequency)}): "
            "there is nothing to compare it with."
        )
    end = observed.index[-1]
    earlier = observed.iloc[:-1].iloc[-11:]
    k = len(earlier)
    phi = None
    everything = observed.iloc[-12:]
    if len(everything) >= 3 and everything.mean() > 0:
        phi = max(1.0, float(everything.var(ddof=1) / everything.mean()))
    exp_now = _exp(exposure, end)
    exp_then = sum(_exp(exposure, e) for e in earlier.index)
    first = period_label(earlier.index[0], frequency)
    last = period_label(earlier.index[-1], frequency)
    span = first if k == 1 else f"the {k} periods {first} to {last}"
    test = counts.count_test(
        float(observed.iloc[-1]),
        float(earlier.sum()),
        current_exposure=exp_now,
        previous_exposure=exp_then if exposure is not None else float(k),
        dispersion=phi,
        current_words=period_label(end, frequency),
        previous_words=span,
    )
    caveat = (
        "No figure a year before is held, so the latest period is compared with the "
        "average of those before it; the season is not allowed for"
    )
    caveat += (
        f", and the test allows for their own variation (variance {phi:.1f} times the mean)."
        if phi is not None
        else "."
    )
    status = status_from_test(test, measure.polarity)
    status = replace(status, sentence=f"{status.sentence} {caveat}")
    return _Evidence("count_recent", status, k + 1, None, chart, None, test)


def _yearly_counts(
    measure: Measure, series: MeasureSeries, history: MeasureSeries | None, notes: list[str]
) -> _Evidence:
    """Rolling 12-month and financial-year counts (or rates): the latest year against the
    year before, and against the baseline where the plan sets one."""
    frequency = series.frequency
    counts_, exposure = _counts_and_exposure(series)
    observed = counts_.dropna()
    end = observed.index[-1]
    dispersion_: Dispersion | None = None
    basis = ""
    if history is not None and not history.empty:
        h_counts, _ = _counts_and_exposure(history)
        dispersion_, basis = history_dispersion(h_counts, history.frequency)
        if dispersion_ is not None:
            basis = f"{basis} {history.frequency}s behind the figures"
    if dispersion_ is None and frequency == "financial_year":
        dispersion_ = counts.dispersion(counts_)
        basis = "years"
    _dispersion_note(dispersion_, basis, notes)
    before = end - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
    now_words = period_label(end, frequency)
    test = None
    if before in counts_.index and pd.notna(counts_.get(before)):
        test = counts.count_test(
            float(counts_[end]),
            float(counts_[before]),
            current_exposure=_exp(exposure, end),
            previous_exposure=_exp(exposure, before),
            dispersion=dispersion_,
            current_words=_rate_words(series, end, now_words),
            previous_words=_rate_words(series, before, period_label(before, frequency)),
        )
    baseline_test = _baseline_test(measure, counts_, exposure, end, frequency, dispersion_)
    if test is None and baseline_test is None:
        earlier = observed.index[:-1]
        if len(earlier) == 0:
            return _none(
                f"Only one figure ({now_words}): there is no year before to compare it with."
            )
        return _none(
            f"Not judged: there is no figure for {period_label(before, frequency)} "
            f"to compare {now_words} with (figures held: "
            f"{', '.join(period_label(e, frequency) for e in observed.index)}); "
            "overlapping 12-month figures are never compared with each other."
        )
    status = status_from_test(test, measure.polarity) if test is not None else None
    if baseline_test is not None:
        b_status = status_from_test(baseline_test, measure.polarity, "Against the baseline")
        if status is None or (not status.signal and b_status.signal):
            status = (
                b_status
                if status is None
                else replace(b_status, sentence=f"{b_status.sentence} {status.sentence}")
            )
        else:
            status = replace(status, sentence=f"{status.sentence} {b_status.sentence}")
    assert status is not None
    evidence = _Evidence(
        "count_year", status, 2, None, None, None, test, baseline_test, dispersion_
    )
    return _with_target(measure, evidence, series)


def _baseline_test(
    measure: Measure,
    counts_: pd.Series,
    exposure: pd.Series | None,
    end: pd.Timestamp,
    frequency: str,
    dispersion_: Dispersion | None,
) -> CountTest | None:
    """The latest year against the plan's baseline (its years' average), as counts."""
    if measure.baseline is None:
        return None
    start, stop = pd.Timestamp(measure.baseline.start), pd.Timestamp(measure.baseline.end)
    inside = counts_[(counts_.index >= start) & (counts_.index <= stop)].dropna()
    if frequency == "rolling_12_months":
        # one 12-month figure per year of the baseline, ending where the baseline's years end
        inside = inside[
            [
                (stop.year - e.year) * 12 + stop.month - e.month in range(0, 10**6, 12)
                for e in inside.index
            ]
        ]
    if inside.empty or end <= stop:
        return None
    k = len(inside)
    exp_then = float(k) if exposure is None else sum(_exp(exposure, e) for e in inside.index)
    return counts.count_test(
        float(counts_[end]),
        float(inside.sum()),
        current_exposure=_exp(exposure, end),
        previous_exposure=exp_then,
        dispersion=dispersion_,
        current_words=period_label(end, frequency),
        previous_words=f"the baseline {measure.baseline.label}"
        + (f" ({k} years' average)" if k > 1 else ""),
    )


def _dispersion_note(d: Dispersion | None, basis: str, notes: list[str]) -> None:
    if d is not None:
        notes.append(
            f"{d.words[:-1]}, {basis}).".replace("periods), ", "periods, ") if basis else d.words
        )


def _no_limits_words(frequency: str, n: int) -> str:
    return (
        f"No process limits: {n} {FREQUENCIES[frequency].periods} held, fewer than the 3 "
        "whole years needed to allow for the season; limits over a season would call every "
        "peak a signal."
    )


def _without_signals(chart: SPCResult) -> SPCResult:
    """The chart with its limits but no signals: provisional limits never decide."""
    data = chart.data.copy()
    data["signal"] = None
    data["rule"] = None
    return replace(chart, data=data)


def _target_for_spc(measure: Measure, *, adjusted: bool) -> Target | None:
    """A target the XmR chart can give an assurance for: not on seasonally adjusted figures
    (a target is set on figures as published)."""
    if adjusted or measure.target is None or not measure.target.judged:
        return None
    return measure.target


def _with_target(measure: Measure, ev: _Evidence, series: MeasureSeries) -> _Evidence:
    """A target the latest figure misses turns "on track" into "needs attention"."""
    target = measure.target
    latest = series.latest
    if target is None or not target.judged or latest is None:
        return ev
    met = target.met_by(latest[1])
    words = f" The latest figure {'meets' if met else 'misses'} the target ({target.label})."
    return replace(
        ev,
        status=replace(ev.status, sentence=ev.status.sentence + words),
        assurance=ev.assurance or ("target_met" if met else "target_missed"),
    )


# --------------------------------------------------------------------------- surveys


def _proportions(
    measure: Measure,
    series: MeasureSeries,
    history: MeasureSeries | None,
    minimum_base: int,
    notes: list[str],
) -> _Evidence:
    assert series.counts is not None and series.base is not None
    values = series.values.dropna()
    end = values.index[-1]
    before = end - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
    frequency = series.frequency
    change = None
    base = series.base
    if before in base.index and pd.notna(base.get(before)) and base[before] > 0:
        change = surveys.compare_proportions(
            float(series.counts[before]),
            float(base[before]),
            float(series.counts[end]),
            float(base[end]),
            minimum_base=minimum_base,
            previous_label=period_label(before, frequency),
            current_label=period_label(end, frequency),
        )
    chart = _survey_chart(measure, series, history)
    if chart is not None and float(base[end]) >= minimum_base:
        status = _status_from_pchart(chart)
        if not status.signal and change is not None and change.judged:
            test_status = status_from_survey(change, measure.polarity)
            status = (
                test_status
                if test_status.signal
                else replace(status, sentence=f"{status.sentence} {change.sentence}")
            )
        return _with_target(
            measure,
            _Evidence("p_chart", status, chart.points, survey_change=change, p_chart=chart),
            series,
        )
    if change is None:
        n = float(base[end])
        if n < minimum_base:
            return _none(
                f"Not judged: {period_label(end, frequency)} rests on {n:,.0f} "
                f"respondents, fewer than the minimum of {minimum_base}."
            )
        return _none(
            f"Not judged: there is no figure for {period_label(before, frequency)} "
            f"to compare {period_label(end, frequency)} with, and fewer than "
            f"{MINIMUM_SPC_POINTS} periods for a p-chart."
        )
    status = status_from_survey(change, measure.polarity)
    return _with_target(
        measure, _Evidence("proportion_test", status, 2, survey_change=change), series
    )


def _survey_chart(
    measure: Measure, series: MeasureSeries, history: MeasureSeries | None
) -> PChart | None:
    """A p-chart over non-overlapping periods: the series itself unless it is rolling, then
    its history (quarters or months)."""
    source = series if series.frequency != "rolling_12_months" else history
    if source is None or source.counts is None or source.base is None:
        return None
    if source.frequency not in ("month", "quarter", "financial_year"):
        return None
    return surveys.p_chart(
        source.counts,
        source.base,
        measure.polarity,
        frequency=source.frequency,
        minimum_points=MINIMUM_SPC_POINTS,
    )


def _status_from_pchart(chart: PChart) -> Status:
    name = STATUS_OF_VARIATION.get(chart.variation, "not enough data")
    return Status(name, f"p-chart: {chart.sentence}", False, "p_chart")


# --------------------------------------------------------------------------- snapshots


def _snapshots(
    measure: Measure, values: pd.Series, rebase: tuple[tuple[object, str], ...], notes: list[str]
) -> _Evidence:
    observed = values.dropna()
    end = observed.index[-1]
    if len(observed) >= MINIMUM_SPC_POINTS:
        chart = spc.xmr(
            values,
            measure.polarity,
            rebase=rebase,
            frequency="snapshot",
            target=_target_for_spc(measure, adjusted=False),
        )
        if not chart.provisional:
            status = _status_from_spc(chart)
            return _Evidence(
                "spc", status, chart.segments[-1].baseline_points, chart.assurance, chart
            )
    elif len(observed) >= 2:
        chart = _without_signals(
            spc.xmr(values, measure.polarity, rebase=rebase, frequency="snapshot")
        )
        notes.append(
            f"{len(observed)} snapshots: fewer than {MINIMUM_SPC_POINTS}, so the "
            "limits are provisional and not used to judge."
        )
    else:
        chart = None
    before = _year_before_snapshot(observed, end)
    label = period_label(end, "snapshot")
    latest = float(observed.iloc[-1])
    target = measure.target
    if before is None and (target is None or not target.judged):
        return _none(
            f"Not judged: {label} ({_fmt(latest)}) is the only snapshot within a "
            "year's reach of a year before, and the plan sets no pledge to judge "
            "it against."
        )
    parts: list[str] = []
    name = "stable"
    if before is not None:
        when, then = before
        change = latest - then
        share = change / then if then else math.inf
        moved = abs(share) >= SNAPSHOT_MATERIAL
        direction = "up" if change > 0 else "down"
        parts.append(
            f"{label}: {_fmt(latest)} against {_fmt(then)} on "
            f"{period_label(when, 'snapshot')}, {direction} {abs(change):,.0f} "
            f"({100 * share:+.1f}%)"
            if change
            else f"{label}: {_fmt(latest)}, the same as on {period_label(when, 'snapshot')}"
        )
        if moved:
            if measure.polarity == "neutral":
                name = "changed"
            else:
                good = (change > 0) == (measure.polarity == "higher_is_better")
                name = "improving" if good else "deteriorating"
            parts.append(
                f"a change of {SNAPSHOT_MATERIAL:.0%} or more in a year is read as a "
                "change (counts of people are not a sample, so no test applies)"
            )
        else:
            parts.append(f"less than {SNAPSHOT_MATERIAL:.0%} in a year, read as no change")
    else:
        parts.append(f"{label}: {_fmt(latest)}; no snapshot a year before")
    assurance = None
    if target is not None and target.judged:
        met = target.met_by(latest)
        parts.append(f"it {'meets' if met else 'misses'} the pledge ({target.label})")
        assurance = "target_met" if met else "target_missed"
    sentence = "; ".join(parts) + "."
    points = 2 if before is not None else 1
    return _Evidence(
        "snapshot",
        Status(name, sentence[0].upper() + sentence[1:], False, "snapshot"),
        points,
        assurance,
        chart,
    )


def _year_before_snapshot(
    observed: pd.Series, end: pd.Timestamp
) -> tuple[pd.Timestamp, float] | None:
    """The snapshot nearest a year before the latest, within three months of it."""
    target = end - pd.DateOffset(years=1)
    candidates = [
        (abs((e - target).days), e) for e in observed.index[:-1] if abs((e - target).days) <= 92
    ]
    if not candidates:
        return None
    _, when = min(candidates)
    return when, float(observed[when])


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


# --------------------------------------------------------------------------- in words


def how_judged() -> str:
    """The "How the figures are judged" page, in Markdown: the rules that assemble a series
    (`pcp_data.measures`), the methods that judge it (this module) and the table that turns a
    status into a judgement (`pcp_data.status`), from the modules' own documentation."""
    series_doc = (measures_module.__doc__ or "").split("Rules, in the order they apply", 1)[1]
    series_doc = "Rules, in the order they apply" + series_doc
    methods_doc = (__doc__ or "").split("\n\n", 1)[1]
    header = "| status | " + " | ".join(TIERS) + " |"
    rows = [header, "|" + "---|" * (len(TIERS) + 1)]
    for status, by_tier in judge_table().items():
        rows.append(f"| {status} | " + " | ".join(by_tier[t] for t in TIERS) + " |")
    return "\n\n".join(
        [
            "## One series per measure, from every source",
            _markdown(series_doc),
            "## A method for each shape of data",
            _markdown(methods_doc),
            "## From status to judgement",
            "Each method gives a status (improving, stable, changed, deteriorating, or not enough "
            "data). The plan's expectation tier then gives the judgement (a measure with no tier "
            "is read as *maintain*); a question or priority takes the **worst** judgement of its "
            "measures, never an average.",
            "\n".join(rows),
        ]
    )


def _markdown(doc: str) -> str:
    """A docstring as Markdown: ``code`` becomes a code span."""
    text = re.sub(r"``([^`]+)``", r"`\1`", doc)
    # references to the code, which say nothing to a reader of the page
    text = re.sub(r"\(`[A-Za-z_.]+`: ", "(", text)
    text = re.sub(r"\s*\(`[A-Za-z_.]+`\)", "", text)
    text = re.sub(r" \(also on the app's [^)]*\)", "", text)
    return text.strip()
