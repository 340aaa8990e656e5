"""Home Office police workforce: the published tables (ODS/XLSX) and the long open data table.

Real-data figures are read from the files independently (pandas with calamine, the csv
module) and compared with what the readers produce.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pcp_data import vocabulary
from pcp_data.readers import ReadResult, read_file
from pcp_data.readers.workforce_open_data import SOURCE_LABEL as OPEN_SOURCE
from pcp_data.readers.workforce_tables import SOURCE_LABEL, classify_title, header_date

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
TABLES = REALDATA / "workforce" / "home_office_tables"
OPEN_DATA = REALDATA / "workforce" / "home_office_open_data" / "officer-rank-from-2003.csv"
EDITIONS = {
    "police-workforce-tabs-30sep15.ods": "30 September 2015",
    "police-workforce-tables-sep16.ods": "30 September 2016",
    "police-workforce-sep18-tables.ods": "30 September 2018",
}


def real(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not found: {path} (../shared/realdata is absent here)")
    return path


_READ_CACHE: dict[Path, ReadResult] = {}


def read_real(path: Path) -> ReadResult:
    path = real(path)
    if path not in _READ_CACHE:
        _READ_CACHE[path] = read_file(path.name, path.read_bytes())
    return _READ_CACHE[path]


def fact(result: ReadResult, area: str, when: str, category: str, measure: str) -> float:
    f = result.facts
    hit = f[
        (f["area_name"] == area)
        & (f["period_end"] == when)
        & (f["category"] == category)
        & (f["measure"] == measure)
    ]
    assert len(hit) == 1, f"{len(hit)} facts for {area} {when} {category} {measure}"
    return float(hit["value"].iloc[0])


def cell_from_sheet(
    path: Path, sheet: str, label: str, when: dt.date, occurrence: int = 0
) -> object:
    """The cell at row ``label`` and the column whose header is the date ``when``,
    read with pandas (calamine) and nothing from the project."""
    frame = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine")
    header = next(
        i
        for i in range(len(frame))
        if any(isinstance(v, (dt.datetime, pd.Timestamp)) for v in frame.iloc[i])
    )
    col = next(
        j
        for j, v in enumerate(frame.iloc[header])
        if isinstance(v, (dt.datetime, pd.Timestamp)) and v.date() == when
    )
    rows = [
        i
        for i in range(header + 1, len(frame))
        if isinstance(frame.iloc[i, 0], str) and frame.iloc[i, 0].strip() == label
    ]
    return frame.iloc[rows[occurrence], col]


# ------------------------------------------------------------------------------------------
# Published tables, real files
# ------------------------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("file", "sheet", "label", "occurrence", "when", "area", "category", "measure"),
    [
        # the figure: Durham's police officer FTE at 30 September 2018
        (
            "police-workforce-sep18-tables.ods",
            "Table_1",
            "Durham",
            0,
            "2018-09-30",
            "Durham",
            "Police officers",
            "fte",
        ),
        # a headcount table (special constables), at the March date
        (
            "police-workforce-sep18-tables.ods",
            "Table_6",
            "Durham",
            0,
            "2018-03-31",
            "Durham",
            "Special constables",
            "headcount",
        ),
        (
            "police-workforce-sep18-tables.ods",
            "Table_2",
            "London, City of",
            0,
            "2017-09-30",
            "City of London",
            "Police staff",
            "fte",
        ),
        (
            "police-workforce-sep18-tables.ods",
            "Table_3",
            "Devon & Cornwall",
            0,
            "2018-09-30",
            "Devon and Cornwall",
            "Designated officers",
            "fte",
        ),
        (
            "police-workforce-sep18-tables.ods",
            "Table_5",
            "Dyfed-Powys",
            0,
            "2018-03-31",
            "Dyfed-Powys",
            "PCSOs",
            "fte",
        ),
        # West Midlands: the region row (first, trailing space) and the force row
        (
            "police-workforce-sep18-tables.ods",
            "Table_1",
            "West Midlands",
            0,
            "2018-09-30",
            "West Midlands region",
            "Police officers",
            "fte",
        ),
        (
            "police-workforce-sep18-tables.ods",
            "Table_1",
            "West Midlands",
            1,
            "2018-09-30",
            "West Midlands",
            "Police officers",
            "fte",
        ),
        (
            "police-workforce-sep18-tables.ods",
            "Table_1",
            "North East",
            0,
            "2017-09-30",
            "North East",
            "Police officers",
            "fte",
        ),
        (
            "police-workforce-sep18-tables.ods",
            "Table_1",
            "Wales",
            0,
            "2018-09-30",
            "Wales",
            "Police officers",
            "fte",
        ),
        (
            "police-workforce-tables-sep16.ods",
            "Table_3",
            "Durham",
            0,
            "2016-09-30",
            "Durham",
            "PCSOs",
            "fte",
        ),
        (
            "police-workforce-tables-sep16.ods",
            "Table_4",
            "Cleveland",
            0,
            "2016-03-31",
            "Cleveland",
            "Designated officers",
            "fte",
        ),  # a real zero, kept
        (
            "police-workforce-tables-sep16.ods",
            "Table_5",
            "Kent",
            0,
            "2015-09-30",
            "Kent",
            "Special constables",
            "headcount",
        ),
        # footnote digits glued to the label: Derbyshire1, Wiltshire2
        (
            "police-workforce-tabs-30sep15.ods",
            "Table_1",
            "Derbyshire1",
            0,
            "2015-03-31",
            "Derbyshire",
            "Police officers",
            "fte",
        ),
        (
            "police-workforce-tabs-30sep15.ods",
            "Table_1",
            "Wiltshire2",
            0,
            "2014-09-30",
            "Wiltshire",
            "Police officers",
            "fte",
        ),
        (
            "police-workforce-tabs-30sep15.ods",
            "Table_2",
            "Durham",
            0,
            "2015-09-30",
            "Durham",
            "Police staff",
            "fte",
        ),
    ],
)
def test_table_figures_match_the_file(
    file, sheet, label, occurrence, when, area, category, measure
):
    path = real(TABLES / file)
    expected = cell_from_sheet(path, sheet, label, dt.date.fromisoformat(when), occurrence)
    result = read_real(path)
    assert result.ok, result.problems
    assert fact(result, area, when, category, measure) == pytest.approx(float(expected))


@pytest.mark.realdata
def test_durham_officer_fte_september_2018_is_1141_11():
    result = read_real(TABLES / "police-workforce-sep18-tables.ods")
    assert fact(result, "Durham", "2018-09-30", "Police officers", "fte") == pytest.approx(1141.11)


@pytest.mark.realdata
@pytest.mark.parametrize("file", sorted(EDITIONS))
def test_every_edition_reads_every_force_at_three_dates(file):
    result = read_real(TABLES / file)
    assert result.ok, result.problems
    assert result.format == "home_office_workforce_tables"
    f = result.facts
    assert set(f["dataset"]) == {"workforce"}
    assert set(f["period_type"]) == {"snapshot"}
    assert (f["period_start"] == f["period_end"]).all()
    assert set(f["source"]) == {SOURCE_LABEL}
    assert set(f["edition"]) == {EDITIONS[file]}
    assert set(f["category"]) == set(vocabulary.WORKER_TYPES)
    assert set(f["area_kind"]) == {"force", "region", "nation"}
    officers = f[(f["category"] == "Police officers") & (f["area_kind"] == "force")]
    assert officers.groupby("period_end")["area_code"].nunique().tolist() == [43, 43, 43]
    assert set(f.loc[f["category"] == "Special constables", "measure"]) == {"headcount"}
    assert set(f.loc[f["category"] != "Special constables", "measure"]) == {"fte"}
    regions = set(f.loc[f["area_kind"] == "region", "area_code"])
    assert len(regions) == 9 and all(c.startswith("E12") for c in regions)
    assert set(f.loc[f["area_kind"] == "nation", "area_name"]) == {"Wales"}
    set_aside = {s.label for s in result.set_aside}
    assert {
        "Total 43 forces",
        "Central Service Secondments",
        "British Transport Police",
        "Total",
    } <= set_aside
    assert not f["area_name"].str.contains("Total|Transport|Secondment").any()


# Each edition's tables, by what the words above their dates header say they count. These
# September editions publish officers, staff, PCSOs and designated officers in full-time
# equivalents only; their only headcount tables are special constables and (2018) police
# support volunteers, a table of no worker type a plan measures.
EDITION_TABLES = {
    "police-workforce-tabs-30sep15.ods": {
        "Table_1": ("Police officers", "fte"),
        "Table_2": ("Police staff", "fte"),
        "Table_3": ("PCSOs", "fte"),
        "Table_4": ("Designated officers", "fte"),
        "Table_5": ("Special constables", "headcount"),
        "Table_6": (None, "fte"),
    },
    "police-workforce-tables-sep16.ods": {
        "Table_1": ("Police officers", "fte"),
        "Table_2": ("Police staff", "fte"),
        "Table_3": ("PCSOs", "fte"),
        "Table_4": ("Designated officers", "fte"),
        "Table_5": ("Special constables", "headcount"),
        "Table_6": (None, "fte"),
    },
    "police-workforce-sep18-tables.ods": {
        "Table_1": ("Police officers", "fte"),
        "Table_2": ("Police staff", "fte"),
        "Table_3": ("Designated officers", "fte"),
        "Table_4": (None, "fte"),
        "Table_5": ("PCSOs", "fte"),
        "Table_6": ("Special constables", "headcount"),
        "Table_7": (None, "headcount"),
        "Table_8": (None, "fte"),
    },
}


def counted_as(path: Path) -> dict[str, str]:
    """Each table sheet's unit ("fte" or "headcount"), from the words above its header of
    dates, read with pandas (calamine)."""
    out = {}
    for sheet, frame in pd.read_excel(
        path, sheet_name=None, header=None, engine="calamine"
    ).items():
        words = " ".join(
            str(v) for i in range(min(6, len(frame))) for v in frame.iloc[i] if isinstance(v, str)
        ).lower()
        if "headcount" in words:
            out[sheet] = "headcount"
        elif "full-time equivalent" in words:
            out[sheet] = "fte"
    return out


@pytest.mark.realdata
@pytest.mark.parametrize("file", sorted(EDITION_TABLES))
def test_each_edition_tables_and_units_are_read_as_published(file):
    path = real(TABLES / file)
    tables = EDITION_TABLES[file]
    assert counted_as(path) == {sheet: unit for sheet, (_, unit) in tables.items()}
    result = read_real(path)
    f = result.facts
    got = {
        sheet: (rows["category"].iloc[0], rows["measure"].iloc[0])
        for sheet, rows in f.groupby("sheet")
    }
    assert got == {sheet: kind for sheet, kind in tables.items() if kind[0] is not None}
    assert all(
        len(set(zip(rows["category"], rows["measure"], strict=True))) == 1
        for _, rows in f.groupby("sheet")
    )
    skipped = next(w for w in result.warnings if w.startswith("tables not read"))
    for sheet, (kind, _) in tables.items():
        assert (f"'{sheet}'" in skipped) == (kind is None)


@pytest.mark.realdata
def test_tables_that_are_not_per_force_stocks_are_skipped_and_said():
    result = read_real(TABLES / "police-workforce-sep18-tables.ods")
    assert result.sheets == ["Table_1", "Table_2", "Table_3", "Table_5", "Table_6"]
    skipped = next(w for w in result.warnings if w.startswith("tables not read"))
    for sheet in ("'Index'", "'Table_4'", "'Table_7'", "'Table_8'"):
        assert sheet in skipped
    assert "Police support volunteers" in skipped


@pytest.mark.realdata
def test_not_available_force_is_left_out_with_a_warning_never_zero():
    result = read_real(TABLES / "police-workforce-sep18-tables.ods")
    f = result.facts
    designated = f[(f["category"] == "Designated officers") & (f["area_name"] == "Cleveland")]
    assert designated.empty
    warning = next(w for w in result.warnings if "Designated officers" in w)
    assert "Cleveland at 30 September 2018" in warning


@pytest.mark.realdata
def test_xlsx_edition_reads_like_the_ods(tmp_path):
    """The reader works on cells, so the same tables saved as XLSX give the same facts."""
    path = real(TABLES / "police-workforce-sep18-tables.ods")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, frame in pd.read_excel(path, sheet_name=None, header=None, engine="calamine").items():
        ws = wb.create_sheet(name)
        for row in frame.itertuples(index=False):
            ws.append(
                [
                    None
                    if pd.isna(v)
                    else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
                    for v in row
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    from_xlsx = read_file("police-workforce-sep18-tables.xlsx", out.getvalue())
    assert from_xlsx.ok, from_xlsx.problems
    from_ods = read_real(path)
    pd.testing.assert_frame_equal(from_xlsx.facts, from_ods.facts)


# ------------------------------------------------------------------------------------------
# Published tables, hand-made variants
# ------------------------------------------------------------------------------------------


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table(
    title: str,
    rows: list[list[object]],
    *,
    measure: str = "Headcount",
    dates: tuple[object, ...] = (dt.datetime(2022, 3, 31), dt.datetime(2023, 3, 31)),
) -> list[list[object]]:
    return [
        [title],
        [],
        ["England and Wales", None, None, None, measure],
        [None, "As at:", None, "Change"],
        ["Police force area", *dates, "number", "%"],
        *rows,
        [],
        ["Source: Home Office"],
        ["1 A footnote about something"],
    ]


OFFICERS = "Table 2: Police officers by police force area, England and Wales, 31 March 2023"


def test_hand_made_table_reads_and_sets_aside():
    rows = [
        ["North East ", 10, 12, 2, 20.0],
        ["Durham3", 7, 8, 1, 14.3],
        ["Cleveland", 3, 4, 1, 33.3],
        ["West Midlands ", 5, 6, 1, 20.0],
        ["West Midlands", 5, 6, 1, 20.0],
        ["ENGLAND AND WALES7,8", 20, 24, 4, 20.0],
        ["Total 43 forces", 20, 24, 4, 20.0],
        ["British Transport Police", 1, 1, 0, 0.0],
    ]
    result = read_file(
        "wf.xlsx", workbook(("Notes", [["Notes"], ["1. x"]]), ("Table 2 ", table(OFFICERS, rows)))
    )
    assert result.ok, result.problems
    f = result.facts
    assert len(f) == 12
    assert set(f["measure"]) == {"headcount"}
    assert fact(result, "Durham", "2023-03-31", "Police officers", "headcount") == 8
    assert fact(result, "West Midlands region", "2022-03-31", "Police officers", "headcount") == 5
    assert fact(result, "West Midlands", "2022-03-31", "Police officers", "headcount") == 5
    kinds = dict(zip(f["area_name"], f["area_kind"], strict=False))
    assert kinds["England and Wales"] == "nation"
    assert kinds["North East"] == "region"
    assert {s.label for s in result.set_aside} == {"Total 43 forces", "British Transport Police"}
    assert set(f["edition"]) == {"31 March 2023"}
    assert set(f["sheet"]) == {"Table 2"}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2018, 9, 30), dt.date(2018, 9, 30)),
        ("30 September 2018", dt.date(2018, 9, 30)),
        ("30 September 20181", dt.date(2018, 9, 30)),  # footnote glued to the year
        ("30-Sep-18", dt.date(2018, 9, 30)),
        ("31 Mar 2019", dt.date(2019, 3, 31)),
        ("As at 31 March 2019", dt.date(2019, 3, 31)),
        ("2019-03-31", dt.date(2019, 3, 31)),
        ("31/03/2019", dt.date(2019, 3, 31)),
        ("31 March 2022 [note 3]", dt.date(2022, 3, 31)),
        ("number", None),
        ("%", None),
        (12.5, None),
    ],
)
def test_header_dates(cell, expected):
    assert header_date(cell) == expected


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        (
            "Table 1: Police officers by police force area, England and Wales, 30 September 2018",
            "Police officers",
        ),
        (
            "Table 3: Designated officers (s.38, s.391) by police force area, England and Wales",
            "Designated officers",
        ),
        (
            "Table 5: Police community support officers by police force area, English region",
            "PCSOs",
        ),
        (
            "Table 6: Special constables by police force area, England and Wales, 20181",
            "Special constables",
        ),
        ("Table 2: Police staff by police force area, English region and Wales", "Police staff"),
        (
            "Table 4: Police staff and designated officers (s.38, s.39) combined by police force "
            "area",
            None,
        ),
        ("Table 7: Police support volunteers by police force area, England and Wales", None),
        (
            "Table 8: Police officers1, police staff, designated officers, England and Wales2, "
            "30 September 2006 to 2018",
            None,
        ),
        ("Table 3: Police officers by rank and police force area, 31 March 2019", None),
        ("Table 9: Police officer joiners by police force area, 2018/19", None),
    ],
)
def test_table_titles_decide_what_is_read(title, kind):
    assert classify_title(title)[0] == kind


def test_text_date_headers_and_two_measures_in_one_table():
    rows = [
        [OFFICERS.replace("Table 2", "Table 1")],
        [None, "Full-time equivalents", None, "Headcount"],
        ["Force", "31 March 2022", "31 March 2023", "31 March 2022", "31 March 2023"],
        ["Dorset", 1200.5, 1210.25, 1250, 1260],
    ]
    result = read_file("wf.xlsx", workbook(("T1", rows)))
    assert result.ok, result.problems
    assert fact(result, "Dorset", "2023-03-31", "Police officers", "fte") == 1210.25
    assert fact(result, "Dorset", "2022-03-31", "Police officers", "headcount") == 1250


def test_unknown_force_is_a_problem_naming_it():
    rows = [["Durham", 1, 2, 1, 100.0], ["Atlantis Constabulary", 3, 4, 1, 33.3]]
    result = read_file("wf.xlsx", workbook(("Table_1", table(OFFICERS, rows))))
    assert not result.ok
    (p,) = result.problems
    assert (p.file, p.sheet, p.row, p.column) == ("wf.xlsx", "Table_1", 7, "A (area)")
    assert "Atlantis Constabulary" in str(p)
    assert result.facts.empty


def test_an_area_twice_in_one_table_is_a_problem_not_a_sum():
    rows = [["Durham", 1, 2, 1, 100.0], ["Durham Constabulary", 3, 4, 1, 33.3]]
    result = read_file("wf.xlsx", workbook(("Table_1", table(OFFICERS, rows))))
    (p,) = result.problems
    assert (p.row, p.value) == (7, "Durham Constabulary")
    assert "twice" in p.message and "row 6" in p.message


def test_text_in_a_number_column_is_a_problem():
    rows = [["Durham", 1, "12O4", 1, 100.0]]
    result = read_file("wf.xlsx", workbook(("Table_1", table(OFFICERS, rows))))
    (p,) = result.problems
    assert (p.sheet, p.row, p.column, p.value) == ("Table_1", 6, "C (31 March 2023)", "12O4")
    assert "not a number" in str(p)


def test_markers_and_thousands_separators():
    rows = [["Durham", " 1,141 ", "..", "-", "*"], ["Kent", "-", "[x]", "", ""]]
    result = read_file("wf.xlsx", workbook(("Table_1", table(OFFICERS, rows))))
    assert result.ok, result.problems
    f = result.facts
    assert fact(result, "Durham", "2022-03-31", "Police officers", "headcount") == 1141
    assert fact(result, "Kent", "2022-03-31", "Police officers", "headcount") == 0
    assert len(f) == 2  # '..' and '[x]' are not stored
    assert any(
        "Durham at 31 March 2023" in w and "Kent at 31 March 2023" in w for w in result.warnings
    )


def test_table_without_dates_header_is_a_problem_naming_the_sheet():
    rows = [[OFFICERS], [], ["Force", "FTE"], ["Durham", 1141]]
    result = read_file("wf.xlsx", workbook(("Table_1", rows)))
    (p,) = result.problems
    assert p.sheet == "Table_1"
    assert "no header row of dates" in p.message


def test_table_that_says_neither_fte_nor_headcount_is_a_problem():
    rows = table(OFFICERS, [["Durham", 1, 2, 1, 1.0]], measure="Numbers")
    result = read_file("wf.xlsx", workbook(("Table_1", rows)))
    (p,) = result.problems
    assert "FTE or headcount" in p.message and p.row == 5


def test_workbook_of_other_sheets_is_not_recognised():
    content = workbook(("Index", [["Police Workforce, England and Wales"], ["Table 1", "x"]]))
    result = read_file("wf.xlsx", content)
    assert result.format == "unknown"
    assert not result.ok


@pytest.mark.realdata
def test_truncated_ods_is_rejected():
    content = real(TABLES / "police-workforce-sep18-tables.ods").read_bytes()
    result = read_file("cut.ods", content[: len(content) // 2])
    assert not result.ok
    assert result.facts.empty
    assert result.problems[0].file == "cut.ods"


def test_empty_file_is_rejected():
    result = read_file("empty.ods", b"")
    assert not result.ok
    assert "empty" in result.problems[0].message


# ------------------------------------------------------------------------------------------
# Open data table, real file
# ------------------------------------------------------------------------------------------


def open_data_sum(code: str, year: int, column: str) -> float:
    """Sum a Total column for one force and year with the csv module (published '-' = 0)."""
    total = 0.0
    with real(OPEN_DATA).open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["Geo code"] == code and row["As at 31 March..."] == str(year):
                text = row[column].strip().replace(",", "")
                total += 0.0 if text == "-" else float(text)
    return total


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("code", "area", "year"),
    [
        ("E23000008", "Durham", 2005),
        ("E23000035", "Devon and Cornwall", 2003),  # 'Devon & Cornwall' in the file
        ("E23000034", "City of London", 2006),  # 'London, City of'
        ("E23000001", "Metropolitan Police", 2004),  # thousands separators in the cells
        ("W15000004", "Dyfed-Powys", 2006),
    ],
)
@pytest.mark.parametrize(
    ("measure", "column"), [("fte", "Total (FTE)"), ("headcount", "Total (headcount)")]
)
def test_open_data_sums_match_the_file(code, area, year, measure, column):
    result = read_real(OPEN_DATA)
    assert result.ok, result.problems
    got = fact(result, area, f"{year}-03-31", "Police officers", measure)
    assert got == pytest.approx(open_data_sum(code, year, column))


@pytest.mark.realdata
def test_open_data_shape():
    result = read_real(OPEN_DATA)
    assert result.format == "home_office_workforce_open_data"
    f = result.facts
    assert len(f) == 43 * 4 * 2
    assert set(f["period_end"]) == {"2003-03-31", "2004-03-31", "2005-03-31", "2006-03-31"}
    assert set(f["period_type"]) == {"snapshot"}
    assert set(f["category"]) == {"Police officers"}
    assert set(f["area_kind"]) == {"force"}
    assert set(f["source"]) == {OPEN_SOURCE}
    assert set(f["edition"]) == {"31 March 2003 to 31 March 2006"}
    assert not result.set_aside


# ------------------------------------------------------------------------------------------
# Open data table, hand-made variants
# ------------------------------------------------------------------------------------------

OPEN_HEADER = (
    "As at 31 March...,Geo code,Force Name,Region,Gender,Rank description,"
    "Worker type,Total (headcount),Total (FTE)"
)


def open_csv(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join([OPEN_HEADER, *lines]) + "\r\n").encode("utf-8")


def test_open_data_sums_breakdowns_and_maps_worker_types():
    content = open_csv(
        "2020,E23000039,Dorset,South West,Female,Constable,Police Officer, 10 , 9.5",
        '2020,E23000039,Dorset,South West,Male,Constable,Police Officer," 1,020 ",1000.25',
        "2020,,Devon & Cornwall,South West,Male,Sergeant,Police Officer, -, -",
        "2020,E23000039,Dorset,South West,Male,,Police Community Support Officer,5,4.5",
        "2020,E23000039,Dorset,South West,Male,,Special Constable,7,",
        "2020,E23000039,Dorset,South West,Male,,Traffic Warden,2,2",
        "2020,,British Transport Police,,Male,Constable,Police Officer,50,50",
    )
    result = read_file("open.csv", content)
    assert result.ok, result.problems
    assert result.format == "home_office_workforce_open_data"
    assert fact(result, "Dorset", "2020-03-31", "Police officers", "headcount") == 1030
    assert fact(result, "Dorset", "2020-03-31", "Police officers", "fte") == 1009.75
    assert fact(result, "Devon and Cornwall", "2020-03-31", "Police officers", "fte") == 0
    assert fact(result, "Dorset", "2020-03-31", "PCSOs", "fte") == 4.5
    assert fact(result, "Dorset", "2020-03-31", "Special constables", "headcount") == 7
    reasons = {s.label: s.reason for s in result.set_aside}
    assert "Traffic Warden" in reasons and "British Transport Police" in reasons


def test_open_data_snapshot_day_from_the_year_header():
    content = open_csv("2020,E23000039,Dorset,South West,Male,Constable,Police Officer,1,1")
    content = content.replace(b"As at 31 March...", b"As at 30 September")
    result = read_file("open.csv", content)
    assert set(result.facts["period_end"]) == {"2020-09-30"}
    assert set(result.facts["edition"]) == {"30 September 2020"}


def test_open_data_unknown_force_names_row_column_and_name():
    content = open_csv("2020,,Atlantis,South West,Male,Constable,Police Officer,1,1")
    result = read_file("open.csv", content)
    (p,) = result.problems
    assert (p.file, p.sheet, p.row, p.column) == ("open.csv", None, 2, "C (Force Name)")
    assert "Atlantis" in p.message


def test_open_data_text_in_a_number_column():
    content = open_csv("2020,E23000039,Dorset,South West,Male,Constable,Police Officer,ten,1")
    (p,) = read_file("open.csv", content).problems
    assert (p.row, p.column, p.value) == (2, "H (Total (headcount))", "ten")


def test_open_data_bad_year():
    content = open_csv("20X0,E23000039,Dorset,South West,Male,Constable,Police Officer,1,1")
    (p,) = read_file("open.csv", content).problems
    assert (p.row, p.column) == (2, "A (As at 31 March...)")


def test_open_data_header_only_is_a_problem():
    result = read_file("open.csv", open_csv())
    assert not result.ok
    assert "no rows" in result.problems[0].message


def test_open_data_in_a_workbook_below_title_rows():
    header = OPEN_HEADER.split(",")
    rows = [
        ["Police workforce open data table"],
        [],
        header,
        [
            2021,
            "E23000008",
            "Durham",
            "North East",
            "Male",
            "Constable",
            "Police Officer",
            100,
            99.5,
        ],
    ]
    result = read_file("open.xlsx", workbook(("Notes", [["Notes"]]), ("Data ", rows)))
    assert result.ok, result.problems
    assert fact(result, "Durham", "2021-03-31", "Police officers", "fte") == 99.5
    assert result.facts["sheet"].tolist() == ["Data", "Data"]
