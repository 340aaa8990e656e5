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
from pcp_data.store import Store
from tests.template_helpers import crime_rows, workbook

DURHAM = "E23000008"
GROUP, SUB = "Theft offences", "Domestic burglary"
NORTHMOOR = "LOCAL:northmoor-constabulary"


def month_label(i: int, start: tuple[int, int] = (2018, 4)) -> str:
    y, m = start
    k = (m - 1) + i
    return f"{y + k // 12}-{k % 12 + 1:02d}"


def burglary_measure(mid: str = "burglary", **extra: Any) -> dict[str, Any]:
    return {"id": mid, "title": "Domestic burglary",
            "data": {"dataset": "recorded_crime", "category": GROUP, "subcategory": SUB,
                     "measure": "offences"},
            "unit": "count", "frequency": "month", "polarity": "lower_is_better",
            "kpqs": ["k1"], **extra}


def satisfaction_measure(**extra: Any) -> dict[str, Any]:
    return {"id": "sat", "title": "Kept informed",
            "data": {"dataset": "victim_satisfaction", "category": "Kept informed",
                     "measure": "satisfied"},
            "unit": "percent", "frequency": "rolling_12_months", "polarity": "higher_is_better",
            "kpqs": ["k1"], **extra}


def make_plan(*measures: dict[str, Any], settings: dict | None = None) -> Plan:
    d: dict[str, Any] = {
        "id": "test", "force": "Durham", "force_code": DURHAM, "title": "Test plan",
        "period": {"start": "2018-04", "end": "2021-03", "label": "2018-21"},
        "vision": "Safe communities", "source": {"document": "A report", "date": "2018-06-29"},
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
    import_files([(f"{sub}.xlsx", workbook({"Recorded crime": crime_rows(*rows)}))], store,
                 uploaded_by="tests")


def publish_satisfaction(store: Store, rows: list[tuple[str, int, int]]) -> None:
    header = ["Month or Quarter", "Area", "Question", "Group", "Respondents", "Satisfied"]
    body = [[m, "Durham", "Kept informed", "All victims", n, x] for m, n, x in rows]
    import_files([("sat.xlsx", workbook({"Victim satisfaction": [["Sat"], [], header, *body]}))],
                 store, uploaded_by="tests")


# --------------------------------------------------------------------------- year before


def test_year_before_comparison_names_both_months(store: Store) -> None:
    # April 2018 .. March 2019 = 1 .. 12, then April 2019 = 20: April 2019 against April 2018
    counts = {month_label(i): i + 1 for i in range(12)} | {"2019-04": 20}
    publish_crime(store, counts)
    plan = make_plan(burglary_measure())
    a = assess_measure(store, plan, plan.measure("burglary"), DURHAM)
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
    a = assess_measure(store, plan, plan.measure("burglary"), DURHAM)
    assert a.year_before is not None and not a.year_before.available
    assert a.year_before.reason == "no figure for April 2018"
    assert "not available (no figure for April 2018)" in a.year_before.sentence


def test_as_at_judges_with_figures_up_to_that_month_only(store: Store) -> None:
    publish_crime(store, {month_label(i): 10 + i % 2 for i in range(24)})
    plan = make_plan(burglary_measure())
    a = assess_measure(store, plan, plan.measure("burglary"), DURHAM, as_at=dt.date(2019, 3, 1))
    assert a.latest_date == pd.Timestamp(2019, 3, 31)
    assert a.spc is not None and a.spc.latest_date == pd.Timestamp(2019, 3, 31)
    assert len(a.spc.data) == 12


# --------------------------------------------------------------------------- survey test


def year_of(start: tuple[int, int], n: int, x: int) -> list[tuple[str, int, int]]:
    return [(month_label(i, start), n, x) for i in range(12)]


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
def test_survey_change_uses_the_two_proportion_test(store: Store, second_year: int,
                                                    status: str, significant: bool) -> None:
    publish_satisfaction(store, year_of((2018, 4), 100, 80) + year_of((2019, 4), 100,
                                                                      second_year))
    plan = make_plan(satisfaction_measure())
    a = assess_measure(store, plan, plan.measure("sat"), DURHAM)
    change = a.survey_change
    assert change is not None and change.judged
    assert (change.x1, change.n1, change.x2, change.n2) == (960, 1200, 12 * second_year, 1200)
    p1, p2 = 0.8, second_year / 100
    pooled = (960 + 12 * second_year) / 2400
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (2 / 1200))
    assert change.z == pytest.approx(z)
    assert change.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
    assert change.significant is significant
    assert a.judgement.status.name == status and a.judgement.status.source == "survey"
    assert "two-proportion test" in a.judgement.sentence
    assert "12 months to March 2020 against" in change.sentence
    assert a.survey is not None and a.survey.n == 1200
    assert a.latest_value == pytest.approx(second_year)


