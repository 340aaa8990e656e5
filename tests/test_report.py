"""The plan report: ``python -m pcp_data report`` on the sample data (text, JSON, as at a
month), its choices of plan, area and peers, and a run on real published files for Durham."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pcp_data.errors import PCPError
from pcp_data.importer import import_files
from pcp_data.plan import load_shipped, shipped_plans
from pcp_data.report import build_report, format_report
from pcp_data.store import Store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PLAN = "durham-2018-21"
NORTHMOOR = "LOCAL:northmoor-constabulary"


def report_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pcp_data", "report", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def all_measures(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for q in report["questions"] for m in q["measures"]] + report["other_measures"]


def check_every_measure_explained(report: dict[str, Any]) -> None:
    """Every measure of the plan is in the report, with a status, a judgement and sentences."""
    plan = load_shipped(report["plan"]["id"])
    measures = all_measures(report)
    assert {m["id"] for m in measures} == {m.id for m in plan.measures}
    for m in measures:
        status, judgement = m["status"], m["judgement"]
        assert status["name"] in (
            "improving",
            "stable",
            "changed",
            "deteriorating",
            "not enough data",
        ), m["id"]
        assert status["sentence"].strip().endswith("."), (m["id"], status["sentence"])
        assert judgement["sentence"].strip() and status["sentence"] in judgement["sentence"]
        assert judgement["icon"] and judgement["words"]
        for c in m["comparisons"]:
            assert c["sentence"].endswith("."), c
    for q in report["questions"]:
        assert q["rollup"]["sentence"].startswith(q["title"])
        assert sum(q["rollup"]["counts"].values()) == len(q["measures"])


# --------------------------------------------------------------------------- command line


def test_report_text_on_the_sample(sample_store: Store) -> None:
    run = report_cli("--plan", PLAN, "--db", sample_store.url)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    plan = load_shipped(PLAN)
    assert "Area: Northmoor Constabulary" in out
    assert "the store's home area" in out
    for m in plan.measures:
        assert m.title in out, m.title
    # one judgement line per measure shown (a measure under two KPQs is shown twice)
    shown = sum(len(q.measures) for q in plan.questions())
    shown += len([m for m in plan.measures if not m.kpq_ids])
    judgement_lines = [line for line in out.splitlines() if line.strip().startswith("Judgement:")]
    assert len(judgement_lines) == shown
    assert all(len(line.split("Judgement:", 1)[1].strip()) > 20 for line in judgement_lines)
    for q in plan.questions():
        assert q.title in out


def test_report_json_on_the_sample(sample_store: Store) -> None:
    run = report_cli("--plan", PLAN, "--db", sample_store.url, "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    check_every_measure_explained(report)
    assert report["area"]["code"] == NORTHMOOR
    assert report["as_at"] is None
    assert report["peers"]["source"].startswith("the store's peer areas")
    assert len(report["peers"]["codes"]) == 5 and NORTHMOOR not in report["peers"]["codes"]
    by_id = {m["id"]: m for m in all_measures(report)}
    burglary = by_id["domestic-burglary"]
    assert burglary["latest"]["period_words"] == "September 2026"
    assert burglary["status"]["name"] == "improving"
    assert burglary["peers"]["of"] == 6 and burglary["peers"]["peer_average_kind"] == "simple"
    assert burglary["judgement"]["method"] == "seasonal_spc"
    assert burglary["spc"]["run_on"] == "the seasonally adjusted monthly figures"
    rate = by_id["crime-rate"]
    # a rolling rate: no SPC on overlapping sums; the year against the year before, as counts
    # over their populations, with the dispersion of the seasonally adjusted months behind it
    assert rate["spc"] is None
    assert rate["judgement"]["method"] == "count_year"
    assert rate["judgement"]["points"] == 2
    assert rate["judgement"]["period_end"] == "2026-09-30"
    assert "per 1,000)" in rate["judgement"]["sentence"]
    assert rate["population"].startswith("per 1,000 population (mid-")
    assert any("seasonally adjusted months behind the figures" in n for n in rate["notes"])
    kept = by_id["sat-kept-informed"]["judgement"]
    assert kept["method"] == "p_chart" and kept["name"] == "of concern"
    # every measure says how it was judged, on how many periods, to when
    for m in all_measures(report):
        j = m["judgement"]
        assert set(j) >= {"name", "method", "points", "period_end", "sentence"}
        assert (j["method"] == "none") == (j["name"] == "not judged"), m["id"]
        if j["method"] in ("seasonal_spc", "spc", "p_chart"):
            assert j["points"] >= 12, m["id"]


def test_report_as_at_a_month(sample_store: Store) -> None:
    run = report_cli("--plan", PLAN, "--db", sample_store.url, "--period", "2025-03", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["as_at"] == "2025-03-31"
    assert report["as_at_words"] == "figures up to the end of March 2025"
    check_every_measure_explained(report)
    for m in all_measures(report):
        end = m["latest"]["period_end"]
        assert end is None or end <= "2025-03-31", (m["id"], end)
        if m["spc"] is not None:
            assert m["spc"]["latest_date"] <= "2025-03-31"
    by_id = {m["id"]: m for m in all_measures(report)}
    assert by_id["violence-with-injury"]["latest"]["period_words"] == "March 2025"
    assert by_id["sat-kept-informed"]["latest"]["period_words"] == "12 months to March 2025"
    assert by_id["domestic-burglary"]["comparisons"][0]["sentence"].startswith(
        "March 2025 against February 2025:"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--plan", "nope"), "no plan is called 'nope'"),
        (("--plan", PLAN, "--area", "Atlantis"), "the store holds no area called 'Atlantis'"),
        (("--plan", PLAN, "--period", "March 2025"), "period must be a month written YYYY-MM"),
        (("--plan", PLAN, "--period", "2025-13"), "period must be a month written YYYY-MM"),
    ],
)
def test_report_refuses_unknown_choices_and_lists_valid_ones(
    sample_store: Store, args: tuple[str, ...], words: str
) -> None:
    run = report_cli(*args, "--db", sample_store.url)
    assert run.returncode == 1
    assert words in run.stderr
    if args[1] == "nope":
        for plan_id in shipped_plans():
            assert plan_id in run.stderr
    if "--area" in args:
        assert "Northmoor Constabulary (LOCAL:northmoor-constabulary)" in run.stderr


# --------------------------------------------------------------------------- choices


def test_plan_from_a_yaml_file_and_area_by_name(sample_store: Store) -> None:
    path = shipped_plans()["durham-2015-17"]
    report = build_report(sample_store, str(path), area="eastwold")
    assert report["plan"]["id"] == "durham-2015-17"
    assert report["area"] == {
        "code": "LOCAL:eastwold-police",
        "name": "Eastwold Police",
        "why": "the area asked for",
    }
    # the group is the home force and its peers, less the area reported on
    assert "LOCAL:eastwold-police" not in report["peers"]["codes"]
    assert NORTHMOOR in report["peers"]["codes"]
    check_every_measure_explained(report)
    text = format_report(report)
    assert text.startswith(report["plan"]["title"])
    assert "Area: Eastwold Police (LOCAL:eastwold-police), the area asked for" in text


def test_report_is_strict_json(sample_store: Store) -> None:
    report = build_report(sample_store, "cambridgeshire-2017-20", period="2024-06")
    text = json.dumps(report, allow_nan=False)  # no NaN, no Timestamps
    assert json.loads(text) == report
    check_every_measure_explained(report)


def test_plan_with_kpqs_rolls_up_each_priority_too(sample_store: Store) -> None:
    report = build_report(sample_store, PLAN)
    plan = load_shipped(PLAN)
    assert [p["id"] for p in report["priorities"]] == [p.id for p in plan.priorities]
    road = next(p for p in report["priorities"] if p["id"] == "road-safety")
    assert road["rollup"]["worst"] == "not judged" and road["note"]
    # measures under no KPQ are still reported
    assert {m["id"] for m in report["other_measures"]} == {"drug-possession", "misc-crimes"}
    assert sum(report["counts"].values()) == len(plan.measures)


def test_default_area_is_the_first_force_without_plan_force_or_home_area(store: Store) -> None:
    from tests.template_helpers import crime_rows, workbook

    rows = [
        ["2019-04", area, "Robbery", "Robbery of personal property", 3]
        for area in ("Kent", "Essex")
    ]
    import_files(
        [("x.xlsx", workbook({"Recorded crime": crime_rows(*rows)}))], store, uploaded_by="tests"
    )
    report = build_report(store, PLAN)
    assert report["area"]["name"] == "Essex"
    assert report["area"]["why"].startswith("the first force in the store")
    assert report["peers"]["codes"] == []
    assert report["peers"]["why"] == (
        "the plan sets no peer group and the store names no peer areas"
    )
    check_every_measure_explained(report)
    # an area outside the plan's peer group is not compared with Durham's peers
    rows = [
        ["2019-04", area, "Robbery", "Robbery of personal property", 3]
        for area in ("Durham", "Cleveland")
    ]
    import_files(
        [("y.xlsx", workbook({"Recorded crime": crime_rows(*rows)}))], store, uploaded_by="tests"
    )
    assert build_report(store, PLAN)["peers"]["codes"] == ["E23000013"]
    kent = build_report(store, PLAN, area="Kent Police")
    assert kent["area"]["code"] == "E23000032" and kent["peers"]["codes"] == []
    assert kent["peers"]["why"].startswith("Kent is in no peer group the report knows")


def test_empty_store_says_how_to_load_data(store: Store) -> None:
    with pytest.raises(PCPError, match="the store holds no figures yet"):
        build_report(store, PLAN)


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_report_on_real_files_for_durham(realdata_dir: Path, tmp_path: Path) -> None:
    crime = realdata_dir / "recorded_crime"
    files = [
        crime / "home_office_prc" / "prc-pfa-mar2013-onwards-tables201718.csv",
        *sorted((crime / "ons_pfa_tables").glob("*.xlsx")),
        *sorted((realdata_dir / "workforce" / "home_office_tables").glob("*.ods")),
    ]
    store = Store(f"sqlite:///{tmp_path / 'real.sqlite'}")
    import_files(files, store, uploaded_by="tests")
    report = build_report(store, PLAN, area="Durham")
    check_every_measure_explained(report)
    assert report["area"]["code"] == "E23000008"
    assert report["peers"]["source"] == "the plan's peer group (settings.peer_group)"
    assert report["peers"]["not_held"] == []
    by_id = {m["id"]: m for m in all_measures(report)}

    # crime per 1,000: the ONS rolling year to June 2019 over the population; ONS publishes
    # its own rate per 1,000 beside the count (table P3), so the two must agree
    rate = by_id["crime-rate"]
    assert rate["latest"]["period_words"] == "12 months to June 2019"
    assert rate["source"].startswith("ONS Crime in England and Wales")
    facts = store.facts(dataset="recorded_crime", area_codes=["E23000008"])
    total = facts[
        (facts["category"] == "Total recorded crime")
        & (facts["period_end"] == "2019-06-30")
        & (facts["source"] == rate["source"])
    ]
    by_measure = total.set_index("measure")["value"]
    assert set(by_measure.index) >= {"offences", "rate_per_1000"}
    assert rate["latest"]["value"] == pytest.approx(by_measure["rate_per_1000"], rel=0.005)
    assert rate["population"].startswith("per 1,000 population (mid-")
    # it is compared with its peers and England and Wales
    assert rate["peers"] is not None and rate["peers"]["england_and_wales"] is not None
    assert 1 <= rate["peers"]["rank"] <= rate["peers"]["of"] <= 8
    # no SPC on a rolling figure: the year to June 2019 against the year before, as counts
    # over their populations; the five quarters behind it are too few for a dispersion, so
    # the exact Poisson test is used and the sentence says so
    assert rate["spc"] is None
    judgement = rate["judgement"]
    assert judgement["method"] == "count_year" and judgement["period_end"] == "2019-06-30"
    assert "it assumes Poisson variation" in judgement["sentence"]
    comparisons = {c["label"]: c for c in rate["comparisons"]}
    assert comparisons["12 months against the 12 months before"]["sentence"].startswith(
        "12 months to June 2019 against 12 months to June 2018:"
    )

    # monthly measures: the files hold the quarters of 2017/18 and rolling years to June 2019,
    # so they are shown and judged on the rolling years, the newest figures, and say so
    burglary = by_id["domestic-burglary"]
    assert burglary["notes"][0].startswith(
        "Shown as rolling 12-month figures: they reach a later period"
    )
    assert burglary["latest"]["period_words"] == "12 months to June 2019"
    assert burglary["judgement"]["method"] == "count_year"
    text = format_report(report)
    assert "Area: Durham (E23000008), the area asked for" in text
    assert "England and Wales" in text
