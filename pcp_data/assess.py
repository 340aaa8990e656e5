"""Judging a plan: each measure's latest figure, comparisons, SPC, survey test, status, peers.

`assess_measure` gathers the evidence for one measure in one area as at a month; `assess_plan`
does so for every measure and rolls statuses up to each question (KPQ, or priority where the
plan has no KPQs) and priority by the rule in `pcp_data.status`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from pcp_data import compare, spc, surveys
from pcp_data.compare import Comparison
from pcp_data.measures import MeasureSeries, measure_series, population_words
from pcp_data.peers import PeerComparison, peer_comparison
from pcp_data.periods import month_end
from pcp_data.plan import Measure, Plan, Question
from pcp_data.status import Judgement, RollUp, judge_measure, roll_up
from pcp_data.store import Store

UNIT_WORDS: dict[str, str] = {
    "count": "Number",
    "rate_per_1000": "Per 1,000 people",
    "percent": "Per cent",
    "fte": "Full-time equivalent",
    "headcount": "Headcount",
    "number": "Value",
}

# the x axis of a measure's chart, in words, by frequency
PERIOD_AXIS_WORDS: dict[str, str] = {
    "month": "Month ending",
    "quarter": "Quarter ending",
    "financial_year": "Financial year ending",
    "rolling_12_months": "12 months ending",
    "snapshot": "As at",
}

FREQUENCY_WORDS: dict[str, str] = {
    "month": "monthly",
    "quarter": "quarterly",
    "financial_year": "financial year",
    "rolling_12_months": "rolling 12 months",
    "snapshot": "snapshot",
}


def format_value(value: float | None, unit: str) -> str:
    """A figure as the product writes it: ``12,345``, ``78.4%``, ``55.1 per 1,000``."""
    if value is None or pd.isna(value):
        return "no figure"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate_per_1000":
        return f"{value:,.1f} per 1,000"
    if unit == "fte":
        return f"{value:,.1f} FTE"
    if unit == "number":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def axis_title(measure: Measure, series: MeasureSeries | None = None) -> str:
    """The value axis title in words: ``Number``, ``Rate per 1,000 people``, ``Per cent``.

    Kept short so it reads on a projector; the period goes on the other axis
    (`PERIOD_AXIS_WORDS`), the population year in the caption (`rate_note`)."""
    del series
    return UNIT_WORDS.get(measure.unit, measure.unit)


def rate_note(series: MeasureSeries) -> str | None:
    """``"Rates per 1,000 population (mid-2020 to mid-2026 estimates)."``, for a caption."""
    if not series.population_years:
        return None
    return f"Rates {population_words(series.population_years)}."


@dataclass
class Assessment:
    """Everything the product says about one measure in one area as at a month."""

    measure: Measure
    series: MeasureSeries
    as_at: dt.date | None
    latest_date: pd.Timestamp | None
    latest_value: float | None
    comparisons: list[Comparison]
    year_before: Comparison | None
    spc: spc.SPCResult | None
    survey: surveys.SurveyFigure | None
    survey_change: surveys.ProportionChange | None
    judgement: Judgement
    peers: PeerComparison | None = None
    notes: list[str] = field(default_factory=list)
    minimum_base: int = 50

    @property
    def latest_text(self) -> str:
        return format_value(self.latest_value, self.measure.unit)

    @property
    def period_words(self) -> str:
        if self.latest_date is None:
            return "no figures"
        return spc.period_label(self.latest_date, self.measure.frequency)


def _truncate(series: pd.Series | None, as_at: dt.date | None) -> pd.Series | None:
    if series is None or as_at is None:
        return series
    return series[series.index <= pd.Timestamp(month_end(as_at))]


def _year_before(values: pd.Series, measure: Measure) -> Comparison | None:
    """The latest period against the same period a year before."""
    v = values.dropna()
    if v.empty:
        return None
    end = v.index[-1]
    before = end - pd.DateOffset(years=1)
    before = before + pd.offsets.MonthEnd(0)
    words_now = spc.period_label(end, measure.frequency)
    words_then = spc.period_label(before, measure.frequency)
    label = "against the same period a year before"
    if before not in values.index or pd.isna(values.get(before)):
        return Comparison(label, float(v.iloc[-1]), None, None, None, words_now, words_then,
                          available=False, reason=f"no figure for {words_then}",
                          unit="percent" if measure.unit == "percent" else "count")
    cur, prev = float(v.iloc[-1]), float(values[before])
    change = cur - prev
    pct = None if prev == 0 or measure.unit == "percent" else 100.0 * change / prev
    return Comparison(label, cur, prev, change, pct, words_now, words_then,
                      unit="percent" if measure.unit == "percent" else "count")


def assess_measure(
    store: Store,
    plan: Plan,
    measure: Measure,
    area_code: str,
    *,
    as_at: dt.date | None = None,
    peer_codes: tuple[str, ...] = (),
    series: MeasureSeries | None = None,
) -> Assessment:
    """Gather the evidence for one measure and judge it (see `pcp_data.status`)."""
    ms = series or measure_series(store, measure, area_code)
    if ms.frequency != measure.frequency:  # shown at a fallback frequency (see measures)
        measure = replace(measure, frequency=ms.frequency)
    values = _truncate(ms.values, as_at)
    assert values is not None
    base = _truncate(ms.base, as_at)
    counts = _truncate(ms.counts, as_at)
    observed = values.dropna()
    latest_date = observed.index[-1] if not observed.empty else None
    latest_value = float(observed.iloc[-1]) if not observed.empty else None
    percent = measure.unit == "percent"
    unit = "percent" if percent else "count"
    baseline = (measure.baseline.start, measure.baseline.end) if measure.baseline else None
    target = (measure.target.op, measure.target.value) if measure.target and \
        measure.target.op != "==" else None
    comparisons: list[Comparison] = []
    if not observed.empty:
        if counts is not None and base is not None:
            comparisons = compare.all_comparisons(
                counts, measure.frequency, base=base, baseline=baseline, target=target,
                unit="percent")
        else:
            how = "mean" if measure.frequency in ("snapshot",) or measure.unit in (
                "percent", "rate_per_1000", "number") else "sum"
            comparisons = compare.all_comparisons(
                values, measure.frequency, baseline=baseline, target=target, how=how, unit=unit)
    year_before = _year_before(values, measure)
    notes: list[str] = list(ms.notes)
    spc_result = _spc(store, plan, measure, area_code, values, as_at, target, notes)
    survey = change = None
    if counts is not None and base is not None and latest_date is not None:
        survey, change = _survey(plan, measure, counts, base, latest_date)
    evidence = change if change is not None else spc_result
    # with no figure at all, the series says why (e.g. only other frequencies are held)
    reason = (ms.notes[0] if observed.empty and ms.notes
              else notes[-1] if notes else "There are too few figures to judge.")
    judgement = judge_measure(evidence, measure.tier, polarity=measure.polarity, reason=reason)
    peers = None
    if peer_codes and latest_date is not None:
        peers = peer_comparison(store, measure, area_code, peer_codes, latest_date)
    return Assessment(measure, ms, as_at, latest_date, latest_value, comparisons, year_before,
                      spc_result, survey, change, judgement, peers, notes,
                      plan.settings.minimum_base)


def _spc(store: Store, plan: Plan, measure: Measure, area_code: str, values: pd.Series,
         as_at: dt.date | None, target: tuple[str, float] | None,
         notes: list[str]) -> spc.SPCResult | None:
    """XmR chart of the measure; for a rolling 12-month measure, of the monthly figures
    behind it (rolling sums are not independent points, so no rules are run on them)."""
    frequency = measure.frequency
    if spc.spc_refusal(frequency) is not None:
        behind = measure_series(store, replace(measure, frequency="month"), area_code)
        values = _truncate(behind.values, as_at)
        frequency = behind.frequency
        target = None  # a target applies to the rolling figure, not to single periods
        words = {"month": "monthly", "quarter": "quarterly"}.get(frequency)
        if words is None or values is None or values.dropna().shape[0] < 2:
            notes.append("The store holds fewer than two monthly or quarterly figures behind "
                         "the rolling 12-month figures, so there is no SPC chart to judge by: "
                         "SPC rules are not run on rolling figures, which overlap.")
            return None
        notes.append(f"SPC is run on the {words} figures behind the rolling 12-month figures.")
    if values is None or values.dropna().shape[0] < 2:
        notes.append("Fewer than two figures: no SPC limits.")
        return None
    return spc.xmr(values, measure.polarity, rebase=[(r.date, r.reason)
                   for r in plan.settings.rebase], target=target, frequency=frequency)


def _survey(plan: Plan, measure: Measure, counts: pd.Series, base: pd.Series,
            latest: pd.Timestamp) -> tuple[surveys.SurveyFigure, surveys.ProportionChange | None]:
    """The latest survey figure, and its change on the same period a year before."""
    n, x = float(base[latest]), float(counts[latest])
    figure = surveys.survey_figure(x, n, minimum_base=plan.settings.minimum_base)
    before = latest - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
    if before not in base.index or pd.isna(base.get(before)) or base[before] <= 0:
        return figure, None
    words = (spc.period_label(before, measure.frequency),
             spc.period_label(latest, measure.frequency))
    change = surveys.compare_proportions(
        float(counts[before]), float(base[before]), x, n,
        minimum_base=plan.settings.minimum_base,
        previous_label=words[0], current_label=words[1])
    return figure, change


@dataclass
class QuestionAssessment:
    question: Question
    measures: list[Assessment]
    rollup: RollUp


@dataclass
class PlanAssessment:
    plan: Plan
    area_code: str
    as_at: dt.date | None
    questions: list[QuestionAssessment]
    by_measure: dict[str, Assessment]

    def priority_rollup(self, priority_id: str) -> RollUp:
        priority = self.plan.priority(priority_id)
        return roll_up(priority.title, [self.by_measure[m.id].judgement
                                        for m in self.plan.measures_for_priority(priority_id)])


def assess_plan(
    store: Store,
    plan: Plan,
    area_code: str,
    *,
    as_at: dt.date | None = None,
    peer_codes: tuple[str, ...] = (),
) -> PlanAssessment:
    """Assess every measure once, then roll up to each question."""
    by_measure = {
        m.id: assess_measure(store, plan, m, area_code, as_at=as_at, peer_codes=peer_codes)
        for m in plan.measures
    }
    questions = []
    for q in plan.questions():
        items = [by_measure[m.id] for m in q.measures]
        rollup = roll_up(q.title, [a.judgement for a in items])
        questions.append(QuestionAssessment(q, items, rollup))
    return PlanAssessment(plan, area_code, as_at, questions, by_measure)


@dataclass(frozen=True)
class Change:
    """How one measure moved between two Panel meetings' figures."""

    measure: Measure
    before: Assessment
    after: Assessment
    kind: str  # "status changed", "significant movement" or "no significant change"
    sentence: str

    @property
    def order(self) -> int:
        return {"status changed": 0, "significant movement": 1}.get(self.kind, 2)


