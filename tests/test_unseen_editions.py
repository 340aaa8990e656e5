"""Editions of the real publications that no other test has seen.

Each test builds, in ``tmp_path``, a plausible new edition of a file in ../shared/realdata by
transforming the real file the way publishers change their tables between editions (header
lower down, a cover sheet first, sheets renamed, ``[note 3]`` markers instead of glued
footnote digits, ``[x]``/``[c]`` instead of ``..``/``+``, forces spelt another way, columns
moved, an extra column, numbers as text, dates as text, CRLF and BOM, other separators and
units). The import must give the same figures as the source cells, or, where the change
makes the file impossible to understand (an unknown force, a renamed key column), fail with
a problem naming the file, sheet, row, column and exactly what was not recognised.

The real files are read here with python_calamine and the csv module, never through the
project's readers, and the variants are written with openpyxl and csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from pcp_data.importer import import_files
from pcp_data.measures import measure_series
from pcp_data.plan import load_shipped
from pcp_data.readers import ReadResult, _load_readers, read_file
from pcp_data.store import Store

_load_readers()

ONS_DIR = Path("recorded_crime/ons_pfa_tables")
ONS_EDITIONS = {
    "policeforceareatablesyearendingmarch2018v2.xlsx": "March 2018",
    "policeforceareadatatablesyearendingjune2018corrected.xlsx": "June 2018",
    "policeforceareatablesyearendingdecember2018.xlsx": "December 2018",
    "policeforceareatablesyearendingjune2019.xlsx": "June 2019",
}
HO_CSV = Path("recorded_crime/home_office_prc/prc-pfa-mar2013-onwards-tables201718.csv")
WORKFORCE_DIR = Path("workforce/home_office_tables")
OPEN_DATA = Path("workforce/home_office_open_data/officer-rank-from-2003.csv")
STREET = Path("recorded_crime/police_uk/2021-02-dorset-street.csv")
PAS = Path("surveys/PAS_Dashboard_Borough.csv")
POPULATION = Path("population/population-police-force.csv")

FACT_KEY = (
    "dataset",
    "area_code",
    "period_start",
    "period_end",
    "category",
    "subcategory",
    "measure",
)


# --- helpers ----------------------------------------------------------------------------------


def _sheets(path: Path) -> list[tuple[str, list[list[object]]]]:
    """Every sheet of a real workbook as (name, rows), read with calamine."""
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return [
        (name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
        for name in wb.sheet_names
    ]


def _xlsx(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_text(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [list(r) for r in csv.reader(fh)]


def _csv_bytes(
    rows: list[list[object]], *, delimiter: str = ",", crlf: bool = False, bom: bool = False
) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode()


def _values(result: ReadResult) -> dict[tuple, float]:
    f = result.facts
    out: dict[tuple, float] = {}
    for rec in f[[*FACT_KEY, "value"]].itertuples(index=False):
        out[tuple(rec[:-1])] = float(rec[-1])
    return out


def _ok(result: ReadResult) -> ReadResult:
    assert result.ok, [str(p) for p in result.problems[:5]]
    return result


def _one_problem(result: ReadResult) -> str:
    assert not result.ok
    assert result.facts.empty
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return str(result.problems[0])


_FOOTNOTE = re.compile(r"(?<=[A-Za-z\)])\s?(\d{1,2}(?:,\d{1,2})*)$")


def _note_markers(text: object) -> object:
    """``Residential burglary5`` -> ``Residential burglary [note 5]`` (newer ONS style)."""
    if not isinstance(text, str):
        return text
    stripped = text.rstrip()
    m = _FOOTNOTE.search(stripped)
    if not m:
        return text
    notes = "".join(f"[note {n}]" for n in m.group(1).split(","))
    return f"{stripped[: m.start()].rstrip()} {notes}"


# --- ONS Police Force Area data tables ---------------------------------------------------------

ONS_RENAMES = {
    "Devon and Cornwall": "Devon & Cornwall",
    "London, City of": "City of London Police",
    "Avon and Somerset": "Avon & Somerset",
    "Dyfed-Powys": "Dyfed Powys",
    "Metropolitan Police": "Metropolitan Police Service",
}


def _ons_table_kind(rows: list[list[object]]) -> str | None:
    title = str(rows[0][0]) if rows and rows[0] else ""
    if "number of offences" in title:
        return "counts"
    if "rate of offences" in title:
        return "rates"
    return None


def _header_index(rows: list[list[object]]) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == "Area Code")


def _ons_new_edition(path: Path, month_year: str) -> bytes:
    """A cover sheet first; sheets ``Table P1`` -> ``P1 ``; three note rows above the header;
    ``[note n]`` markers in the title, labels and area names; ``[c]`` for ``+``; other
    spellings of five forces."""
    out: list[tuple[str, list[list[object]]]] = [
        (
            "Cover",
            [
                ["Crime in England and Wales: Police Force Area data tables"],
                [],
                [f"Year ending {month_year}"],
                ["Contents"],
                ["Notes"],
                ["P1"],
            ],
        ),
    ]
    for name, rows in _sheets(path):
        kind = _ons_table_kind(rows)
        new_name = name.replace("Table ", "").strip() + " " if name.startswith("Table") else name
        if kind is None:
            out.append((new_name, rows))
            continue
        rows = [list(r) for r in rows]
        what = "number of offences" if kind == "counts" else "rate of offences"
        title = (
            f"Table {name.split()[-1]}: Police recorded crime by offence group and police "
            f"force area, English regions and Wales, {what}, year ending {month_year} "
            "[note 1][note 2]"
        )
        h = _header_index(rows)
        body = []
        for r in rows[h - 1 :]:
            r = [_note_markers(v) for v in r]
            if isinstance(r[1], str) and r[1].strip() in ONS_RENAMES:
                r[1] = ONS_RENAMES[r[1].strip()]
            r = ["[c]" if v == "+" else v for v in r]
            body.append(r)
        width = len(rows[h])
        notes = [
            [title] + [""] * (width - 1),
            [
                "This worksheet contains one table. Some cells refer to notes which can be "
                "found in the notes worksheet."
            ],
            ["Unit: see the header of each column"],
            ["Figures marked [c] are suppressed; [x] not available."],
            [],
            [],
        ]
        out.append((new_name, notes + body))
    return _xlsx(out)


@pytest.fixture(scope="module")
def ons_read(realdata_dir: Path):
    cache: dict[str, ReadResult] = {}

    def get(name: str) -> ReadResult:
        if name not in cache:
            path = realdata_dir / ONS_DIR / name
            cache[name] = read_file(name, path.read_bytes())
        return cache[name]

    return get


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(ONS_EDITIONS))
def test_ons_new_layout_gives_the_same_figures(
    realdata_dir: Path, ons_read, tmp_path: Path, name: str
) -> None:
    variant = tmp_path / f"pfa-{name}"
    variant.write_bytes(_ons_new_edition(realdata_dir / ONS_DIR / name, ONS_EDITIONS[name]))
    result = _ok(read_file(variant.name, variant.read_bytes()))
    original = _ok(ons_read(name))
    assert result.format == "ons_pfa"
    assert [s.strip() for s in result.sheets] == [
        s.replace("Table ", "").strip() for s in original.sheets
    ]
    assert _values(result) == pytest.approx(_values(original))
    assert set(result.facts["edition"]) == {f"year ending {ONS_EDITIONS[name]}"}
    # the source cell, read independently: Devon and Cornwall's total, under its new name
    rows = dict(_sheets(realdata_dir / ONS_DIR / name))["Table P1"]
    devon = next(r for r in rows if r[0] == "E23000035")
    f = result.facts
    got = f[
        (f["area_code"] == "E23000035")
        & (f["category"] == "Total recorded crime")
        & (f["measure"] == "offences")
    ]["value"].tolist()
    assert got == [devon[2]]
    # suppressed rates ([c]) are left out, never zero
    city = f[(f["area_code"] == "E23000034") & (f["measure"] == "rate_per_1000")]
    assert (city["value"] != 0).all()
    assert any("City of London" in w and "not available" in w for w in result.warnings)


def _flat_ons(
    rows: list[list[object]], *, move_block: bool, extra: str | None, area_first: bool
) -> list[list[object]]:
    """A one-row header (as newer ONS tables have): each column's lower label or, where that
    is blank, its upper one; spacer columns and the unit row dropped; optionally the 'other
    crimes against society' block moved before the victim-based one, Area Name before Area
    Code, and an extra column of figures no edition had."""
    h = _header_index(rows)
    upper, lower = rows[h - 1], rows[h]
    body = [r for r in rows[h + 2 :]]
    width = len(lower)
    cols = [
        j
        for j in range(width)
        if not (
            not lower[j] and not upper[j] and all(j >= len(r) or r[j] in ("", None) for r in body)
        )
    ]
    label = {j: _note_markers(lower[j] or upper[j]) for j in cols}
    figures = [j for j in cols if j > 1]
    if move_block:
        start = next(j for j in figures if str(label[j]).startswith("Drug offences"))
        figures = [j for j in figures if j >= start] + [j for j in figures if j < start]
    order = ([1, 0] if area_first else [0, 1]) + figures
    out = [
        [rows[0][0]],
        [],
        ["Area codes are ONS codes for police force areas [note 4]"],
        [label[j] for j in order] + ([extra] if extra else []),
    ]
    for i, r in enumerate(body):
        line = [r[j] if j < len(r) else "" for j in order]
        if extra:
            is_area = isinstance(r[0], str) and re.fullmatch(r"[EWK]\d{8}", r[0])
            line.append(100 + i if is_area else "")
        out.append(line)
    return out


@pytest.mark.realdata
def test_ons_one_row_header_moved_columns_and_an_extra_column(
    realdata_dir: Path, ons_read, tmp_path: Path
) -> None:
    name = "policeforceareatablesyearendingjune2019.xlsx"
    sheets = []
    for sheet, rows in _sheets(realdata_dir / ONS_DIR / name):
        kind = _ons_table_kind(rows)
        if kind is not None:
            rows = _flat_ons(
                rows,
                move_block=True,
                area_first=True,
                extra="Hate crime flagged [note 9]" if kind == "counts" else None,
            )
        sheets.append((sheet, rows))
    variant = tmp_path / "pfa-flat.xlsx"
    variant.write_bytes(_xlsx(sheets))
    result = _ok(read_file(variant.name, variant.read_bytes()))
    got = _values(result)
    want = _values(ons_read(name))
    extra = {k: v for k, v in got.items() if k not in want}
    assert {k: v for k, v in got.items() if k in want} == pytest.approx(want)
    assert {k[4] for k in extra} | {k[5] for k in extra} >= {"Hate crime flagged"}
    durham = next(v for k, v in extra.items() if k[1] == "E23000008")
    p1 = dict(sheets)["Table P1"]
    row = next(i for i, r in enumerate(p1) if len(r) > 1 and r[1] == "E23000008")
    assert durham == p1[row][-1]
    assert any("'Hate crime flagged'" in w for w in result.warnings)


@pytest.mark.realdata
def test_ons_a_whole_force_marked_x_is_left_out(realdata_dir: Path, tmp_path: Path) -> None:
    name = "policeforceareatablesyearendingdecember2018.xlsx"
    sheets = []
    for sheet, rows in _sheets(realdata_dir / ONS_DIR / name):
        if _ons_table_kind(rows) == "counts":
            rows = [list(r) for r in rows]
            r = next(r for r in rows if r[0] == "E23000028")
            r[2:] = ["[x]" if v not in ("", None) else v for v in r[2:]]
        sheets.append((sheet, rows))
    result = _ok(read_file("essex-x.xlsx", _xlsx(sheets)))
    f = result.facts
    assert f[(f["area_code"] == "E23000028") & (f["measure"] == "offences")].empty
    assert not f[(f["area_code"] == "E23000028") & (f["measure"] == "rate_per_1000")].empty
    assert any("Essex" in w and "left out" in w for w in result.warnings)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("code", "column", "named"),
    [("", "B (Area Name)", "'Wessex'"), ("E23000099", "A (Area Code)", "E23000099")],
)
def test_ons_unknown_force_is_named(realdata_dir: Path, code: str, column: str, named: str) -> None:
    name = "policeforceareadatatablesyearendingjune2018corrected.xlsx"
    sheets = []
    where = 0
    for sheet, rows in _sheets(realdata_dir / ONS_DIR / name):
        if sheet == "Table P1":
            rows = [list(r) for r in rows]
            where = next(i for i, r in enumerate(rows) if r[0] == "E23000039")
            rows[where][0], rows[where][1] = code, "Wessex"
        sheets.append((sheet, rows))
    result = read_file("wessex.xlsx", _xlsx(sheets))
    text = _one_problem(result)
    p = result.problems[0]
    assert (p.file, p.sheet, p.row, p.column) == ("wessex.xlsx", "Table P1", where + 1, column)
    assert named in text and "not a known police force area" in text


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("j", "heading", "column", "missing"),
    [
        (0, "Geography identifier", "A (Geography identifier)", "Area Code"),
        (1, "Locality", "B (Locality)", "Area Name"),
    ],
)
def test_ons_renamed_area_column_is_named(
    realdata_dir: Path, j: int, heading: str, column: str, missing: str
) -> None:
    name = "policeforceareatablesyearendingjune2019.xlsx"
    sheets = []
    header = 0
    for sheet, rows in _sheets(realdata_dir / ONS_DIR / name):
        if _ons_table_kind(rows) is not None:
            rows = [list(r) for r in rows]
            header = _header_index(rows)
            rows[header][j] = heading
        sheets.append((sheet, rows))
    result = read_file("renamed.xlsx", _xlsx(sheets))
    assert not result.ok and result.facts.empty
    assert result.format == "ons_pfa"
    assert {p.sheet for p in result.problems} == {"Table P1", "Table P3"}
    for p in result.problems:
        assert (p.file, p.row, p.column, p.value) == ("renamed.xlsx", header + 1, column, heading)
        assert f"no {missing} column" in p.message and f"'{heading}'" in p.message
        assert missing in (p.expected or "")


# --- Home Office police recorded crime open data ----------------------------------------------


@pytest.fixture(scope="module")
def prc_rows(realdata_dir: Path) -> list[list[str]]:
    return _csv_text(realdata_dir / HO_CSV)


_PRC_ORDER = (
    "Force Name",
    "Financial Year",
    "Financial Quarter",
    "Offence Group",
    "Offence Subgroup",
    "Offence Description",
    "Offence Code",
    "Number of Offences",
)


def _prc_sheet(rows: list[list[str]], year: str, keep=None, number=None) -> list[list[object]]:
    head = rows[0]
    idx = [head.index(c) for c in _PRC_ORDER]
    out: list[list[object]] = [
        ["Police recorded crime by police force area, " + year],
        ["Source: Home Office"],
        [],
        list(_PRC_ORDER),
    ]
    for r in rows[1:]:
        if keep is not None and not keep(r):
            continue
        line: list[object] = [r[j] for j in idx]
        line[1] = year
        n = int(r[head.index("Number of Offences")].strip())
        line[7] = number(n) if number else f" {n:,} "
        line[2] = f"Q{r[head.index('Financial Quarter')]}"
        out.append(line)
    return out


def _prc_sums(rows: list[list[str]], force: str) -> dict[int, int]:
    head = rows[0]
    out: Counter[int] = Counter()
    for r in rows[1:]:
        if r[head.index("Force Name")] == force:
            out[int(r[head.index("Financial Quarter")])] += int(
                r[head.index("Number of Offences")].strip()
            )
    return dict(out)


@pytest.mark.realdata
def test_prc_xlsx_two_year_sheets_notes_first_reordered_text_numbers(
    prc_rows, tmp_path: Path
) -> None:
    durham_dorset = {"Durham", "Dorset"}
    sheets = [
        ("Notes", [["Police recorded crime open data tables: notes"], ["1. Fraud is ..."]]),
        (
            "2016-17 ",
            _prc_sheet(
                prc_rows, "2016/17", keep=lambda r: r[2] in durham_dorset, number=lambda n: n + 1
            ),
        ),
        ("2017-18", _prc_sheet(prc_rows, "2017/18")),
    ]
    variant = tmp_path / "prc-pfa-tables.xlsx"
    variant.write_bytes(_xlsx(sheets))
    result = _ok(read_file(variant.name, variant.read_bytes()))
    assert result.format == "home_office_prc"
    assert result.sheets == ["2016-17 ", "2017-18"]
    f = result.facts
    durham = f[f["area_code"] == "E23000008"]
    by_start = durham.groupby("period_start")["value"].sum().to_dict()
    q = _prc_sums(prc_rows, "Durham")
    starts = ["04-01", "07-01", "10-01", "01-01"]
    for i, s in enumerate(starts, 1):
        year = 2017 if i < 4 else 2018
        assert by_start[f"{year}-{s}"] == q[i]
    n_rows = Counter(r[2] for r in prc_rows[1:] if r[2] == "Durham" and r[1] == "1")["Durham"]
    assert by_start["2016-04-01"] == q[1] + n_rows  # every row of the first sheet had +1
    assert f["area_code"].nunique() == 43
    assert set(f["edition"]) == {"2016/17 to 2017/18"}


@pytest.mark.realdata
def test_prc_renamed_number_column_is_named(prc_rows) -> None:
    sheet = _prc_sheet(prc_rows[:200], "2017/18")
    sheet[3][7] = "Crimes recorded"
    result = read_file("renamed.xlsx", _xlsx([("Notes", [["notes"]]), ("2017-18", sheet)]))
    text = _one_problem(result)
    p = result.problems[0]
    assert result.format == "home_office_prc"
    assert (p.sheet, p.row, p.column) == ("2017-18", 4, "H (Crimes recorded)")
    assert "Number of Offences" in text


@pytest.mark.realdata
def test_prc_unknown_force_is_named(prc_rows) -> None:
    rows = [list(r) for r in prc_rows[:300]]
    i = next(i for i, r in enumerate(rows) if r[2] == "Avon and Somerset")
    rows[i][2] = "Wessex"
    result = read_file("wessex.csv", _csv_bytes(rows))
    text = _one_problem(result)
    p = result.problems[0]
    assert (p.row, p.column, p.value) == (i + 1, "C (Force Name)", "Wessex")
    assert "not a known police force area" in text


# --- Home Office police workforce tables --------------------------------------------------------


def _text_date(d: object) -> object:
    if isinstance(d, dt.datetime | dt.date):
        return f"{d.day} {d:%B %Y}"
    return d


def _workforce_new_edition(path: Path) -> tuple[bytes, dict[str, str]]:
    """XLSX, a cover sheet first, tables renamed ``Table_1`` -> ``Table F1``, titles numbered
    F1.., dates in the header as text (``30 September 2018``), two extra rows above the
    header, ``[x]`` for ``..``. Returns the bytes and {new sheet: old sheet}."""
    out = [("Cover", [["Police workforce, England and Wales"], ["Contents"]])]
    names = {}
    for name, rows in _sheets(path):
        if not name.startswith("Table_"):
            out.append((name, rows))
            continue
        n = name.split("_")[1]
        new = f"Table F{n}"
        names[new] = name
        rows = [list(r) for r in rows]
        rows[0][0] = re.sub(r"^Table \d+", f"Table F{n}", str(rows[0][0]))
        rows = [rows[0], ["This worksheet contains one table."], ["[x] = not available"], *rows[1:]]
        rows = [[_text_date(v) if not isinstance(v, float | int) else v for v in r] for r in rows]
        rows = [["[x]" if v == ".." else v for v in r] for r in rows]
        out.append((new, rows))
    return _xlsx(out), names


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "police-workforce-tabs-30sep15.ods",
        "police-workforce-tables-sep16.ods",
        "police-workforce-sep18-tables.ods",
    ],
)
def test_workforce_new_edition_text_dates_other_numbering(
    realdata_dir: Path, tmp_path: Path, name: str
) -> None:
    path = realdata_dir / WORKFORCE_DIR / name
    content, names = _workforce_new_edition(path)
    variant = tmp_path / "workforce.xlsx"
    variant.write_bytes(content)
    result = _ok(read_file(variant.name, content))
    original = _ok(read_file(name, path.read_bytes()))
    assert result.format == "home_office_workforce_tables"
    assert [names[s] for s in result.sheets] == original.sheets
    assert _values(result) == pytest.approx(_values(original))
    assert set(result.facts["edition"]) == set(original.facts["edition"])
    # Durham's officer FTE at the latest date, from the source cell
    rows = dict(_sheets(path))["Table_1"]
    h = next(i for i, r in enumerate(rows) if sum(isinstance(v, dt.datetime) for v in r) >= 2)
    last = max(j for j, v in enumerate(rows[h]) if isinstance(v, dt.datetime))
    durham = next(r for r in rows if r[0] == "Durham")
    f = result.facts
    got = f[
        (f["area_code"] == "E23000008")
        & (f["category"] == "Police officers")
        & (f["period_end"] == rows[h][last].date().isoformat())
        & (f["measure"] == "fte")
    ]["value"].tolist()
    assert got == [pytest.approx(durham[last])]


def _with_headcount_tables(
    path: Path,
) -> tuple[list[tuple[str, list[list[object]]]], dict[str, str]]:
    """The real workbook plus, after each table in full-time equivalents, the same table in
    headcount (as other editions publish both): sheet ``Table_H1`` after ``Table_1``, title
    ``Table H1: ...``, "Headcount" for "Full-time equivalents", each date column's figure
    rounded up (a headcount is a whole number, at least the FTE), markers and labels as
    published. Returns the sheets and {headcount sheet: FTE sheet}."""
    out, added = [], {}
    for name, rows in _sheets(path):
        out.append((name, rows))
        words = " ".join(str(v) for r in rows[:6] for v in r if isinstance(v, str))
        if not name.startswith("Table_") or "Full-time equivalents" not in words:
            continue
        h = next(
            (i for i, r in enumerate(rows) if sum(isinstance(v, dt.datetime) for v in r) >= 2), None
        )
        if h is None:  # a national time series, by year
            continue
        n = name.split("_")[1]
        dates = [j for j, v in enumerate(rows[h]) if isinstance(v, dt.datetime)]
        copy = [list(r) for r in rows]
        copy[0][0] = re.sub(r"^Table \d+", f"Table H{n}", str(copy[0][0]))
        copy[:h] = [
            ["Headcount" if v == "Full-time equivalents" else v for v in r] for r in copy[:h]
        ]
        for r in copy[h + 1 :]:
            for j in dates:
                if j < len(r) and isinstance(r[j], float | int) and not isinstance(r[j], bool):
                    r[j] = math.ceil(round(r[j], 6))
        added[f"Table_H{n}"] = name
        out.append((f"Table_H{n}", copy))
    return out, added


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "police-workforce-tabs-30sep15.ods",
        "police-workforce-tables-sep16.ods",
        "police-workforce-sep18-tables.ods",
    ],
)
def test_workforce_headcount_tables_beside_fte_tables(
    realdata_dir: Path, tmp_path: Path, name: str
) -> None:
    """An edition with a headcount table beside each FTE table gives each worker type both
    measures at the same three dates, the headcount figures as their cells say, with the
    regions, set-aside rows and '..' forces handled as in the FTE tables."""
    path = realdata_dir / WORKFORCE_DIR / name
    sheets, added = _with_headcount_tables(path)
    result = _ok(read_file("headcount.xlsx", _xlsx(sheets)))
    original = _ok(read_file(name, path.read_bytes()))
    f, o = result.facts, original.facts
    fte = f[f["measure"] == "fte"]
    assert _values(ReadResult("", "", "", fte)) == pytest.approx(
        _values(ReadResult("", "", "", o[o["measure"] == "fte"]))
    )
    by_sheet = dict(sheets)
    for new, old in added.items():
        if old not in original.sheets:  # a table of several or no worker types: skipped too
            assert new not in result.sheets
            continue
        head = f[f["sheet"] == new]
        was = o[o["sheet"] == old]
        assert set(head["measure"]) == {"headcount"}
        assert set(head["category"]) == set(was["category"])
        key = ["area_code", "period_end"]
        assert sorted(map(tuple, head[key].values)) == sorted(map(tuple, was[key].values))
        # figures as their cells say: row by area label (West Midlands: the region row
        # first, with its trailing space, then the force), column by date
        rows = by_sheet[new]
        h = next(i for i, r in enumerate(rows) if sum(isinstance(v, dt.datetime) for v in r) >= 2)
        body = rows[h + 1 :]
        wm = [r for r in body if str(r[0]).strip() == "West Midlands"]
        checked = [
            (next(r for r in body if r[0] == label), code)
            for label, code in (
                ("Durham", "E23000008"),
                ("London, City of", "E23000034"),
                ("Devon & Cornwall", "E23000035"),
                ("North East ", "E12000001"),
                ("Wales", "W92000004"),
            )
        ]
        for row, code in [*checked, (wm[0], "E12000005"), (wm[1], "E23000014")]:
            for j, when in ((j, v) for j, v in enumerate(rows[h]) if isinstance(v, dt.datetime)):
                got = head[
                    (head["area_code"] == code) & (head["period_end"] == when.date().isoformat())
                ]["value"]
                assert got.tolist() == ([] if row[j] == ".." else [row[j]]), (new, code, when)
    set_aside = {s.label for s in result.set_aside if s.sheet.startswith("Table_H")}
    assert {"Total 43 forces", "British Transport Police", "Total"} <= set_aside
    assert set(f["edition"]) == set(o["edition"])
    # the Durham plan's officer headcount measure then has the three dates
    store = Store(f"sqlite:///{tmp_path / 'pcp.sqlite'}")
    import_files([("headcount.xlsx", _xlsx(sheets))], store, uploaded_by="tests")
    measure = next(m for m in load_shipped("durham-2015-17").measures if m.id == "police-officers")
    series = measure_series(store, measure, "E23000008")
    officers = f[
        (f["area_code"] == "E23000008")
        & (f["category"] == "Police officers")
        & (f["measure"] == "headcount")
    ]
    assert {k.date().isoformat(): v for k, v in series.values.dropna().items()} == dict(
        zip(officers["period_end"], officers["value"], strict=True)
    )
    assert len(series.values.dropna()) == 3


@pytest.mark.realdata
def test_workforce_unknown_force_is_named(realdata_dir: Path) -> None:
    path = realdata_dir / WORKFORCE_DIR / "police-workforce-sep18-tables.ods"
    sheets = []
    where = 0
    for name, rows in _sheets(path):
        if name == "Table_2":
            rows = [list(r) for r in rows]
            where = next(i for i, r in enumerate(rows) if r[0] == "Dorset")
            rows[where][0] = "Wessex"
        sheets.append((name, rows))
    result = read_file("wessex.xlsx", _xlsx(sheets))
    text = _one_problem(result)
    p = result.problems[0]
    assert (p.sheet, p.row, p.column) == ("Table_2", where + 1, "A (area)")
    assert "'Wessex'" in text


def _retitled(path: Path, titles: dict[str, str]) -> list[tuple[str, list[list[object]]]]:
    """The real workbook's sheets, the subject of each named sheet's title (what comes before
    ' by police force area') replaced."""
    sheets = []
    for name, rows in _sheets(path):
        if name in titles:
            rows = [list(r) for r in rows]
            rows[0][0] = re.sub(
                r"(?<=: ).*?(?= by police force area)", titles[name], str(rows[0][0])
            )
        sheets.append((name, rows))
    return sheets


@pytest.mark.realdata
def test_workforce_titles_worded_otherwise_are_read(realdata_dir: Path) -> None:
    path = realdata_dir / WORKFORCE_DIR / "police-workforce-sep18-tables.ods"
    sheets = _retitled(
        path,
        {
            "Table_1": "Police officer numbers",
            "Table_2": "Number of police staff in post",
            "Table_6": "Special constable headcount",
        },
    )
    assert dict(sheets)["Table_1"][0][0].startswith(
        "Table 1: Police officer numbers by police force area"
    )
    result = _ok(read_file("retitled.xlsx", _xlsx(sheets)))
    original = _ok(read_file(path.name, path.read_bytes()))
    assert result.format == "home_office_workforce_tables"
    assert result.sheets == original.sheets
    assert _values(result) == pytest.approx(_values(original))
    # Durham's officer FTE at the latest date, from the source cell
    rows = dict(sheets)["Table_1"]
    h = next(i for i, r in enumerate(rows) if sum(isinstance(v, dt.datetime) for v in r) >= 2)
    last = max(j for j, v in enumerate(rows[h]) if isinstance(v, dt.datetime))
    durham = next(r for r in rows if r[0] == "Durham")
    f = result.facts
    got = f[
        (f["area_code"] == "E23000008")
        & (f["category"] == "Police officers")
        & (f["period_end"] == rows[h][last].date().isoformat())
        & (f["measure"] == "fte")
    ]["value"].tolist()
    assert got == [pytest.approx(durham[last])]


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("subject", "named"),
    [
        ("Civilian workforce", "'Civilian workforce' names no worker type"),
        (
            "Police officers seconded in",
            "names Police officers with words not recognised: 'seconded'",
        ),
    ],
)
def test_workforce_title_not_naming_a_worker_type_is_named(
    realdata_dir: Path, subject: str, named: str
) -> None:
    path = realdata_dir / WORKFORCE_DIR / "police-workforce-tables-sep16.ods"
    sheets = _retitled(path, {"Table_2": subject})
    result = read_file("retitled.xlsx", _xlsx(sheets))
    text = _one_problem(result)
    assert result.format == "home_office_workforce_tables"
    p = result.problems[0]
    assert (p.file, p.sheet, p.row, p.column) == ("retitled.xlsx", "Table_2", 1, "A (title)")
    assert p.value == dict(sheets)["Table_2"][0][0]
    assert named in text
    assert "Police staff" in (p.expected or "") and "by police force area" in (p.expected or "")


# --- Home Office workforce open data --------------------------------------------------------------


@pytest.mark.realdata
def test_workforce_open_data_as_xlsx_reordered_with_a_title(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / OPEN_DATA)
    head = rows[0]
    order = [
        head.index(c)
        for c in (
            "Force Name",
            "Geo code",
            "Worker type",
            "As at 31 March...",
            "Total (FTE)",
            "Total (headcount)",
            "Gender",
            "Rank description",
            "Ethnicity",
        )
    ]
    sheet = [
        ["Police workforce open data: officers by rank, gender and ethnicity"],
        [],
        [head[j] for j in order],
    ]
    sheet += [[r[j] for j in order] for r in rows[1:]]
    result = _ok(
        read_file("open.xlsx", _xlsx([("Notes", [["About this table"]]), ("Data", sheet)]))
    )
    original = _ok(read_file(OPEN_DATA.name, (realdata_dir / OPEN_DATA).read_bytes()))
    assert result.format == "home_office_workforce_open_data"
    assert _values(result) == pytest.approx(_values(original))
    # Durham's officer FTE in 2004, summed from the source rows
    fte = head.index("Total (FTE)")
    want = 0.0
    for r in rows[1:]:
        if r[head.index("Geo code")] == "E23000008" and r[0] == "2004":
            v = r[fte].strip()
            want += 0.0 if v in ("-", "") else float(v.replace(",", ""))
    got = _values(result)[
        ("workforce", "E23000008", "2004-03-31", "2004-03-31", "Police officers", "", "fte")
    ]
    assert got == pytest.approx(want)


@pytest.mark.realdata
def test_workforce_open_data_renamed_worker_type_column_is_named(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / OPEN_DATA)[:50]
    rows[0][rows[0].index("Worker type")] = "Staff group"
    result = read_file("open.csv", _csv_bytes(rows))
    text = _one_problem(result)
    assert result.format == "home_office_workforce_open_data"
    p = result.problems[0]
    assert p.row == 1 and p.column == "G (Staff group)"
    assert "Worker type" in text


# --- data.police.uk -----------------------------------------------------------------------------


@pytest.mark.realdata
def test_police_uk_csv_with_crlf_and_bom(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / STREET)
    content = _csv_bytes(rows, crlf=True, bom=True)
    result = _ok(read_file("2021-02-dorset-street.csv", content))
    assert result.format == "police_uk"
    head = rows[0]
    want = Counter(r[head.index("Crime type")] for r in rows[1:])
    f = result.facts
    got = dict(zip(f["category"], f["value"], strict=True))
    assert got == {k: float(v) for k, v in want.items()}
    assert set(f["area_code"]) == {"E23000039"}


@pytest.mark.realdata
def test_police_uk_unknown_force_is_named(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / STREET)[:100]
    head = rows[0]
    rows[5][head.index("Falls within")] = "Wessex Police"
    result = read_file("street.csv", _csv_bytes(rows, crlf=True, bom=True))
    text = _one_problem(result)
    p = result.problems[0]
    assert (p.row, p.column) == (6, "D (Falls within)")
    assert "'Wessex Police'" in text


@pytest.mark.realdata
@pytest.mark.parametrize("heading", ["Force area", "Falls within force", ""])
def test_police_uk_renamed_falls_within_is_named(realdata_dir: Path, heading: str) -> None:
    rows = _csv_text(realdata_dir / STREET)[:100]
    j = rows[0].index("Falls within")
    rows[0][j] = heading
    result = read_file("street.csv", _csv_bytes(rows, crlf=True))
    text = _one_problem(result)
    assert result.format == "police_uk"
    p = result.problems[0]
    assert (p.file, p.sheet, p.row) == ("street.csv", None, 1)
    if heading:
        assert (p.column, p.value) == (f"D ({heading})", heading)
        assert f"'{heading}'" in text
    assert "no Falls within column" in p.message and "Falls within" in (p.expected or "")


@pytest.mark.realdata
def test_police_uk_zip_with_falls_within_renamed_names_the_member(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / STREET)[:60]
    renamed = [list(r) for r in rows]
    renamed[0][renamed[0].index("Falls within")] = "Policing area"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("2021-02/2021-02-dorset-street.csv", _csv_bytes(rows))
        z.writestr("2021-03/2021-03-dorset-street.csv", _csv_bytes(renamed))
    result = read_file("download.zip", buf.getvalue())
    _one_problem(result)
    p = result.problems[0]
    assert (p.sheet, p.row, p.column) == (
        "2021-03/2021-03-dorset-street.csv",
        1,
        "D (Policing area)",
    )


# --- MOPAC Public Attitude Survey --------------------------------------------------------------


@pytest.mark.realdata
def test_pas_with_comma_separator_and_dot_decimals(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / PAS)
    original = _ok(read_file(PAS.name, (realdata_dir / PAS).read_bytes()))
    dots = [
        [c.replace(",", ".") if re.fullmatch(r"-?\d*,\d+", c) else c for c in r[:6]] for r in rows
    ]
    result = _ok(read_file("pas.csv", _csv_bytes(dots, crlf=True)))
    assert result.format == "survey_proportions"
    assert _values(result) == pytest.approx(_values(original))
    # the first figure, from the source cell: a proportion stored as a percentage
    first = rows[1]
    f = result.facts
    hit = f[
        (f["area_name"] == first[2])
        & (f["category"] == _clean(first[3]))
        & (f["period_end"] == "2014-12-31")
    ]["value"].tolist()
    assert hit == [pytest.approx(float(first[4].replace(",", ".")) * 100)]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- population -----------------------------------------------------------------------------------


@pytest.mark.realdata
def test_population_in_persons_with_separators(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / POPULATION)
    head = rows[0]
    years = [j for j, c in enumerate(head) if c.startswith("Mid")]
    out = [["Police force area"] + [head[j].replace("Mid ", "") for j in years]]
    for r in rows[1:]:
        out.append([r[0]] + [f"{round(float(r[j]) * 1000):,}" for j in years])
    out[5][0] = ONS_RENAMES.get(out[5][0], out[5][0])
    devon = next(i for i, r in enumerate(out) if r[0] == "Devon and Cornwall")
    out[devon][0] = "Devon & Cornwall"
    out.append(["Total 43 forces"] + [""] * len(years))
    out.append(["Source: ONS mid-year estimates"])
    result = _ok(read_file("pop.csv", _csv_bytes(out, crlf=True, bom=True)))
    assert result.format == "population_by_force"
    assert any("in persons" in w for w in result.warnings)
    got = _values(result)
    by_name = {r[0]: r for r in rows[1:]}
    for force, code in (("Durham", "E23000008"), ("Devon and Cornwall", "E23000035")):
        for j in years:
            year = int(head[j].split()[-1])
            key = (
                "population",
                code,
                f"{year}-06-30",
                f"{year}-06-30",
                "All persons",
                "",
                "persons",
            )
            assert got[key] == round(float(by_name[force][j]) * 1000)
    assert sum(1 for k in got if k[2] == "2005-06-30") == 43


@pytest.mark.realdata
def test_population_unknown_force_is_named(realdata_dir: Path) -> None:
    rows = _csv_text(realdata_dir / POPULATION)
    i = next(i for i, r in enumerate(rows) if r[0] == "Dorset")
    rows[i][0] = "Wessex"
    result = read_file("pop.csv", _csv_bytes(rows))
    text = _one_problem(result)
    p = result.problems[0]
    assert (p.row, p.column) == (i + 1, "A (Police Force)")
    assert "'Wessex'" in text


@pytest.mark.realdata
@pytest.mark.parametrize("workbook", [False, True])
def test_population_renamed_area_column_is_named(realdata_dir: Path, workbook: bool) -> None:
    rows: list[list[object]] = [list(r) for r in _csv_text(realdata_dir / POPULATION)]
    rows[0][0] = "Constabulary"
    if workbook:
        rows = [["Mid-year population estimates by police force area (thousands)"], [], *rows]
        content = _xlsx([("Notes", [["About these estimates"]]), ("Data", rows)])
        name, sheet, row = "pop.xlsx", "Data", 3
    else:
        content = _csv_bytes(rows)
        name, sheet, row = "pop.csv", "pop.csv", 1
    result = read_file(name, content)
    text = _one_problem(result)
    assert result.format == "population_by_force"
    p = result.problems[0]
    assert (p.file, p.sheet, p.row, p.column, p.value) == (
        name,
        sheet,
        row,
        "A (Constabulary)",
        "Constabulary",
    )
    assert "'Constabulary'" in text and "area column" in text
    assert "Police Force" in (p.expected or "")


def test_helpers_note_markers() -> None:
    assert _note_markers("Residential burglary5") == "Residential burglary [note 5]"
    assert _note_markers("ENGLAND AND WALES7,8") == "ENGLAND AND WALES [note 7][note 8]"
    assert _note_markers("Lancashire 8") == "Lancashire [note 8]"
    assert _note_markers("Durham") == "Durham"