def test_survey_with_too_small_a_base_is_shown_not_judged(store: Store) -> None:
    # 4 respondents a month: 48 a year, below the plan's minimum base of 50
    publish_satisfaction(store, year_of((2018, 4), 4, 3) + year_of((2019, 4), 4, 1))
    plan = make_plan(satisfaction_measure())
    a = assess_measure(store, plan, plan.measure("sat"), DURHAM)
    assert a.latest_value == pytest.approx(100 * 12 / 48)
    assert a.survey is not None and not a.survey.judged
    assert a.judgement.name == "not judged"
    assert "a base of 48 respondents is below the minimum of 50" in a.judgement.sentence
    assert a.survey.warning == "a base of 48 respondents is below the minimum of 50"


# --------------------------------------------------------------------------- rolling measures


def test_rolling_measure_is_judged_by_spc_on_the_monthly_figures_with_a_note(
        store: Store) -> None:
    # 24 months: 17 alternating 20, 24 then 7 alternating 19, 21 (lower is better).
    # centre = (9 × 20 + 8 × 24 + 4 × 19 + 3 × 21) / 24 = 511 / 24 = 21.29;
    # the last 8 months (20, 19, 21, 19, 21, 19, 21, 19) are all below it: a shift (7+).
    # mean mR = (16 × 4 + 1 + 6 × 2) / 23 = 77 / 23 = 3.35; limits 21.29 ± 8.9: none outside.
    values = [20 if i % 2 == 0 else 24 for i in range(17)]
    values += [19 if i % 2 == 0 else 21 for i in range(7)]
    publish_crime(store, {month_label(i): v for i, v in enumerate(values)})
    plan = make_plan(burglary_measure(frequency="rolling_12_months"))
    a = assess_measure(store, plan, plan.measure("burglary"), DURHAM)
    assert a.spc is not None and a.spc.frequency == "month"
    assert len(a.spc.data) == 24  # the months, not the 13 rolling figures
    seg = a.spc.segments[-1]
    assert seg.centre == pytest.approx(511 / 24)
    assert seg.mean_mr == pytest.approx(77 / 23)
    assert a.spc.latest_rule == "shift"
    assert a.judgement.status.name == "improving" and a.judgement.status.source == "spc"
    assert a.judgement.status.sentence.startswith("8 consecutive months below the average")
    assert "SPC is run on the monthly figures behind the rolling 12-month figures." in a.notes
    # the figure shown is the rolling sum: 12 months to March 2020 = the last 12 values
    assert a.latest_value == sum(values[12:])
    assert a.period_words == "12 months to March 2020"


def test_rolling_measure_with_only_quarters_is_judged_on_the_quarters_behind_it(
        store: Store) -> None:
    # only Home Office quarters are held: a rolling 12-month sum exists, no monthly figures
    lines = ["Financial Year,Financial Quarter,Force Name,Offence Group,Offence Subgroup,"
             "Number of Offences"]
    lines += [f"{fy},{q},Durham,{GROUP},{SUB},{10 * q}" for fy in ("2016/17", "2017/18")
              for q in (1, 2, 3, 4)]
    import_files([("prc.csv", ("\n".join(lines) + "\n").encode())], store, uploaded_by="t")
    plan = make_plan(burglary_measure(frequency="rolling_12_months"))
    a = assess_measure(store, plan, plan.measure("burglary"), DURHAM)
    assert a.latest_value == 100.0  # 10 + 20 + 30 + 40
    # SPC on the 8 quarters behind the rolling sums, never on the overlapping rolling sums
    assert a.spc is not None and a.spc.frequency == "quarter"
    assert a.spc.data["value"].tolist() == [10.0, 20.0, 30.0, 40.0] * 2
    assert a.spc.provisional  # 8 points, fewer than 12
    assert "SPC is run on the quarterly figures behind the rolling 12-month figures." in a.notes


# --------------------------------------------------------------------------- tiers and roll-up