def _significant(before: Assessment, after: Assessment) -> str | None:
    """Why the movement between two assessments is significant, or None."""
    a_series = after.series
    if a_series.counts is not None and a_series.base is not None and \
            before.latest_date is not None and after.latest_date is not None and \
            before.latest_date != after.latest_date:
        counts, base = a_series.counts, a_series.base
        change = surveys.compare_proportions(
            float(counts[before.latest_date]), float(base[before.latest_date]),
            float(counts[after.latest_date]), float(base[after.latest_date]),
            minimum_base=after.minimum_base,
            previous_label=before.period_words, current_label=after.period_words)
        return change.sentence if change.significant and change.judged else None
    if after.spc is not None and after.spc.latest_signal in ("improvement", "concern"):
        return after.spc.sentence
    return None


def changes_since(earlier: PlanAssessment, later: PlanAssessment) -> list[Change]:
    """What changed since the last Panel: status changes first, then significant
    movements, then the rest, each with the sentence that says why."""
    out: list[Change] = []
    for mid, after in later.by_measure.items():
        before = earlier.by_measure.get(mid)
        if before is None:
            continue
        unit = after.measure.unit
        values = (f"{format_value(before.latest_value, unit)} ({before.period_words}) → "
                  f"{format_value(after.latest_value, unit)} ({after.period_words})")
        if before.judgement.name != after.judgement.name:
            kind = "status changed"
            sentence = (f"From {before.judgement.words} to {after.judgement.words}: {values}. "
                        f"{after.judgement.sentence}")
        else:
            why = _significant(before, after)
            if why is not None:
                kind, sentence = "significant movement", f"{values}. {why}"
            else:
                kind = "no significant change"
                sentence = f"{values}; still {after.judgement.words}."
        out.append(Change(after.measure, before, after, kind, sentence))
    return sorted(out, key=lambda c: c.order)
