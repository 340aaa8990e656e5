"""Population by force and year, and survey proportion tables (MOPAC PAS), plus files that
are not what they claim: empty, truncated, not a spreadsheet, wrong sheet.

Figures are checked against the real files read here with the csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from pcp_data.readers import _load_readers, read_file

# The registry loads every reader only when it is empty; a test elsewhere that imports one
# reader module directly leaves it partly filled, so make sure all are registered.
_load_readers()

POPULATION = Path("population/population-police-force.csv")
PAS = Path("surveys/PAS_Dashboard_Borough.csv")


def _read(path: Path):
    return read_file(path.name, path.read_bytes())


# --- population ----------------------------------------------------------------------------


@pytest.mark.realdata
def test_population_thousands_detected_and_stored_as_persons(realdata_dir: Path) -> None:
    path = realdata_dir / POPULATION
    result = _read(path)
    assert result.format == "population_by_force"
    assert result.ok, result.problems
    assert any("thousands" in w for w in result.warnings)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    durham = next(r for r in rows if r[0] == "Durham")
    f = result.facts
    got = f[f["area_code"] == "E23000008"].set_index("period_start")["value"]
    for label, value in zip(header[1:], durham[1:], strict=False):
        if label.startswith("Mid"):
            year = int(label.split()[1])
            assert got[f"{year}-06-30"] == pytest.approx(float(value) * 1000)
    assert got["2010-06-30"] == 611600
    city = f[(f["area_code"] == "E23000034") & (f["period_start"] == "2001-06-30")]
    assert city["value"].tolist() == [7200]  # "London, City of"
    assert set(f["area_kind"]) == {"force"} and f["area_code"].nunique() == 43
    assert set(f["dataset"]) == {"population"} and set(f["measure"]) == {"persons"}
    assert set(f["edition"]) == {"mid-2001 to mid-2010"}


def test_population_in_persons_is_kept_and_said() -> None:
    content = (
        b"Force,2018,2019\nDurham,630000,633500\nKent,1846500,1860100\nEssex,1832800,1846800\n"
    )
    result = read_file("pop.csv", content)
    assert result.ok, result.problems
    assert any("in persons" in w for w in result.warnings)
    assert any("mid-year" in w for w in result.warnings)  # the header does not say "mid"
    f = result.facts
    assert f.loc[
        (f["area_name"] == "Durham") & (f["period_start"] == "2019-06-30"), "value"
    ].tolist() == [633500]


def test_population_header_saying_thousands_wins() -> None:
    content = (
        "Population (thousands)\nForce,Mid 2018,Mid 2019\nDurham,630,633.5\n"
        "Kent,1846.5,1860.1\nEssex,1832.8,1846.8\nTotal 43 forces,59000,59400\n"
    )
    result = read_file("pop.csv", content.encode())
    assert result.ok, result.problems
    assert any("header says thousands" in w for w in result.warnings)
    assert [s.label for s in result.set_aside] == ["Total 43 forces"]


@pytest.mark.parametrize(
    ("line", "column", "value", "words"),
    [
        ("Northmoor,700,710", "A (Force)", "Northmoor", "not a known"),
        ("Durham,630,lots", "C (Mid 2019)", "lots", "not a number"),
    ],
)
def test_population_bad_cells(line, column, value, words) -> None:
    content = f"Force,Mid 2018,Mid 2019\nKent,1846.5,1860.1\nEssex,1832.8,1846.8\n{line}\n"
    result = read_file("pop.csv", content.encode())
    assert not result.ok
    [p] = result.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == ("pop.csv", "pop.csv", 4, column, value)
    assert words in p.message


# --- survey proportions (MOPAC PAS) ---------------------------------------------------------


@pytest.fixture(scope="module")
def pas(realdata_dir: Path):
    path = realdata_dir / PAS
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    return rows, _read(path)


@pytest.mark.realdata
def test_pas_boroughs_are_other_areas_never_forces(pas) -> None:
    rows, result = pas
    assert result.format == "survey_proportions"
    assert result.ok, result.problems[:3]
    f = result.facts
    boroughs = f[f["area_kind"] == "other"]
    assert boroughs["area_code"].str.startswith("LOCAL:").all()
    # 32 boroughs in the file, with Richmond spelt two ways: one area
    assert boroughs["area_code"].nunique() == len({r["Borough"].lower() for r in rows}) == 32
    assert set(f.loc[f["area_kind"] == "force", "area_code"]) == {"E23000001"}  # the MPS column
    assert set(f["dataset"]) == {"indicator"} and set(f["measure"]) == {"value"}
    assert set(f["source"]) == {"MOPAC Public Attitude Survey"}
    assert set(f["period_type"]) == {"quarter"}


@pytest.mark.realdata
def test_pas_figures_are_percentages_of_the_decimal_comma_proportions(pas) -> None:
    rows, result = pas
    f = result.facts
    row = next(
        r
        for r in rows
        if r["Borough"] == "Hackney" and r["Date"] == "30/6/2019" and r["Measure"] == "Trust MPS"
    )
    expected = float(row["Proportion"].replace(",", ".")) * 100
    got = f[
        (f["area_name"] == "Hackney")
        & (f["period_end"] == "2019-06-30")
        & (f["category"] == "Trust MPS")
    ]
    assert got["value"].tolist() == [pytest.approx(expected)]
    assert got["period_start"].tolist() == ["2019-04-01"]
    mps = f[
        (f["area_code"] == "E23000001")
        & (f["period_end"] == "2019-06-30")
        & (f["category"] == "Trust MPS")
    ]
    assert mps["value"].tolist() == [pytest.approx(float(row["MPS"].replace(",", ".")) * 100)]
    assert len(boroughs := f[f["area_kind"] == "other"]) == len(rows)
    assert boroughs["value"].between(0, 100).all()
    assert any("percentages" in w for w in result.warnings)
    assert any("without a heading" in w for w in result.warnings)  # the stray trailing value


def test_semicolon_csv_with_decimal_commas() -> None:
    content = (
        b"Date;Survey;Borough;Measure;Proportion\n"
        b"31/3/2020;PAS;Camden;Trust MPS;0,81\n"
        b"31/3/2020;PAS;Barnet;Trust MPS;..\n"
    )
    result = read_file("pas.csv", content)
    assert result.format == "survey_proportions"
    assert result.ok, result.problems
    f = result.facts
    assert f[["area_name", "area_kind", "period_start", "value"]].values.tolist() == [
        ["Camden", "other", "2020-01-01", pytest.approx(81.0)]
    ]


def test_survey_text_in_value_column_is_a_problem() -> None:
    content = (
        b"Date,Survey,Borough,Measure,Proportion,MPS\n"
        b'31/3/2020,PAS,Camden,Trust MPS,"0,81","0,7"\n'
        b'31/3/2020,PAS,Barnet,Trust MPS,high,"0,7"\n'
    )
    result = read_file("pas.csv", content)
    [p] = result.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == (
        "pas.csv",
        "pas.csv",
        3,
        "E (Proportion)",
        "high",
    )


# --- files that are not what they should be --------------------------------------------------


def test_empty_file() -> None:
    result = read_file("empty.csv", b"")
    [p] = result.problems
    assert p.file == "empty.csv" and "empty" in p.message


def test_not_a_spreadsheet() -> None:
    result = read_file("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    [p] = result.problems
    assert p.file == "photo.xlsx" and "not a spreadsheet" in p.message


@pytest.mark.realdata
def test_truncated_workbook(realdata_dir: Path) -> None:
    path = (
        realdata_dir
        / "recorded_crime/ons_pfa_tables"
        / ("policeforceareatablesyearendingjune2019.xlsx")
    )
    content = path.read_bytes()
    result = read_file("cut.xlsx", content[: len(content) // 2])
    assert not result.ok
    assert result.problems[0].file == "cut.xlsx"


@pytest.mark.realdata
def test_population_file_given_as_a_workbook_with_the_wrong_sheet_first(realdata_dir: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Population by police force area, in thousands"])
    ws = wb.create_sheet("Data ")
    with (realdata_dir / POPULATION).open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.reader(fh):
            ws.append(
                [row[0], *[float(v) if v and row[0] != "Police Force" else v for v in row[1:]]]
            )
    buf = io.BytesIO()
    wb.save(buf)
    result = read_file("pop.xlsx", buf.getvalue())
    assert result.format == "population_by_force"
    assert result.ok, result.problems
    assert result.sheets == ["Data "]
    assert len(result.facts) == 430


def test_unrecognised_csv_names_what_was_looked_for() -> None:
    result = read_file("odd.csv", b"Colour,Shape\nred,square\n")
    [p] = result.problems
    assert p.file == "odd.csv" and "not recognised" in p.message
    assert "Survey proportions" in p.expected and "Population" in p.expected
