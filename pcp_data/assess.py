"""Judging a plan: each measure's latest figure, comparisons, judgement and peers.

`assess_plan` reads the plan's facts from the store once (`pcp_data.plan_facts`);
`assess_plan_facts` and `assess_measure` are pure functions of those frames. Each measure is
judged by the method that fits its data (`pcp_data.judging`) and the statuses roll up to each
question (KPQ, or priority where the plan has no KPQs) and priority by the rule in
`pcp_data.status`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from pcp_data import compare, spc, surveys
from pcp_data.compare import Comparison
from pcp_data.events import rebases_by_measure
from pcp_data.judging import Verdict, judge_series
from pcp_data.measures import MeasureSeries, population_words
from pcp_data.peers import PeerComparison, peer_comparison
from pcp_data.periods import month_end
from pcp_data.plan import Measure, Plan, Question
from pcp_data.plan_facts import PlanFacts
from pcp_data.readers.coverage import where_to_get
from pcp_data.status import Judgement, RollUp, roll_up
from pcp_data.store import Store
from pcp_data.vocabulary import FREQUENCIES, period_label, unit_of


def format_value(value: float | None, unit: str) -> str:
    """A figure as the product writes it: ``12,345``, ``78.4%``, ``55.1 per 1,000``."""
    if value is None or pd.isna(value):
        return "no figure"
    return unit_of(unit).format(value)


def axis_title(measure: Measure, series: MeasureSeries | None = None) -> str:
    """The value axis title in words: ``Number``, ``Rate per 1,000 people``, ``Per cent``.

    Kept short so it reads on a projector; the period goes on the other axis
    (`period_axis_title`), the population year in the caption (`rate_note`)."""
    del series
    return unit_of(measure.unit).axis


def period_axis_title(measure: Measure) -> str:
    """The time axis title in words: ``Month ending``, ``12 months ending``, ``As at``."""
    frequency = FREQUENCIES.get(measure.frequency)
    return frequency.axis if frequency is not None else "Period ending"


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
    verdict: Verdict
    survey: surveys.SurveyFigure | None
    notes: list[str] = field(default_factory=list)
    minimum_base: int = 50
    peer_source: Callable[[], PeerComparison | None] | None = field(
        default=None, repr=False, compare=False
    )
    """Makes the peer comparison when it is first asked for (the Overview never asks)."""
    _peers: list[PeerComparison | None] = field(default_factory=list, repr=False, compare=False)

    @property
    def peers(self) -> PeerComparison | None:
        """The measure among its peers at the latest period (made once, on first use)."""
        if not self._peers:
            self._peers.append(self.peer_source() if self.peer_source is not None else None)
        return self._peers[0]

    @property
    def judgement(self) -> Judgement:
        return self.verdict.judgement

    @property
    def spc(self) -> spc.SPCResult | None:
        """The XmR chart drawn (of seasonally adjusted figures where the method says so)."""
        return self.verdict.spc

    @property
    def survey_change(self) -> surveys.ProportionChange | None:
        return self.verdict.survey_change

    @property
    def latest_text(self) -> str:
        return format_value(self.latest_value, self.measure.unit)

    @property
    def period_words(self) -> str:
        if self.latest_date is None:
            return "no figures"
        return period_label(self.latest_date, self.measure.frequency)


def _year_before(values: pd.Series, measure: Measure) -> Comparison | None:
    """The latest period against the same period a year before."""
    v = values.dropna()
    if v.empty:
        return None
    end = v.index[-1]
    before = end - pd.DateOffset(years=1)
    before = before + pd.offsets.MonthEnd(0)
    words_now = period_label(end, measure.frequency)
    words_then = period_label(before, measure.frequency)
    label = "against the same period a year before"
    if before not in values.index or pd.isna(values.get(before)):
        return Comparison(
            label,
            float(v.iloc[-1]),
            None,
            None,
            None,
            words_now,
            words_then,
            available=False,
            reason=f"no figure for {words_then}",
            unit="percent" if measure.unit == "percent" else "count",
        )
    cur, prev = float(v.iloc[-1]), float(values[before])
    change = cur - prev
    pct = None if prev == 0 or measure.unit == "percent" else 100.0 * change / prev
    return Comparison(
        label,
        cur,
        prev,
        change,
        pct,
        words_now,
        words_then,
        unit="percent" if measure.unit == "percent" else "count",
    )


def assess_measure(
    facts: PlanFacts,
    plan: Plan,
    measure: Measure,
    area_code: str,
    *,
    as_at: dt.date | None = None,
    peer_codes: tuple[str, ...] = (),
    plan_as_at: pd.Timestamp | None = None,
    rebases: Sequence[tuple[dt.date, str]] = (),
) -> Assessment:
    """Gather the evidence for one measure from facts already read, and judge it by the
    method that fits its data (`pcp_data.judging`).

    ``rebases`` are the re-basings analysts recorded for this measure (date, reason; from
    `pcp_data.events.rebases_by_measure`): its SPC limits start afresh at each, as at the
    plan's own re-basing dates."""
    full = facts.series(measure, area_code)
    ms = full.until(as_at)
    if ms.frequency != measure.frequency:  # shown at a fallback frequency (see measures)
        measure = replace(measure, frequency=ms.frequency)
    values, base, counts = ms.values, ms.base, ms.counts
    observed = values.dropna()
    latest_date = observed.index[-1] if not observed.empty else None
    latest_value = float(observed.iloc[-1]) if not observed.empty else None
    unit = "percent" if measure.unit == "percent" else "count"
    baseline = (measure.baseline.start, measure.baseline.end) if measure.baseline else None
    target = measure.target if measure.target and measure.target.judged else None
    comparisons: list[Comparison] = []
    if not observed.empty:
        if counts is not None and base is not None:
            comparisons = compare.all_comparisons(
                counts,
                measure.frequency,
                base=base,
                baseline=baseline,
                target=target,
                unit="percent",
            )
        else:
            how: compare.How = (
                "sum"
                if unit_of(measure.unit).adds_up and measure.frequency != "snapshot"
                else "mean"
            )
            comparisons = compare.all_comparisons(
                values, measure.frequency, baseline=baseline, target=target, how=how, unit=unit
            )
    history = None
    if measure.frequency in ("rolling_12_months", "financial_year") or counts is not None:
        found = facts.history(measure, area_code)
        history = found.until(as_at) if found is not None else None
    if observed.empty:
        where = where_to_get(measure.data.dataset, measure.data.measure, *_selection(measure))
        first = ms.notes[0] if ms.notes else "The store holds no figures for this measure."
        ms = replace(ms, notes=[f"{first} {where}", *ms.notes[1:]])
    verdict = judge_series(
        measure,
        ms,
        history=history,
        plan_as_at=plan_as_at,
        rebase=_rebase_dates(plan, rebases),
        minimum_base=plan.settings.minimum_base,
    )
    notes = [*ms.notes, *verdict.notes]
    survey = None
    if counts is not None and base is not None and latest_date is not None:
        survey = surveys.survey_figure(
            float(counts[latest_date]),
            float(base[latest_date]),
            minimum_base=plan.settings.minimum_base,
        )
    peer_source = None
    if peer_codes and latest_date is not None:
        shown, when = measure, latest_date

        def peer_source() -> PeerComparison | None:
            return peer_comparison(facts, shown, area_code, peer_codes, when)

    return Assessment(
        measure,
        ms,
        as_at,
        latest_date,
        latest_value,
        comparisons,
        _year_before(values, measure),
        verdict,
        survey,
        notes,
        plan.settings.minimum_base,
        peer_source,
    )


