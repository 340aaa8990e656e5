"""The command line, run as analysts run it: ``python -m pcp_data ...`` in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from pptx import Presentation

from pcp_data.cli import main
from tests.template_helpers import FAULT, break_template_reader, crime_rows, workbook

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pcp_data", *args, "--db", db]
        if args[0] != "plans"
        else [sys.executable, "-m", "pcp_data", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, name: str, value: object) -> Path:
    path = tmp_path / name
    path.write_bytes(
        workbook(
            {
                "Recorded crime": crime_rows(
                    ["2019-04", "Durham", "Robbery", "Robbery of personal property", value]
                )
            }
        )
    )
    return path


def test_import_export_withdraw(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    good = write(tmp_path, "good.xlsx", 42)
    dry = cli("import", str(good), "--dry-run", "--json", db=db)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["files"][0]["rows"] == 1
    assert "No uploads." in cli("uploads", db=db).stdout  # the dry run stored nothing

    done = cli("import", str(good), db=db)
    assert done.returncode == 0 and "published as upload 1" in done.stdout
    again = cli("import", str(good), db=db)
    assert "already uploaded as upload 1; nothing added" in again.stdout

    export = cli("export", "--dataset", "recorded_crime", "--area", "Durham", db=db)
    lines = export.stdout.strip().splitlines()
    assert lines[0].startswith("dataset,area_code,area_name")
    assert len(lines) == 2 and ",42.0," in lines[1]

    assert cli("withdraw", "1", db=db).returncode == 0
    empty = cli("export", "--dataset", "recorded_crime", db=db)
    assert len(empty.stdout.strip().splitlines()) == 1


def test_one_bad_cell_refused_with_every_problem_and_nothing_stored(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    good = write(tmp_path, "good.xlsx", 1)
    bad = write(tmp_path, "bad.xlsx", "forty")
    result = cli("import", str(good), str(bad), db=db)
    assert result.returncode == 1
    assert (
        "bad.xlsx, sheet 'Recorded crime', row 4, column E (Offences): Offences is not a number"
    ) in result.stderr
    assert "nothing was stored" in result.stderr
    assert "No uploads." in cli("uploads", db=db).stdout


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01\x02 not a spreadsheet")
    result = cli("import", str(junk), db=db)
    assert result.returncode == 1
    assert "junk.xlsx: the file is not a spreadsheet or CSV" in result.stderr


def test_init_loads_sample_once(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert "Loaded the synthetic sample data" in cli("init", db=db).stdout
    assert "already holds data" in cli("init", db=db).stdout
    assert "pcp_sample.xlsx" in cli("uploads", db=db).stdout


def test_a_readers_bug_is_reported_as_the_products_fault_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run in-process (``main``) so that the template reader can be broken."""
    monkeypatch.setenv("PCP_DATA_DIR", str(tmp_path / "data"))
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    good, broken = write(tmp_path, "good.xlsx", 1), write(tmp_path, "broken.xlsx", 2)
    break_template_reader(monkeypatch, "broken.xlsx")
    assert main(["import", str(good), str(broken), "--db", db]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"broken.xlsx: {FAULT}.")
    assert "Traceback" not in err and "KeyError" not in err
    log = tmp_path / "data" / "pcp_data.log"
    assert f"The log: {log}" in err
    logged = log.read_text(encoding="utf-8")
    assert "reading broken.xlsx failed" in logged and "Traceback" in logged
    assert "KeyError" in logged
    assert "No uploads." in cli("uploads", db=db).stdout


# --------------------------------------------------------------------------- issue 11

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1+1",
    "-2+3",
    "[link](http://evil)",
]


