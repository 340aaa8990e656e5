"""Home Office police recorded crime open data and ONS Police Force Area data tables.

Figures are checked against the real files in ../shared/realdata, read here independently
(the csv module for the Home Office CSV, openpyxl for the ONS workbooks), and hand-made bad
variants check that every problem names its file, sheet, row and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from pcp_data.readers import _load_readers, read_file
from pcp_data.readers.home_office_prc import SOURCE as HO_SOURCE
from pcp_data.readers.ons_pfa import SOURCE as ONS_SOURCE

# The registry loads every reader only when it is empty; a test elsewhere that imports one
# reader module directly leaves it partly filled, so make sure all are registered.
_load_readers()

HO_CSV = Path("recorded_crime/home_office_prc/prc-pfa-mar2013-onwards-tables201718.csv")
ONS_DIR = Path("recorded_crime/ons_pfa_tables")
ONS_EDITIONS = {
    "policeforceareatablesyearendingmarch2018v2.xlsx": (
        "year ending March 2018",
        "2017-04-01",
        "2018-03-31",
    ),
    "policeforceareadatatablesyearendingjune2018corrected.xlsx": (
        "year ending June 2018",
        "2017-07-01",
        "2018-06-30",
    ),
    "policeforceareatablesyearendingdecember2018.xlsx": (
        "year ending December 2018",
        "2018-01-01",
        "2018-12-31",
    ),
    "policeforceareatablesyearendingjune2019.xlsx": (
        "year ending June 2019",
        "2018-07-01",
        "2019-06-30",
    ),
}
HEADER = (
    "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
    "Offence Subgroup,Offence Code,Number of Offences"
)


def _read(path: Path):
    return read_file(path.name, path.read_bytes())


# --- Home Office open data: the real CSV ------------------------------------------------------


@pytest.fixture(scope="module")
def ho(realdata_dir: Path):
    path = realdata_dir / HO_CSV
    return path, _read(path)


@pytest.fixture(scope="module")
def ho_rows(ho) -> list[dict[str, str]]:
    with ho[0].open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.realdata
def test_home_office_csv_is_recognised_and_clean(ho) -> None:
    _, result = ho
    assert result.format == "home_office_prc"
    assert result.ok, result.problems[:3]
    facts = result.facts
    assert set(facts["dataset"]) == {"recorded_crime"}
    assert set(facts["period_type"]) == {"quarter"}
    assert set(facts["measure"]) == {"offences"}
    assert set(facts["source"]) == {HO_SOURCE}
    assert set(facts["edition"]) == {"2017/18"}
    assert set(facts["area_kind"]) == {"force"}
    assert facts["area_code"].nunique() == 43  # the 43 forces, nothing else
    assert sorted(set(facts["period_start"])) == [
        "2017-04-01",
        "2017-07-01",
        "2017-10-01",
        "2018-01-01",
    ]


@pytest.mark.realdata
def test_durham_2017_18_is_the_sum_of_its_rows(ho, ho_rows) -> None:
    # independent arithmetic: every Durham row of the CSV, padded numbers stripped and summed
    expected = sum(
        int(r["Number of Offences"].strip()) for r in ho_rows if r["Force Name"] == "Durham"
    )
    facts = ho[1].facts
    assert facts.loc[facts["area_name"] == "Durham", "value"].sum() == expected == 61150


@pytest.mark.realdata
def test_quarter_and_subgroup_sums_match_the_csv(ho, ho_rows) -> None:
    expected: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in ho_rows:
        expected[(r["Force Name"], r["Financial Quarter"], r["Offence Subgroup"])] += int(
            r["Number of Offences"]
        )
    facts = ho[1].facts
    q1 = facts[
        (facts["area_name"] == "Durham")
        & (facts["period_start"] == "2017-04-01")
        & (facts["subcategory"] == "Violence with injury")
    ]
    assert len(q1) == 1  # several offence codes summed into one fact
    assert q1["value"].iloc[0] == expected[("Durham", "1", "Violence with injury")]
    devon = facts[
        (facts["area_code"] == "E23000035")
        & (facts["period_start"] == "2018-01-01")
        & (facts["subcategory"] == "Shoplifting")
    ]
    assert devon["value"].iloc[0] == expected[("Devon and Cornwall", "4", "Shoplifting")]
    city = facts[facts["area_code"] == "E23000034"]  # "London, City of" in the file
    assert set(city["area_name"]) == {"City of London"}
    assert city["value"].sum() == sum(
        int(r["Number of Offences"]) for r in ho_rows if r["Force Name"] == "London, City of"
    )


@pytest.mark.realdata
def test_non_forces_are_set_aside_with_reasons(ho, ho_rows) -> None:
    result = ho[1]
    aside = {s.label: s for s in result.set_aside}
    assert set(aside) == {
        "Action Fraud",
        "CIFAS",
        "UK Finance",
        "Financial Fraud Action UK",
        "British Transport Police",
    }
    assert aside["British Transport Police"].rows == sum(
        r["Force Name"] == "British Transport Police" for r in ho_rows
    )
    assert all(s.reason for s in result.set_aside)
    assert "Fraud offences" not in set(result.facts["category"])


# --- Home Office open data: hand-made variants ------------------------------------------------


def _csv(*lines: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join((HEADER, *lines)) + "\r\n").encode()


def test_xlsx_with_several_year_sheets_and_a_notes_sheet() -> None:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["Police recorded crime open data: notes"])
    for fy, n in (("2016/17", 5), ("2017/18", 7)):
        ws = wb.create_sheet(fy.replace("/", "-") + " ")  # trailing space, as real files have
        ws.append(["Police recorded crime by force"])
        ws.append([])
        ws.append(HEADER.split(","))
        ws.append(
            [fy, 1, "Devon & Cornwall", "Shoplifting", "Theft offences", "Shoplifting", "46", n]
        )
        ws.append(
            [
                fy,
                1,
                "Devon and Cornwall Police",
                "Shoplifting",
                "Theft offences",
                "Shoplifting",
                "46",
                " 1,000 ",
            ]
        )
        ws.append(
            [
                fy,
                "2",
                "Durham",
                "Wildlife",
                "Miscellaneous crimes",
                "Miscellaneous crimes",
                "96",
                "-00",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    result = read_file("prc.xlsx", buf.getvalue())
    assert result.ok, result.problems
    assert result.format == "home_office_prc"
    assert result.sheets == ["2016-17 ", "2017-18 "]
    f = result.facts
    devon = f[(f["area_code"] == "E23000035")].sort_values("period_start")
    assert list(devon["value"]) == [1005.0, 1007.0]
    assert list(devon["period_end"]) == ["2016-06-30", "2017-06-30"]
    durham = f[f["area_name"] == "Durham"]
    assert list(durham["value"]) == [0.0, 0.0]  # -00 is an Excel-saved zero
    assert set(f["edition"]) == {"2016/17 to 2017/18"}


def test_fraud_for_a_force_is_kept_and_named_in_warnings() -> None:
    result = read_file(
        "x.csv", _csv("2017/18,1,Kent,Fraud,Fraud offences,Fraud: action fraud,AF, 12 ")
    )
    assert result.ok
    assert set(result.facts["category"]) == {"Fraud offences"}
    assert any("Fraud offences" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("line", "row", "column", "value"),
    [
        (
            "2017/18,1,Northmoor,Wildlife,Miscellaneous crimes,Miscellaneous crimes,96,3",
            2,
            "C (Force Name)",
            "Northmoor",
        ),
        (
            "2017/18,1,Durham,Wildlife,Miscellaneous crimes,Miscellaneous crimes,96,three",
            2,
            "H (Number of Offences)",
            "three",
        ),
        (
            "2017/18,5,Durham,Wildlife,Miscellaneous crimes,Miscellaneous crimes,96,3",
            2,
            "B (Financial Quarter)",
            "5",
        ),
        (
            "2017,1,Durham,Wildlife,Miscellaneous crimes,Miscellaneous crimes,96,3",
            2,
            "A (Financial Year)",
            "2017",
        ),
        (
            "2017/18,1,Durham,Wildlife,Miscellaneous crimes,Miscellaneous crimes,96,2.5",
            2,
            "H (Number of Offences)",
            "2.5",
        ),
    ],
)
def test_a_bad_cell_is_a_problem_naming_file_sheet_row_column(line, row, column, value) -> None:
    result = read_file(
        "bad.csv",
        _csv(line, "2017/18,1,Durham,Wildlife,Miscellaneous crimes,Miscellaneous crimes,96,3"),
    )
    assert not result.ok
    assert result.facts.empty
    [p] = result.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == ("bad.csv", "bad.csv", row, column, value)
    assert value in str(p)


def test_not_available_marker_is_left_out_not_zero() -> None:
    result = read_file(
        "x.csv",
        _csv(
            "2017/18,1,Durham,Wildlife,Miscellaneous crimes,Miscellaneous crimes,96,..",
            "2017/18,1,Durham,Arson,Criminal damage and arson,Arson,56,4",
        ),
    )
    assert result.ok
    assert list(result.facts["subcategory"]) == ["Arson"]
    assert any("not available" in w for w in result.warnings)


def test_truncated_csv_without_its_header_is_not_recognised_as_home_office() -> None:
    content = _csv("2017/18,1,Durham,Arson,Criminal damage and arson,Arson,56,4")
    result = read_file("cut.csv", content[200:])
    assert result.format != "home_office_prc"
    assert not result.ok


def test_negative_adjustments_are_kept() -> None:
    result = read_file(
        "x.csv",
        _csv(
            "2017/18,1,Durham,Arson,Criminal damage and arson,Arson,56,-1 ",
            "2017/18,1,Durham,Arson endangering life,Criminal damage and arson,Arson,56A,5",
        ),
    )
    assert result.ok
    assert list(result.facts["value"]) == [4.0]


# --- ONS Police Force Area data tables: the four real editions --------------------------------


@pytest.fixture(scope="module")
def ons(realdata_dir: Path):
    return {
        name: (realdata_dir / ONS_DIR / name, _read(realdata_dir / ONS_DIR / name))
        for name in ONS_EDITIONS
    }


def _openpyxl_row(path: Path, title_word: str, area_name: str) -> dict[str, object]:
    """The row of ``area_name`` in the sheet whose title has ``title_word``, by heading."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if not rows or not rows[0] or title_word not in str(rows[0][0]):
                continue
            header_i = next(i for i, r in enumerate(rows) if r and r[0] == "Area Code")
            upper, lower = rows[header_i - 1], rows[header_i]
            heads = [lower[j] or upper[j] for j in range(len(lower))]
            for r in rows[header_i + 1 :]:
                if r[1] and str(r[1]).rstrip("0123456789,").strip() == area_name:
                    return {str(h): v for h, v in zip(heads, r, strict=False) if h}
    finally:
        wb.close()
    raise AssertionError(f"{area_name} not found")


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(ONS_EDITIONS))
def test_ons_edition_period_and_shape(ons, name) -> None:
    _, result = ons[name]
    edition, start, end = ONS_EDITIONS[name]
    assert result.format == "ons_pfa"
    assert result.ok, result.problems[:3]
    f = result.facts
    crime = f[f["dataset"] == "recorded_crime"]
    assert set(crime["edition"]) == {edition}
    assert set(crime["period_type"]) == {"rolling_year"}
    assert set(zip(crime["period_start"], crime["period_end"], strict=True)) == {(start, end)}
    assert set(crime["source"]) == {ONS_SOURCE}
    # every force, region and nation, each as its own kind; BTP set aside
    kinds = crime.groupby("area_kind")["area_code"].nunique().to_dict()
    assert kinds == {"force": 43, "region": 9, "nation": 3}
    assert "K04000001" in set(crime["area_code"])  # England and Wales, for comparison
    crime_sheets = set(crime["sheet"])
    assert {s.label for s in result.set_aside if s.sheet in crime_sheets} == {
        "British Transport Police"
    }
    assert set(crime["measure"]) == {"offences", "rate_per_1000"}
    pop = f[f["dataset"] == "population"]
    assert set(pop["measure"]) == {"persons"} and set(pop["period_type"]) == {"snapshot"}


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "area"),
    [
        ("policeforceareadatatablesyearendingjune2018corrected.xlsx", "Durham"),
        ("policeforceareatablesyearendingjune2019.xlsx", "Essex"),
        ("policeforceareatablesyearendingmarch2018v2.xlsx", "Avon and Somerset"),
        ("policeforceareatablesyearendingdecember2018.xlsx", "Lancashire"),
    ],
)
def test_ons_counts_and_rates_match_openpyxl(ons, name, area) -> None:
    path, result = ons[name]
    f = result.facts
    mine = f[f["area_name"] == area]
    counts = _openpyxl_row(path, "number of offences", area)
    total = next(v for k, v in counts.items() if k.startswith("Total recorded crime"))
    got = mine[(mine["category"] == "Total recorded crime") & (mine["measure"] == "offences")]
    assert got["value"].tolist() == [total]
    vwi = mine[(mine["subcategory"] == "Violence with injury") & (mine["measure"] == "offences")]
    assert vwi["value"].tolist() == [counts["Violence with injury"]]
    theft = mine[
        (mine["category"] == "Theft offences")
        & (mine["subcategory"] == "")
        & (mine["measure"] == "offences")
    ]
    assert theft["value"].tolist() == [counts["Theft offences"]]
    rates = _openpyxl_row(path, "rate of offences", area)
    rate = mine[
        (mine["category"] == "Violence against the person")
        & (mine["subcategory"] == "")
        & (mine["measure"] == "rate_per_1000")
    ]
    assert rate["value"].tolist() == [pytest.approx(rates["Violence against the person"])]
    pop_head = next(k for k in rates if k.startswith("Population"))
    pop = mine[mine["dataset"] == "population"]
    year = int(pop_head.split("mid-")[1][:4])
    assert pop.loc[pop["period_start"] == f"{year}-06-30", "value"].tolist() == [rates[pop_head]]


