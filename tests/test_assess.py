"""Assessing measures and plans, checked by hand on small stores, and the sample data's
built-in changes found where they were put (sample_data/generate.py SHIFTS)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest
import yaml

from pcp_data.assess import assess_measure, assess_plan
from pcp_data.importer import import_files
from pcp_data.plan import Plan, load_shipped, validate_plan_text
from pcp_data.plan_facts import PlanFacts
from pcp_data.store import Store
from tests.template_helpers import crime_rows, workbook

DURHAM = "E23000008"
GROUP, SUB = "Theft offences", "Domestic burglary"
NORTHMOOR = "LOCAL:northmoor-constabulary"


def facts_of(store: Store, plan: Plan, area: str) -> PlanFacts:
    """The plan's facts for one area, read once (as a page or the report reads them)."""
    return PlanFacts.read(store, plan.measures, [area])


def month_label(i: int, start: tuple[int, int] = (2018, 4)) -> str:
    y, m = start
    k = (m - 1) + i
    return f"{y + k // 12}-{k % 12 + 1:02d}"


def burglary_measure(mid: str = "burglary", **extra: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "title": "Domestic burglary",
        "data": {
            "dataset": "recorded_crime",
            "category": GROUP,
            "subcategory": SUB,
            "measure": "offences",
        },
        "unit": "count",
        "frequency": "month",
        "polarity": "lower_is_better",
        "kpqs": ["k1"],
        **extra,
    }


def satisfaction_measure(**extra: Any) -> dict[str, Any]:
    return {
        "id": "sat",
        "title": "Kept informed",
        "data": {
            "dataset": "victim_satisfaction",
            "category": "Kept informed",
            "measure": "satisfied",
        },
        "unit": "percent",
        "frequency": "rolling_12_months",
        "polarity": "higher_is_better",
        "kpqs": ["k1"],
        **extra,
    }


def make_plan(*measures: dict[str, Any], settings: dict | None = None) -> Plan:
    d: dict[str, Any] = {
        "id": "test",
        "force": "Durham",
        "force_code": DURHAM,
        "title": "Test plan",
        "period": {"start": "2018-04", "end": "2021-03", "label": "2018-21"},
        "vision": "Safe communities",
        "source": {"document": "A report", "date": "2018-06-29"},
        "labels": {"priority": {"singular": "Priority", "plural": "Priorities"}},
        "priorities": [{"id": "p1", "title": "Reduce crime"}],
        "kpqs": [{"id": "k1", "question": "How safe are we?"}],
        "measures": list(measures),
    }
    if settings:
        d["settings"] = settings
    return validate_plan_text(yaml.safe_dump(d, sort_keys=False), "test.yaml")


def publish_crime(store: Store, counts: dict[str, int], sub: str = SUB) -> None:
    rows = [[m, "Durham", GROUP, sub, n] for m, n in counts.items()]
    import_files(
        [(f"{sub}.xlsx", workbook({"Recorded crime": crime_rows(*rows)}))],
        store,
        uploaded_by="tests",
    )


def publish_satisfaction(store: Store, rows: list[tuple[str, int, int]]) -> None:
    header = ["Month or Quarter", "Area", "Question", "Group", "Respondents", "Satisfied"]
    body = [[m, "Durham", "Kept informed", "All victims", n, x] for m, n, x in rows]
    import_files(
        [("sat.xlsx", workbook({"Victim satisfaction": [["Sat"], [], header, *body]}))],
        store,
        uploaded_by="tests",
    )


# --------------------------------------------------------------------------- year before


def test_year_before_comparison_names_both_months(store: Store) -> None:
    # April 2018 .. March 2019 = 1 .. 12, then April 2019 = 20: April 2019 against April 2018
    counts = {month_label(i): i + 1 for i in range(12)} | {"2019-04": 20}
    publish_crime(store, counts)
    plan = make_plan(burglary_measure())
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("burglary"), DURHAM)
    yb = a.year_before
    assert yb is not None and yb.available
    assert yb.label == "against the same period a year before"
    assert (yb.current, yb.previous, yb.change) == (20.0, 1.0, 19.0)
    assert yb.pct_change == pytest.approx(1900.0)  # 100 × 19 / 1
    assert yb.periods_words == "April 2019 against April 2018"
    assert yb.sentence == "April 2019 against April 2018: 20 against 1, up 19 (+1900.0%)."
    # the other comparisons name their periods in words too
    words = [c.periods_words for c in a.comparisons]
    assert words[0] == "April 2019 against March 2019"
    assert a.period_words == "April 2019" and a.latest_text == "20"


