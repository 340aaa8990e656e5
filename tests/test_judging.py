"""The judging method for each shape of data (pcp_data.judging), checked by hand on small
series, by simulation on stable and stepped seasonal counts, and on every real file."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pcp_data.assess import assess_plan, changes_since
from pcp_data.importer import import_files
from pcp_data.judging import METHODS, SNAPSHOT_MATERIAL, judge_series
from pcp_data.measures import MeasureSeries
from pcp_data.plan import Baseline, DataRef, Measure, Period, load_shipped, shipped_plans
from pcp_data.plan_facts import PlanFacts
from pcp_data.store import Store
from pcp_data.vocabulary import Target

CRIME = DataRef("recorded_crime", "offences", "Theft offences", "Domestic burglary")


def measure(
    frequency: str = "month", polarity: str = "lower_is_better", **extra: object
) -> Measure:
    unit = extra.pop("unit", "count")
    data = extra.pop("data", CRIME)
    return Measure("m", "A measure", data, str(unit), frequency, polarity, **extra)  # type: ignore[arg-type]


def series(
    values: list[float],
    frequency: str = "month",
    start: str = "2019-01-31",
    m: Measure | None = None,
) -> MeasureSeries:
    freq = {
        "month": "ME",
        "quarter": "QE",
        "financial_year": "YE-MAR",
        "rolling_12_months": "ME",
        "snapshot": "QE",
    }[frequency]
    index = pd.date_range(start, periods=len(values), freq=freq, name="period_end")
    return MeasureSeries(
        m or measure(frequency),
        "X",
        pd.Series(values, index=index, dtype=float),
        None,
        frequency,
        "test",
    )


def judged(values: list[float], frequency: str = "month", **kwargs: object):
    m = kwargs.pop("m", None) or measure(frequency)
    return judge_series(m, series(values, frequency, m=m), **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- monthly counts


def test_a_seasonal_peak_is_not_a_signal_once_three_years_are_held() -> None:
    # four years of 100 a month with every July at 160: on the raw figures the July peak would
    # be outside the limits (mean 105, mean mR = (60 + 60) × 4 / 47 ≈ 10.2, upper ≈ 132).
    # Seasonal factors: July 160 / 105 = 1.524, others 100 / 105 = 0.952, so every adjusted
    # month is 105: a flat line, no signal. The latest month is July.
    values = [160.0 if (i % 12) == 6 else 100.0 for i in range(43)]
    v = judged(values)
    assert v.method == "seasonal_spc" and v.adjustment is not None
    assert v.adjustment.factors[7] == pytest.approx(160 / 105)
    assert v.adjustment.adjusted.round(6).unique().tolist() == [105.0]
    assert v.status.name == "stable"
    assert v.status.sentence.startswith("Seasonally adjusted: ")
    assert v.points == 43 and v.period_end == pd.Timestamp("2022-07-31")


def test_a_sustained_rise_in_the_latest_year_is_of_concern_even_inside_the_limits() -> None:
    # 36 months at 1,000 ± 30 (a wobble the moving ranges see), then 12 at 1,060 ± 30:
    # 12,720 against 12,000 in the year before.
    wobble = [30.0, -30.0] * 24
    values = [1000.0 + w for w in wobble[:36]] + [1060.0 + w for w in wobble[36:]]
    v = judged(values)
    assert v.method == "seasonal_spc"
    assert v.count_test is not None
    assert (v.count_test.current, v.count_test.previous) == (12720.0, 12000.0)
    assert v.judgement.name == "of concern"


def test_under_three_years_the_same_month_a_year_before_with_the_series_own_dispersion() -> None:
    # 14 months from January 2019: 110, 100 alternating, then 110 and 130.
    # February 2020 (130) against February 2019 (100). The dispersion from the 14 raw months
    # (no season can be taken out): 12 moving ranges of 10 and one of 20, mean mR = 140 / 13
    # = 10.769, sigma = 10.769 / 1.128 = 9.547, sigma² = 91.15, mean = (7 × 110 + 6 × 100
    # + 130) / 14 = 107.14, so phi = 91.15 / 107.14 < 1 -> 1.
    # z = (130 - 100) / sqrt(1 × 230) = 1.978, p = 0.0479: significant.
    values = [110.0, 100.0] * 6 + [110.0, 130.0]
    v = judged(values)
    assert v.method == "count_same_period"
    t = v.count_test
    assert t is not None and (t.current, t.previous) == (130.0, 100.0)
    assert t.phi == 1.0
    assert t.z == pytest.approx(30 / math.sqrt(230))
    assert t.p_value == pytest.approx(0.0479, abs=0.0005)
    assert v.status.name == "deteriorating" and v.judgement.name == "of concern"
    assert v.spc is None  # no limits over a season


def test_with_no_year_before_the_latest_against_the_periods_before_it() -> None:
    # quarters 40, 50, 60, 90: 90 against 150 over 3 quarters (50 a quarter).
    # phi from the four quarters: variance = ((40-60)² + (50-60)² + 0 + 30²) / 3 = 466.7,
    # mean 60, phi = 7.78. z = (90/1 - 150/3) / sqrt(7.78 × (90/1 + 150/9)) = 40 / 28.80 = 1.389
    v = judged([40.0, 50.0, 60.0, 90.0], "quarter")
    assert v.method == "count_recent" and v.points == 4
    t = v.count_test
    assert t is not None
    phi = (400 + 100 + 0 + 900) / 3 / 60
    assert t.phi == pytest.approx(phi)
    assert t.z == pytest.approx(40 / math.sqrt(phi * (90 + 150 / 9)))
    assert v.status.name == "stable"
    assert "the season is not allowed for" in v.status.sentence


def test_one_figure_is_not_judged() -> None:
    v = judged([40.0], "quarter")
    assert v.method == "none" and v.judgement.name == "not judged"
    assert "Only one figure" in v.judgement.sentence


def test_provisional_limits_never_decide() -> None:
    # 48 seasonal months with a re-basing 6 months before the end: the latest segment's
    # limits rest on 6 points, so the year against the year before decides instead
    values = [100.0 + 20 * math.sin(i / 12 * 2 * math.pi) + (i % 2) for i in range(48)]
    values[-1] = 400.0  # far outside any limit: ignored by provisional limits
    v = judged(values, rebase=((pd.Timestamp("2022-07-01"), "new recording rules"),))
    assert v.method == "count_year"
    assert v.spc is not None and v.spc.provisional
    assert v.spc.data["signal"].isna().all()  # drawn, not flagged
    assert v.points == 24


# --------------------------------------------------------------------------- yearly figures


def test_financial_years_against_the_year_before_and_the_baseline() -> None:
    # 2013/14 .. 2017/18: 1,000, 1,010, 990, 1,000, 900. Baseline 2013/14.
    # No finer history: dispersion from the 5 years? fewer than 6 -> exact Poisson test.
    base = Baseline(
        Period(pd.Timestamp("2013-04-01").date(), pd.Timestamp("2014-03-31").date(), "2013/14")
    )
    m = measure("financial_year", baseline=base, tier="improve")
    values = [1000.0, 1010.0, 990.0, 1000.0, 900.0]
    v = judge_series(m, series(values, "financial_year", start="2014-03-31", m=m))
    assert v.method == "count_year"
    assert v.count_test is not None and (v.count_test.current, v.count_test.previous) == (
        900.0,
        1000.0,
    )
    assert v.baseline_test is not None and v.baseline_test.previous == 1000.0
    assert "assumes Poisson variation" in v.count_test.sentence
    # 900 against 1,000: exact Poisson test p ≈ 0.026, a significant fall: improving
    assert v.status.name == "improving" and v.judgement.name == "on track"
    assert "Against the baseline" in v.status.sentence


def test_a_rate_is_tested_as_counts_over_their_populations() -> None:
    # 12 months to June 2019: 6,300 crimes over 630,000 people (10.0 per 1,000), the year
    # before 6,000 over 600,000 (10.0): the rate is unchanged, not a rise of 300 crimes
    m = measure(
        "rolling_12_months",
        unit="rate_per_1000",
        data=DataRef("recorded_crime", "offences", per_1000_population=True),
    )
    index = pd.DatetimeIndex(
        [pd.Timestamp("2018-06-30"), pd.Timestamp("2019-06-30")], name="period_end"
    )
    s = MeasureSeries(
        m,
        "X",
        pd.Series([10.0, 10.0], index=index),
        None,
        "rolling_12_months",
        "test",
        rate_counts=pd.Series([6000.0, 6300.0], index=index),
        population=pd.Series([600000.0, 630000.0], index=index),
    )
    v = judge_series(m, s)
    t = v.count_test
    assert t is not None and t.ratio == pytest.approx(1.0) and not t.significant
    assert "(10.0 per 1,000)" in t.sentence
    assert v.status.name == "stable"


def test_overlapping_rolling_figures_are_never_compared() -> None:
    m = measure("rolling_12_months")
    index = pd.DatetimeIndex([pd.Timestamp("2018-03-31"), pd.Timestamp("2018-06-30")])
    s = MeasureSeries(
        m, "X", pd.Series([100.0, 110.0], index=index), None, "rolling_12_months", "test"
    )
    v = judge_series(m, s)
    assert v.method == "none"
    assert "overlapping 12-month figures are never compared" in v.judgement.sentence


# --------------------------------------------------------------------------- snapshots


def test_few_snapshots_against_the_pledge_and_a_year_before() -> None:
    # 3,050 at 30 September 2018 against 3,010 a year before (+1.3%, less than 2%: no
    # change); the pledge "above 3,000" is met
    target = Target(">", 3000.0, "above 3,000")
    m = measure("snapshot", polarity="higher_is_better", unit="headcount", target=target)
    v = judge_series(
        m, series([3010.0, 3000.0, 3020.0, 3035.0, 3050.0], "snapshot", start="2017-09-30", m=m)
    )
    assert v.method == "snapshot" and v.points == 2
    assert v.status.name == "stable" and v.judgement.name == "on track"
    assert "meets the pledge (above 3,000)" in v.status.sentence
    # a fall of more than 2% that misses the pledge
    v = judge_series(
        m, series([3060.0, 3000.0, 3000.0, 3000.0, 2980.0], "snapshot", start="2017-09-30", m=m)
    )
    assert abs(2980 / 3060 - 1) > SNAPSHOT_MATERIAL
    assert v.status.name == "deteriorating" and v.judgement.name == "of concern"
    assert "misses the pledge" in v.status.sentence


def test_twelve_snapshots_are_judged_by_spc() -> None:
    m = measure("snapshot", polarity="neutral", unit="fte")
    v = judge_series(m, series([100.0, 101.0] * 6, "snapshot", m=m))
    assert v.method == "spc" and v.points == 12 and v.status.name == "stable"


# --------------------------------------------------------------------------- stale


def test_a_judgement_on_an_old_figure_says_it_is_stale() -> None:
    v = judged([40.0, 50.0, 60.0, 90.0], "quarter", plan_as_at=pd.Timestamp("2020-06-30"))
    # the latest quarter ends December 2019; one quarter later is March 2020 < June 2020
    assert v.stale and v.judgement.stale
    assert v.judgement.sentence.startswith(
        "Stale: the newest figure is for the quarter to December 2019"
    )
    assert not judged(
        [40.0, 50.0, 60.0, 90.0], "quarter", plan_as_at=pd.Timestamp("2020-03-31")
    ).stale


def test_every_method_has_words() -> None:
    assert set(METHODS) >= {
        "seasonal_spc",
        "count_year",
        "count_same_period",
        "count_recent",
        "p_chart",
        "proportion_test",
        "spc",
        "snapshot",
        "none",
    }


# --------------------------------------------------------------------------- simulation


def _seasonal_counts(
    rng: np.random.Generator, n: int, mean: float, phi: float, amp: float, step: float
) -> pd.Series:
    """Negative binomial months (variance phi × mean) around a seasonal cycle; the last 12
    months multiplied by 1 + step."""
    index = pd.date_range("2019-01-31", periods=n, freq="ME", name="period_end")
    phase = rng.uniform(0, 2 * math.pi)
    season = 1 + amp * np.sin(2 * np.pi * (index.month.to_numpy() - 1) / 12 + phase)
    mu = mean * season * np.where(np.arange(n) >= n - 12, 1 + step, 1.0)
    x = rng.negative_binomial(mu / (phi - 1), 1 / phi)
    return pd.Series(x.astype(float), index=index)


SCENARIOS = [(150.0, 2.0, 0.3), (600.0, 3.0, 0.2), (2500.0, 4.0, 0.15), (8000.0, 2.5, 0.1)]


@pytest.mark.parametrize(("mean", "phi", "amp"), SCENARIOS)
def test_stable_seasonal_overdispersed_months_rarely_signal(
    mean: float, phi: float, amp: float
) -> None:
    rng = np.random.default_rng(int(mean))
    m = measure()
    calls = 0
    runs = 150
    for _ in range(runs):
        values = _seasonal_counts(rng, int(rng.integers(40, 90)), mean, phi, amp, 0.0)
        v = judge_series(m, MeasureSeries(m, "X", values, None, "month", "sim"))
        calls += v.status.name != "stable"
    assert calls / runs <= 0.10


@pytest.mark.parametrize(("mean", "phi", "amp"), SCENARIOS)
def test_a_sustained_quarter_rise_over_the_last_year_is_of_concern(
    mean: float, phi: float, amp: float
) -> None:
    rng = np.random.default_rng(int(mean) + 1)
    m = measure()
    found = 0
    runs = 100
    for _ in range(runs):
        values = _seasonal_counts(rng, int(rng.integers(40, 90)), mean, phi, amp, 0.25)
        v = judge_series(m, MeasureSeries(m, "X", values, None, "month", "sim"))
        found += v.judgement.name == "of concern"
    assert found / runs >= 0.95


# --------------------------------------------------------------------------- what changed


def test_what_changed_lists_only_movements_the_method_calls_significant(
    sample_store: Store,
) -> None:
    plan = load_shipped("durham-2018-21")
    area = "LOCAL:northmoor-constabulary"
    facts = PlanFacts.read(sample_store, plan.measures, [area])
    from pcp_data.assess import assess_plan_facts

    before = assess_plan_facts(facts, plan, area, as_at=pd.Timestamp("2026-06-30").date())
    after = assess_plan_facts(facts, plan, area)
    for change in changes_since(before, after):
        if change.kind == "significant movement":
            assert change.after.verdict.significant, change.sentence
        if change.kind == "no significant change":
            assert change.before.judgement.name == change.after.judgement.name
    changes = {c.measure.id: c for c in changes_since(before, after)}
    # 12 months to June 2026 -> September 2026: a tiny move in a rate is not news
    assert changes["crime-rate"].kind == "no significant change", changes["crime-rate"].sentence
    # violence with injury stepped up in April 2024 and stayed up: still of concern, but the
    # same finding as at the last Panel, not a movement since it
    violence = changes["violence-with-injury"]
    assert violence.after.verdict.significant and violence.before.verdict.significant
    assert violence.kind == "no significant change"
    assert "the same finding, no new change" in violence.sentence


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
@pytest.mark.slow
def test_every_real_measure_with_two_periods_is_judged_on_its_newest_period(
    realdata_dir: Path, tmp_path: Path
) -> None:
    files = sorted(p for p in realdata_dir.rglob("*") if p.is_file() and p.name != "README.md")
    store = Store(f"sqlite:///{tmp_path / 'real.sqlite'}")
    import_files(files, store, uploaded_by="tests")
    judged_count = 0
    for plan_id in shipped_plans():
        plan = load_shipped(plan_id)
        pa = assess_plan(store, plan, plan.force_code)
        for a in pa.by_measure.values():
            values = a.series.values.dropna()
            j = a.judgement
            if len(values) >= 2 and not _only_overlapping(a.series):
                assert j.name != "not judged", (plan_id, a.measure.id, j.sentence)
                assert j.period_end == values.index[-1], (plan_id, a.measure.id)
                judged_count += 1
            if j.method in ("seasonal_spc", "spc", "p_chart"):
                assert j.points >= 12, (plan_id, a.measure.id)
            if j.name == "not judged":
                assert j.sentence.strip(), (plan_id, a.measure.id)
        sac = pa.by_measure.get("serious-acquisitive")
        if sac is not None:
            # the full sum of its parts, or not judged naming the missing part
            assert sac.judgement.name != "not judged" or (
                "Theft from a vehicle" in sac.judgement.sentence
            ), sac.judgement.sentence
    assert judged_count >= 40


def _only_overlapping(s: MeasureSeries) -> bool:
    """Rolling figures with none a year before another: nothing may be compared."""
    if s.frequency != "rolling_12_months":
        return False
    ends = set(s.values.dropna().index)
    return not any(e - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0) in ends for e in ends)