@pytest.mark.realdata
def test_ons_durham_june_2018_figures(ons) -> None:
    f = ons["policeforceareadatatablesyearendingjune2018corrected.xlsx"][1].facts
    durham = f[(f["area_code"] == "E23000008") & (f["measure"] == "offences")]
    by = {
        (c, s): v
        for c, s, v in zip(durham["category"], durham["subcategory"], durham["value"], strict=True)
    }
    assert by[("Total recorded crime", "")] == 61991
    assert by[("Violence against the person", "Stalking and harassment")] == 8563
    # single-subgroup groups are named like the Home Office figures
    assert by[("Public order offences", "Public order offences")] == 5225
    pop = f[(f["area_code"] == "E23000008") & (f["dataset"] == "population")]
    assert pop[["period_start", "value"]].values.tolist() == [["2017-06-30", 630000.0]]


@pytest.mark.realdata
def test_ons_city_of_london_suppressed_rates_are_left_out(ons) -> None:
    result = ons["policeforceareatablesyearendingjune2019.xlsx"][1]
    f = result.facts
    city = f[f["area_code"] == "E23000034"]
    assert (
        set(city[city["measure"] == "rate_per_1000"]["category"]) <= {"Total recorded crime"}
        or city[city["measure"] == "rate_per_1000"].empty
    )
    assert not city[city["measure"] == "offences"].empty
    assert any("City of London" in w and "not available" in w for w in result.warnings)


