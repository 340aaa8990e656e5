"""Time the whole import of every real file and of a generated 130,000-row workbook.

    .venv/bin/python benchmarks/bench_import.py [--generated-only] [--repeat N] [--keep DIR]

For each file in ../shared/realdata and a generated recorded-crime workbook in the
product's template format (5 years x 43 forces x 50 offences, monthly = 129,000 rows,
written with openpyxl's write-only mode to a temporary folder), it times, each in a fresh
process so that memory is measured per operation:

- the whole import: `pcp_data.importer.import_files` into a new SQLite store in a temporary
  folder (read, validate, store);
- a bare ``pandas.read_excel(engine="calamine")`` of every sheet (``read_csv`` for a CSV);
- a bare ``pandas.read_excel(engine="openpyxl")`` of every sheet (xlsx only).

It prints the seconds, the ratios (import / calamine, openpyxl / import) and each process's
peak resident memory (``ru_maxrss``, which includes the interpreter and pandas themselves).
Each timing is the median of ``--repeat`` runs (default 3; import and calamine runs
interleaved, so that load from other processes falls on both alike). Targets for the
generated workbook: import within 1.5x calamine, at least 3x faster than openpyxl, peak
under 500 MB; a PASS or FAIL line says each, and the exit status is 1 when one fails.
Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere
REALDATA = ROOT.parent / "shared" / "realdata"
YEARS, FORCES, OFFENCES = 5, 43, 50
MAX_CALAMINE_RATIO, MIN_OPENPYXL_RATIO, MAX_PEAK_MB = 1.5, 3.0, 500.0


def generate(path: Path) -> int:
    """Write the 129,000-row template workbook; returns the number of data rows."""
    import openpyxl

    from pcp_data import vocabulary
    from pcp_data.forces import all_forces

    subgroups = [(g, s) for g, subs in vocabulary.OFFENCE_GROUPS.items() for s in subs]
    # 50 offences: the 24 subgroups, some twice (several offence codes per subgroup, summed)
    offences = [subgroups[i % len(subgroups)] for i in range(OFFENCES)]
    forces = [a.name for a in all_forces()][:FORCES]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Recorded crime")
    ws.append(["Month", "Area", "Offence group", "Offence subgroup", "Offences"])
    n = 0
    for m in range(YEARS * 12):
        month = dt.date(2015 + (3 + m) // 12, (3 + m) % 12 + 1, 1)
        label = month.strftime("%Y-%m")
        for fi, force in enumerate(forces):
            for oi, (group, sub) in enumerate(offences):
                ws.append([label, force, group, sub, (fi * 7 + oi * 13 + m) % 97 + 1])
                n += 1
    wb.save(path)
    return n


def child(kind: str, path: str) -> None:
    """Run one measurement in this (fresh) process and print it as JSON."""
    p = Path(path)
    if kind == "import":
        from pcp_data.importer import import_files
        from pcp_data.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
            content = p.read_bytes()
            t = time.perf_counter()
            report = import_files([(p.name, content)], store, uploaded_by="benchmark")
            seconds = time.perf_counter() - t
            rows = sum(len(f.result.facts) for f in report.files)
    elif kind == "read":  # read + normalise only, no store (for profiling the readers)
        from pcp_data.readers import read_file

        content = p.read_bytes()
        t = time.perf_counter()
        result = read_file(p.name, content)
        seconds = time.perf_counter() - t
        rows = len(result.facts)
    else:
        import pandas as pd

        content = p.read_bytes()
        t = time.perf_counter()
        if p.suffix.lower() == ".csv":
            frames = {"csv": pd.read_csv(p, encoding_errors="replace", low_memory=False)}
        else:
            frames = pd.read_excel(p, sheet_name=None, engine=kind, header=None)
        seconds = time.perf_counter() - t
        rows = sum(len(f) for f in frames.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": rows}))


def measure(kind: str, path: Path) -> dict[str, float] | None:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        print(f"    {kind} of {path.name} failed: {last}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def add_run(kind: str, path: Path, runs: list[dict[str, float] | None]) -> None:
    """Add one run of ``kind`` to ``runs`` (None once any run failed)."""
    if runs and runs[0] is None:
        return
    m = measure(kind, path)
    if m is None:
        runs[:] = [None]
    else:
        runs.append(m)


def median(runs: list[dict[str, float] | None]) -> dict[str, float] | None:
    """Median seconds and largest peak of the runs, or None when one failed or none ran."""
    if not runs or runs[0] is None:
        return None
    good = [r for r in runs if r is not None]
    return {
        "seconds": statistics.median(r["seconds"] for r in good),
        "peak_mb": max(r["peak_mb"] for r in good),
        "rows": good[0]["rows"],
    }


def verdicts(
    imp: dict[str, float] | None, cal: dict[str, float] | None, opx: dict[str, float] | None
) -> list[tuple[bool, str]]:
    """(passed, line) per target for the generated workbook."""
    if imp is None or cal is None or opx is None:
        return [(False, "the import or a bare read failed: no figures to compare")]
    r_cal = imp["seconds"] / cal["seconds"]
    r_opx = opx["seconds"] / imp["seconds"]
    return [
        (
            r_cal <= MAX_CALAMINE_RATIO,
            f"import within {MAX_CALAMINE_RATIO}x the bare calamine read: {r_cal:.2f}x "
            f"(import {imp['seconds']:.3f} s, calamine {cal['seconds']:.3f} s)",
        ),
        (
            r_opx >= MIN_OPENPYXL_RATIO,
            f"import at least {MIN_OPENPYXL_RATIO:g}x faster than the bare openpyxl read: "
            f"{r_opx:.2f}x (openpyxl {opx['seconds']:.3f} s)",
        ),
        (
            imp["peak_mb"] < MAX_PEAK_MB,
            f"import peak memory under {MAX_PEAK_MB:g} MB: {imp['peak_mb']:.0f} MB",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="folder to keep the generated workbook in")
    parser.add_argument(
        "--generated-only",
        action="store_true",
        help="time only the generated workbook, not ../shared/realdata",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per timing, the median reported (default 3)"
    )
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        generated = folder / "generated-recorded-crime-130k.xlsx"
        if not generated.exists():
            t = time.perf_counter()
            n = generate(generated)
            print(f"generated {generated.name}: {n:,} rows in {time.perf_counter() - t:.1f}s")
        files = [generated]
        if not args.generated_only:
            if REALDATA.is_dir():
                files += sorted(
                    p
                    for p in REALDATA.rglob("*")
                    if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".ods", ".zip")
                )
            else:
                print(f"({REALDATA} not found: only the generated workbook is timed)")
        header = (
            f"{'file':58} {'import s':>9} {'read s':>8} {'calamine s':>10} "
            f"{'openpyxl s':>10} {'imp/cal':>8} {'opx/imp':>8} {'peak MB':>8}"
        )
        print(header)
        print("-" * len(header))
        results: list[tuple[bool, str]] = []
        for path in files:
            runs: dict[str, list[dict[str, float] | None]] = {
                "import": [],
                "calamine": [],
                "openpyxl": [],
            }
            for _ in range(max(args.repeat, 1)):
                add_run("import", path, runs["import"])
                add_run("calamine", path, runs["calamine"])
                if path.suffix.lower() == ".xlsx":
                    add_run("openpyxl", path, runs["openpyxl"])
            read = measure("read", path)  # once: for profiling, not a target
            imp, cal, opx = (median(runs[k]) for k in ("import", "calamine", "openpyxl"))
            if path == generated:
                results = verdicts(imp, cal, opx)

            def s(m: dict[str, float] | None) -> str:
                return f"{m['seconds']:.3f}" if m else "-"

            ratio_cal = f"{imp['seconds'] / cal['seconds']:.2f}" if imp and cal else "-"
            ratio_opx = f"{opx['seconds'] / imp['seconds']:.2f}" if imp and opx else "-"
            peak = f"{imp['peak_mb']:.0f}" if imp else "-"
            print(
                f"{path.name[:58]:58} {s(imp):>9} {s(read):>8} {s(cal):>10} {s(opx):>10} "
                f"{ratio_cal:>8} {ratio_opx:>8} {peak:>8}"
            )
        print(
            f"\nMedians of {max(args.repeat, 1)} runs in fresh processes. peak MB is the "
            "import process's maximum resident memory (interpreter and pandas included)."
        )
        print(f"Targets, generated workbook ({generated.name}):")
        for passed, line in results:
            print(f"{'PASS' if passed else 'FAIL'}  {line}")
        if not all(passed for passed, _ in results):
            sys.exit(1)


if __name__ == "__main__":
    main()
