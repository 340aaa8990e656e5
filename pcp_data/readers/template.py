"""The product's own Excel template: one workbook, one sheet per dataset.

Sheets and columns (headers match regardless of case and surrounding spaces, and may sit
below title rows; blank rows and rows whose first cell says "Total" are ignored):

=================== ==========================================================
Recorded crime      Month, Area, Offence group, Offence subgroup, Offences
Victim satisfaction Month or Quarter, Area, Question, Group, Respondents, Satisfied
Workforce           As at, Area, Worker type, FTE, Headcount
Population          Year, Area, Population
Indicators          Period, Area, Indicator, Value, Numerator, Denominator
About (optional)    Key, Value: ``Source`` names the publication of every figure;
                    ``Home force``, ``Peer forces`` and ``Local areas`` (names
                    separated by commas) declare the areas of your own
=================== ==========================================================

Months may be Excel dates, ``2019-04``, ``Apr 2019`` or ``April 2019``; quarters
``2019 Q2``; financial years ``2019/20``; years ``2019``. *Satisfied* is the number of
respondents satisfied (not a percentage). An area that is one of the 43 forces (any common
spelling), a region or a nation gets its ONS code. Any other area must be declared on the
About sheet: a home force or peer forces of your own (an imaginary force, as in the sample)
as forces, local areas (districts, boroughs) as areas that are not forces. An area neither
known nor declared is a problem that suggests the nearest force ("Durhm": did you mean
Durham?), so that a typo never becomes a new force.

Numbers are numbers: TRUE and FALSE are not 1 and 0. A dash read as 0, a number written
with an exponent (``12e3``) and a row identical in every cell to another (pasted twice: both
are read, and figures with the same key are added together) are read, with a warning that
names the cells. One bad cell anywhere means nothing from the file is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import pandas as pd

from pcp_data import vocabulary
from pcp_data.cleaning import (
    MISSING,
    NotANumber,
    clean_label,
    header_key,
    is_blank,
    near_miss_header,
    number_note,
    parse_number,
    spellings_matcher,
    unrecognised_cells,
)
from pcp_data.errors import BadInput, Problem, ProblemList
from pcp_data.facts import normalise_facts
from pcp_data.forces import Area, local_area, nearest_area, normalise_name, resolve_area
from pcp_data.periods import financial_year, month_end, parse_day, parse_month, parse_quarter
from pcp_data.readers import Produces, ReadResult, SetAside, register
from pcp_data.readers.source import Source, column_letter, find_header

DEFAULT_SOURCE = "PCP template"


@dataclass(frozen=True)
class Column:
    name: str
    spellings: tuple[str, ...]
    required: bool = True
    example: Any = None


@dataclass(frozen=True)
class SheetSpec:
    sheet: str
    dataset: str
    columns: tuple[Column, ...]
    description: str


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Recorded crime",
        "recorded_crime",
        (
            Column("Month", ("Month",), example="2019-04"),
            Column("Area", ("Area", "Force", "Force name"), example="Durham"),
            Column("Offence group", ("Offence group",), example="Theft offences"),
            Column("Offence subgroup", ("Offence subgroup",), example="Shoplifting"),
            Column("Offences", ("Offences", "Number of offences"), example=321),
        ),
        "Police recorded crime: one row per month, area and offence subgroup.",
    ),
    SheetSpec(
        "Victim satisfaction",
        "victim_satisfaction",
        (
            Column(
                "Month or Quarter",
                ("Month or Quarter", "Month", "Quarter", "Period"),
                example="2019-04",
            ),
            Column("Area", ("Area", "Force"), example="Durham"),
            Column("Question", ("Question",), example="Whole experience"),
            Column("Group", ("Group", "Victim group"), required=False, example="All victims"),
            Column("Respondents", ("Respondents",), example=96),
            Column("Satisfied", ("Satisfied", "Number satisfied"), example=78),
        ),
        "Victim satisfaction survey: respondents and the number satisfied, per question.",
    ),
    SheetSpec(
        "Workforce",
        "workforce",
        (
            Column("As at", ("As at", "Date"), example="2019-03-31"),
            Column("Area", ("Area", "Force"), example="Durham"),
            Column("Worker type", ("Worker type",), example="Police officers"),
            Column("FTE", ("FTE", "Full-time equivalent"), required=False, example=1150.5),
            Column("Headcount", ("Headcount",), required=False, example=1170),
        ),
        "Workforce snapshots: full-time equivalent and headcount per worker type.",
    ),
    SheetSpec(
        "Population",
        "population",
        (
            Column("Year", ("Year",), example=2019),
            Column("Area", ("Area", "Force"), example="Durham"),
            Column("Population", ("Population",), example=640000),
        ),
        "Mid-year population estimates (persons).",
    ),
    SheetSpec(
        "Indicators",
        "indicator",
        (
            Column("Period", ("Period",), example="2019 Q2"),
            Column("Area", ("Area", "Force"), example="Durham"),
            Column("Indicator", ("Indicator",), example="Public confidence in the police"),
            Column("Value", ("Value",), example=78.2),
            Column("Numerator", ("Numerator",), required=False, example=391),
            Column("Denominator", ("Denominator",), required=False, example=500),
        ),
        "Any other indicator: a value, and numerator/denominator where it is a rate.",
    ),
)

_GROUPS = {g.lower(): g for g in vocabulary.OFFENCE_GROUPS}
_SUBGROUPS = {g: {s.lower(): s for s in subs} for g, subs in vocabulary.OFFENCE_GROUPS.items()}
_QUESTIONS = {q.lower(): q for q in vocabulary.SATISFACTION_QUESTIONS}


_MISSING_KEY = object()
_Cells = dict[str, object]
_Cols = dict[str, int]
# _Sheet._columns_<dataset>(values, kept) and _Sheet._row_<dataset>(i, cells, cols)
_ColumnsParser = Callable[[dict[str, list[object]], list[int]], dict[str, list[Any]] | None]
_RowParser = Callable[[int, _Cells, _Cols], list[dict[str, Any]]]


# the measures each sheet's rows give, by the sheet's dataset
TEMPLATE_MEASURES: dict[str, tuple[str, ...]] = {
    "recorded_crime": ("offences",),
    "victim_satisfaction": ("satisfied",),
    "workforce": ("fte", "headcount"),
    "population": ("persons",),
    "indicator": ("value",),
}


def _period_of_month(value: object) -> tuple[dt.date, dt.date, str]:
    m = _excel_serial(value) or parse_month(value)
    if m is None:
        raise BadInput(
            "not a month", "a month such as 2019-04, Apr 2019, April 2019 or an Excel date"
        )
    return m, month_end(m), "month"


def _excel_serial(value: object) -> dt.date | None:
    # A date cell formatted as a number arrives as its serial (days since 1899-12-30).
    if isinstance(value, float | int) and not isinstance(value, bool) and 20000 < value < 80000:
        d = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return dt.date(d.year, d.month, 1)
    return None


def _period_of_month_or_quarter(value: object) -> tuple[dt.date, dt.date, str]:
    q = parse_quarter(value)
    if q is not None:
        return q[0], q[1], "quarter"
    try:
        return _period_of_month(value)
    except BadInput:
        raise BadInput(
            "not a month or quarter",
            "a month (2019-04, Apr 2019, an Excel date) or a quarter such as 2019 Q2",
        ) from None


def _period_any(value: object) -> tuple[dt.date, dt.date, str]:
    fy = financial_year(value)
    if fy is not None:
        return fy[0], fy[1], "financial_year"
    year = _year(value, quiet=True)
    if year is not None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    try:
        return _period_of_month_or_quarter(value)
    except BadInput:
        raise BadInput(
            "not a period",
            "a month (2019-04), a quarter (2019 Q2), a financial year (2019/20) or a year (2019)",
        ) from None


def _snapshot(value: object) -> tuple[dt.date, dt.date, str]:
    d = parse_day(value)
    if d is None:
        raise BadInput("not a date", "a date such as 2019-03-31, 31/03/2019 or an Excel date")
    return d, d, "snapshot"


def _year(value: object, *, quiet: bool = False) -> int | None:
    try:
        n = parse_number(value)
    except NotANumber:
        n = None
    if isinstance(n, float) and n.is_integer() and 1900 < n < 2200:
        return int(n)
    if quiet:
        return None
    raise BadInput("not a year", "a year such as 2019")


def _number(value: object, *, whole: bool, minimum: float = 0.0) -> float | None:
    try:
        n = parse_number(value)
    except NotANumber:
        raise BadInput("not a number", _number_words(whole, minimum)) from None
    if n is MISSING:
        raise BadInput("a not-available marker", _number_words(whole, minimum))
    if n is None:
        return None
    assert isinstance(n, float)
    if n < minimum or (whole and not n.is_integer()):
        raise BadInput("out of range", _number_words(whole, minimum))
    return n


def _number_words(whole: bool, minimum: float) -> str:
    kind = "a whole number" if whole else "a number"
    return f"{kind} of at least {minimum:g}"


def _text(value: object) -> str:
    if is_blank(value):
        raise BadInput("empty", "some text")
    return clean_label(value)


def _lookup(table: dict[str, str], what: str) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _text(value)
        try:
            return table[text.lower()]
        except KeyError:
            choices = ", ".join(sorted(set(table.values())))
            raise BadInput(f"not a known {what}", "one of " + choices) from None

    return parse


# the About sheet's keys that declare areas of the uploader's own, and the kind of area each
# declares (an imaginary sample force is a force; a district is not)
LOCAL_KEYS: dict[str, str] = {"home force": "force", "peer forces": "force", "local areas": "other"}
_AREA_EXPECTED = (
    "one of the 43 police forces of England and Wales (any common spelling), a region or a "
    "nation, or an area of your own named on the About sheet (Home force, Peer forces or "
    "Local areas)"
)


def _own_names(about: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(About key, kind, name) of each name an About sheet declares that is not known here."""
    for key, kind in LOCAL_KEYS.items():
        for name in about.get(key, "").split(","):
            if name.strip() and resolve_area(name) is None:
                yield key, kind, name.strip()