@pytest.mark.realdata
def test_ons_unmapped_columns_are_kept_and_listed(ons) -> None:
    result = ons["policeforceareatablesyearendingjune2019.xlsx"][1]
    subs = set(result.facts["subcategory"])
    assert {"Burglary", "Residential burglary", "Vehicle offences"} <= subs
    assert any("'Vehicle offences'" in w for w in result.warnings)
    assert any("Table P2" in w and "not read" in w for w in result.warnings)


@pytest.mark.realdata
def test_ons_population_table_of_mid_years(ons) -> None:
    path, result = ons["policeforceareatablesyearendingmarch2018v2.xlsx"]
    pop = result.facts[result.facts["dataset"] == "population"]
    durham = pop[pop["area_code"] == "E23000008"].set_index("period_start")["value"]
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb["Table P9"]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    header = next(r for r in rows if r and r[0] == "Area Code")
    row = next(r for r in rows if r and r[1] == "Durham")
    for year, value in zip(header[2:], row[2:], strict=False):
        if year is not None and value is not None:
            assert durham[f"{int(year)}-06-30"] == value
    assert len(durham) == 15  # 2002-2016, the P3 mid-2016 figure not counted twice


# --- ONS: hand-made variants of a real edition ------------------------------------------------


def _variant(path: Path, change) -> bytes:
    wb = openpyxl.load_workbook(path)
    change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _area_row(ws, name: str) -> int:
    for r in range(1, ws.max_row + 1):
        if str(ws.cell(r, 2).value or "").startswith(name):
            return r
    raise AssertionError(name)


