"""Bad input, named (issue 11, item 6): what used to be taken as good without a word.

* an area neither known nor declared on the About sheet is refused, with the nearest force
  suggested; an area of one's own is declared (Home force, Peer forces, Local areas);
* rows identical in every cell are warned of, naming both rows (and still added up, as rows
  with the same key always are);
* a dash read as 0 and a number written with an exponent are warned of, naming the cells;
* a formula with no saved value is refused as a formula, not read as an empty cell;
* Excel's "Unicode text" (UTF-16, tab separated) is read;
* a file's format is named from its content, never its name;
* TRUE and FALSE are never numbers (and a real 0 is);
* a store URL naming a missing folder is an error, not a new empty store.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from pcp_data import config
from pcp_data.errors import ConfigError
from pcp_data.readers import ReadResult, read_file
from pcp_data.store import Store
from tests import hostile_files as hostile
from tests.template_helpers import crime_rows, workbook

ROOT = Path(__file__).resolve().parents[1]
ROBBERY = ("Robbery", "Robbery of personal property")


def read(sheets: dict) -> ReadResult:
    return read_file("extract.xlsx", workbook(sheets))


def crime(*rows: list[object], about: list[list[str]] | None = None) -> ReadResult:
    sheets: dict = {"Recorded crime": crime_rows(*rows)}
    if about is not None:
        sheets = {"About": [["Key", "Value"], *about], **sheets}
    return read(sheets)


# --- (a) areas -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Durhm", "Area is not a known police force area (did you mean Durham?)"),
        (
            "Thames Vally Police",
            "Area is not a known police force area (did you mean Thames Valley?)",
        ),
        ("Atlantis Constabulary", "Area is not a known police force area"),
    ],
)
def test_an_unknown_area_is_refused_with_the_nearest_force(name: str, message: str) -> None:
    result = crime(["2019-04", "Durham", *ROBBERY, 3], ["2019-04", name, *ROBBERY, 2])
    [p] = result.problems
    assert (p.sheet, p.row, p.column, p.value, p.message) == (
        "Recorded crime",
        5,
        "B (Area)",
        name,
        message,
    )
    assert "About sheet (Home force, Peer forces or Local areas)" in (p.expected or "")
    assert result.facts.empty


@pytest.mark.parametrize(
    ("key", "kind"),
    [("Home force", "force"), ("Peer forces", "force"), ("Local areas", "other")],
)
def test_an_area_declared_on_the_about_sheet_is_ones_own(key: str, kind: str) -> None:
    result = crime(
        ["2019-04", "Atlantis Constabulary", *ROBBERY, 2],
        ["2019-04", "Lyonesse", *ROBBERY, 1],
        about=[[key, "Atlantis Constabulary, Lyonesse"]],
    )
    assert result.ok, result.problems
    assert result.warnings == []
    f = result.facts
    assert sorted(zip(f["area_code"], f["area_kind"], strict=True)) == [
        ("LOCAL:atlantis-constabulary", kind),
        ("LOCAL:lyonesse", kind),
    ]


def test_a_typo_declared_as_ones_own_is_warned_of() -> None:
    result = crime(["2019-04", "Durhm", *ROBBERY, 2], about=[["Home force", "Durhm"]])
    assert result.ok, result.problems
    assert result.warnings == [
        "About sheet, Home force: 'Durhm' is not one of the 43 forces (did you mean Durham?); "
        "it is read as an area of your own"
    ]


def test_the_sample_workbook_declares_its_imaginary_forces() -> None:
    result = read_file("pcp_sample.xlsx", config.SAMPLE_WORKBOOK.read_bytes())
    assert result.ok, result.problems[:3]
    assert result.warnings == []
    assert set(result.facts["area_kind"]) == {"force"}
    assert result.facts["area_code"].str.startswith("LOCAL:").all()


# --- (b) rows pasted twice -----------------------------------------------------------------------


def test_rows_identical_in_every_cell_are_warned_of_and_still_added() -> None:
    row = ["2019-04", "Durham", *ROBBERY, 3]
    other = ["2019-05", "Durham", *ROBBERY, 4]
    same_key = ["2019-05", "Durham", *ROBBERY, 5]
    result = crime(row, other, row, same_key, row)
    assert result.ok, result.problems
    [warning] = result.warnings
    assert warning.startswith(
        "sheet 'Recorded crime': 2 row(s) identical in every cell to an earlier row (pasted "
        "twice?): row 6 repeats row 4, row 8 repeats row 4."
    )
    assert "added together" in warning
    values = dict(zip(result.facts["period_start"], result.facts["value"], strict=True))
    assert values == {"2019-04-01": 9.0, "2019-05-01": 9.0}  # the rule: same key, summed


# --- (c) a dash and exponents --------------------------------------------------------------------


def test_a_dash_and_an_exponent_are_warned_of_naming_the_cells() -> None:
    result = crime(
        ["2019-04", "Durham", *ROBBERY, "-"],
        ["2019-05", "Durham", *ROBBERY, "12e3"],
        ["2019-06", "Durham", *ROBBERY, "1,204"],
    )
    assert result.ok, result.problems
    assert result.warnings == [
        "sheet 'Recorded crime', column E (Offences): 2 cell(s) read as numbers from text: "
        "E4 ('-': a dash read as 0), E5 ('12e3': written with an exponent, read as 12,000). "
        "Check that each is the figure meant."
    ]
    assert result.facts["value"].tolist() == [0.0, 12000.0, 1204.0]


# --- (d) formulas --------------------------------------------------------------------------------


def formula_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Recorded crime"
    for row in crime_rows(
        ["2019-04", "Durham", *ROBBERY, 3], ["2019-05", "Durham", *ROBBERY, "=SUM(E4,2)"]
    ):
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl saves a formula, never its value
    return buffer.getvalue()


def test_a_formula_with_no_saved_value_is_refused_as_a_formula() -> None:
    result = read_file("formulas.xlsx", formula_workbook())
    [p] = result.problems
    assert str(p) == (
        "formulas.xlsx, sheet 'Recorded crime', row 5, column E: cell E5 holds the formula "
        "'=SUM(E4,2)' with no saved value: open the file in Excel and save it; expected a value "
        "(the program that wrote the file saved the formula only)"
    )


def test_a_formula_with_its_saved_value_is_read() -> None:
    rows = crime_rows(["2019-04", "Durham", *ROBBERY, 3])
    xml = hostile.sheet_xml([list(r) for r in rows]).replace(
        b'<c r="E4" t="n"><v>3</v></c>', b'<c r="E4" t="n"><f>1+2</f><v>3</v></c>'
    )
    assert b"<f>" in xml
    result = read_file("saved.xlsx", hostile.with_sheet(hostile.packed(xml)))
    assert result.ok, result.problems
    assert result.facts["value"].tolist() == [3.0]


def test_an_ods_formula_with_no_value_is_refused() -> None:
    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
        for h in ["Month", "Area", "Offence group", "Offence subgroup", "Offences"]
    )
    row = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in ["2019-04", "Durham", *ROBBERY]
    )
    content = hostile.ods(
        f"<table:table-row>{header}</table:table-row><table:table-row>{row}"
        '<table:table-cell table:formula="of:=[.E1]*2"/></table:table-row>'
    )
    [p] = read_file("f.ods", content).problems
    assert "cell E2 holds the formula 'of:=[.E1]*2' with no saved value" in p.message


# --- (e) Excel's "Unicode text" ------------------------------------------------------------------

POPULATION = "Force\tMid 2018\tMid 2019\r\nDurham\t630000\t633500\r\nKent\t1846500\t1860100\r\n"
POPULATION += "Essex\t1832800\t1846800\r\n"


@pytest.mark.parametrize(
    "encoded",
    [
        b"\xff\xfe" + POPULATION.encode("utf-16-le"),  # Excel's "Unicode text"
        POPULATION.encode("utf-16-le"),  # no byte order mark
        b"\xfe\xff" + POPULATION.encode("utf-16-be"),
    ],
)
def test_utf16_tab_separated_text_is_read(encoded: bytes) -> None:
    result = read_file("population.txt", encoded)
    plain = read_file("population.csv", POPULATION.replace("\t", ",").encode())
    assert result.ok, result.problems
    assert result.format == plain.format == "population_by_force"
    assert result.facts["value"].tolist() == plain.facts["value"].tolist()


def test_utf16_police_uk_csv_is_read() -> None:
    text = (hostile.STREET_HEADER + hostile.STREET_ROW * 3).decode()
    result = read_file("street.csv", b"\xff\xfe" + text.replace(",", "\t").encode("utf-16-le"))
    assert result.ok, result.problems
    assert result.facts["value"].tolist() == [3.0]


# --- (f) the format named by content -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.csv",
            b"Dear colleague, here are the notes.\nWe met on Tuesday, and again later.\nBob\n",
            "the file is plain text, not a table",
        ),
        ("report.xlsx", b"%PDF-1.7\n%...", "the file is a PDF document, not a spreadsheet or CSV"),
        ("page.csv", b"<!DOCTYPE html><html><body></body></html>", "the file is a web page (HTML)"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64), "the file is a PNG image"),
        (
            "odd.txt",
            b"Colour,Shape\nred,square\n",
            "the format was not recognised (the file is a CSV table)",
        ),
    ],
)
def test_the_format_is_named_from_the_content(name: str, content: bytes, message: str) -> None:
    [p] = read_file(name, content).problems
    assert p.message.startswith(message)


def test_a_csv_renamed_txt_is_read_as_a_csv() -> None:
    result = read_file("population.txt", POPULATION.replace("\t", ",").encode())
    assert result.ok and result.format == "population_by_force"


# --- (g) booleans --------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [[1, True, False, 0], [True, 1, 0, False], [False, True, 0, 1]])
def test_true_and_false_are_not_numbers_and_a_real_0_is(order: list[object]) -> None:
    months = ["2019-04", "2019-05", "2019-06", "2019-07"]
    result = crime(*[[m, "Durham", *ROBBERY, v] for m, v in zip(months, order, strict=True)])
    bad = {(p.row, p.value) for p in result.problems}
    rows = {v: 4 + i for i, v in enumerate(order) if isinstance(v, bool)}  # index() says 1 is True
    assert bad == {(rows[True], True), (rows[False], False)}
    assert {p.message for p in result.problems} == {"Offences is not a number"}


# --- (h) the store's folder ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_a_store_in_a_missing_folder_is_an_error_not_a_new_store(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/wrong/dir/x.sqlite"
    if how == "environment":
        monkeypatch.setenv("PCP_DATABASE_URL", url)
    with pytest.raises(ConfigError, match=f"the folder {tmp_path}/wrong/dir does not exist"):
        Store(url if how == "argument" else None)
    assert not (tmp_path / "wrong").exists()


def test_the_data_folder_is_made_on_first_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PCP_DATABASE_URL", raising=False)
    monkeypatch.setenv("PCP_DATA_DIR", str(tmp_path / "data"))
    store = Store()
    assert (tmp_path / "data" / "pcp.sqlite").exists() and store.revision() == 0
    monkeypatch.setenv("PCP_DATA_DIR", str(tmp_path / "typo" / "data"))
    with pytest.raises(ConfigError, match="does not exist"):
        Store()


def test_the_default_store_folder_is_the_projects_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PCP_DATABASE_URL", raising=False)
    monkeypatch.delenv("PCP_DATA_DIR", raising=False)
    assert config.database_url() == f"sqlite:///{ROOT / 'data' / 'pcp.sqlite'}"
    config.store_folder(config.database_url())  # made if missing: the project folder exists
    assert (ROOT / "data").is_dir()


def test_the_command_line_names_the_missing_folder(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pcp_data",
            "uploads",
            "--db",
            f"sqlite:///{tmp_path}/wrong/dir/x.sqlite",
        ],
        cwd=ROOT,
        env={**os.environ, "PCP_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"the folder {tmp_path}/wrong/dir does not exist")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "wrong").exists()