def test_roll_up_takes_the_worst_and_counts_each_judgement(store: Store) -> None:
    # burglary: 17 flat months then 7 high ones -> special cause concern -> of concern;
    # robbery: alternating 10, 12 -> common cause -> stable -> on track (maintain);
    # shoplifting: nothing held -> not judged
    publish_crime(store, {month_label(i): (10 if i % 2 else 12) + (20 if i >= 17 else 0)
                          for i in range(24)})
    publish_crime(store, {month_label(i): 10 if i % 2 else 12 for i in range(24)},
                  sub="Theft from the person")
    plan = make_plan(
        burglary_measure(),
        burglary_measure("theft", data={"dataset": "recorded_crime", "category": GROUP,
                                        "subcategory": "Theft from the person",
                                        "measure": "offences"}, tier="maintain"),
        burglary_measure("shop", data={"dataset": "recorded_crime", "category": GROUP,
                                       "subcategory": "Shoplifting", "measure": "offences"}),
    )
    pa = assess_plan(store, plan, DURHAM)
    names = {m: pa.by_measure[m].judgement.name for m in ("burglary", "theft", "shop")}
    assert names == {"burglary": "of concern", "theft": "on track", "shop": "not judged"}
    r = pa.questions[0].rollup
    assert r.worst == "of concern"
    assert r.counts == {"on track": 1, "needs attention": 0, "of concern": 1, "not judged": 1}
    assert r.sentence == ("How safe are we?: of concern, the worst of its 3 measures "
                          "(1 on track, 1 of concern, 1 not judged).")
    assert pa.priority_rollup("p1").worst == "not judged"  # no measure serves p1


def test_an_improve_measure_that_is_stable_needs_attention(store: Store) -> None:
    publish_crime(store, {month_label(i): 10 if i % 2 else 12 for i in range(24)})
    plan = make_plan(burglary_measure(tier="improve"))
    a = assess_measure(store, plan, plan.measure("burglary"), DURHAM)
    assert a.judgement.status.name == "stable"
    assert a.judgement.name == "needs attention"
    assert a.judgement.sentence.startswith(
        "Needs attention: stable, and the plan expects it to improve.")


# --------------------------------------------------------------------------- the sample's shifts


@pytest.fixture
def durham_plan() -> Plan:
    return load_shipped("durham-2018-21")


def judge_at(store: Store, plan: Plan, measure_id: str, as_at: dt.date | None = None):
    return assess_measure(store, plan, plan.measure(measure_id), NORTHMOOR, as_at=as_at)


def test_sample_domestic_burglary_fall_is_improving_by_the_end(
        sample_store: Store, durham_plan: Plan) -> None:
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
        sample_store: Store, durham_plan: Plan) -> None:
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


def test_sample_kept_informed_fall_is_found_by_the_two_proportion_test(
        sample_store: Store, durham_plan: Plan) -> None:
    # falls 8 points from April 2025: the 12 months to September 2025 hold six fallen months
    a = judge_at(sample_store, durham_plan, "sat-kept-informed", dt.date(2025, 9, 1))
    assert a.survey_change is not None and a.survey_change.significant
    assert a.survey_change.direction == "down"
    assert a.judgement.status.name == "deteriorating" and a.judgement.status.source == "survey"
    assert "statistically significant fall" in a.judgement.sentence
    assert "12 months to September 2025 against" in a.judgement.sentence
    # a year earlier nothing had changed
    earlier = judge_at(sample_store, durham_plan, "sat-kept-informed", dt.date(2024, 9, 1))
    assert earlier.judgement.status.name == "stable"
    # a flat question is not flagged: treatment at the same date
    treatment = judge_at(sample_store, durham_plan, "sat-treatment", dt.date(2025, 9, 1))
    assert treatment.judgement.status.name == "stable"


def test_sample_officer_uplift_and_shoplifting_trend(sample_store: Store,
                                                     durham_plan: Plan) -> None:
    officers = make_plan({
        "id": "officers", "title": "Police officers (FTE)",
        "data": {"dataset": "workforce", "category": "Police officers", "measure": "fte"},
        "unit": "fte", "frequency": "snapshot", "polarity": "neutral", "kpqs": ["k1"]})
    a = assess_measure(sample_store, officers, officers.measure("officers"), NORTHMOOR)
    values = a.series.values
    # 1,065 at 31 March 2020, up 8% to about 1,150 by 31 March 2023, then flat
    assert values.iloc[0] == pytest.approx(1065, rel=0.02)
    assert values[pd.Timestamp(2023, 3, 31)] == pytest.approx(1150, rel=0.02)
    assert a.spc is not None and a.spc.frequency == "snapshot"
    assert a.judgement.status.name in ("changed", "stable")
    # a neutral measure's special cause is "changed", neither improvement nor concern
    assert set(a.spc.data["signal"].dropna()) <= {"neutral"}
    shop = make_plan(burglary_measure("shop", data={
        "dataset": "recorded_crime", "category": GROUP, "subcategory": "Shoplifting",
        "measure": "offences"}))
    s = assess_measure(sample_store, shop, shop.measure("shop"), NORTHMOOR)
    assert s.judgement.status.name == "deteriorating"