@pytest.mark.realdata
def test_ons_force_not_available_is_left_out_with_a_warning(realdata_dir: Path) -> None:
    path = realdata_dir / ONS_DIR / "policeforceareatablesyearendingjune2019.xlsx"

    def dots(wb) -> None:
        ws = wb["Table P1"]
        r = _area_row(ws, "Essex")
        ws.cell(r, 2).value = "Essex10"  # a footnote glued on, as real files have
        for c in range(3, ws.max_column + 1):
            if ws.cell(r, c).value is not None:
                ws.cell(r, c).value = ".."

    result = read_file("june2019-essex-missing.xlsx", _variant(path, dots))
    assert result.ok, result.problems[:3]
    f = result.facts
    essex = f[(f["area_code"] == "E23000028") & (f["measure"] == "offences")]
    assert essex.empty  # never stored as zero
    assert not f[(f["area_code"] == "E23000028") & (f["measure"] == "rate_per_1000")].empty
    assert any(
        "Essex" in w and "year ending June 2019" in w and "left out" in w for w in result.warnings
    )


@pytest.mark.realdata
def test_ons_other_sheet_names_and_moved_header(realdata_dir: Path) -> None:
    path = realdata_dir / ONS_DIR / "policeforceareatablesyearendingdecember2018.xlsx"

    def move(wb) -> None:
        wb["Table P1"].title = "Offences"
        wb["Table P3"].title = "Rates "
        wb["Offences"].insert_rows(1, 3)

    result = read_file("dec2018-moved.xlsx", _variant(path, move))
    assert result.ok, result.problems[:3]
    assert result.sheets == ["Offences", "Rates "]
    assert set(result.facts["edition"]) == {"year ending December 2018"}


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("change", "column", "value", "words"),
    [
        (
            lambda ws, r: setattr(ws.cell(r, 2), "value", "Northmoor"),
            "A (Area Code)",
            "E23000099",
            "not a known",
        ),
        (
            lambda ws, r: setattr(ws.cell(r, 6), "value", "lots"),
            "F (Homicide)",
            "lots",
            "not a number",
        ),
    ],
)
def test_ons_bad_cells_name_file_sheet_row_column(
    realdata_dir: Path, change, column, value, words
) -> None:
    path = realdata_dir / ONS_DIR / "policeforceareatablesyearendingjune2019.xlsx"

    def edit(wb) -> None:
        ws = wb["Table P1"]
        r = _area_row(ws, "Durham")
        if value == "E23000099":
            ws.cell(r, 1).value = "E23000099"
        change(ws, r)

    result = read_file("bad.xlsx", _variant(path, edit))
    assert not result.ok
    [p] = result.problems
    wb = openpyxl.load_workbook(path, read_only=True)
    row = next(
        i for i, r in enumerate(wb["Table P1"].iter_rows(values_only=True), 1) if r[1] == "Durham"
    )
    wb.close()
    assert (p.file, p.sheet, p.row, p.column, p.value) == (
        "bad.xlsx",
        "Table P1",
        row,
        column,
        value,
    )
    assert words in p.message


