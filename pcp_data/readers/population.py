"""Population by police force area and year, one column per year (a wide table).

Recognised by content: a header row with an area column (Police Force, Force, Area, Area
Name...) and at least two year columns (``Mid 2001``, ``2016``), whose rows are mostly
forces. A table of forces by year whose area column has another heading (``Constabulary``)
is recognised by its force names and gets a problem naming the heading not recognised.
The Home Office's "population by police force area" CSV (mid-2001 to mid-2010) is one;
ONS tables with their own title are read by the ONS reader instead.

Units: figures in thousands are detected, from a header or title that says so
(``thousands``, ``000s``) or, failing that, from the size of the figures (a median force
under 20,000 can only be thousands: the smallest force, the City of London, has about
8,000 people and the median force over a million). A warning says which unit was found;
facts are always stored in persons.

Facts: dataset ``population``, category ``All persons``, measure ``persons``, a snapshot at
30 June of each year (mid-year estimates; a warning says so when the header does not say
"mid"). Regions and nations keep their own kind; totals are set aside; an unknown area name
is an error naming it.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from typing import Any

from pcp_data.cleaning import (
    MISSING,
    NotANumber,
    clean_label,
    header_key,
    is_blank,
    is_footer,
    parse_number,
    year_of,
)
from pcp_data.errors import Problem
from pcp_data.forces import AreaMismatch, classify_non_area, resolve_code_and_name
from pcp_data.readers import Produces, ReadResult, SetAside, finish, register
from pcp_data.readers.source import Source, column_letter

SOURCE = "ONS mid-year population estimates by police force area"
AREA_HEADER_NAMES = (
    "Police Force",
    "Force",
    "Force Name",
    "Police force area",
    "PFA",
    "Area",
    "Area Name",
    "Name",
    "Police Force Area name",
)
AREA_HEADERS = {header_key(s) for s in AREA_HEADER_NAMES}
CODE_HEADERS = {header_key(s) for s in ("Code", "Area Code", "Force code", "PFA code", "Geo code")}
_THOUSANDS = re.compile(r"thousand|\(?000s?\)?|'000", re.IGNORECASE)


def _find(rows: list[list[object]]) -> tuple[int, int, int | None, dict[int, int]] | None:
    """(header row, area column, code column, {column: year}) of a wide population table."""
    for i, row in enumerate(rows[:30]):
        area_col = code_col = None
        years: dict[int, int] = {}
        for j, cell in enumerate(row):
            if is_blank(cell):
                continue
            key = header_key(cell) if isinstance(cell, str) else ""
            if area_col is None and key in AREA_HEADERS:
                area_col = j
            elif code_col is None and key in CODE_HEADERS:
                code_col = j
            else:
                y = year_of(cell)
                if y is not None:
                    years[j] = y
        if area_col is not None and len(years) >= 2:
            return i, area_col, code_col, years
    return None


def _forces_in(names: list[object]) -> tuple[int, int]:
    """(how many of the non-blank cells name a force, how many cells are non-blank)."""
    cells = [n for n in names if not is_blank(n) and not isinstance(n, bool)]
    forces = 0
    for n in cells:
        try:
            a = resolve_code_and_name(None, clean_label(n)) if isinstance(n, str) else None
        except AreaMismatch:
            a = None
        forces += a is not None and a.kind == "force"
    return forces, len(cells)


def _mostly_forces(names: list[object]) -> bool:
    forces, n = _forces_in(names)
    return forces >= 2 and 2 * forces >= n


def _near_miss(rows: list[list[object]]) -> tuple[int, int] | None:
    """(header row, area column) of a wide population table whose area column has a heading
    that is not recognised: the first row with at least two year columns, and the column
    (not a year) whose cells below are mostly police force names. None otherwise."""
    for i, row in enumerate(rows[:30]):
        years = {
            j for j, cell in enumerate(row) if not is_blank(cell) and year_of(cell) is not None
        }
        if len(years) < 2:
            continue
        best: tuple[int, int] | None = None
        for j in range(max(len(r) for r in rows[i : i + 60])):
            if j in years:
                continue
            cells = [r[j] for r in rows[i + 1 : i + 60] if j < len(r)]
            forces, n = _forces_in(cells)
            if forces >= 2 and 2 * forces >= n and (best is None or forces > best[1]):
                best = (j, forces)
        if best is not None:
            return i, best[0]
    return None


def _near_miss_problem(
    source: Source, sheet: str, rows: list[list[object]], near: tuple[int, int]
) -> Problem:
    i, j = near
    heading = rows[i][j] if j < len(rows[i]) else ""
    label = clean_label(heading) if not is_blank(heading) else ""
    message = (
        f"the heading '{label}' of the area column is not recognised"
        if label
        else "the area column has no heading"
    )
    return Problem(
        source.name,
        message + " (its cells name police forces)",
        sheet if source.is_workbook else source.name,
        i + 1,
        column_letter(j) + (f" ({label})" if label else ""),
        heading if label else None,
        "an area column headed "
        + AREA_HEADER_NAMES[0]
        + " (or "
        + ", ".join(AREA_HEADER_NAMES[1:])
        + ")",
    )


class PopulationReader:
    format = "population_by_force"
    label = "Population by police force area and year"
    produces: tuple[Produces, ...] = (
        Produces(
            "population",
            ("persons",),
            ("All persons",),
            "a table of population by police force area and year (such as the "
            "Home Office's from the ONS mid-year estimates)",
        ),
    )

    def sniff(self, source: Source) -> bool:
        if source.kind not in ("csv", "xlsx", "xls", "ods"):
            return False
        for sheet in source.sheet_names:
            rows = source.rows(sheet)
            found = _find(rows)
            if found is None:
                # a table of forces by year whose area heading is renamed: read, to say so
                if _near_miss(rows) is not None:
                    return True
                continue
            h, area_col, _, _ = found
            if _mostly_forces([r[area_col] for r in rows[h + 1 : h + 60] if area_col < len(r)]):
                return True
        return False

    def read(self, source: Source) -> ReadResult:
        result = ReadResult(source.name, self.format, self.label)
        records: list[dict[str, Any]] = []
        for sheet in source.sheet_names:
            rows = source.rows(sheet)
            found = _find(rows)
            if found is None:
                near = _near_miss(rows)
                if near is not None:
                    result.problems.append(_near_miss_problem(source, sheet, rows, near))
                continue
            result.sheets.append(sheet)
            records.extend(self._sheet(source, sheet, rows, found, result))
        return finish(
            result,
            records,
            Problem(
                source.name,
                "no population figures were found",
                expected="rows of forces with a figure per year",
            ),
        )

    def _sheet(
        self,
        source: Source,
        sheet: str,
        rows: list[list[object]],
        found: tuple[int, int, int | None, dict[int, int]],
        result: ReadResult,
    ) -> list[dict[str, Any]]:
        h, area_col, code_col, years = found
        header = rows[h]
        sheet_label = sheet if source.is_workbook else source.name

        def problem(msg: str, i: int, j: int, value: object, expected: str) -> None:
            label = clean_label(header[j]) if j < len(header) and not is_blank(header[j]) else ""
            column = column_letter(j) + (f" ({label})" if label else "")
            result.problems.append(
                Problem(source.name, msg, sheet_label, i + 1, column, value, expected)
            )

        kept: list[tuple[Any, dict[int, float]]] = []
        missing: list[str] = []
        for i in range(h + 1, len(rows)):
            row = rows[i]
            name = row[area_col] if area_col < len(row) else ""
            code = row[code_col] if code_col is not None and code_col < len(row) else None
            if is_blank(name) and is_blank(code):
                continue
            if is_footer(name):
                continue
            label = clean_label(name)
            reason = classify_non_area(label)
            if reason is not None:
                result.set_aside.append(SetAside(sheet_label, label, reason))
                continue
            try:
                area = resolve_code_and_name(code, label)
            except AreaMismatch as exc:
                problem(
                    f"the area code and name disagree: {exc}",
                    i,
                    code_col or area_col,
                    code,
                    "a code and name of the same area",
                )
                continue
            if area is None:
                problem(
                    f"'{label}' is not a known police force area, region or nation",
                    i,
                    area_col,
                    name,
                    "one of the 43 forces of England and Wales (any common "
                    "spelling), a region or a nation",
                )
                continue
            values: dict[int, float] = {}
            for j in years:
                v = row[j] if j < len(row) else ""
                try:
                    n = parse_number(v)
                except NotANumber:
                    problem(
                        "the population is not a number",
                        i,
                        j,
                        v,
                        "a number of people (or thousands), or a marker such as '..'",
                    )
                    continue
                if n is MISSING or n is None:
                    missing.append(f"{area.name} {years[j]}")
                    continue
                assert isinstance(n, float)
                if n <= 0:
                    problem("the population is not positive", i, j, v, "a number above 0")
                    continue
                values[j] = n
            kept.append((area, values))
        if missing:
            result.warnings.append(
                f"{len(missing)} population figure(s) not available, left out: "
                + ", ".join(missing[:10])
                + (" ..." if len(missing) > 10 else "")
            )
        # unit: said in the header or title, else judged from the size of the forces' figures
        said = " ".join(str(c) for r in rows[: h + 1] for c in r if isinstance(c, str))
        force_values = [v for a, vals in kept if a.kind == "force" for v in vals.values()]
        if _THOUSANDS.search(said):
            factor, why = 1000.0, "the header says thousands"
        elif force_values and statistics.median(force_values) < 20_000:
            factor, why = (
                1000.0,
                (
                    f"the median force figure is {statistics.median(force_values):,.1f}, far "
                    "below any force's population in persons"
                ),
            )
        else:
            factor, why = 1.0, "the figures are the size of populations in persons"
        unit = "thousands" if factor == 1000.0 else "persons"
        result.warnings.append(
            f"sheet '{sheet_label}': population figures are in {unit} ({why}); stored as persons"
        )
        if not any("mid" in header_key(header[j]) for j in years if isinstance(header[j], str)):
            result.warnings.append(
                f"sheet '{sheet_label}': year columns do not say 'mid-year'; each figure is "
                "taken as the mid-year (30 June) estimate"
            )
        labels = sorted(set(years.values()))
        edition = f"mid-{labels[0]} to mid-{labels[-1]}" if labels else ""
        out = []
        for area, vals in kept:
            for j, n in vals.items():
                day = dt.date(years[j], 6, 30)
                out.append(
                    {
                        "dataset": "population",
                        "area_code": area.code,
                        "area_name": area.name,
                        "area_kind": area.kind,
                        "period_start": day,
                        "period_end": day,
                        "period_type": "snapshot",
                        "category": "All persons",
                        "subcategory": "",
                        "measure": "persons",
                        "value": round(n * factor, 3),
                        "base": float("nan"),
                        "source": SOURCE,
                        "sheet": sheet_label,
                        "edition": edition,
                    }
                )
        return out


register(PopulationReader())
