"""Build a store at national scale for the page benchmark and the query-count tests.

    .venv/bin/python benchmarks/national_store.py --months 96 --local-areas 0 --db sqlite:///x.sqlite

Every force in England and Wales (43, plus England and Wales itself) with every offence
subgroup of the vocabulary, month by month back from September 2026, as the Home Office open
data would give them; their mid-year populations and quarterly officer numbers; and,
optionally, ``local_areas`` districts (kind ``other``) with the same offences, which is how
a store grows to a million facts (a force's own district-level extracts). The synthetic
sample workbook is loaded first, so the sample's home force and peers are there too.

Figures are invented (seeded, deterministic) at plausible sizes, with a summer and winter
cycle; they are for timing and counting queries, not for reading.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pcp_data.facts import normalise_facts  # noqa: E402
from pcp_data.forces import all_forces  # noqa: E402
from pcp_data.importer import import_files  # noqa: E402
from pcp_data.store import Store  # noqa: E402
from pcp_data.vocabulary import OFFENCE_GROUPS  # noqa: E402

SAMPLE = ROOT / "sample_data" / "pcp_sample.xlsx"
LAST_MONTH = pd.Timestamp("2026-09-30")
SOURCE = "Home Office police recorded crime open data"
FORMAT = "home_office_prc"
ENGLAND_AND_WALES = ("K04000001", "England and Wales", "nation")


def _areas(local_areas: int) -> list[tuple[str, str, str]]:
    forces = [(a.code, a.name, "force") for a in all_forces() if a.kind == "force"]
    local = [
        (f"LOCAL:district-{i:04d}", f"District {i:04d}", "other") for i in range(1, local_areas + 1)
    ]
    return [*forces, ENGLAND_AND_WALES, *local]


def crime_facts(months: int, local_areas: int = 0, seed: int = 1) -> pd.DataFrame:
    """Recorded crime facts: every area x every offence subgroup x ``months`` months."""
    rng = np.random.default_rng(seed)
    areas = _areas(local_areas)
    ends = pd.date_range(end=LAST_MONTH, periods=months, freq="ME")
    starts = ends - pd.offsets.MonthBegin(1)
    pairs = [(g, s) for g, subs in OFFENCE_GROUPS.items() for s in subs]
    n_areas, n_pairs, n_months = len(areas), len(pairs), len(ends)
    level = rng.uniform(5, 400, size=(n_areas, n_pairs, 1))
    season = 1 + 0.15 * np.sin(2 * np.pi * (ends.month.to_numpy() - 1) / 12)
    counts = rng.poisson(level * season[None, None, :])
    area_idx, pair_idx, month_idx = np.meshgrid(
        np.arange(n_areas), np.arange(n_pairs), np.arange(n_months), indexing="ij"
    )
    a, p, m = area_idx.ravel(), pair_idx.ravel(), month_idx.ravel()
    codes = np.array([x[0] for x in areas], dtype=object)
    names = np.array([x[1] for x in areas], dtype=object)
    kinds = np.array([x[2] for x in areas], dtype=object)
    groups = np.array([x[0] for x in pairs], dtype=object)
    subs = np.array([x[1] for x in pairs], dtype=object)
    frame = pd.DataFrame(
        {
            "dataset": "recorded_crime",
            "area_code": codes[a],
            "area_name": names[a],
            "area_kind": kinds[a],
            "period_start": starts.strftime("%Y-%m-%d").to_numpy()[m],
            "period_end": ends.strftime("%Y-%m-%d").to_numpy()[m],
            "period_type": "month",
            "category": groups[p],
            "subcategory": subs[p],
            "measure": "offences",
            "value": counts.ravel().astype(float),
            "base": np.nan,
            "source": SOURCE,
            "sheet": "benchmark",
            "edition": "",
        }
    )
    return normalise_facts(frame)


def context_facts(seed: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mid-year populations (2019-2026) and quarterly officer FTE (2019-2026) per force."""
    rng = np.random.default_rng(seed)
    forces = [x for x in _areas(0)]
    pop_rows, wf_rows = [], []
    for code, name, kind in forces:
        persons = float(rng.integers(500_000, 3_000_000))
        for year in range(2019, 2027):
            day = f"{year}-06-30"
            pop_rows.append(
                {
                    "dataset": "population",
                    "area_code": code,
                    "area_name": name,
                    "area_kind": kind,
                    "period_start": day,
                    "period_end": day,
                    "period_type": "snapshot",
                    "category": "All persons",
                    "subcategory": "",
                    "measure": "persons",
                    "value": round(persons * (1.005 ** (year - 2019))),
                    "base": np.nan,
                    "source": "ONS mid-year population estimates",
                    "sheet": "benchmark",
                    "edition": "",
                }
            )
        officers = persons / 400
        for end in pd.date_range("2019-03-31", LAST_MONTH, freq="QE"):
            day = end.strftime("%Y-%m-%d")
            wf_rows.append(
                {
                    "dataset": "workforce",
                    "area_code": code,
                    "area_name": name,
                    "area_kind": kind,
                    "period_start": day,
                    "period_end": day,
                    "period_type": "snapshot",
                    "category": "Police officers",
                    "subcategory": "",
                    "measure": "fte",
                    "value": round(officers * rng.normal(1, 0.01), 1),
                    "base": np.nan,
                    "source": "Home Office Police workforce, England and Wales",
                    "sheet": "benchmark",
                    "edition": "",
                }
            )
    return normalise_facts(pd.DataFrame(pop_rows)), normalise_facts(pd.DataFrame(wf_rows))


def build_store(url: str, *, months: int, local_areas: int = 0, with_sample: bool = True) -> int:
    """Fill the (empty) store at ``url``; returns the number of facts it then holds."""
    store = Store(url)
    if with_sample:
        import_files([SAMPLE], store, uploaded_by="benchmark")
    crime = crime_facts(months, local_areas)
    population, workforce = context_facts()
    chunk = 250_000
    for i in range(0, len(crime), chunk):
        part = crime.iloc[i : i + chunk]
        store.publish(
            f"national-crime-{i // chunk}.csv",
            f"benchmark {months} {local_areas} {i}".encode(),
            part,
            uploaded_by="benchmark",
            file_format=FORMAT,
        )
    store.publish(
        "national-population.csv",
        f"population {months}".encode(),
        population,
        uploaded_by="benchmark",
        file_format="population_by_force",
    )
    store.publish(
        "national-workforce.csv",
        f"workforce {months}".encode(),
        workforce,
        uploaded_by="benchmark",
        file_format="home_office_workforce_tables",
    )
    return int(store.areas()["facts"].sum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of an empty store")
    parser.add_argument("--months", type=int, default=96)
    parser.add_argument("--local-areas", type=int, default=0)
    args = parser.parse_args()
    total = build_store(args.db, months=args.months, local_areas=args.local_areas)
    print(f"{total:,} facts in {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
