"""Home Office "Police workforce, England and Wales" tables (ODS or XLSX, any edition).

Each table sheet holds one worker type for every force, region and nation, at three dates:

.. code-block:: text

    Table 1: Police officers by police force area, England and Wales, 30 September 2017, ...
    England and Wales                                        Full-time equivalents
                  As at:                          Change in 12 months    Change in 6 months
                  2017-09-30  2018-03-31  2018-09-30  number  %          number  %
    North East    5656.31     5572.99     5505.65     ...
    Cleveland     1273.53     ...

What is read, and how it is recognised (by content, never by sheet or file name):

- a *table* is a sheet whose title names one worker type "by police force area"; the worker
  type (`vocabulary.WORKER_TYPES`) comes from the title, worded any common way ("Police
  officer numbers", "Number of police officers in post"); a per-force table of dates whose
  title names no worker type, or words not understood, is a problem naming the title and
  those words (tables of joiners, rates, several types... are skipped); FTE or headcount
  from the words "Full-time equivalents" / "Headcount" above the header (per column block
  where a table has both);
- the header is the first row with at least two dates (date cells or text such as
  ``30 September 2018``); each date column gives snapshot facts (start = end = the date);
  the change columns (number, %) have no date and are skipped;
- tables that are not per-force stocks of one worker type (combined staff + designated
  officers, police support volunteers, national time series, by rank, joiners, leavers) and
  sheets without a table title (Index, Notes) are skipped and listed in the warnings;
- rows: forces by any spelling, regions (``North East `` with its trailing space; the
  ``West Midlands`` region is told from the force by its trailing space or by coming first)
  and nations are kept with their own area kind; totals, Central Service Secondments,
  British Transport Police and other bodies are set aside with the reason; footnote rows are
  ignored; a force marked ``..`` is left out with a warning, never stored as zero; an unknown
  name is a problem that names it.

Facts: dataset ``workforce``, category a worker type, measure ``fte`` or ``headcount``,
source "Home Office Police workforce, England and Wales", edition the latest date, e.g.
"30 September 2018".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pcp_data import vocabulary
from pcp_data.cleaning import MISSING, NotANumber, clean_label, is_blank, parse_number
from pcp_data.errors import Problem
from pcp_data.forces import Area, force_by_code, normalise_name, resolve_area
from pcp_data.periods import parse_day
from pcp_data.readers import Produces, ReadResult, SetAside, finish, register
from pcp_data.readers.source import Source, column_letter

SOURCE_LABEL = "Home Office Police workforce, England and Wales"

# ---------------------------------------------------------------------------------------------
# Helpers shared by the workforce and police.uk readers (areas that are not forces, worker types)
# ---------------------------------------------------------------------------------------------

_NON_AREAS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(grand )?total\b"), "total row"),
    (re.compile(r"\btotal$"), "total row"),
    (re.compile(r"secondment"), "central service secondments are not a police force area"),
    (re.compile(r"^british transport\b"), "British Transport Police is not a territorial force"),
    (re.compile(r"^action fraud"), "Action Fraud is not a police force area"),
    (re.compile(r"^(cifas|uk finance|national fraud)"), "a fraud body, not a police force area"),
    (re.compile(r"^national crime agency"), "the National Crime Agency is not a police force area"),
    (re.compile(r"^(civil nuclear|ministry of defence)"), "a non-territorial force"),
    (re.compile(r"northern ireland"), "Northern Ireland is outside England and Wales"),
    (re.compile(r"^(scotland|police scotland)"), "Scotland is outside England and Wales"),
)


def non_area_reason(label: str) -> str | None:
    """Why a row label is no police force area, region or nation (None when it may be one).

    >>> non_area_reason("Total 43 forces")
    'total row'
    """
    key = normalise_name(label)
    for pattern, reason in _NON_AREAS:
        if pattern.search(key):
            return reason
    return None


_REGION_NAMES: dict[str, str] = {
    "north east": "E12000001",
    "north west": "E12000002",
    "yorkshire and the humber": "E12000003",
    "yorkshire & the humber": "E12000003",
    "yorkshire and humber": "E12000003",
    "east midlands": "E12000004",
    "west midlands": "E12000005",
    "west midlands region": "E12000005",
    "eastern": "E12000006",
    "east of england": "E12000006",
    "east": "E12000006",
    "london": "E12000007",
    "south east": "E12000008",
    "south west": "E12000009",
}


def worker_type(text: object) -> str | None:
    """The vocabulary worker type a label names (``Police Officer`` -> ``Police officers``)."""
    key = re.sub(r"\(.*?\)", "", clean_label(text)).strip().lower()
    key = re.sub(r"\s+", " ", key)
    return vocabulary.WORKER_TYPE_NAMES.get(key)


# ---------------------------------------------------------------------------------------------
# Dates in headers
# ---------------------------------------------------------------------------------------------

_MONTHS = {
    m.lower(): i
    for i in range(1, 13)
    for m in (dt.date(2000, i, 1).strftime("%B"), dt.date(2000, i, 1).strftime("%b"))
}
_MONTHS["sept"] = 9
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[\s\-/]+([A-Za-z]+)[\s\-/]+(\d{4}|\d{2})(?:\d{0,2})$")


def header_date(value: object) -> dt.date | None:
    """A date in a table header: a date cell, ``30 September 2018``, ``30-Sep-18``, ISO,
    day-first ``30/09/2018``; a footnote glued to the year (``30 September 20181``) is dropped.
    """
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return parse_day(value)
    if not isinstance(value, str):
        return None
    text = re.sub(r"^(as at|at)\s+", "", value.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\s*(\[[^\]]*\]|\([^)]*\))\s*$", "", text)  # "[note 3]", "(r)"
    m = _DAY_MONTH_YEAR.match(text)
    if m and m.group(2).lower() in _MONTHS:
        year_text = m.group(3)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        try:
            return dt.date(year, _MONTHS[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            return None
    return parse_day(text)


def edition_label(d: dt.date) -> str:
    """``30 September 2018``."""
    return f"{d.day} {d:%B %Y}"


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

_TITLE = re.compile(r"^\s*table\s*[\w.]*\s*[:.\-–]\s*(?P<rest>.+)$", re.IGNORECASE | re.DOTALL)
_PER_FORCE = re.compile(r"^(police )?force( area)?s?\b", re.IGNORECASE)
_FTE = re.compile(r"full[\s-]*time[\s-]*equivalent|\bfte\b", re.IGNORECASE)
_HEADCOUNT = re.compile(r"head\s*count", re.IGNORECASE)
_SCAN = 30


@dataclass
class _Table:
    sheet: str
    title: str
    category: str
    header_row: int
    label_col: int
    date_cols: dict[int, dt.date]
    measures: dict[int, str]
    facts: list[dict[str, Any]] = field(default_factory=list)


def _title(rows: list[list[object]]) -> tuple[int, str] | None:
    """The first text cell that reads like a table title ("Table 1: ...") near the top."""
    for i, row in enumerate(rows[:_SCAN]):
        for cell in row[:3]:
            if isinstance(cell, str) and _TITLE.match(cell):
                return i, re.sub(r"\s+", " ", cell).strip()
    return None


def _subject(title: str) -> tuple[str, str] | None:
    """(what is counted, what it is broken down by) from a title, None without ' by '."""
    rest = _TITLE.match(title)
    text = rest.group("rest") if rest else title
    if " by " not in text:
        return None
    what, by = text.split(" by ", 1)
    return clean_label(what), by.strip()


# Words a title may put around the worker type of a per-force stock table
# ("Police officer numbers", "Number of police officers in post", "Police officers (FTE)").
_STOCK_WORDS = frozenset(
    (
        "number",
        "numbers",
        "no",
        "of",
        "total",
        "totals",
        "all",
        "the",
        "strength",
        "strengths",
        "in",
        "post",
        "employed",
        "workforce",
        "fte",
        "full",
        "time",
        "full-time",
        "equivalent",
        "equivalents",
        "headcount",
        "headcounts",
        "count",
        "counts",
        "england",
        "and",
        "wales",
        "english",
        "region",
        "regions",
        "police",
        "force",
        "forces",
        "area",
        "areas",
    )
)
# Words that make a table something other than a stock of one worker type (skipped, said).
_NOT_STOCK = re.compile(
    r"\b(joiners?|leavers?|recruits?|recruitment|starters?|wastage|promotions?|transfers?|"
    r"volunteers?|sickness|absences?|absent|rates?|per|percentages?|proportions?|ratios?|"
    r"change|changes|combined|female|male|women|men|gender|sex|ethnic\w*|minority|ages?|"
    r"length|service|frontline|neighbourhood|part[\s-]*time|restricted|recuperative|"
    r"adjusted|duties|vacanc\w*|overtime|pay|salar\w*|officers? in training|trainees?)\b|%",
    re.IGNORECASE,
)
_TYPE_PHRASES = sorted(
    {**vocabulary.WORKER_TYPE_NAMES, "officer": "Police officers"}.items(),
    key=lambda kv: -len(kv[0]),
)
WORKER_TYPES_SAID = ", ".join(vocabulary.WORKER_TYPES)


def _worker_types_in(what: str) -> tuple[set[str], list[str]]:
    """(worker types a title's subject names, its other words) by whole-word phrases, longest
    first: "Police officer numbers" -> ({"Police officers"}, ["numbers"])."""
    text = " " + re.sub(r"[^a-z0-9\-]+", " ", re.sub(r"\(.*?\)", " ", what.lower())) + " "
    kinds: set[str] = set()
    for phrase, kind in _TYPE_PHRASES:
        pattern = re.compile(rf"(?<=\s){re.escape(phrase)}(?=\s)")
        if pattern.search(text):
            kinds.add(kind)
            text = pattern.sub("  ", text)
    return kinds, text.split()


def _classify(title: str) -> tuple[str | None, str, list[str] | None]:
    """(worker type, why not, words not recognised): the words are given (a near miss to
    report) when the title is per force area but its subject is not understood."""
    parts = _subject(title)
    if parts is None:
        return None, "not broken down by police force area", None
    what, by = parts
    if not _PER_FORCE.match(by):
        return None, f"broken down by {by.split(',')[0]}, not police force area alone", None
    kind = worker_type(what)
    if kind is not None:
        return kind, "", None
    not_stock = _NOT_STOCK.search(re.sub(r"\(.*?\)", " ", what))
    kinds, others = _worker_types_in(what)
    if not_stock is not None:
        return (
            None,
            (f"'{what}' is not a stock of one worker type ('{not_stock.group(0).strip()}')"),
            None,
        )
    if len(kinds) > 1:
        return None, f"'{what}' is not one worker type ({WORKER_TYPES_SAID})", None
    unknown = [w for w in others if w not in _STOCK_WORDS and not w.isdigit()]
    if len(kinds) == 1 and not unknown:
        return next(iter(kinds)), "", None
    if not kinds:
        return None, f"'{what}' names no worker type ({WORKER_TYPES_SAID})", unknown or [what]
    return (
        None,
        (
            f"'{what}' names {next(iter(kinds))} with words not recognised: "
            + ", ".join(f"'{w}'" for w in unknown)
        ),
        unknown,
    )


def classify_title(title: str) -> tuple[str | None, str]:
    """(worker type, why not) for a table title: the worker type when the table is a stock
    of one worker type per police force area, else None and the reason it is skipped.

    The worker type may be worded around ("Police officer numbers", "Number of police
    officers"); a table of flows, rates or several types is skipped.

    >>> classify_title("Table 1: Police officers by police force area, England and Wales")
    ('Police officers', '')
    >>> classify_title("Table 1: Police officer numbers by police force area")
    ('Police officers', '')
    """
    kind, why, _ = _classify(title)
    return kind, why


def _header(rows: list[list[object]], start: int) -> tuple[int, dict[int, dt.date]] | None:
    for i in range(start, min(len(rows), start + _SCAN)):
        dates = {j: d for j, c in enumerate(rows[i]) if (d := header_date(c)) is not None}
        if len(dates) >= 2:
            return i, dates
    return None


def _measures(
    rows: list[list[object]], title_row: int, header_row: int, date_cols: dict[int, dt.date]
) -> dict[int, str]:
    """FTE or headcount for each date column, from the words above the header.

    One kind named anywhere above the header applies to every column; where both are named
    (a two-level header), each column takes the nearest label at or left of it.
    """
    found: list[tuple[int, int, str]] = []  # (row, col, measure)
    for i in range(title_row, header_row + 1):
        for j, cell in enumerate(rows[i]):
            if not isinstance(cell, str):
                continue
            if i == title_row and j == 0 and _TITLE.match(cell):
                continue  # the title is used only as a last resort
            if _FTE.search(cell):
                found.append((i, j, "fte"))
            elif _HEADCOUNT.search(cell):
                found.append((i, j, "headcount"))
    kinds = {m for _, _, m in found}
    if not kinds:
        title = str(rows[title_row][0]) if rows[title_row] else ""
        if _FTE.search(title):
            kinds = {"fte"}
        elif _HEADCOUNT.search(title):
            kinds = {"headcount"}
        else:
            return {}
    if len(kinds) == 1:
        only = next(iter(kinds))
        return dict.fromkeys(date_cols, only)
    out: dict[int, str] = {}
    for col in date_cols:
        left = [(j, m) for _, j, m in found if j <= col]
        if left:
            out[col] = max(left)[1]
    return out


def _label_col(rows: list[list[object]], header_row: int, first_date_col: int) -> int:
    best, best_n = 0, -1
    for col in range(first_date_col):
        cells = (r[col] for r in rows[header_row + 1 :] if col < len(r))
        n = sum(1 for c in cells if isinstance(c, str) and c.strip())
        if n > best_n:
            best, best_n = col, n
    return best


def _is_footer(label: str) -> bool:
    low = label.lower()
    return low.startswith(
        ("source", "note", "'..'", "..", "*", "-", "(", "figures", "data ")
    ) or bool(re.match(r"^\d", low))


def _near_miss_title(rows: list[list[object]], title_row: int, title: str) -> str | None:
    """Why a title "<something> by police force area" over a header of dates (the shape of a
    stock table) was not understood, None when it was, or is some other table."""
    kind, why, unknown = _classify(title)
    if kind is not None or unknown is None or _header(rows, title_row + 1) is None:
        return None
    return why


def _title_problem(
    source: Source, sheet: str, rows: list[list[object]], title_row: int, title: str, why: str
) -> Problem:
    row = rows[title_row]
    j = next((j for j, c in enumerate(row[:3]) if isinstance(c, str) and c.strip()), 0)
    return Problem(
        source.name,
        f"the table title does not name one worker type: {why}",
        sheet,
        title_row + 1,
        f"{column_letter(j)} (title)",
        row[j],
        f"a title naming one worker type before 'by police force area' ({WORKER_TYPES_SAID}),"
        " e.g. 'Table 1: Police officers by police force area'",
    )


class WorkforceTablesReader:
    format = "home_office_workforce_tables"
    label = "Home Office Police workforce, England and Wales tables (ODS or XLSX)"
    # Headcount tables of any worker type are read, but the editions held (30 September
    # 2015, 2016 and 2018) publish officers, staff, PCSOs and designated officers in FTE
    # only: a measure of their headcount is sent to the open data tables, not here.
    produces: tuple[Produces, ...] = (
        Produces(
            "workforce",
            ("fte",),
            ("Police officers", "Police staff", "PCSOs", "Designated officers"),
            "the Home Office Police workforce, England and Wales tables",
        ),
        Produces(
            "workforce",
            ("headcount",),
            ("Special constables",),
            "the Home Office Police workforce, England and Wales tables",
        ),
    )

    def sniff(self, source: Source) -> bool:
        if not source.is_workbook:
            return False
        for sheet in source.sheet_names:
            found = _title(source.rows(sheet)[:8])
            if found is None:
                continue
            # The title alone is enough: a table whose header is not understood then gets
            # a problem naming its sheet, rather than "format not recognised".
            if classify_title(found[1])[0] is not None:
                return True
            # a per-force table of dates whose title's worker type is not understood: read,
            # to say which words of the title were not recognised
            if _near_miss_title(source.rows(sheet), *found) is not None:
                return True
        return False

    def read(self, source: Source) -> ReadResult:
        result = ReadResult(source.name, self.format, self.label)
        tables: list[_Table] = []
        seen: dict[tuple[str, str], str] = {}
        skipped: list[str] = []
        for sheet in source.sheet_names:
            rows = source.rows(sheet)
            found = _title(rows)
            if found is None:
                skipped.append(f"'{sheet.strip()}' (no table title)")
                continue
            title_row, title = found
            kind, why = classify_title(title)
            if kind is None and (near := _near_miss_title(rows, title_row, title)) is not None:
                result.problems.append(_title_problem(source, sheet, rows, title_row, title, near))
                continue
            if kind is None:
                skipped.append(f"'{sheet.strip()}' ({clean_label(title)[:90]}: {why})")
                continue
            header = _header(rows, title_row + 1)
            if header is None:
                result.problems.append(
                    Problem(
                        source.name,
                        f"no header row of dates found below the title '{title[:80]}'",
                        sheet,
                        expected="a header row with the dates of the table "
                        "(date cells or text such as 30 September 2018)",
                    )
                )
                continue
            header_row, date_cols = header
            measures = _measures(rows, title_row, header_row, date_cols)
            if not measures:
                result.problems.append(
                    Problem(
                        source.name,
                        "the table does not say whether it counts FTE or headcount",
                        sheet,
                        header_row + 1,
                        expected="'Full-time equivalents' or 'Headcount' above the header",
                    )
                )
                continue
            clash = [m for m in set(measures.values()) if (kind, m) in seen]
            if clash:
                skipped.append(
                    f"'{sheet.strip()}' ({kind} {clash[0]} already read from "
                    f"'{seen[(kind, clash[0])]}')"
                )
                continue
            for m in set(measures.values()):
                seen[(kind, m)] = sheet.strip()
            table = _Table(
                sheet,
                title,
                kind,
                header_row,
                _label_col(rows, header_row, min(date_cols)),
                date_cols,
                measures,
            )
            self._read_rows(source, rows, table, result)
            tables.append(table)
            result.sheets.append(sheet)
        if skipped:
            result.warnings.append("tables not read: " + "; ".join(skipped))
        if not tables and not result.problems:
            result.problems.append(
                Problem(
                    source.name,
                    "no table of one worker type by police force area was found",
                    expected="a sheet titled like 'Table 1: Police officers by police force area'",
                )
            )
        return finish(
            result,
            [f for t in tables for f in t.facts],
            Problem(
                source.name,
                "the tables hold no figures",
                expected="force rows below the dates header",
            ),
            edition=lambda _: edition_label(max(d for t in tables for d in t.date_cols.values())),
        )

    def _read_rows(
        self, source: Source, rows: list[list[object]], t: _Table, result: ReadResult
    ) -> None:
        labels = [
            (i, rows[i][t.label_col])
            for i in range(t.header_row + 1, len(rows))
            if t.label_col < len(rows[i]) and isinstance(rows[i][t.label_col], str)
        ]
        counts: dict[str, int] = {}
        for _, raw in labels:
            key = normalise_name(raw)
            counts[key] = counts.get(key, 0) + 1
        seen_names: set[str] = set()
        seen_codes: dict[str, int] = {}
        unavailable: list[str] = []
        col_name = f"{column_letter(t.label_col)} (area)"
        for i in range(t.header_row + 1, len(rows)):
            row = rows[i]
            raw = row[t.label_col] if t.label_col < len(row) else ""
            cells = {j: (row[j] if j < len(row) else "") for j in t.date_cols}
            has_values = any(not is_blank(v) for v in cells.values())
            if is_blank(raw):
                if has_values:
                    result.problems.append(
                        Problem(
                            source.name,
                            "figures in a row without an area name",
                            t.sheet,
                            i + 1,
                            col_name,
                            None,
                            "a police force area, region or nation name",
                        )
                    )
                continue
            label = clean_label(raw)
            if not has_values and (_is_footer(label) or resolve_area(label) is None):
                continue  # notes, sources and banners below the table
            reason = non_area_reason(label)
            if reason is not None:
                result.set_aside.append(SetAside(t.sheet, label, reason))
                continue
            key = normalise_name(raw)
            area = _area(str(raw), key, first=key not in seen_names, twice=counts.get(key, 0) > 1)
            seen_names.add(key)
            if area is None:
                result.problems.append(
                    Problem(
                        source.name,
                        f"unknown police force area '{label}'",
                        t.sheet,
                        i + 1,
                        col_name,
                        raw,
                        "one of the 43 forces of England and Wales (any common "
                        "spelling), a region or a nation",
                    )
                )
                continue
            if area.code in seen_codes:  # never sum two rows of one area silently
                result.problems.append(
                    Problem(
                        source.name,
                        f"'{area.name}' appears twice in the table (also row "
                        f"{seen_codes[area.code]})",
                        t.sheet,
                        i + 1,
                        col_name,
                        raw,
                        "each area once per table",
                    )
                )
                continue
            seen_codes[area.code] = i + 1
            for j, when in t.date_cols.items():
                measure = t.measures.get(j)
                if measure is None:
                    continue
                try:
                    n = parse_number(cells[j])
                except NotANumber:
                    result.problems.append(
                        Problem(
                            source.name,
                            "not a number",
                            t.sheet,
                            i + 1,
                            f"{column_letter(j)} ({edition_label(when)})",
                            cells[j],
                            "a number, or a marker such as '..'",
                        )
                    )
                    continue
                if n is MISSING:
                    unavailable.append(f"{area.name} at {edition_label(when)}")
                    continue
                if n is None:
                    continue
                t.facts.append(
                    {
                        "dataset": "workforce",
                        "area_code": area.code,
                        "area_name": area.name,
                        "area_kind": area.kind,
                        "period_start": when,
                        "period_end": when,
                        "period_type": "snapshot",
                        "category": t.category,
                        "subcategory": "",
                        "measure": measure,
                        "value": n,
                        "base": None,
                        "source": SOURCE_LABEL,
                        "sheet": t.sheet.strip(),
                        "edition": "",
                    }
                )
        if unavailable:
            result.warnings.append(
                f"sheet '{t.sheet.strip()}' ({t.category}): not available ('..'), left out: "
                + "; ".join(unavailable)
            )


def _area(raw: str, key: str, *, first: bool, twice: bool) -> Area | None:
    """The area a row label names. Regions are told apart from the force of the same name
    (West Midlands) by the trailing space tables give region rows, or by coming first."""
    code = _REGION_NAMES.get(key)
    if code is not None:
        force = resolve_area(raw)
        is_force = force is not None and force.kind == "force"
        trailing = raw != raw.rstrip()
        if not is_force or trailing or (twice and first):
            return force_by_code(code)
        return force
    return resolve_area(raw)


register(WorkforceTablesReader())