def test_year_before_missing_says_which_period(store: Store) -> None:
    publish_crime(store, {"2019-03": 5, "2019-04": 6})
    plan = make_plan(burglary_measure())
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("burglary"), DURHAM)
    assert a.year_before is not None and not a.year_before.available
    assert a.year_before.reason == "no figure for April 2018"
    assert "not available (no figure for April 2018)" in a.year_before.sentence


def test_as_at_judges_with_figures_up_to_that_month_only(store: Store) -> None:
    publish_crime(store, {month_label(i): 10 + i % 2 for i in range(24)})
    plan = make_plan(burglary_measure())
    a = assess_measure(
        facts_of(store, plan, DURHAM),
        plan,
        plan.measure("burglary"),
        DURHAM,
        as_at=dt.date(2019, 3, 1),
    )
    assert a.latest_date == pd.Timestamp(2019, 3, 31)
    assert a.judgement.period_end == pd.Timestamp(2019, 3, 31)
    # 12 months, none a year before: the latest month against the 11 before it
    assert a.verdict.method == "count_recent" and a.verdict.points == 12
    # under 3 whole years there are no limits: a season would read as a signal
    assert a.spc is None
    assert any("fewer than the 3 whole years" in n for n in a.notes)


# --------------------------------------------------------------------------- survey test


def year_of(start: tuple[int, int], n: int, x: int) -> list[tuple[str, int, int]]:
    return [(month_label(i, start), n, x) for i in range(12)]


def quarters_of(first_year: int, n: int, x: int) -> list[tuple[str, int, int]]:
    """Four calendar quarters from April of ``first_year`` (Q2 to the next Q1)."""
    return [
        (f"{first_year} Q2", n, x),
        (f"{first_year} Q3", n, x),
        (f"{first_year} Q4", n, x),
        (f"{first_year + 1} Q1", n, x),
    ]


@pytest.mark.parametrize(
    ("second_year", "status", "significant"),
    [
        # 960 of 1,200 (80%) then 840 of 1,200 (70%): pooled p = 1,800 / 2,400 = 0.75,
        # se = sqrt(0.75 × 0.25 × (1/1200 + 1/1200)) = 0.017678, z = -0.10 / 0.017678 = -5.657
        (70, "deteriorating", True),
        # 960 of 1,200 then 936 of 1,200 (78%): pooled p = 0.79,
        # se = sqrt(0.79 × 0.21 × 2/1200) = 0.016628, z = -0.02 / 0.016628 = -1.2028, p = 0.229
        (78, "stable", False),
        # 960 of 1,200 then 1,044 of 1,200 (87%): z = +0.07 / sqrt(0.835 × 0.165 × 2/1200)
        # = 0.07 / 0.015153 = +4.62
        (87, "improving", True),
    ],
)
def test_survey_change_uses_the_two_proportion_test(
    store: Store, second_year: int, status: str, significant: bool
) -> None:
    # eight quarters of 300 respondents: fewer than 12 periods, so no p-chart yet
    publish_satisfaction(
        store, quarters_of(2018, 300, 240) + quarters_of(2019, 300, 3 * second_year)
    )
    plan = make_plan(satisfaction_measure())
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("sat"), DURHAM)
    change = a.survey_change
    assert change is not None and change.judged
    assert (change.x1, change.n1, change.x2, change.n2) == (960, 1200, 12 * second_year, 1200)
    p1, p2 = 0.8, second_year / 100
    pooled = (960 + 12 * second_year) / 2400
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (2 / 1200))
    assert change.z == pytest.approx(z)
    assert change.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
    assert change.significant is significant
    assert a.verdict.method == "proportion_test" and a.verdict.p_chart is None
    assert a.judgement.status.name == status and a.judgement.status.source == "survey"
    assert "two-proportion test" in a.judgement.sentence
    assert "12 months to March 2020 against" in change.sentence
    assert a.survey is not None and a.survey.n == 1200
    assert a.latest_value == pytest.approx(second_year)


