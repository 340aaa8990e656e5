"""Home Office police workforce open data tables: the long format, one row per breakdown.

Columns (found by content, below any title rows; CSV, XLSX or ODS, every sheet that has them):
``As at 31 March...`` (the year), ``Geo code`` (optional), ``Force Name``, ``Worker type``,
``Total (headcount)`` and/or ``Total (FTE)``; any other column (Region, Gender, Rank,
Ethnicity...) is a breakdown that is summed over.

Facts: one snapshot per force and year (31 March, or the day the year column's header
names, e.g. ``As at 30 September``), worker type (`vocabulary.WORKER_TYPES`)
and measure (``fte``, ``headcount``); dataset ``workforce``, source "Home Office police
workforce open data". The force is taken from the Geo code where there is one (names differ
between sources), else from the name. ``-`` is a published zero; ``..`` and other
not-available markers leave the cell out (a warning counts them). Rows of bodies that are not
police force areas (British Transport Police, secondments, totals) are set aside; a worker
type outside the vocabulary (e.g. traffic wardens) is set aside and said.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pcp_data import vocabulary
from pcp_data.cleaning import (
    MISSING,
    NotANumber,
    clean_label,
    header_key,
    is_blank,
    near_miss_header,
    parse_number,
    unrecognised_cells,
)
from pcp_data.errors import Problem
from pcp_data.forces import Area, resolve_area
from pcp_data.readers import Produces, ReadResult, SetAside, finish, register, span
from pcp_data.readers.source import Source, column_letter
from pcp_data.readers.workforce_tables import (
    edition_label,
    header_date,
    non_area_reason,
    worker_type,
)

SOURCE_LABEL = "Home Office police workforce open data"

_COLUMNS: dict[str, re.Pattern[str]] = {
    "year": re.compile(r"^(as at( 31)?( march)?|year|financial year)\b"),
    "code": re.compile(r"^(geo|force|area|ons) code$"),
    "force": re.compile(r"^(force name|force|police force|police force area|force area)$"),
    "worker": re.compile(r"^worker type$"),
    "headcount": re.compile(r"^(total )?\(?headcount\)?$"),
    "fte": re.compile(r"^(total )?\(?(fte|full[ -]time equivalents?)\)?$"),
}
_REQUIRED = ("year", "force", "worker")
_SCAN = 40


def _header_key(cell: object) -> str:
    return re.sub(r"[.…]+$", "", header_key(cell)).strip()


def _recognise(row: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, cell in enumerate(row):
        if not isinstance(cell, str) or not cell.strip():
            continue
        key = _header_key(cell)
        for name, pattern in _COLUMNS.items():
            if name not in found and pattern.match(key):
                found[name] = j
                break
    return found


def find_open_data_header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    """(header row, {column: index}) of the open data table, or None."""
    for i, row in enumerate(rows[:_SCAN]):
        found = _recognise(row)
        if set(_REQUIRED) <= set(found) and ({"headcount", "fte"} & set(found)):
            return i, found
    return None


_NEEDED = (*_REQUIRED, "measure")
_NEEDED_NAMES = {
    "year": "As at 31 March (the year)",
    "force": "Force Name",
    "worker": "Worker type",
    "measure": "Total (headcount) or Total (FTE)",
}


def _recognise_needed(row: list[object]) -> dict[str, int]:
    found = _recognise(row)
    for m in ("fte", "headcount"):
        if m in found:
            found.setdefault("measure", found[m])
    return found


def near_miss(rows: list[list[object]]) -> tuple[int, dict[str, int], list[str]] | None:
    """A header with all the open data columns but one (renamed): (row, found, missing)."""
    near = near_miss_header(rows, _recognise_needed, _NEEDED, at_least=len(_NEEDED) - 1, scan=_SCAN)
    # the worker type or a total column must be there: a year and a force alone are not this
    if near is None or not ({"worker", "measure"} & set(near[1])):
        return None
    return near


def _near_miss_problem(
    source: Source,
    sheet: str | None,
    rows: list[list[object]],
    near: tuple[int, dict[str, int], list[str]],
) -> Problem:
    i, found, missing = near
    row = rows[i]
    others = [j for j in unrecognised_cells(row, found) if j not in found.values()]
    # the breakdown columns (Region, Gender, Rank...) are never recognised by name either:
    # point at the column only when one cell is left that could be the missing one
    wanted = ", ".join(_NEEDED_NAMES[c] for c in missing)
    message = f"the header has no {wanted} column"
    if others:
        message += (
            " (columns not recognised: "
            + ", ".join(f"'{clean_label(row[j])}'" for j in others)
            + ")"
        )
    guess = _guess_column(rows, i, others, missing[0])
    column = f"{column_letter(guess)} ({clean_label(row[guess])})" if guess is not None else None
    return Problem(
        source.name,
        message,
        sheet,
        i + 1,
        column,
        row[guess] if guess is not None else None,
        f"a column headed {_NEEDED_NAMES[missing[0]]}",
    )


def _guess_column(
    rows: list[list[object]], header: int, candidates: list[int], missing: str
) -> int | None:
    """The unrecognised column whose cells look like what the missing column holds."""
    if len(candidates) == 1:
        return candidates[0]
    body = rows[header + 1 : header + 201]

    def share(j: int, test: Callable[[object], bool]) -> float:
        cells = [r[j] for r in body if j < len(r) and not is_blank(r[j])]
        return sum(1 for c in cells if test(c)) / len(cells) if cells else 0.0

    tests: dict[str, Callable[[object], bool]] = {
        "worker": lambda c: worker_type(c) is not None,
        "force": lambda c: resolve_area(clean_label(c)) is not None,
        "year": lambda c: _year_end(c, (3, 31)) is not None,
        "measure": lambda c: _is_number(c),
    }
    scored = [(share(j, tests[missing]), j) for j in candidates]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= 0.8 else None


def _is_number(value: object) -> bool:
    try:
        return parse_number(value) is not None
    except NotANumber:
        return False


def snapshot_day(header: object) -> tuple[int, int]:
    """(month, day) a year column's header names: ``As at 31 March...`` -> (3, 31).

    The open data tables are as at 31 March unless the header says otherwise.
    """
    d = header_date(re.sub(r"[.…]+$", "", str(header)).strip() + " 2000")
    return (d.month, d.day) if d is not None else (3, 31)


def _year_end(value: object, day: tuple[int, int]) -> dt.date | None:
    """The snapshot date of a year cell (2003, "2003") or a date ("31/03/2003", date cell)."""
    try:
        n = parse_number(value)
    except NotANumber:
        n = None
    if isinstance(n, float) and n.is_integer() and 1900 < n < 2200:
        return dt.date(int(n), *day)
    return header_date(value)


class WorkforceOpenDataReader:
    format = "home_office_workforce_open_data"
    label = "Home Office police workforce open data table (long format)"
    produces: tuple[Produces, ...] = (
        Produces(
            "workforce",
            ("fte", "headcount"),
            vocabulary.WORKER_TYPES,
            "the Home Office police workforce open data tables",
        ),
    )

    def sniff(self, source: Source) -> bool:
        if source.kind == "csv":
            head: list[list[object]] = [
                list(r)
                for r in csv.reader(
                    source.head_text[:20000].splitlines()[:_SCAN], delimiter=source.delimiter
                )
            ]
            return find_open_data_header(head) is not None or near_miss(head) is not None
        if not source.is_workbook:
            return False
        return any(
            find_open_data_header(source.rows(s)[:_SCAN]) is not None
            or near_miss(source.rows(s)[:_SCAN]) is not None
            for s in source.sheet_names
        )

    def read(self, source: Source) -> ReadResult:
        result = ReadResult(source.name, self.format, self.label)
        records: list[dict[str, Any]] = []
        for sheet in source.sheet_names:
            rows = source.rows(sheet)
            found = find_open_data_header(rows)
            if found is None:
                near = near_miss(rows)
                if near is not None:
                    result.problems.append(
                        _near_miss_problem(
                            source, sheet if source.is_workbook else None, rows, near
                        )
                    )
                elif source.is_workbook:
                    result.warnings.append(f"sheet '{sheet.strip()}' has no open data table")
                continue
            result.sheets.append(sheet)
            records.extend(_read_sheet(source, sheet, rows, *found, result))
        if not result.sheets and not result.problems:
            result.problems.append(
                Problem(
                    source.name,
                    "no open data header row found",
                    expected="columns As at 31 March, Force Name, Worker type and Total (FTE) "
                    "or Total (headcount)",
                )
            )
        return finish(
            result,
            records,
            Problem(
                source.name,
                "the table holds no rows",
                result.sheets[0] if result.sheets else None,
                expected="rows below the header",
            ),
            edition=lambda facts: span(
                edition_label(min(facts["period_end"])), edition_label(max(facts["period_end"]))
            ),
        )


def _read_sheet(
    source: Source,
    sheet: str,
    rows: list[list[object]],
    header_row: int,
    cols: dict[str, int],
    result: ReadResult,
) -> list[dict[str, Any]]:
    name = sheet.strip() if source.is_workbook else source.name
    problems = result.problems

    def problem(i: int, col: str, message: str, value: object, expected: str) -> None:
        title = clean_label(rows[header_row][cols[col]])
        problems.append(
            Problem(
                source.name,
                message,
                sheet if source.is_workbook else None,
                i + 1,
                f"{column_letter(cols[col])} ({title})",
                value,
                expected,
            )
        )

    # Sum in plain dicts first: the table has one row per gender, rank and ethnicity.
    sums: dict[tuple[dt.date, Area, str, str], float] = {}
    area_cache: dict[tuple[object, object], Area | str | None] = {}
    year_cache: dict[object, dt.date | None] = {}
    type_cache: dict[object, str | None] = {}
    missing = 0
    set_aside: dict[tuple[str, str], int] = {}
    measures = [m for m in ("fte", "headcount") if m in cols]
    day = snapshot_day(rows[header_row][cols["year"]])
    width = max(cols.values()) + 1
    for i in range(header_row + 1, len(rows)):
        row = rows[i]
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        if all(is_blank(row[j]) for j in cols.values()):
            continue
        year_cell = row[cols["year"]]
        if year_cell not in year_cache:
            year_cache[year_cell] = _year_end(year_cell, day)
        when = year_cache[year_cell]
        if when is None:
            if isinstance(year_cell, str) and header_key(year_cell).startswith(
                ("source", "note", "total")
            ):
                continue
            problem(i, "year", "not a year", year_cell, "a year such as 2019")
            continue
        code = row[cols["code"]] if "code" in cols else ""
        force = row[cols["force"]]
        akey = (code, force)
        if akey not in area_cache:
            area_cache[akey] = _area(code, force)
        area = area_cache[akey]
        if isinstance(area, str):
            k = (clean_label(force), area)
            set_aside[k] = set_aside.get(k, 0) + 1
            continue
        if area is None:
            shown = f"{clean_label(force)}" + (f" ({code})" if not is_blank(code) else "")
            problem(
                i,
                "force",
                f"unknown police force area '{shown}'",
                force,
                "one of the 43 forces of England and Wales (name or E23/W15 code)",
            )
            continue
        wcell = row[cols["worker"]]
        if wcell not in type_cache:
            type_cache[wcell] = worker_type(wcell)
        kind = type_cache[wcell]
        if kind is None:
            k = (
                clean_label(wcell),
                "worker type not stored (not one of the dashboard's worker types)",
            )
            set_aside[k] = set_aside.get(k, 0) + 1
            continue
        for m in measures:
            cell = row[cols[m]]
            try:
                n = parse_number(cell)
            except NotANumber:
                problem(i, m, "not a number", cell, "a number, '-' for none or '..'")
                continue
            if n is MISSING:
                missing += 1
                continue
            if n is None:
                continue
            key = (when, area, kind, m)
            sums[key] = sums.get(key, 0.0) + float(n)
    for (label, reason), n in set_aside.items():
        result.set_aside.append(SetAside(name, label, reason, n))
    if missing:
        result.warnings.append(
            f"'{name}': {missing} cell(s) marked not available were left out of the sums"
        )
    return [
        {
            "dataset": "workforce",
            "area_code": a.code,
            "area_name": a.name,
            "area_kind": a.kind,
            "period_start": when,
            "period_end": when,
            "period_type": "snapshot",
            "category": kind,
            "subcategory": "",
            "measure": m,
            "value": v,
            "base": None,
            "source": SOURCE_LABEL,
            "sheet": name,
            "edition": "",
        }
        for (when, a, kind, m), v in sums.items()
    ]


def _area(code: object, name: object) -> Area | str | None:
    """The force a row is for (code first), a reason string when it is no area, or None."""
    label = clean_label(name) if not is_blank(name) else ""
    if not is_blank(code):
        by_code = resolve_area(str(code).strip())
        if by_code is not None:
            return by_code
    reason = non_area_reason(label) if label else None
    if reason is not None:
        return reason
    return resolve_area(label) if label else None


register(WorkforceOpenDataReader())