def _rebase_dates(
    plan: Plan, recorded: Sequence[tuple[dt.date, str]]
) -> tuple[tuple[object, str], ...]:
    """The plan's re-basing dates and those recorded for the measure, oldest first."""
    dates = [(r.date, r.reason) for r in plan.settings.rebase] + [
        (when, reason) for when, reason in recorded
    ]
    return tuple(sorted(dates, key=lambda item: pd.Timestamp(item[0])))


def _selection(measure: Measure) -> tuple[str | None, str | None]:
    """The measure's single selection (the first part of a sum), for naming its source."""
    return measure.data.selections()[0]


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
        return roll_up(
            priority.title,
            [self.by_measure[m.id].judgement for m in self.plan.measures_for_priority(priority_id)],
        )


def assess_plan(
    store: Store,
    plan: Plan,
    area_code: str,
    *,
    as_at: dt.date | None = None,
    peer_codes: tuple[str, ...] = (),
) -> PlanAssessment:
    """Read the plan's facts once (`PlanFacts.read`) and the re-basings recorded for its
    measures in the area, then assess it (`assess_plan_facts`)."""
    facts = PlanFacts.read(store, plan.measures, (area_code, *peer_codes))
    rebases = rebases_by_measure(store.rebases(plan.id, area_code), plan_id=plan.id)
    return assess_plan_facts(
        facts, plan, area_code, as_at=as_at, peer_codes=peer_codes, rebases=rebases
    )