def test_survey_with_twelve_periods_is_judged_by_a_p_chart(store: Store) -> None:
    # 24 months of 100 respondents: 80 satisfied for 17 months, then 70 for 7 months.
    # centre = (17 × 80 + 7 × 70) / 2,400 = 1,850 / 2,400 = 77.08%;
    # sigma_i = sqrt(0.7708 × 0.2292 / 100) = 4.20 points, limits 77.08 ± 12.6 = 64.5 to 89.7:
    # no month outside, but the last 7 are all below the centre: a shift, a concern.
    rows = year_of((2018, 4), 100, 80) + year_of((2019, 4), 100, 80)[:5]
    rows += [(month_label(i, (2019, 9)), 100, 70) for i in range(7)]
    publish_satisfaction(store, rows)
    plan = make_plan(satisfaction_measure())
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("sat"), DURHAM)
    chart = a.verdict.p_chart
    assert a.verdict.method == "p_chart" and chart is not None and chart.points == 24
    assert chart.centre == pytest.approx(100 * 1850 / 2400)
    assert chart.upper.iloc[-1] == pytest.approx(
        100 * (1850 / 2400 + 3 * math.sqrt(1850 / 2400 * 550 / 2400 / 100))
    )
    assert a.judgement.status.name == "deteriorating"
    assert a.judgement.status.sentence.startswith("p-chart: 7 consecutive months below")
    assert a.judgement.points == 24


def test_survey_with_too_small_a_base_is_shown_not_judged(store: Store) -> None:
    # 4 respondents a month: 48 a year, below the plan's minimum base of 50
    publish_satisfaction(store, year_of((2018, 4), 4, 3) + year_of((2019, 4), 4, 1))
    plan = make_plan(satisfaction_measure())
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("sat"), DURHAM)
    assert a.latest_value == pytest.approx(100 * 12 / 48)
    assert a.survey is not None and not a.survey.judged
    assert a.judgement.name == "not judged"
    assert "a base of 48 respondents is below the minimum of 50" in a.judgement.sentence
    assert a.survey.warning == "a base of 48 respondents is below the minimum of 50"


# --------------------------------------------------------------------------- rolling measures


def test_rolling_measure_is_judged_by_a_count_test_of_the_year_on_the_year_before(
    store: Store,
) -> None:
    # 24 months: 12 of 100 then 12 of 120. Rolling sums overlap, so no SPC rules are run on
    # them: 1,440 in the 12 months to March 2020 against 1,200 in the 12 before.
    # The dispersion comes from the months behind the figures (not seasonally adjusted: under
    # 3 years): moving ranges 0 except one of 20, mean mR = 20 / 23, sigma = 0.8696 / 1.128
    # = 0.7709, sigma² / mean = 0.594 / 110 < 1, so phi = 1:
    # z = (1,440 - 1,200) / sqrt(1 × 2,640) = 240 / 51.38 = 4.671, p < 0.001.
    values = [100] * 12 + [120] * 12
    publish_crime(store, {month_label(i): v for i, v in enumerate(values)})
    plan = make_plan(burglary_measure(frequency="rolling_12_months"))
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("burglary"), DURHAM)
    assert a.latest_value == 1440.0 and a.period_words == "12 months to March 2020"
    test = a.verdict.count_test
    assert a.verdict.method == "count_year" and test is not None
    assert (test.current, test.previous) == (1440.0, 1200.0)
    assert test.phi == 1.0
    assert test.z == pytest.approx(240 / math.sqrt(2640))
    assert a.judgement.status.name == "deteriorating"
    assert a.spc is None  # no limits over overlapping sums
    assert any("Dispersion 1" in n and "months behind the figures" in n for n in a.notes)


