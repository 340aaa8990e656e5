"""Time the pages and the report at national scale, against a plain app reading the same facts.

    .venv/bin/python benchmarks/bench_pages.py [--sizes 10k,100k,1m] [--plans ID,ID]
                                               [--json benchmarks/results/bench_pages.json]

For each store size it builds a store (`benchmarks/national_store.py`: the synthetic sample,
then 43 forces and England and Wales with every offence subgroup month by month, populations
and officer numbers, and districts to reach a million facts), then for each plan, in a fresh
process each (so every cold figure is truly cold and memory is per run):

- the Overview, cold (first run) and warm (a rerun), through Streamlit's AppTest, with the SQL
  statements each run sends (counted with a SQLAlchemy event, a count not a time);
- a KPQ page (deep link ``?kpq=``) and the Measure page (``?measure=``) in the same process;
- the Overview again after a workforce file is published (the page after a publish);
- ``python -m pcp_data report --plan`` as a command;
- the baseline: `benchmarks/baseline_app.py`, a plain app reading the same facts once;
- the process's peak resident memory.

It prints a table, writes the JSON, and checks the targets at the largest size (issue 10):
cold Overview within 3x the baseline, warm rerun <= 150 ms, at most 20 SQL statements per
page run at any size, the page after a publish <= 2 s, peak <= 600 MB, and the cold Overview
growing at most 1.5x from 100k to 1M facts. PASS/FAIL lines say each; exit 1 if one fails.
Not a test: run it by hand (a million facts takes a few minutes to build).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = {"10k": (9, 0), "100k": (96, 0), "1m": (96, 390)}
"""Size -> (months, districts) for `national_store.build_store`."""
PLANS = ("durham-2018-21", "cambridgeshire-2017-20")
TARGETS = {
    "cold_ratio": 3.0,
    "warm_s": 0.150,
    "statements": 20,
    "after_publish_s": 2.0,
    "peak_mb": 600.0,
    "growth": 1.5,
}


# --------------------------------------------------------------------------- one run (child)


def _count_statements() -> dict[str, int]:
    import sqlalchemy as sa

    counter = {"n": 0}

    @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        counter["n"] += 1

    return counter


def _timed_run(at: Any, counter: dict[str, int]) -> tuple[float, int]:
    before = counter["n"]
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].value}")
    return elapsed, counter["n"] - before


def child(db: str, plan_id: str) -> dict[str, Any]:
    """Time the pages of one plan on one store, in this (fresh) process."""
    os.environ["PCP_DATABASE_URL"] = db
    from streamlit.testing.v1 import AppTest

    from pcp_data.importer import import_files
    from pcp_data.plan import load_shipped
    from pcp_data.store import Store

    counter = _count_statements()
    plan = load_shipped(plan_id)
    out: dict[str, Any] = {}

    def app(**params: str) -> Any:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
        at.query_params["plan"] = plan_id
        for k, v in params.items():
            at.query_params[k] = v
        return at

    out["cold_overview_s"], out["cold_statements"] = _timed_run(app(), counter)
    # warm: the same page again with the caches filled (a new session: AppTest does not
    # rerun a script that switched pages on its first run)
    out["warm_overview_s"], out["warm_statements"] = _timed_run(app(), counter)
    question = plan.questions()[0]
    out["kpq_s"], out["kpq_statements"] = _timed_run(app(kpq=question.id), counter)
    measure = plan.measures[0]
    out["measure_s"], out["measure_statements"] = _timed_run(app(measure=measure.id), counter)
    # a workforce file published: the Overview recomputes what read workforce, nothing else
    import_files([_workforce_file()], Store(db), uploaded_by="benchmark")
    out["after_publish_s"], out["after_publish_statements"] = _timed_run(app(), counter)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _workforce_file() -> Path:
    """A small workforce open-data file for one force, one new date (a real publish)."""
    path = Path(tempfile.mkdtemp()) / "workforce-open-data.csv"
    lines = [
        "As at 31 March...,Geo code,Force Name,Region,Gender,Rank description,Worker type,"
        "Ethnicity,Ethnic group,Total (headcount),Total (FTE)",
        "2027,E23000008,Durham,North East,Male,Constable,Police Officer,White,White,1100,1090.5",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def baseline(db: str, plan_id: str) -> dict[str, Any]:
    os.environ["PCP_DATABASE_URL"] = db
    from streamlit.testing.v1 import AppTest

    counter = _count_statements()
    at = AppTest.from_file(str(ROOT / "benchmarks" / "baseline_app.py"), default_timeout=900)
    at.query_params["plan"] = plan_id
    seconds, statements = _timed_run(at, counter)
    return {
        "baseline_s": seconds,
        "baseline_statements": statements,
        "baseline_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report_seconds(db: str, plan_id: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pcp_data", "report", "--plan", plan_id, "--db", db, "--json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


# --------------------------------------------------------------------------- the table (parent)


def _in_child(mode: str, db: str, plan_id: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, __file__, f"--{mode}", db, plan_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise RuntimeError(f"{mode} {plan_id} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--plans", default=",".join(PLANS))
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "bench_pages.json"))
    parser.add_argument("--child", nargs=2, metavar=("DB", "PLAN"), help=argparse.SUPPRESS)
    parser.add_argument("--baseline", nargs=2, metavar=("DB", "PLAN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    if args.baseline:
        print(json.dumps(baseline(*args.baseline)))
        return 0

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            months, districts = SIZES[size]
            built = time.perf_counter()
            for plan_id in args.plans.split(","):
                db = f"sqlite:///{Path(tmp) / f'{size}-{plan_id}.sqlite'}"
                facts = _build(db, months, districts)
                row: dict[str, Any] = {
                    "size": size,
                    "facts": facts,
                    "plan": plan_id,
                    "build_s": time.perf_counter() - built,
                }
                row |= _in_child("baseline", db, plan_id)
                row |= _in_child("child", db, plan_id)
                row["report_s"] = report_seconds(db, plan_id)
                row["cold_ratio"] = row["cold_overview_s"] / row["baseline_s"]
                rows.append(row)
                print(_line(row), flush=True)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten {args.json}")
    return 0 if _check(rows) else 1


def _build(db: str, months: int, districts: int) -> int:
    """Build the store in a process of its own: Linux carries a parent's peak memory into
    the ``ru_maxrss`` of the processes it starts, so the parent must stay small."""
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "national_store.py"),
            "--db",
            db,
            "--months",
            str(months),
            "--local-areas",
            str(districts),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(run.stdout.split()[0].replace(",", ""))


def _line(r: dict[str, Any]) -> str:
    return (
        f"{r['size']:>5} {r['facts']:>9,} {r['plan']:<24} cold {r['cold_overview_s']:5.2f}s"
        f" (baseline {r['baseline_s']:4.2f}s, x{r['cold_ratio']:.1f}) warm "
        f"{1000 * r['warm_overview_s']:4.0f}ms kpq {r['kpq_s']:4.2f}s measure "
        f"{r['measure_s']:4.2f}s after publish {r['after_publish_s']:4.2f}s report "
        f"{r['report_s']:4.2f}s sql {r['cold_statements']}/{r['warm_statements']}/"
        f"{r['kpq_statements']}/{r['measure_statements']}/{r['after_publish_statements']}"
        f" peak {r['peak_mb']:.0f} MB"
    )


def _check(rows: list[dict[str, Any]]) -> bool:
    ok = True

    def verdict(passed: bool, words: str) -> None:
        nonlocal ok
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {words}")

    largest = rows[-1]["size"]
    top = [r for r in rows if r["size"] == largest]
    for r in top:
        verdict(
            r["cold_ratio"] <= TARGETS["cold_ratio"],
            f"{r['plan']} at {largest}: cold Overview x{r['cold_ratio']:.2f} the baseline "
            f"(<= {TARGETS['cold_ratio']})",
        )
        verdict(
            r["warm_overview_s"] <= TARGETS["warm_s"],
            f"{r['plan']} at {largest}: warm rerun {1000 * r['warm_overview_s']:.0f} ms "
            f"(<= {1000 * TARGETS['warm_s']:.0f})",
        )
        verdict(
            r["after_publish_s"] <= TARGETS["after_publish_s"],
            f"{r['plan']} at {largest}: page after a publish {r['after_publish_s']:.2f} s "
            f"(<= {TARGETS['after_publish_s']})",
        )
        verdict(
            r["peak_mb"] <= TARGETS["peak_mb"],
            f"{r['plan']} at {largest}: peak {r['peak_mb']:.0f} MB (<= {TARGETS['peak_mb']:.0f})",
        )
    most = max(
        max(
            r["cold_statements"],
            r["warm_statements"],
            r["kpq_statements"],
            r["measure_statements"],
            r["after_publish_statements"],
        )
        for r in rows
    )
    verdict(
        most <= TARGETS["statements"],
        f"SQL statements per page run: at most {most} at any size (<= {TARGETS['statements']})",
    )
    by = {(r["size"], r["plan"]): r for r in rows}
    for plan in {r["plan"] for r in rows}:
        if ("100k", plan) in by and ("1m", plan) in by:
            growth = by[("1m", plan)]["cold_overview_s"] / by[("100k", plan)]["cold_overview_s"]
            verdict(
                growth <= TARGETS["growth"],
                f"{plan}: cold Overview grows x{growth:.2f} from 100k to 1M facts "
                f"(<= {TARGETS['growth']})",
            )
    return ok


if __name__ == "__main__":
    sys.exit(main())