def test_export_neutralises_formulas_in_every_cell(tmp_path: Path) -> None:
    import csv
    import io

    import pandas as pd

    from pcp_data.facts import FACT_COLUMNS
    from pcp_data.store import Store

    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    rows = [
        {
            "dataset": "recorded_crime",
            "area_code": "LOCAL:evil",
            "area_name": payload,
            "area_kind": "force",
            "period_start": f"2019-{n + 1:02d}-01",
            "period_end": f"2019-{n + 1:02d}-28",
            "period_type": "month",
            "category": payload,
            "subcategory": "\tTabbed",
            "measure": "offences",
            "value": -5.0,
            "base": None,
            "source": payload,
            "sheet": "\rReturn",
            "edition": "",
        }
        for n, payload in enumerate(PAYLOADS)
    ]
    store = Store(db)
    store.publish(
        "evil.csv",
        b"evil",
        pd.DataFrame(rows, columns=list(FACT_COLUMNS)),
        uploaded_by="analyst",
        file_format="pcp_template",
    )
    store.engine.dispose()
    export = subprocess.run(  # bytes: text mode would read the payloads' \r as line ends
        [sys.executable, "-m", "pcp_data", "export", "--dataset", "recorded_crime", "--db", db],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert export.returncode == 0, export.stderr
    table = list(csv.DictReader(io.StringIO(export.stdout.decode("utf-8"), newline="")))
    assert sorted(r["area_name"] for r in table) == sorted(
        p if p.startswith("[") else "'" + p for p in PAYLOADS
    )
    for row in table:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (column, cell)
            assert not cell.startswith("-") or cell == "-5.0", (column, cell)
        assert row["value"] == "-5.0"  # a genuine number is left alone
        assert row["subcategory"] == "'\tTabbed" and row["sheet"] == "'\rReturn"


def test_audit_lists_who_did_what(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    good = write(tmp_path, "good.xlsx", 42)
    assert cli("import", str(good), "--by", "Ann Analyst", db=db).returncode == 0
    assert cli("withdraw", "1", "--by", "Bob Analyst", db=db).returncode == 0
    assert cli("import", str(good), "--by", "Cat Analyst", db=db).returncode == 0
    text = cli("audit", db=db)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["id", "at", "who", "action", "which", "change"]
    assert "Cat Analyst" in lines[1] and "re-publish" in lines[1]
    assert "withdrawn before by Bob Analyst" in lines[1]
    assert "Ann Analyst" in lines[3] and "published good.xlsx: 1 figure (" in lines[3]
    records = json.loads(cli("audit", "--json", db=db).stdout)
    assert [(r["who"], r["action"]) for r in records] == [
        ("Cat Analyst", "re-publish"),
        ("Bob Analyst", "withdraw"),
        ("Ann Analyst", "publish"),
    ]
    assert records[0]["before"]["withdrawn_by"] == "Bob Analyst"
    assert len(json.loads(cli("audit", "--json", "--limit", "1", db=db).stdout)) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("import", "FILE"),
        ("withdraw", "1"),
        ("load-plan", "PLAN"),
        ("remove-plan", "mine"),
    ],
)
def test_an_empty_name_is_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    good = write(tmp_path, "good.xlsx", 42)
    plan = tmp_path / "mine.yaml"
    plan.write_text(_plan_text("mine"), encoding="utf-8")
    if args[0] in ("withdraw", "remove-plan"):
        cli("import", str(good), db=db)
        cli("load-plan", str(plan), db=db)
    command = [a.replace("FILE", str(good)).replace("PLAN", str(plan)) for a in args]
    for name in ("", "   "):
        done = cli(*command, "--by", name, db=db)
        assert done.returncode == 1, done
        assert "say who you are" in done.stderr and "Traceback" not in done.stderr


def _plan_text(plan_id: str) -> str:
    from pcp_data.plan import shipped_plans

    text = shipped_plans()["durham-2018-21"].read_text(encoding="utf-8")
    return text.replace("id: durham-2018-21", f"id: {plan_id}")