def test_rolling_measure_with_only_quarters_takes_its_history_from_the_quarters(
    store: Store,
) -> None:
    # only Home Office quarters are held: a rolling 12-month sum exists, no monthly figures
    lines = [
        "Financial Year,Financial Quarter,Force Name,Offence Group,Offence Subgroup,"
        "Number of Offences"
    ]
    lines += [
        f"{fy},{q},Durham,{GROUP},{SUB},{10 * q}"
        for fy in ("2016/17", "2017/18")
        for q in (1, 2, 3, 4)
    ]
    import_files([("prc.csv", ("\n".join(lines) + "\n").encode())], store, uploaded_by="t")
    plan = make_plan(burglary_measure(frequency="rolling_12_months"))
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("burglary"), DURHAM)
    assert a.latest_value == 100.0  # 10 + 20 + 30 + 40
    # 100 in 2017/18 against 100 in 2016/17: no change. The 8 quarters behind give the
    # dispersion: moving ranges 10, 10, 10, 30, 10, 10, 10: mean 90 / 7 = 12.857,
    # sigma = 11.398, sigma² = 129.9 over the mean 25 = 5.197.
    test = a.verdict.count_test
    assert test is not None and (test.current, test.previous) == (100.0, 100.0)
    assert test.phi == pytest.approx((90 / 7 / 1.128) ** 2 / 25)
    assert a.judgement.status.name == "stable"
    assert any("quarters behind the figures" in n for n in a.notes)


# --------------------------------------------------------------------------- tiers and roll-up


def test_roll_up_takes_the_worst_and_counts_each_judgement(store: Store) -> None:
    # burglary: 17 flat months then 7 high ones -> special cause concern -> of concern;
    # robbery: alternating 10, 12 -> common cause -> stable -> on track (maintain);
    # shoplifting: nothing held -> not judged
    publish_crime(
        store, {month_label(i): (10 if i % 2 else 12) + (20 if i >= 17 else 0) for i in range(24)}
    )
    publish_crime(
        store, {month_label(i): 10 if i % 2 else 12 for i in range(24)}, sub="Theft from the person"
    )
    plan = make_plan(
        burglary_measure(),
        burglary_measure(
            "theft",
            data={
                "dataset": "recorded_crime",
                "category": GROUP,
                "subcategory": "Theft from the person",
                "measure": "offences",
            },
            tier="maintain",
        ),
        burglary_measure(
            "shop",
            data={
                "dataset": "recorded_crime",
                "category": GROUP,
                "subcategory": "Shoplifting",
                "measure": "offences",
            },
        ),
    )
    pa = assess_plan(store, plan, DURHAM)
    names = {m: pa.by_measure[m].judgement.name for m in ("burglary", "theft", "shop")}
    assert names == {"burglary": "of concern", "theft": "on track", "shop": "not judged"}
    r = pa.questions[0].rollup
    assert r.worst == "of concern"
    assert r.counts == {"on track": 1, "needs attention": 0, "of concern": 1, "not judged": 1}
    assert r.sentence == (
        "How safe are we?: of concern, the worst of its 3 measures "
        "(1 on track, 1 of concern, 1 not judged)."
    )
    assert pa.priority_rollup("p1").worst == "not judged"  # no measure serves p1


def test_an_improve_measure_that_is_stable_needs_attention(store: Store) -> None:
    publish_crime(store, {month_label(i): 10 if i % 2 else 12 for i in range(24)})
    plan = make_plan(burglary_measure(tier="improve"))
    a = assess_measure(facts_of(store, plan, DURHAM), plan, plan.measure("burglary"), DURHAM)
    assert a.judgement.status.name == "stable"
    assert a.judgement.name == "needs attention"
    assert a.judgement.sentence.startswith(
        "Needs attention: stable, and the plan expects it to improve."
    )


# --------------------------------------------------------------------------- the sample's shifts


@pytest.fixture
def durham_plan() -> Plan:
    return load_shipped("durham-2018-21")


def judge_at(store: Store, plan: Plan, measure_id: str, as_at: dt.date | None = None):
    return assess_measure(
        facts_of(store, plan, NORTHMOOR), plan, plan.measure(measure_id), NORTHMOOR, as_at=as_at
    )


def test_sample_domestic_burglary_fall_is_improving_by_the_end(
    sample_store: Store, durham_plan: Plan
) -> None:
    # falls 20% from October 2025: not yet seen as at September 2025, improving at the end
    before = judge_at(sample_store, durham_plan, "domestic-burglary", dt.date(2025, 9, 1))
    assert before.judgement.status.name == "stable"
    end = judge_at(sample_store, durham_plan, "domestic-burglary")
    assert end.latest_date == pd.Timestamp(2026, 9, 30)
    assert end.judgement.status.name == "improving"
    assert "special cause improvement" in end.judgement.sentence
    # 12 months to September 2026 against the 12 before: down by about a fifth
    rolling = next(c for c in end.comparisons if c.label.startswith("12 months"))
    assert rolling.pct_change is not None and -30 < rolling.pct_change < -12