def declared_areas(about: dict[str, str]) -> dict[str, str]:
    """The areas an About sheet declares as the uploader's own and not known here:
    {normalised name: kind}."""
    out: dict[str, str] = {}
    for _, kind, name in _own_names(about):
        out.setdefault(normalise_name(name), kind)
    return out


def _area_parser(declared: dict[str, str]) -> Callable[[object], Area]:
    def parse(value: object) -> Area:
        name = _text(value)
        area = resolve_area(name)
        if area is not None:
            return area
        kind = declared.get(normalise_name(name))
        if kind is not None:
            return local_area(name, kind=kind)
        near = nearest_area(name)
        hint = f" (did you mean {near.name}?)" if near is not None else ""
        raise BadInput(f"not a known police force area{hint}", _AREA_EXPECTED)

    return parse


class _Sheet:
    """Parse one template sheet into facts, collecting a problem per bad cell."""

    def __init__(
        self,
        source: Source,
        sheet: str,
        spec: SheetSpec,
        source_label: str,
        declared: dict[str, str] | None = None,
    ) -> None:
        self.source, self.sheet, self.spec, self.source_label = source, sheet, spec, source_label
        self.area = _area_parser(declared or {})
        self.problems = ProblemList()
        self.set_aside: list[SetAside] = []
        self.warnings: list[str] = []
        self._cache: dict[tuple[object, ...], Any] = {}
        self._distincts: dict[int, tuple[list[object], dict[object, None]]] = {}

    def cell(
        self,
        row: int,
        col: int | None,
        name: str,
        value: object,
        parse: Callable[[object], Any],
        *,
        context: object = None,
    ) -> Any:
        """The parsed cell, or None after recording its problem. ``context`` is whatever
        else the parse depends on (a subgroup's group), part of the cache key."""
        key = self._key(name, value, context)
        try:
            hit = self._cache.get(key, _MISSING_KEY)
        except TypeError:
            hit = _MISSING_KEY
        if hit is not _MISSING_KEY:
            if isinstance(hit, BadInput):
                self._problem(row, col, name, value, hit)
                return None
            return hit
        try:
            result = parse(value)
        except BadInput as bad:
            self._cache[key] = bad
            self._problem(row, col, name, value, bad)
            return None
        self._cache[key] = result
        return result

    @staticmethod
    def _key(name: str, value: object, context: object) -> tuple[object, ...]:
        # the type too: TRUE == 1 and FALSE == 0 in Python, never here
        value_key = (type(value), value if not isinstance(value, list) else repr(value))
        return (name, value_key) if context is None else (name, context, value_key)

    def peek(
        self, name: str, value: object, parse: Callable[[object], Any], *, context: object = None
    ) -> Any:
        """What `cell` would give, through the same cache, recording no problem: the
        parsed value or the `BadInput` it raised. Raises TypeError for an unhashable value."""
        key = self._key(name, value, context)
        hit = self._cache.get(key, _MISSING_KEY)
        if hit is _MISSING_KEY:
            try:
                hit = parse(value)
            except BadInput as bad:
                hit = bad
            self._cache[key] = hit
        return hit

    def _problem(self, row: int, col: int | None, name: str, value: object, bad: BadInput) -> None:
        column = f"{column_letter(col)} ({name})" if col is not None else name
        shown = None if is_blank(value) else value
        message = f"{name} is {bad.message}" if shown is not None else f"{name} is empty"
        self.problems.append(
            Problem(self.source.name, message, self.sheet, row + 1, column, shown, bad.expected)
        )

    def _no_header(
        self,
        rows: list[list[object]],
        spellings: dict[str, tuple[str, ...]],
        required: tuple[str, ...],
    ) -> Problem:
        """ "No header row found", with what the closest row holds and what it lacks."""
        expected = "a header row with the columns " + ", ".join(required)
        near = near_miss_header(rows, spellings_matcher(spellings), required, at_least=1)
        if near is not None:
            i, got, missing = near
            row = rows[i]
            has = ", ".join(f"'{str(row[j]).strip()}'" for j in sorted(got.values()))
            message = (
                f"no header row found: the closest, row {i + 1}, has {has} but lacks "
                + ", ".join(missing)
            )
            others = [str(row[j]).strip() for j in unrecognised_cells(row, got)]
            if others:
                message += " (it also holds " + ", ".join(f"'{c}'" for c in others[:8]) + ")"
            return Problem(self.source.name, message, self.sheet, i + 1, expected=expected)
        for i, row in enumerate(rows[:40]):
            cells = [str(c).strip() for c in row if isinstance(c, str) and c.strip()]
            if cells:
                shown = ", ".join(f"'{c}'" for c in cells[:8])
                return Problem(
                    self.source.name,
                    f"no header row found: none of the expected columns is in the first 40 "
                    f"rows (row {i + 1} holds {shown}); missing " + ", ".join(required),
                    self.sheet,
                    i + 1,
                    expected=expected,
                )
        return Problem(
            self.source.name,
            "no header row found: the sheet's first 40 rows hold no text; missing "
            + ", ".join(required),
            self.sheet,
            expected=expected,
        )

    def read(self) -> dict[str, list[Any]]:
        """The sheet's facts as columns ({fact column: values}), ``{}`` when none."""
        rows = self.source.rows(self.sheet)
        spellings = {c.name: c.spellings for c in self.spec.columns}
        required = tuple(c.name for c in self.spec.columns if c.required)
        found = find_header(rows, spellings, required=required)
        if found is None:
            self.problems.append(self._no_header(rows, spellings, required))
            return {}
        header_row, cols = found
        values, kept = self._data_rows(rows, header_row, cols)
        self._warn_duplicates(rows, header_row, kept)
        self._warn_numbers(values, kept, header_row, cols)
        by_columns: _ColumnsParser | None = getattr(self, "_columns_" + self.spec.dataset, None)
        if by_columns is not None:
            try:
                got = by_columns(values, kept)
            except TypeError:  # an unhashable cell: the row-by-row path handles it
                got = None
            if got is not None:
                return got
        # Row by row: every sheet without a column-wise path, and any sheet with a bad cell
        # (so that problems come out in row order, each cell's once).
        out: list[dict[str, Any]] = []
        parse_row: _RowParser = getattr(self, "_row_" + self.spec.dataset)
        for k in kept:
            cells = {name: values[name][k] for name in cols}
            before = self.problems.total
            facts = parse_row(header_row + 1 + k, cells, cols)
            if self.problems.total == before:
                out.extend(facts)
        return _as_columns(out)

    def _data_rows(
        self, rows: list[list[object]], header_row: int, cols: _Cols
    ) -> tuple[dict[str, list[object]], list[int]]:
        """The template columns' cells below the header ({column: cells}, ``""`` past a
        short row) and the positions (0 = the row below the header) of the rows to parse:
        blank rows are skipped and total rows (first non-blank cell says "Total") set aside.

        Column-wise: each distinct cell is checked once (blank? a total label?)."""
        body = rows[header_row + 1 :]
        if body and min(map(len, body)) > max(cols.values()):
            values = {name: list(map(itemgetter(j), body)) for name, j in cols.items()}
            first_col = next((values[name] for name, j in cols.items() if j == 0), None)
            if first_col is None:
                first_col = list(map(itemgetter(0), body))
        else:
            values = {name: [r[j] if j < len(r) else "" for r in body] for name, j in cols.items()}
            first_col = [r[0] if r else "" for r in body]
        try:
            blanks: dict[str, set[object]] = {}
            for name, column in values.items():
                blanks[name] = {v for v in self._distinct(column) if is_blank(v)}
                if not blanks[name]:  # a column without a blank cell: no row is blank
                    break
            # per distinct first cell: None when blank (look further along the row),
            # else whether it is a total label
            status = {v: None if is_blank(v) else _is_total(v) for v in self._distinct(first_col)}
        except TypeError:  # an unhashable cell
            return values, self._kept_rows(body, values)
        filled: list[bool] | None = None  # None: every row has a template cell filled
        if all(blanks.values()):
            filled = [False] * len(body)
            for name, column in values.items():
                blank = blanks[name]
                filled = [f or v not in blank for f, v in zip(filled, column, strict=True)]
        if filled is None and not any(s is None or s for s in status.values()):
            return values, list(range(len(body)))
        kept: list[int] = []
        for k, first in enumerate(first_col):
            if filled is not None and not filled[k]:
                continue
            total = status[first]
            if total is None:
                first = next((v for v in body[k] if not is_blank(v)), "")
                total = _is_total(first)
            if total:
                self.set_aside.append(SetAside(self.sheet, clean_label(first), "total row"))
                continue
            kept.append(k)
        return values, kept

    def _warn_duplicates(self, rows: list[list[object]], header_row: int, kept: list[int]) -> None:
        """Warn of rows identical in every cell to an earlier row (pasted twice?), naming
        both: they are read, and figures with the same key are added together."""
        body = rows[header_row + 1 :]
        try:
            keys = list(map(tuple, map(body.__getitem__, kept)))
            if len(set(keys)) == len(keys):
                return
        except TypeError:  # an unhashable cell: no row of it is a copy to find
            return
        first: dict[tuple[object, ...], int] = {}
        pairs: list[tuple[int, int]] = []
        for k, key in zip(kept, keys, strict=True):
            i = header_row + 2 + k  # as numbered on screen
            seen = first.setdefault(key, i)
            if seen != i:
                pairs.append((i, seen))
        shown = ", ".join(f"row {a:,} repeats row {b:,}" for a, b in pairs[:10])
        more = (
            f", and {len(pairs) - 10:,} more rows repeat an earlier one" if len(pairs) > 10 else ""
        )
        self.warnings.append(
            f"sheet '{self.sheet}': {len(pairs):,} row(s) identical in every cell to an earlier "
            f"row (pasted twice?): {shown}{more}. Both rows of each pair are read, and "
            "figures with the same key are added together: delete the copies if they are "
            "not meant to be counted twice."
        )

    def _warn_numbers(
        self, values: dict[str, list[object]], kept: list[int], header_row: int, cols: _Cols
    ) -> None:
        """Warn of number cells read from a dash (as 0) or written with an exponent
        (``12e3``), naming the cells."""
        for name in NUMBER_COLUMNS & set(cols):
            column = values[name]
            try:
                noted = {v: number_note(v) for v in self._distinct(column)}
            except TypeError:
                noted = {}
            noted = {v: n for v, n in noted.items() if n is not None}
            if not noted:
                continue
            letter = column_letter(cols[name])
            cells = [
                f"{letter}{header_row + 2 + k} ({column[k]!r}: {noted[column[k]]})"
                for k in kept
                if isinstance(column[k], str) and column[k] in noted
            ]
            listed = ", ".join(cells[:10]) + (
                f" and {len(cells) - 10:,} more" if len(cells) > 10 else ""
            )
            self.warnings.append(
                f"sheet '{self.sheet}', column {letter} ({name}): {len(cells):,} cell(s) read "
                f"as numbers from text: {listed}. Check that each is the figure meant."
            )

    def _distinct(self, cells: list[object]) -> dict[object, None]:
        """The distinct cells of a column, in order (computed once per column list)."""
        hit = self._distincts.get(id(cells))
        if hit is None or hit[0] is not cells:
            hit = self._distincts[id(cells)] = (cells, dict.fromkeys(cells))
        return hit[1]

    def _kept_rows(self, body: list[list[object]], values: dict[str, list[object]]) -> list[int]:
        """`_data_rows`' row filter, one row at a time (for cells that cannot be hashed)."""
        kept: list[int] = []
        for k, raw in enumerate(body):
            if all(is_blank(column[k]) for column in values.values()):
                continue
            first = next((v for v in raw if not is_blank(v)), "")
            if _is_total(first):
                self.set_aside.append(SetAside(self.sheet, clean_label(first), "total row"))
                continue
            kept.append(k)
        return kept

    def _base(self, area: Area, period: tuple[dt.date, dt.date, str]) -> dict[str, Any]:
        return {
            "dataset": self.spec.dataset,
            "area_code": area.code,
            "area_name": area.name,
            "area_kind": area.kind,
            "period_start": period[0],
            "period_end": period[1],
            "period_type": period[2],
            "source": self.source_label,
            "sheet": self.sheet,
            "edition": "",
        }

    def _get(
        self, i: int, cells: _Cells, cols: _Cols, name: str, parse: Callable[[object], Any]
    ) -> Any:
        return self.cell(i, cols.get(name), name, cells.get(name, ""), parse)

    def _columns_recorded_crime(
        self, values: dict[str, list[object]], kept: list[int]
    ) -> dict[str, list[Any]] | None:
        """Parse each column's distinct cells once and build the facts column-wise; None
        when any cell is bad (the row-by-row path then says which). Same facts, in the same
        order, as `_row_recorded_crime` row by row."""
        parsers: dict[str, Callable[[object], Any]] = {
            "Month": _period_of_month,
            "Area": self.area,
            "Offence group": _lookup(_GROUPS, "offence group"),
            "Offences": _required_whole_number,
        }
        every = len(kept) == len(values["Month"])

        def kept_cells(name: str) -> list[object]:
            return values[name] if every else list(map(values[name].__getitem__, kept))

        parsed: dict[str, list[Any]] = {}
        for name, parse in parsers.items():
            cells = kept_cells(name)
            distinct = self._distinct(cells)
            if (True in distinct or False in distinct) and bool in set(map(type, cells)):
                return None  # TRUE would pass for 1 here: the row-by-row path tells them apart
            seen: dict[object, Any] = {}
            for v in distinct:  # each distinct cell once, in row order
                got = seen[v] = self.peek(name, v, parse)
                if got is None or isinstance(got, BadInput):
                    return None
            parsed[name] = list(map(seen.__getitem__, cells))
        pairs = list(zip(parsed["Offence group"], kept_cells("Offence subgroup"), strict=True))
        seen_sub: dict[tuple[object, object], Any] = {}
        for group, v in dict.fromkeys(pairs):
            got = seen_sub[(group, v)] = self.peek(
                "Offence subgroup", v, _subgroup_parser(group), context=group
            )
            if got is None or isinstance(got, BadInput):
                return None
        subs = list(map(seen_sub.__getitem__, pairs))
        n = len(kept)
        periods, areas = parsed["Month"], parsed["Area"]
        return {
            "dataset": [self.spec.dataset] * n,
            "area_code": [a.code for a in areas],
            "area_name": [a.name for a in areas],
            "area_kind": [a.kind for a in areas],
            "period_start": [p[0] for p in periods],
            "period_end": [p[1] for p in periods],
            "period_type": [p[2] for p in periods],
            "source": [self.source_label] * n,
            "sheet": [self.sheet] * n,
            "edition": [""] * n,
            "category": parsed["Offence group"],
            "subcategory": subs,
            "measure": ["offences"] * n,
            "value": parsed["Offences"],
            "base": [None] * n,
        }

    def _row_recorded_crime(self, i: int, cells: _Cells, cols: _Cols) -> list[dict[str, Any]]:
        period = self._get(i, cells, cols, "Month", _period_of_month)
        area = self._get(i, cells, cols, "Area", self.area)
        group = self._get(i, cells, cols, "Offence group", _lookup(_GROUPS, "offence group"))
        sub = None
        if group is not None:
            sub = self.cell(
                i,
                cols.get("Offence subgroup"),
                "Offence subgroup",
                cells["Offence subgroup"],
                _subgroup_parser(group),
                context=group,
            )
        n = self._get(i, cells, cols, "Offences", _required_whole_number)
        if None in (period, area, group, sub, n):
            return []
        return [
            {
                **self._base(area, period),
                "category": group,
                "subcategory": sub,
                "measure": "offences",
                "value": n,
                "base": None,
            }
        ]

    def _row_victim_satisfaction(self, i: int, cells: _Cells, cols: _Cols) -> list[dict[str, Any]]:
        period = self._get(i, cells, cols, "Month or Quarter", _period_of_month_or_quarter)
        area = self._get(i, cells, cols, "Area", self.area)
        question = self._get(
            i, cells, cols, "Question", lambda v: _QUESTIONS.get(_text(v).lower(), _text(v))
        )
        group = self._get(
            i, cells, cols, "Group", lambda v: "All victims" if is_blank(v) else _text(v)
        )
        n = self._get(
            i, cells, cols, "Respondents", lambda v: _required(_number(v, whole=True, minimum=1))
        )
        sat = self._get(i, cells, cols, "Satisfied", lambda v: _required(_number(v, whole=True)))
        if n is not None and sat is not None and sat > n:
            self._problem(
                i,
                cols["Satisfied"],
                "Satisfied",
                cells["Satisfied"],
                BadInput(
                    "more than the respondents", f"a number of respondents satisfied, at most {n:g}"
                ),
            )
            return []
        if None in (period, area, question, group, n, sat):
            return []
        return [
            {
                **self._base(area, period),
                "category": question,
                "subcategory": group,
                "measure": "satisfied",
                "value": sat,
                "base": n,
            }
        ]

    def _row_workforce(self, i: int, cells: _Cells, cols: _Cols) -> list[dict[str, Any]]:
        period = self._get(i, cells, cols, "As at", _snapshot)
        area = self._get(i, cells, cols, "Area", self.area)
        worker = self._get(
            i, cells, cols, "Worker type", _lookup(vocabulary.WORKER_TYPE_NAMES, "worker type")
        )
        fte = self._get(i, cells, cols, "FTE", lambda v: _number(v, whole=False))
        head = self._get(i, cells, cols, "Headcount", lambda v: _number(v, whole=True))
        if fte is None and head is None and "FTE" not in {p.column for p in self.problems}:
            col = cols.get("FTE", cols.get("Headcount"))
            self._problem(i, col, "FTE", "", BadInput("empty", "an FTE or a headcount (or both)"))
            return []
        if None in (period, area, worker):
            return []
        base = {**self._base(area, period), "category": worker, "subcategory": "", "base": None}
        out = []
        if fte is not None:
            out.append({**base, "measure": "fte", "value": fte})
        if head is not None:
            out.append({**base, "measure": "headcount", "value": head})
        return out

    def _row_population(self, i: int, cells: _Cells, cols: _Cols) -> list[dict[str, Any]]:
        year = self._get(i, cells, cols, "Year", _year)
        area = self._get(i, cells, cols, "Area", self.area)
        n = self._get(
            i, cells, cols, "Population", lambda v: _required(_number(v, whole=True, minimum=1))
        )
        if None in (year, area, n):
            return []
        mid = dt.date(year, 6, 30)  # mid-year estimate
        return [
            {
                **self._base(area, (mid, mid, "snapshot")),
                "category": "All persons",
                "subcategory": "",
                "measure": "persons",
                "value": n,
                "base": None,
            }
        ]

    def _row_indicator(self, i: int, cells: _Cells, cols: _Cols) -> list[dict[str, Any]]:
        period = self._get(i, cells, cols, "Period", _period_any)
        area = self._get(i, cells, cols, "Area", self.area)
        name = self._get(i, cells, cols, "Indicator", _text)
        value = self._get(
            i,
            cells,
            cols,
            "Value",
            lambda v: _required(_number(v, whole=False, minimum=float("-inf"))),
        )
        num = self._get(i, cells, cols, "Numerator", lambda v: _number(v, whole=False))
        den = self._get(
            i, cells, cols, "Denominator", lambda v: _number(v, whole=False, minimum=1e-12)
        )
        if None in (period, area, name, value):
            return []
        base = {**self._base(area, period), "category": name, "subcategory": ""}
        out = [{**base, "measure": "value", "value": value, "base": den}]
        if num is not None:
            out.append({**base, "measure": "numerator", "value": num, "base": den})
        return out