def plan_as_at(
    latest: Mapping[str, object], plan: Plan, as_at: dt.date | None
) -> pd.Timestamp | None:
    """The plan's "as at": the month chosen, else the newest period the area holds in any
    dataset the plan's measures read (population aside: it is a denominator, not a figure).

    ``latest`` maps each dataset to the area's newest period end: `PlanFacts.latest` from
    facts already read, or the store's coverage table (`Store.coverage`), which agree.
    """
    if as_at is not None:
        return pd.Timestamp(month_end(as_at))
    datasets = {m.data.dataset for m in plan.measures} - {"population"}
    ends = [pd.Timestamp(str(v)) for d, v in latest.items() if d in datasets and v]
    return max(ends) if ends else None


def assess_plan_facts(
    facts: PlanFacts,
    plan: Plan,
    area_code: str,
    *,
    as_at: dt.date | None = None,
    peer_codes: tuple[str, ...] = (),
    rebases: Mapping[str, Sequence[tuple[dt.date, str]]] | None = None,
) -> PlanAssessment:
    """Assess every measure once from facts already read, then roll up to each question.
    ``rebases`` maps a measure id to the re-basings recorded for it (see `assess_measure`)."""
    when = plan_as_at(facts.latest(area_code), plan, as_at)
    recorded = rebases or {}
    by_measure = {
        m.id: assess_measure(
            facts,
            plan,
            m,
            area_code,
            as_at=as_at,
            peer_codes=peer_codes,
            plan_as_at=when,
            rebases=recorded.get(m.id, ()),
        )
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
    """Why the movement between two assessments is significant, or None: only when the
    measure's own method finds a change in a newer figure that it had not found before (a
    signal, or a significant test, new since the earlier figures or turned round). A finding
    that stands from before (a level that rose two years ago and stayed up) is not a movement
    since the last Panel."""
    if after.latest_date is None or after.latest_date == before.latest_date:
        return None
    if not after.verdict.significant:
        return None
    if before.verdict.significant and before.verdict.status.name == after.verdict.status.name:
        return None
    return after.judgement.status.sentence


def changes_since(earlier: PlanAssessment, later: PlanAssessment) -> list[Change]:
    """What changed since the last Panel: status changes first, then significant
    movements, then the rest, each with the sentence that says why."""
    out: list[Change] = []
    for mid, after in later.by_measure.items():
        before = earlier.by_measure.get(mid)
        if before is None:
            continue
        unit = after.measure.unit
        values = (
            f"{format_value(before.latest_value, unit)} ({before.period_words}) → "
            f"{format_value(after.latest_value, unit)} ({after.period_words})"
        )
        if before.judgement.name != after.judgement.name:
            kind = "status changed"
            sentence = (
                f"From {before.judgement.words} to {after.judgement.words}: {values}. "
                f"{after.judgement.sentence}"
            )
        else:
            why = _significant(before, after)
            if why is not None:
                kind, sentence = "significant movement", f"{values}. {why}"
            else:
                kind = "no significant change"
                standing = (
                    f" {after.verdict.status.name.capitalize()} since before the last "
                    "Panel: the same finding, no new change."
                    if after.verdict.significant
                    else ""
                )
                sentence = f"{values}; still {after.judgement.words}.{standing}"
        out.append(Change(after.measure, before, after, kind, sentence))
    return sorted(out, key=lambda c: c.order)