@pytest.mark.realdata
def test_ons_title_without_a_period_is_a_problem(realdata_dir: Path) -> None:
    path = realdata_dir / ONS_DIR / "policeforceareatablesyearendingjune2019.xlsx"

    def retitle(wb) -> None:
        ws = wb["Table P1"]
        ws["A1"] = "Table P1: Police recorded crime by offence group and police force area"

    result = read_file("notitle.xlsx", _variant(path, retitle))
    assert not result.ok
    p = result.problems[0]
    assert (p.sheet, p.row, p.column) == ("Table P1", 1, "A")
    assert "year ending" in p.expected


# --- ONS Table P7: anti-social behaviour incidents (editions for years ending March) ---------

MARCH_2018 = "policeforceareatablesyearendingmarch2018v2.xlsx"


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("area_code", "start", "end", "incidents"),
    [
        # Table P7 row 12 (Durham): C12 "Apr '07 to Mar '083" = 63412, W12 "Apr '17 to Mar '18"
        ("E23000008", "2007-04-01", "2008-03-31", 63412),
        ("E23000008", "2017-04-01", "2018-03-31", 19476),
        # row 38 (Cambridgeshire), Q38 "Apr '14 to Mar '155, 6" = 24552; W38 = 19511
        ("E23000023", "2014-04-01", "2015-03-31", 24552),
        ("E23000023", "2017-04-01", "2018-03-31", 19511),
        # row 55 (Dorset), W55 = 27663
        ("E23000039", "2017-04-01", "2018-03-31", 27663),
        # row 8, "ENGLAND AND WALES (exc. BTP)": W8 = 1632548 (row 7, inc. BTP, is set aside)
        ("K04000001", "2017-04-01", "2018-03-31", 1632548),
    ],
)
def test_ons_asb_incidents_by_financial_year(ons, area_code, start, end, incidents) -> None:
    f = ons[MARCH_2018][1].facts
    asb = f[
        (f["dataset"] == "indicator") & (f["area_code"] == area_code) & (f["period_start"] == start)
    ]
    assert asb["value"].tolist() == [incidents]
    assert asb[
        [
            "period_end",
            "period_type",
            "category",
            "subcategory",
            "measure",
            "sheet",
            "edition",
            "source",
        ]
    ].iloc[0].tolist() == [
        end,
        "financial_year",
        "Anti-social behaviour",
        "",
        "value",
        "Table P7",
        "year ending March 2018",
        ONS_SOURCE,
    ]