def test_loaded_plans_listed_and_removed_and_audited(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    plan = tmp_path / "mine.yaml"
    plan.write_text(_plan_text("mine"), encoding="utf-8")
    shipped = tmp_path / "durham.yaml"
    shipped.write_text(_plan_text("durham-2018-21"), encoding="utf-8")

    refused = cli("load-plan", str(shipped), "--by", "Ann", db=db)
    assert refused.returncode == 1
    assert "'durham-2018-21' is the id of a plan shipped with the product" in refused.stderr
    assert "No plans loaded." in cli("loaded-plans", db=db).stdout

    loaded = cli("load-plan", str(plan), "--by", "Ann", db=db)
    assert loaded.returncode == 0 and "Loaded plan mine: Durham" in loaded.stdout
    listed = json.loads(cli("loaded-plans", "--json", db=db).stdout)
    assert [(p["id"], p["force"], p["problem"]) for p in listed] == [("mine", "Durham", "")]
    report = cli("report", "--plan", "mine", db=db)
    assert "no plan is called" not in report.stderr

    removed = cli("remove-plan", "mine", "--by", "Bob", db=db)
    assert removed.returncode == 0 and "Removed the loaded plan mine." in removed.stdout
    again = cli("remove-plan", "mine", "--by", "Bob", db=db)
    assert again.returncode == 1 and "no loaded plan is called 'mine'" in again.stderr
    records = json.loads(cli("audit", "--json", db=db).stdout)
    assert [(r["who"], r["action"], r["target_id"]) for r in records] == [
        ("Bob", "remove plan", "mine"),
        ("Ann", "load plan", "mine"),
    ]


def test_any_other_fault_goes_to_the_log_not_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pcp_data.store

    monkeypatch.setenv("PCP_DATA_DIR", str(tmp_path / "data"))

    def broken(self: object) -> None:
        raise RuntimeError("a bug in the product")

    monkeypatch.setattr(pcp_data.store.Store, "uploads", broken)
    assert main(["uploads", "--db", f"sqlite:///{tmp_path / 'cli.sqlite'}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("uploads failed on a fault in the product")
    assert "Traceback" not in err and "RuntimeError" not in err
    logged = (tmp_path / "data" / "pcp_data.log").read_text(encoding="utf-8")
    assert "RuntimeError: a bug in the product" in logged and "Traceback" in logged


# --------------------------------------------------------------------------- the briefing pack


@pytest.fixture
def sample_db(_sample_db: Path, tmp_path: Path) -> str:
    """A copy of the store holding the sample data, as a URL for ``--db``."""
    path = tmp_path / "sample.sqlite"
    shutil.copy(_sample_db, path)
    return f"sqlite:///{path}"


@pytest.mark.slow
def test_pack_writes_each_format_with_the_events_and_actions(
    sample_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> str:
        assert main([*args, "--db", sample_db]) == 0
        return capsys.readouterr().out

    added = run(
        "add-event",
        "--date",
        "2024-04-01",
        "--title",
        "New crime recording standard",
        "--note",
        "Counting rules changed",
        "--area",
        "Northmoor Constabulary",
        "--by",
        "Ann Analyst",
    )
    assert "Recorded event 1 (2024-04-01: New crime recording standard)" in added
    run(
        "add-action",
        "--plan",
        "durham-2018-21",
        "--question",
        "kpq-crime",
        "--title",
        "Explain the burglary figures",
        "--owner",
        "Chief Constable",
        "--due",
        "2026-12-31",
        "--by",
        "PCC office",
    )
    rebased = run(
        "rebase",
        "--plan",
        "durham-2018-21",
        "--measure",
        "all-crime",
        "--date",
        "2024-04-01",
        "--event",
        "1",
        "--by",
        "Ann Analyst",
    )
    assert "start afresh from 2024-04-01 (New crime recording standard)" in rebased
    listed = json.loads(run("events", "--json"))
    assert [(e["id"], e["title"], e["author"]) for e in listed] == [
        (1, "New crime recording standard", "Ann Analyst")
    ]
    assert json.loads(run("actions", "--json"))[0]["owner"] == "Chief Constable"
    assert json.loads(run("rebases", "--json"))[0]["reason"] == "New crime recording standard"
    assert "Action 1 is now done." in run("action-status", "1", "done", "--by", "PCC office")

    out = {fmt: tmp_path / f"pack.{fmt}" for fmt in ("pptx", "pdf", "xlsx")}
    for fmt, path in out.items():
        said = run(
            "pack",
            "--plan",
            "durham-2018-21",
            "--period",
            "2026-09",
            "--format",
            fmt,
            "--out",
            str(path),
        )
        assert f"Wrote {path}" in said and "figures as at September 2026" in said

    deck = Presentation(str(out["pptx"]))
    slides = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for slide in deck.slides
    ]
    assert "Synthetic sample data" in slides[0] and "September 2026" in slides[0]
    assert any("New crime recording standard" in t for t in slides)
    assert any("Action: Explain the burglary figures" in t and "✔ done" in t for t in slides)
    with pdfplumber.open(out["pdf"]) as pdf:
        text = " ".join((p.extract_text() or "") for p in pdf.pages)
    assert "New crime recording standard" in " ".join(text.split())
    book = openpyxl.load_workbook(out["xlsx"])
    notes = [[c.value for c in row] for row in book["Notes"].iter_rows(min_row=2)]
    assert [n[3] for n in notes] == ["New crime recording standard", "Explain the burglary figures"]
    measures = {row[2]: row for row in book["Measures"].iter_rows(values_only=True)}
    assert "SPC limits re-based from April 2024 (New crime recording standard)" in str(
        measures["Total recorded crime"][8]
    )
    assert "remove" in run("remove", "event", "1", "--by", "Ann Analyst").lower()
    assert run("events") == "No events recorded.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--plan", "nope", "--format", "pdf"), "no plan is called 'nope'"),
        (
            ("--plan", "durham-2018-21", "--area", "Atlantis", "--format", "pdf"),
            "the store holds no area called 'Atlantis'; areas held: Eastwold Police",
        ),
        (
            ("--plan", "durham-2018-21", "--period", "2026-13", "--format", "pdf"),
            "period must be a month written YYYY-MM",
        ),
        (("--plan", "durham-2018-21", "--format", "docx"), "invalid choice: 'docx'"),
    ],
)
def test_pack_says_what_was_wrong_without_a_traceback(
    sample_db: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = cli("pack", *args, "--out", str(tmp_path / "pack.out"), db=sample_db)
    assert done.returncode in (1, 2), done
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "pack.out").exists()


def test_events_actions_and_rebases_refuse_what_does_not_exist(sample_db: str) -> None:
    for args, message in (
        (
            ("add-event", "--date", "2024-02-30", "--title", "x", "--by", "Ann"),
            "the event's date '2024-02-30' is not a date written YYYY-MM-DD",
        ),
        (
            ("add-event", "--date", "2024-02-01", "--title", "x", "--measure", "all-crime"),
            "--measure needs --plan",
        ),
        (
            (
                "rebase",
                "--plan",
                "durham-2018-21",
                "--measure",
                "nope",
                "--date",
                "2024-04-01",
                "--reason",
                "x",
            ),
            "the plan durham-2018-21 has no measure 'nope'; its measures: crime-rate",
        ),
        (
            (
                "add-action",
                "--plan",
                "durham-2018-21",
                "--question",
                "kpq-x",
                "--title",
                "x",
                "--owner",
                "y",
            ),
            "the plan durham-2018-21 has no question 'kpq-x'; its questions: kpq-safe",
        ),
        (("remove", "action", "4", "--by", "Ann"), "there is no action 4"),
    ):
        done = cli(*args, db=sample_db)
        assert done.returncode == 1, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, done.stderr