def test_sample_violence_with_injury_step_is_special_cause_concern(
    sample_store: Store, durham_plan: Plan
) -> None:
    # steps up 15% from April 2024
    before = judge_at(sample_store, durham_plan, "violence-with-injury", dt.date(2024, 3, 1))
    assert before.judgement.status.name == "stable"
    for when in (dt.date(2024, 6, 1), dt.date(2025, 6, 1)):
        a = judge_at(sample_store, durham_plan, "violence-with-injury", when)
        assert a.judgement.status.name == "deteriorating", a.judgement.sentence
        assert "special cause concern" in a.judgement.sentence
    end = judge_at(sample_store, durham_plan, "violence-with-injury")
    assert end.spc is not None
    data = end.spc.data
    after = data[data["date"] >= "2024-04-01"]
    earlier = data[data["date"] < "2024-04-01"]
    # most months since the step carry a concern signal; few before it do (seasonal peaks)
    assert (after["signal"] == "concern").mean() > 0.6
    assert (earlier["signal"] == "concern").mean() < 0.15
    assert after["value"].mean() / earlier["value"].mean() == pytest.approx(1.15, abs=0.06)


def test_sample_kept_informed_fall_is_found_as_soon_as_it_is_sustained(
    sample_store: Store, durham_plan: Plan
) -> None:
    # falls 8 points from April 2025 (about 72% -> 64%); the p-chart of the months behind the
    # rolling figure sees the run below the average, the two-proportion test the 12 months
    a = judge_at(sample_store, durham_plan, "sat-kept-informed", dt.date(2025, 10, 1))
    assert a.judgement.status.name == "deteriorating", a.judgement.sentence
    assert a.verdict.method == "p_chart"
    assert a.survey_change is not None and a.survey_change.significant
    assert a.survey_change.direction == "down"
    assert "12 months to October 2025 against" in a.survey_change.sentence
    # a year earlier nothing had changed
    earlier = judge_at(sample_store, durham_plan, "sat-kept-informed", dt.date(2024, 9, 1))
    assert earlier.judgement.status.name == "stable", earlier.judgement.sentence
    # a flat question is not flagged: treatment at the same date
    treatment = judge_at(sample_store, durham_plan, "sat-treatment", dt.date(2025, 10, 1))
    assert treatment.judgement.status.name == "stable", treatment.judgement.sentence


def test_sample_officer_uplift_and_shoplifting_trend(
    sample_store: Store, durham_plan: Plan
) -> None:
    officers = make_plan(
        {
            "id": "officers",
            "title": "Police officers (FTE)",
            "data": {"dataset": "workforce", "category": "Police officers", "measure": "fte"},
            "unit": "fte",
            "frequency": "snapshot",
            "polarity": "neutral",
            "kpqs": ["k1"],
        }
    )
    a = assess_measure(
        facts_of(sample_store, officers, NORTHMOOR),
        officers,
        officers.measure("officers"),
        NORTHMOOR,
    )
    values = a.series.values
    # 1,065 at 31 March 2020, up 8% to about 1,150 by 31 March 2023, then flat
    assert values.iloc[0] == pytest.approx(1065, rel=0.02)
    assert values[pd.Timestamp(2023, 3, 31)] == pytest.approx(1150, rel=0.02)
    assert a.spc is not None and a.spc.frequency == "snapshot"
    assert a.judgement.status.name in ("changed", "stable")
    # a neutral measure's special cause is "changed", neither improvement nor concern
    assert set(a.spc.data["signal"].dropna()) <= {"neutral"}
    shop = make_plan(
        burglary_measure(
            "shop",
            data={
                "dataset": "recorded_crime",
                "category": GROUP,
                "subcategory": "Shoplifting",
                "measure": "offences",
            },
        )
    )
    s = assess_measure(
        facts_of(sample_store, shop, NORTHMOOR), shop, shop.measure("shop"), NORTHMOOR
    )
    assert s.judgement.status.name == "deteriorating"