@pytest.mark.realdata
def test_ons_asb_table_shape_and_what_is_left_out(ons) -> None:
    result = ons[MARCH_2018][1]
    assert "Table P7" in result.sheets
    asb = result.facts[result.facts["dataset"] == "indicator"]
    # eleven years (2007/08 to 2017/18) for 43 forces, 10 regions/England, Wales, E&W
    assert asb.groupby("area_code")["period_start"].nunique().eq(11).all()
    assert asb.groupby("area_kind")["area_code"].nunique().to_dict() == {
        "force": 43,
        "region": 9,
        "nation": 3,
    }
    assert set(asb["measure"]) == {"value"}  # rates per 1,000 are not stored
    assert any("anti-social behaviour rates" in w for w in result.warnings)
    p7 = {(s.label, s.reason.split(" (")[0]) for s in result.set_aside if s.sheet == "Table P7"}
    assert p7 == {
        ("ENGLAND AND WALES (inc. BTP)", "includes British Transport Police"),
        ("British Transport Police", "British Transport Police is not a police force area"),
    }
    # Table P6 (crime survey), P8 (ASB by category): no plan measure, listed as not read
    assert any("'Table P6'" in w and "'Table P8'" in w for w in result.warnings)


@pytest.mark.realdata
@pytest.mark.parametrize("name", [n for n in ONS_EDITIONS if n != MARCH_2018])
def test_ons_editions_without_asb_table_give_no_indicator(ons, name) -> None:
    assert not (ons[name][1].facts["dataset"] == "indicator").any()


