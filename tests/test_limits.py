"""Limits (issue 11, item 3): one file cannot take the server down.

* a zip bomb (a workbook whose sheet unpacks to 1.5 GB, a ZIP of a 1.5 GB CSV) is refused
  from the ZIP's directory, before anything is unpacked: the import's peak memory, measured
  in a fresh process (``ru_maxrss``), stays under 500 MB;
* a sheet reaching a far cell (A1 and XFD1048576) or a few repeated .ods cells standing for
  millions is refused before the spreadsheet library builds it (it would abort the process);
* the upload size, rows, columns and cells have limits, each named in the message;
* 200,000 bad cells are summarised: the first few in full, then one line counting them;
* the limits are read from ``pcp_data.config`` (one place), and Streamlit's upload limit is
  the importer's.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import Font

from pcp_data.config import Limits, limits
from pcp_data.errors import ConfigError, ImportRejected, Problem, ProblemList
from pcp_data.importer import import_files, validate
from pcp_data.readers import read_file
from pcp_data.readers.source import column_letter, scan_sheet_xml
from pcp_data.store import Store
from pcp_data.vocabulary import OFFENCE_GROUPS
from tests import hostile_files as hostile
from tests.template_helpers import CRIME_HEADER

ROOT = Path(__file__).resolve().parents[1]
PEAK_MB = 500

_MEASURE = """
import json, resource, sys
from pcp_data.importer import validate
report = validate([sys.argv[1]])
print(json.dumps({
    "problems": [str(p) for p in report.problems],
    "facts": sum(len(f.result.facts) for f in report.files),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def validate_in_a_fresh_process(path: Path, **env: str) -> dict:
    """Validate the file at ``path`` in a new Python process: its problems, how many facts
    it gave, and the process's peak resident memory in MB. A crash (the spreadsheet
    library's abort) fails the test instead of killing the test run."""
    done = subprocess.run(
        # Started by a shell that forks it: a process started straight from this one would
        # count this one's memory in its own peak (Linux keeps ru_maxrss across exec).
        ["/bin/sh", "-c", '"$0" -c "$1" "$2"; exit $?', sys.executable, _MEASURE, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


HOSTILE = {
    "xlsx bomb": (
        "bomb.xlsx",
        hostile.xlsx_bomb,
        [
            "xl/worksheets/sheet1.xml would unpack to 1,536.0 MB from",
            "refused as a possible zip bomb",
            "the workbook would unpack to 1,536.0 MB",
            "more than the 250 MB the product unpacks from one workbook",
        ],
    ),
    "zip of a huge CSV": (
        "download.zip",
        hostile.police_zip_bomb,
        ["2021-02/2021-02-dorset-street.csv would unpack to 1,536.0 MB", "zip bomb"],
    ),
    "far cell": (
        "far.xlsx",
        lambda: hostile.far_cells("XFD1048576"),
        [
            "sheet 'Recorded crime': the sheet runs to 1,048,576 rows, more than the "
            "1,000,000 the product reads and 16,384 columns (to column XFD)"
        ],
    ),
    "sparse cells": (
        "sparse.xlsx",
        lambda: hostile.far_cells("E2", "ALL999999"),
        ["the sheet runs to 999,999 rows by 1,000 columns, 999,999,000 cells from A1"],
    ),
    "repeated ods cells": (
        "repeated.ods",
        lambda: hostile.ods_repeated(1_048_576, 16_384),
        ["the sheet runs to 1,048,576 rows", "16,384 columns"],
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_refused_before_parsing_with_peak_memory_under_500_mb(
    case: str, tmp_path: Path
) -> None:
    name, build, phrases = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(build())
    assert path.stat().st_size < 8 * hostile.MB  # small files: the danger is what they hold
    got = validate_in_a_fresh_process(path)
    text = "\n".join(got["problems"])
    for phrase in phrases:
        assert phrase in text
    assert text.startswith(f"{name}")
    assert got["facts"] == 0
    assert got["peak_mb"] < PEAK_MB, got


def test_the_bombs_are_honest() -> None:
    """The ZIPs say their true sizes: what is refused is their content, not a lie."""
    bomb = hostile.xlsx_bomb(3)
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size == len(z.read(info)) > 3 * hostile.MB  # and the CRC holds


def test_zip_past_the_unpacked_limit_is_refused_at_a_plausible_ratio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PCP_MAX_ZIP_UNPACKED_MB", "1")
    body = b"".join(
        hostile.STREET_ROW.replace(b"abc123", os.urandom(24).hex().encode()) for _ in range(8000)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2021-02/2021-02-dorset-street.csv", hostile.STREET_HEADER + body)
    result = read_file("download.zip", buffer.getvalue())
    [p] = result.problems
    assert p.message.startswith("the ZIP would unpack to 1.")
    assert "more than the 1 MB the product unpacks from one ZIP" in p.message
    assert "zip bomb" not in p.message


@pytest.mark.slow
def test_zip_of_police_csvs_is_read_a_row_at_a_time(tmp_path: Path) -> None:
    """A ZIP of a 128 MB street-level CSV (random crime ids: it packs only 3 to 1) is read
    in little more memory than the interpreter and pandas take; every crime counted."""
    rows = 600_000
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("2021-02/2021-02-dorset-street.csv", "w") as fh:
            fh.write(hostile.STREET_HEADER)
            for _ in range(rows // 1000):
                fh.write(
                    b"".join(
                        hostile.STREET_ROW.replace(b"abc123", os.urandom(48).hex().encode())
                        for _ in range(1000)
                    )
                )
        unpacked = z.infolist()[0].file_size
    assert unpacked > 125 * hostile.MB
    got = validate_in_a_fresh_process(path)
    assert got["problems"] == [] and got["facts"] == 1
    assert got["peak_mb"] < 250, got  # the CSV read whole would take over 1 GB


def test_upload_size_is_checked_by_the_importer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    monkeypatch.setenv("PCP_MAX_UPLOAD_MB", "1")
    content = b"Force,2019\n" + b"Durham,630000\n" * 100_000
    result = read_file("big.csv", content)
    [p] = result.problems
    assert p.message == "the file is 1.3 MB, more than the 1 MB the product accepts"
    assert result.format == "refused"
    # a file on disk is not even read
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(3 * hostile.MB)
    report = validate([path])
    [f] = report.files
    assert f.content == b"" and not f.ok
    assert f.result.problems[0].message.startswith("the file is 3.0 MB, more than the 1 MB")
    with pytest.raises(ImportRejected, match=r"huge\.csv: the file is 3\.0 MB"):
        import_files([path], store, uploaded_by="analyst")
    assert store.revision() == 0


def test_streamlits_upload_limit_is_the_importers() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == Limits().upload_mb == 50


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PCP_MAX_UPLOAD_MB", "fifty", "PCP_MAX_UPLOAD_MB is 'fifty'; expected a number greater"),
        ("PCP_MAX_ROWS", "1.5", "PCP_MAX_ROWS is '1.5'; expected a whole number greater than 0"),
        ("PCP_MAX_PLAN_DEPTH", "0", "PCP_MAX_PLAN_DEPTH is '0'; expected a whole number"),
    ],
)
def test_a_limit_set_wrong_is_named(
    variable: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=message):
        limits()


def test_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCP_MAX_UPLOAD_MB", "12.5")
    monkeypatch.setenv("PCP_MAX_ROWS", "300")
    assert (limits().upload_mb, limits().rows, limits().columns) == (12.5, 300, 1000)


@pytest.mark.parametrize(
    ("variable", "value", "content", "phrase"),
    [
        (
            "PCP_MAX_ROWS",
            "100",
            b"Force,2019\n" + b"Durham,630000\n" * 150,
            "the file runs to 151 rows, more than the 100 the product reads",
        ),
        (
            "PCP_MAX_COLUMNS",
            "10",
            b",".join(b"c%d" % i for i in range(12)) + b"\n" + b"1," * 11 + b"1\n",
            "the file runs to 12 columns (to column L), more than the 10 the product reads",
        ),
        (
            "PCP_MAX_CELLS",
            "20",
            b"Force,2018,2019\n" + b"Durham,1,2\n" * 9,
            "the file runs to 10 rows by 3 columns, 30 cells from A1 to its last cell, more "
            "than the 20 the product reads",
        ),
    ],
)
def test_rows_columns_and_cells_of_a_csv_are_limited(
    variable: str, value: str, content: bytes, phrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    [p] = read_file("table.csv", content).problems
    assert p.message == phrase
    assert p.file == "table.csv" and p.sheet is None
    assert "at most" in (p.expected or "")


def test_a_sheet_within_the_limits_is_read() -> None:
    content = hostile.with_sheet(
        hostile.packed(
            hostile.sheet_xml(
                [CRIME_HEADER, ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3]]
            )
        )
    )
    result = read_file("ok.xlsx", content)
    assert result.ok, result.problems
    assert result.facts["value"].tolist() == [3.0]


# --- problems counted by kind ------------------------------------------------------------------


def test_200000_bad_cells_are_summarised() -> None:
    rows: list[list[object]] = [["Recorded crime"], [], CRIME_HEADER]
    rows += [["2019-04", "Durham", "Theft offences", "x", 1] for _ in range(200_000)]
    content = hostile.with_sheet(hostile.packed(hostile.sheet_xml(rows)))
    result = read_file("extract.xlsx", content)
    keep = Limits().problems_per_kind
    assert len(result.problems) == keep + 1
    assert [p.row for p in result.problems[:keep]] == list(range(4, 4 + keep))
    count = result.problems[-1]
    assert (count.file, count.sheet, count.column) == (
        "extract.xlsx",
        "Recorded crime",
        "D (Offence subgroup)",
    )
    assert str(count) == (
        "extract.xlsx, sheet 'Recorded crime', column D (Offence subgroup): 200,000 cells in "
        "all: Offence subgroup is not a known subgroup of Theft offences, first at row 4 "
        f"(value 'x'), last at row 200,003; the first {keep} are listed above; expected one of "
        + ", ".join(sorted(OFFENCE_GROUPS["Theft offences"]))
    )
    message = str(ImportRejected(result.problems))
    assert len(message) < 10_000


def problem(
    n: int, column: str = "E (Offences)", message: str = "Offences is not a number"
) -> Problem:
    return Problem("f.xlsx", message, "Recorded crime", n, column, "x", "a number")


def test_problem_list_keeps_the_first_of_each_kind_and_counts_the_rest() -> None:
    problems = ProblemList(keep=2, most=100)
    for n in range(1, 6):
        problems.append(problem(n))
    problems.append(problem(9, "B (Area)", "Area is empty"))
    assert [p.row for p in problems] == [1, 2, 9]
    assert problems.total == 6
    lines = [str(p) for p in problems.summarised()]
    assert lines[2] == (
        "f.xlsx, sheet 'Recorded crime', column E (Offences): 5 cells in all: Offences is not "
        "a number, first at row 1 (value 'x'), last at row 5; the first 2 are listed above; "
        "expected a number"
    )
    assert len(lines) == 4


def test_problem_lists_merge_their_counts() -> None:
    sheet = ProblemList(keep=2, most=100)
    for n in range(1, 4):
        sheet.append(problem(n))
    file = ProblemList(keep=2, most=100)
    file.extend(sheet)
    file.append(problem(7))
    assert [p.row for p in file] == [1, 2] and file.total == 4
    assert "4 cells in all" in file.summarised()[-1].message
    assert "last at row 7" in file.summarised()[-1].message


def test_problem_list_caps_the_lines_in_all() -> None:
    problems = ProblemList(keep=1, most=3)
    for n in range(10):
        problems.append(problem(n, column=f"C{n}"))
    lines = problems.summarised()
    assert len(lines) == 4
    assert lines[-1].message.startswith("7 more problem(s) of 7 other kind(s) are not listed")


def test_cells_without_references_are_counted_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """No spreadsheet program leaves out a cell's reference, but the format allows it: such
    cells follow the one before them, and are counted so."""
    row = '<row><c t="inlineStr"><is><t>{}</t></is></c><c><v>1</v></c><c><v>2</v></c></row>'
    xml = (
        hostile.SHEET_HEAD + "".join(row.format(i) for i in range(3)).encode() + hostile.SHEET_TAIL
    )
    monkeypatch.setenv("PCP_MAX_COLUMNS", "2")
    [p] = read_file("plain.xlsx", hostile.with_sheet(hostile.packed(xml))).problems
    assert p.message.startswith("the sheet runs to 3 columns (to column C), more than the 2")


def test_formatted_empty_cells_far_away_do_not_count() -> None:
    """Formatting cells far below a table writes them, empty: the library leaves them out,
    and so does the count of the sheet's size."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Recorded crime"
    ws.append(CRIME_HEADER)
    ws.append(["2019-04", "Durham", "Robbery", "Robbery of personal property", 3])
    ws["E999999"].font = Font(bold=True)
    ws["ZZ5"].font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    result = read_file("formatted.xlsx", buffer.getvalue())
    assert result.ok, result.problems
    assert result.facts["value"].tolist() == [3.0]


@given(
    cells=st.lists(
        st.tuples(st.integers(1, 1_100_000), st.integers(1, 16_384)), min_size=1, max_size=40
    ),
    chunk=st.sampled_from([64, 300, 8 * hostile.MB]),
)
def test_a_sheets_size_is_its_last_row_and_column_wherever_its_cells_are(
    cells: list[tuple[int, int]], chunk: int
) -> None:
    """The quick count (one search for a cell beyond the last cell's row and the first
    cells' columns) agrees with reading every reference, in any order and cut anywhere."""
    rows: dict[int, list[int]] = {}
    for r, c in cells:
        rows.setdefault(r, []).append(c)
    xml = (
        hostile.SHEET_HEAD
        + b"".join(
            f'<row r="{r}">'.encode()
            + b"".join(f'<c r="{column_letter(c - 1)}{r}"><v>1</v></c>'.encode() for c in cs)
            + b"</row>"
            for r, cs in rows.items()  # in the order drawn: not sorted, as an attacker may
        )
        + hostile.SHEET_TAIL
    )
    size = scan_sheet_xml(io.BytesIO(xml), chunk=chunk)
    assert (size.rows, size.columns) == (max(r for r, _ in cells), max(c for _, c in cells))
