"""The command line, run as analysts run it: ``python -m pcp_data ...`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