@pytest.mark.realdata
def test_ons_asb_heading_not_a_period_is_a_problem(realdata_dir: Path) -> None:
    path = realdata_dir / ONS_DIR / MARCH_2018

    def edit(wb) -> None:
        wb["Table P7"]["E4"] = "Last year"  # was "Apr '08 to Mar '093"

    result = read_file("asb.xlsx", _variant(path, edit))
    assert not result.ok
    [p] = result.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == (
        "asb.xlsx",
        "Table P7",
        4,
        "E (Number of Incidents)",
        "Last year",
    )
    assert "Apr '17 to Mar '18" in p.expected


# --- Every sheet of every edition: what is read, what is not, and why --------------------------

# (sheets read, sheets not read) in each edition held. Tables P2 (percentage change), P4-P5
# (knife crime for selected offences), P6 (the crime survey's experiences of anti-social
# behaviour, a percentage of adults), P8 (anti-social behaviour by category) and P10
# (households) hold no measure a plan names.
ONS_SHEETS = {
    "policeforceareatablesyearendingmarch2018v2.xlsx": (
        ["Table P1", "Table P3", "Table P7", "Table P9"],
        ["Notes", "Table P2", "Table P4", "Table P5", "Table P6", "Table P8", "Table P10"],
    ),
    "policeforceareadatatablesyearendingjune2018corrected.xlsx": (
        ["Table P1", "Table P3"],
        ["Correction", "Notes", "Table P2", "Table P4", "Table P5"],
    ),
    "policeforceareatablesyearendingdecember2018.xlsx": (
        ["Table P1", "Table P3"],
        ["Notes", "Table P2", "Table P4", "Table P5"],
    ),
    "policeforceareatablesyearendingjune2019.xlsx": (
        ["Table P1", "Table P3"],
        ["Notes", "Table P2", "Table P4", "Table P5"],
    ),
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(ONS_SHEETS))
def test_ons_every_sheet_is_read_or_said_not_read(ons, name) -> None:
    path, result = ons[name]
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        names = [n.strip() for n in wb.sheetnames]
    finally:
        wb.close()
    read, not_read = ONS_SHEETS[name]
    assert sorted(names) == sorted(read + not_read)
    assert [s.strip() for s in result.sheets] == read
    skipped = next(w for w in result.warnings if w.startswith("sheets not read"))
    assert re.findall(r"'([^']+)'", skipped.split(": ", 1)[1]) == not_read


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(ONS_SHEETS))
def test_ons_editions_hold_no_confidence_or_satisfaction_table(ons, name) -> None:
    """No edition held has a table of public confidence in the police or of victim
    satisfaction (every cell of every sheet searched with openpyxl); the only crime survey
    table is the March edition's Table P6, experiences of anti-social behaviour."""
    path, result = ons[name]
    survey = re.compile(r"confiden|satisf|excellent|good job|Crime Survey|CSEW", re.IGNORECASE)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        found = {
            ws.title
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if isinstance(c, str) and survey.search(c)
        }
    finally:
        wb.close()
    assert found == ({"Notes", "Table P6"} if "march" in name else set())
    indicators = result.facts[result.facts["dataset"] == "indicator"]
    assert set(indicators["category"]) <= {"Anti-social behaviour"}
    assert "victim_satisfaction" not in set(result.facts["dataset"])