# the columns whose cells are read as numbers (warned of when written as a dash or exponent)
NUMBER_COLUMNS = frozenset(
    {"Offences", "Respondents", "Satisfied", "FTE", "Headcount", "Population"}
    | {"Value", "Numerator", "Denominator"}
)


def _required(value: float | None) -> float:
    if value is None:
        raise BadInput("empty", "a number")
    return value


def _is_total(first: object) -> bool:
    """A row whose first non-blank cell is this is a total row."""
    return isinstance(first, str) and header_key(first).startswith(("total", "grand total"))


def _required_whole_number(value: object) -> float:
    return _required(_number(value, whole=True))


def _subgroup_parser(group: str) -> Callable[[object], str]:
    """Parse an offence subgroup of ``group`` (blank means the group's only subgroup)."""
    subs = _SUBGROUPS[group]

    def parse_sub(v: object) -> str:
        if is_blank(v) and len(subs) == 1:
            return next(iter(subs.values()))
        return _lookup(subs, f"subgroup of {group}")(v)

    return parse_sub


def _as_columns(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Fact records (dicts) as columns, keys in first-seen order (as a frame built from
    the records would have them)."""
    names: dict[str, None] = {}
    for r in records:
        for key in r:
            names.setdefault(key)
    return {key: [r.get(key) for r in records] for key in names}


def _about(source: Source) -> dict[str, str]:
    sheet = source.find_sheet("About")
    if sheet is None:
        return {}
    out: dict[str, str] = {}
    for row in source.rows(sheet):
        if len(row) >= 2 and isinstance(row[0], str) and not is_blank(row[1]):
            out[header_key(row[0])] = str(row[1]).strip()
    return out


def _near_misses(about: dict[str, str]) -> list[str]:
    """Warnings for names the About sheet declares as areas of one's own that are close to a
    known force (a typo makes a new force of one's own)."""
    out = []
    for key, _, name in _own_names(about):
        near = nearest_area(name, cutoff=0.85)  # a typo, not a name of one's own
        if near is not None:
            out.append(
                f"About sheet, {key.capitalize()}: '{name}' is not one of the 43 forces (did "
                f"you mean {near.name}?); it is read as an area of your own"
            )
    return out


class TemplateReader:
    format = "pcp_template"
    label = "PCP dashboard template (sheets Recorded crime, Victim satisfaction, Workforce, ...)"
    produces = tuple(
        Produces(
            spec.dataset,
            TEMPLATE_MEASURES[spec.dataset],
            None,
            f"the template's {spec.sheet} sheet",
            template=True,
        )
        for spec in SHEETS
    )

    def sniff(self, source: Source) -> bool:
        if not source.is_workbook:
            return False
        return any(source.find_sheet(spec.sheet) for spec in SHEETS)

    def read(self, source: Source) -> ReadResult:
        about = _about(source)
        source_label = about.get("source", DEFAULT_SOURCE)
        result = ReadResult(source.name, self.format, "PCP dashboard template", metadata=about)
        declared = declared_areas(about)
        result.warnings.extend(_near_misses(about))
        columns: dict[str, list[Any]] = {}
        rows = 0
        empty: list[str] = []
        for spec in SHEETS:
            sheet = source.find_sheet(spec.sheet)
            if sheet is None:
                continue
            result.sheets.append(sheet)
            parser = _Sheet(source, sheet, spec, source_label, declared)
            got = parser.read()
            result.problems.extend(parser.problems)
            result.set_aside.extend(parser.set_aside)
            result.warnings.extend(parser.warnings)
            n = len(next(iter(got.values()), ()))
            if not n and not parser.problems:
                empty.append(sheet)
            for key, cells in got.items():
                columns.setdefault(key, [None] * rows).extend(cells)
            rows += n
            for cells in columns.values():  # a column this sheet lacked: None, as from records
                cells.extend([None] * (rows - len(cells)))
        if empty:  # one line for them all: a fresh template has four such sheets
            names = ", ".join(f"'{s}'" for s in empty)
            result.warnings.append(
                f"{len(empty)} sheet{'s' if len(empty) > 1 else ''} with a header and no rows "
                f"(nothing read from {'them' if len(empty) > 1 else 'it'}): {names}"
            )
        others = [
            s
            for s in source.sheet_names
            if s not in result.sheets and header_key(s) not in ("about", "lists")
        ]
        if others:
            result.warnings.append("sheets not read: " + ", ".join(others))
        if not result.problems and not rows:
            result.problems.append(
                Problem(
                    source.name,
                    "the workbook holds no figures",
                    expected="rows below the header of at least one template sheet",
                )
            )
        if not result.problems:
            result.facts = normalise_facts(pd.DataFrame(columns, dtype=object))
        return result


register(TemplateReader())
