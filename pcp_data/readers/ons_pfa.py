"""ONS "Crime in England and Wales: Police Force Area data tables", any edition.

Recognised by content: a sheet whose title names police recorded crime (or offences) by
police force area, with an "Area Code"/"Area Name" header below it. Sheet names do not
matter; each sheet is classified by its title and header:

- **counts** (Table P1 in 2018-19 editions: "... number of offences, year ending June 18"):
  measure ``offences``;
- **rates** (Table P3: "... rate of offences ..." with "Rate per 1,000 population"):
  measure ``rate_per_1000``, and its population column as population facts;
- **mid-year population estimates** (Table P9 in some editions): population per year;
- **anti-social behaviour incidents** (Table P7 in editions for years ending March: "Anti-social
  behaviour incidents, by police force area, ..., year ending March 2008 to year ending March
  2018"): one column pair per year headed "Apr '07 to Mar '08" over "Number of Incidents" and
  "Rate per 1,000 population"; the numbers go to dataset ``indicator``, category
  `vocabulary.ANTI_SOCIAL_BEHAVIOUR`, measure ``value``, period_type ``financial_year`` (a
  span that is not April to March is a ``rolling_year``), as data.police.uk's incidents do; the
  rates are not stored (the product's rates come from the counts and the population), and the
  England and Wales row that includes British Transport Police is set aside (the row without
  it is the sum of the forces);
- anything else (percentage change, knife crime, anti-social behaviour by category or as the
  crime survey finds it, households) is not read, and the warnings say which sheets were
  skipped.

Periods: the rolling year named in the sheet's title ("year ending June 181,2" is June 2018
with footnotes 1 and 2): period_type ``rolling_year``, from the first day of the month
eleven months before the end month to the end of the end month. The edition is
"year ending <Month> <YYYY>". Population facts are snapshots at 30 June of the year the
column names ("Population figures (mid-2017)"); when it names none, the snapshot is the
period end and a warning says so.

Columns, through the two-level header (upper labels only where the lower cell is blank;
spacer columns skipped):

- "Total recorded crime (excluding fraud)" -> category ``Total recorded crime``,
  subcategory ``""`` (the total of all groups; fraud is never in police force area figures);
- an offence group (``Violence against the person``) -> that group, subcategory ``""``,
  meaning *the whole group*; a group with a single subgroup of its own name (``Public
  order offences``) gets that subgroup, as Home Office figures do;
- a subgroup of the group to its left (``Violence with injury``) -> (group, subgroup);
- any other heading (``Burglary``, ``Residential burglary``, ``Vehicle offences``,
  ``Death or serious injury - unlawful driving``) is kept under its cleaned label as a
  subcategory of the group to its left, and listed in the warnings. Some of these are
  sums of other columns (``Burglary`` = residential + non-residential): totals must be taken
  from subcategory ``""``, never by adding subcategories of an ONS edition.
- rates per 1,000 *households* are not stored (the product's rates are per population).

Areas are resolved by their E23/W15/E12/E92/W92/K04 code (the name only checked): forces,
regions and nations each keep their own kind (England and Wales is kept as a nation for
comparison). British Transport Police (no area) is set aside. An area whose figures are all
not available (``..``) is left out of that edition with a warning naming it; a single
missing cell (City of London's suppressed rates, ``+``) is left out and counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pcp_data.cleaning import (
    MISSING,
    NotANumber,
    clean_label,
    header_key,
    is_blank,
    is_footer,
    mid_year,
    near_miss_header,
    offence_group,
    offence_subgroup,
    parse_number,
    spacer_columns,
    spellings_matcher,
    year_ending,
    year_of,
)
from pcp_data.errors import Problem
from pcp_data.facts import normalise_facts
from pcp_data.forces import (
    AreaMismatch,
    classify_non_area,
    resolve_area,
    resolve_code_and_name,
)
from pcp_data.readers import Produces, ReadResult, SetAside, register
from pcp_data.readers.source import Source, column_letter, find_header
from pcp_data.vocabulary import ANTI_SOCIAL_BEHAVIOUR, CLASSIFICATION_CHANGES, OFFENCE_GROUPS

SOURCE = "ONS Crime in England and Wales: Police Force Area data tables"
TOTAL = "Total recorded crime"

# The vocabulary's names the tables give (Tables P1 and P3 in every edition held): every
# offence group, the subgroups published by name, and those published under another name
# (`vocabulary.CLASSIFICATION_CHANGES`: Residential burglary is Domestic burglary).
ONS_CATEGORIES: tuple[str, ...] = (
    *OFFENCE_GROUPS,
    "Homicide",
    "Violence with injury",
    "Violence without injury",
    "Stalking and harassment",
    "Theft from the person",
    "Bicycle theft",
    "Shoplifting",
    "Other theft offences",
    *(c.name for c in CLASSIFICATION_CHANGES if c.publication == SOURCE),
)

AREA_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Area Code", "Area codes", "Code", "PFA code", "Police force area code"),
    "name": ("Area Name", "Area names", "Name", "Police force area", "Police Force Area name"),
}

_TITLE_CRIME = re.compile(r"police force area", re.IGNORECASE)
_TITLE_SUBJECT = re.compile(
    r"recorded crime|offences|population|anti-social behaviour incidents", re.IGNORECASE
)
# "Apr '07 to Mar '083": a financial year, footnote 3 glued to the end year
_SPAN = re.compile(
    r"([A-Za-z]{3})[a-z]*\s*'?(\d{4}|\d{2})\s*to\s*"
    r"([A-Za-z]{3})[a-z]*\s*'?(\d{4}|\d{2})"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# an England and Wales row that includes British Transport Police, beside one without it
_INCLUDES_BTP = re.compile(
    r"\binc(?:l|\.|luding)?\b.*\b(?:BTP|British Transport Police)\b", re.IGNORECASE
)


def _span(text: object) -> tuple[dt.date, dt.date] | None:
    """The months a column heading spans: "Apr '07 to Mar '083" is April 2007 - March 2008."""
    m = _SPAN.search(str(text))
    if not m:
        return None
    names = (m.group(1).lower(), m.group(3).lower())
    if names[0] not in _MONTHS or names[1] not in _MONTHS:
        return None
    years = [int(m.group(k)) + (2000 if len(m.group(k)) == 2 else 0) for k in (2, 4)]
    first = dt.date(years[0], _MONTHS.index(names[0]) + 1, 1)
    last_month = dt.date(years[1], _MONTHS.index(names[1]) + 1, 1)
    if last_month < first:
        return None
    nxt = dt.date(last_month.year + (last_month.month == 12), last_month.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _title(rows: list[list[object]], header_row: int) -> str:
    """The title text above the header (the first rows' text cells, joined)."""
    parts = []
    for row in rows[:header_row]:
        for cell in row:
            if isinstance(cell, str) and cell.strip():
                parts.append(cell.strip())
                break
    return " ".join(parts)


@dataclass
class _Table:
    sheet: str
    kind: str  # counts, rates, population or other
    title: str
    header_row: int
    cols: dict[str, int]
    missing: list[str] = field(default_factory=list)
    """Area columns the header lacks (a table known by its title whose header was renamed)."""


_CODE = re.compile(r"^[EWKSN]\d{8}$")
_AREA_NAMES = {"code": "Area Code", "name": "Area Name"}


def _code_cells(rows: list[list[object]], j: int) -> float:
    cells = [r[j] for r in rows if j < len(r) and not is_blank(r[j])]
    return sum(1 for c in cells if _CODE.match(str(c).strip())) / len(cells) if cells else 0.0


def _name_cells(rows: list[list[object]], j: int) -> float:
    column = (r[j] for r in rows if j < len(r))
    cells = [c for c in column if isinstance(c, str) and c.strip()]
    return (
        sum(1 for c in cells if resolve_area(clean_label(c)) is not None) / len(cells)
        if cells
        else 0.0
    )


def _without_header(rows: list[list[object]], sheet: str) -> _Table | None:
    """A police force area table known by its title and its ONS area codes whose header has
    no recognised area code or area name column: kept, to say what the header lacks."""
    title = _title(rows, min(len(rows), 10))
    low = title.lower()
    if not (_TITLE_CRIME.search(title) and re.search(r"recorded crime|offences", low)):
        return None
    kind = (
        "rates"
        if "rate of offences" in low or "rates of offences" in low
        else "counts"
        if "number of offences" in low
        else None
    )
    if kind is None:
        return None
    first_code = next(
        (
            i
            for i, r in enumerate(rows[:60])
            if any(isinstance(c, str) and _CODE.match(c.strip()) for c in r[:4])
        ),
        None,
    )
    if first_code is None:
        return None  # a contents or notes sheet naming the table, not the table
    near = near_miss_header(rows[:first_code], _recognise_area, ("code", "name"), at_least=1)
    if near is not None:
        return _Table(sheet, kind, title, near[0], near[1], near[2])
    # neither column is named: the header is the last text row above the first code
    header = next(
        (
            i
            for i in range(first_code - 1, -1, -1)
            if sum(isinstance(c, str) and bool(c.strip()) for c in rows[i]) >= 2
        ),
        max(first_code - 1, 0),
    )
    return _Table(sheet, kind, title, header, {}, ["code", "name"])


_recognise_area = spellings_matcher(AREA_COLUMNS)


def _classify(source: Source, sheet: str) -> _Table | None:
    rows = source.rows(sheet)
    found = find_header(rows, AREA_COLUMNS, scan=30)
    if found is None:
        return _without_header(rows, sheet)
    header_row, cols = found
    title = _title(rows, header_row)
    if not (_TITLE_CRIME.search(title) and _TITLE_SUBJECT.search(title)):
        return None
    low = title.lower()
    below = " ".join(str(c).lower() for r in rows[header_row + 1 : header_row + 2] for c in r if c)
    header = {header_key(c) for c in rows[header_row] if not is_blank(c)}
    if (
        "anti-social behaviour incidents" in low
        and "category of incident" not in low
        and "number of incidents" in header
    ):
        kind = "asb_incidents"
    elif "percentage change" in low or "knife" in low or "anti-social" in low or "household" in low:
        kind = "other"
    elif "mid-year population" in low or "population estimates" in low:
        kind = "population"
    elif "rate" in low or "rate per 1,000" in below:
        kind = "rates"
    elif "number of offences" in low or "numbers" in below or "recorded crime by offence" in low:
        kind = "counts"
    else:
        kind = "other"
    return _Table(sheet, kind, title, header_row, cols)


def _rolling_year(end: dt.date) -> tuple[dt.date, dt.date]:
    month0 = end.year * 12 + end.month - 1 - 11
    return dt.date(month0 // 12, month0 % 12 + 1, 1), end


def _edition(end: dt.date) -> str:
    return f"year ending {end.strftime('%B %Y')}"


class ONSPFAReader:
    format = "ons_pfa"
    label = "ONS Crime in England and Wales: Police Force Area data tables"
    produces: tuple[Produces, ...] = (
        Produces(
            "recorded_crime",
            ("offences", "rate_per_1000"),
            ONS_CATEGORIES,
            "the ONS Police Force Area data tables (Tables P1 and P3)",
        ),
        Produces(
            "population",
            ("persons",),
            ("All persons",),
            "the ONS Police Force Area data tables (Table P3 or P9)",
        ),
        Produces(
            "indicator",
            ("value",),
            (ANTI_SOCIAL_BEHAVIOUR,),
            "the ONS Police Force Area data tables for a year ending March (Table P7, "
            "anti-social behaviour incidents)",
        ),
    )

    def sniff(self, source: Source) -> bool:
        if not source.is_workbook:
            return False
        return any(
            (t := _classify(source, s)) is not None and t.kind in ("counts", "rates")
            for s in source.sheet_names
        )

    def read(self, source: Source) -> ReadResult:
        result = ReadResult(source.name, self.format, self.label)
        records: list[dict[str, Any]] = []
        skipped: list[str] = []
        unmapped: dict[str, set[str]] = {}
        editions: list[str] = []
        for sheet in source.sheet_names:
            table = _classify(source, sheet)
            if table is None or table.kind == "other":
                skipped.append(sheet.strip())
                continue
            if table.missing:
                result.problems.append(_missing_columns_problem(source, table))
                continue
            result.sheets.append(sheet)
            reader = _SheetReader(source, table, result)
            records.extend(reader.read())
            if reader.edition:
                editions.append(reader.edition)
            for label in reader.unmapped:
                unmapped.setdefault(label, set()).add(sheet.strip())
        if skipped:
            result.warnings.append(
                "sheets not read (not offence counts, rates per 1,000 population, "
                "population or anti-social behaviour incidents): "
                + ", ".join(f"'{s}'" for s in skipped)
            )
        for label, sheets in sorted(unmapped.items()):
            result.warnings.append(
                f"column '{label}' ({', '.join(sorted(sheets))}) is not an offence group or "
                "subgroup of the product's vocabulary: kept under that name"
            )
        if len(set(editions)) > 1:
            result.warnings.append(
                "the sheets name different periods: " + ", ".join(sorted(set(editions)))
            )
        if result.problems or not records:
            if not records and not result.problems:
                result.problems.append(
                    Problem(
                        source.name,
                        "no figures were found in the police force area tables",
                        expected="rows of areas with codes and figures under the header",
                    )
                )
            return result
        frame = pd.DataFrame.from_records(records)
        if editions:  # a population table names no rolling year: it belongs to the edition
            frame.loc[frame["edition"] == "", "edition"] = editions[0]
        # The same population can be given twice (a rates table and a population table):
        # it is one figure, kept once, not summed.
        pop = frame["dataset"] == "population"
        if pop.any():
            keys = ["dataset", "area_code", "period_start", "category", "measure"]
            dup = frame[pop].duplicated(keys, keep="first")
            if dup.any():
                spread = frame[pop].groupby(keys)["value"].agg(lambda s: s.max() - s.min())
                if (spread > 100).any():
                    result.warnings.append(
                        "population figures for the same area and year differ between sheets "
                        "by more than rounding; the first sheet's figure is kept"
                    )
                frame = frame.drop(index=frame[pop].index[dup.to_numpy()])
        result.facts = normalise_facts(frame)
        return result


def _missing_columns_problem(source: Source, t: _Table) -> Problem:
    """The header lacks an area column: say which, and which column seems to hold it."""
    rows = source.rows(t.sheet)
    header = rows[t.header_row] if 0 <= t.header_row < len(rows) else []
    body = []
    for r in rows[t.header_row + 1 : t.header_row + 80]:
        if r and (is_footer(r[0]) or (len(r) > 1 and is_footer(r[1]))):
            break  # the notes under the table
        body.append(r)
    missing = t.missing
    wanted = " and ".join(_AREA_NAMES[c] for c in missing)
    message = f"the header has no {wanted} column"
    column = value = None
    used = set(t.cols.values())
    for c in missing:
        score = _code_cells if c == "code" else _name_cells
        hits = [
            j
            for j in range(max((len(r) for r in body), default=0))
            if j not in used and score(body, j) >= 0.8
        ]
        if not hits:
            continue
        j = hits[0]
        used.add(j)
        label = clean_label(header[j]) if j < len(header) and not is_blank(header[j]) else ""
        what = "area codes" if c == "code" else "area names"
        message += (
            f"; column {column_letter(j)} holds {what} but its heading '{label}' is not recognised"
            if label
            else f"; column {column_letter(j)} holds {what} but has no heading"
        )
        if column is None:
            column = column_letter(j) + (f" ({label})" if label else "")
            value = header[j] if label else None
    expected = "; ".join(
        f"a column headed {_AREA_NAMES[c]} (or "
        + ", ".join(x for x in AREA_COLUMNS[c] if x != _AREA_NAMES[c])
        + ")"
        for c in missing
    )
    return Problem(source.name, message, t.sheet, t.header_row + 1, column, value, expected)


class _SheetReader:
    def __init__(self, source: Source, table: _Table, result: ReadResult) -> None:
        self.source, self.table, self.result = source, table, result
        self.rows = source.rows(table.sheet)
        self.unmapped: list[str] = []
        self.edition = ""
        self.periods: dict[int, tuple[dt.date, dt.date]] = {}
        """Each column's own period, where the columns are periods (anti-social behaviour)."""

    def problem(
        self,
        message: str,
        row: int | None = None,
        col: int | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        column = None
        if col is not None:
            column = column_letter(col)
            label = (
                self.rows[self.table.header_row][col]
                if col < len(self.rows[self.table.header_row])
                else ""
            )
            if not is_blank(label):
                column += f" ({clean_label(label)})"
        self.result.problems.append(
            Problem(
                self.source.name,
                message,
                self.table.sheet,
                None if row is None else row + 1,
                column,
                value,
                expected,
            )
        )

    def asb_columns(self) -> list[tuple[int, str, str, str]]:
        """The incident-count columns of an anti-social behaviour table, each with its period
        from the heading above it (merged over the count and rate pair)."""
        t, rows = self.table, self.rows
        h = t.header_row
        lower = rows[h]
        upper = rows[h - 1] if h > 0 else []
        area_cols = set(t.cols.values())
        out: list[tuple[int, str, str, str]] = []
        span: tuple[dt.date, dt.date] | None = None
        heading: object = ""
        rates = 0
        for j in range(max(len(lower), len(upper))):
            if j in area_cols:
                continue
            if j < len(upper) and not is_blank(upper[j]):
                heading, span = upper[j], _span(upper[j])
            key = header_key(lower[j]) if j < len(lower) and not is_blank(lower[j]) else ""
            if not key:
                continue
            if "rate" in key:
                rates += 1
                continue
            if "number" not in key and "incident" not in key:
                self.result.warnings.append(
                    f"sheet '{t.sheet.strip()}' column {column_letter(j)} "
                    f"('{clean_label(lower[j])}') is not a number of incidents: not read"
                )
                continue
            if span is None:
                self.problem(
                    "the period of this column was not recognised",
                    row=h - 1,
                    col=j,
                    value=heading if not is_blank(heading) else None,
                    expected="a heading such as \"Apr '17 to Mar '18\" above the "
                    "number of incidents",
                )
                continue
            self.periods[j] = span
            out.append((j, "value", ANTI_SOCIAL_BEHAVIOUR, ""))
        if rates:
            self.result.warnings.append(
                f"sheet '{t.sheet.strip()}': {rates} column(s) of anti-social behaviour rates "
                "per 1,000 population not stored (the incidents are)"
            )
        return out

    def columns(self) -> list[tuple[int, str, str, str]]:
        """(column, measure, category, subcategory) of every figure column."""
        t, rows = self.table, self.rows
        if t.kind == "asb_incidents":
            return self.asb_columns()
        h = t.header_row
        lower = rows[h]
        upper = rows[h - 1] if h > 0 else []
        width = max(len(r) for r in rows[h:]) if rows[h:] else 0
        area_cols = set(t.cols.values())
        spacers = spacer_columns(rows, h + 1, range(width))
        out: list[tuple[int, str, str, str]] = []
        group: str | None = None
        measure = {"counts": "offences", "rates": "rate_per_1000"}.get(t.kind, "persons")
        for j in range(width):
            if j in area_cols or j in spacers:
                continue
            raw = (
                lower[j]
                if j < len(lower) and not is_blank(lower[j])
                else (upper[j] if j < len(upper) else "")
            )
            label = clean_label(raw) if not is_blank(raw) else ""
            key = header_key(raw) if label else ""
            if not label:
                self.result.warnings.append(
                    f"sheet '{t.sheet.strip()}' column {column_letter(j)} has figures but no "
                    "heading: not read"
                )
                continue
            if t.kind == "population":
                year = year_of(raw)
                if year is None:
                    self.result.warnings.append(
                        f"sheet '{t.sheet.strip()}' column {column_letter(j)} ('{label}') is "
                        "not a year: not read"
                    )
                    continue
                out.append((j, "persons", "All persons", str(year)))
                continue
            if "household" in key:
                self.result.warnings.append(
                    f"sheet '{t.sheet.strip()}' column {column_letter(j)} ('{label}') is per "
                    "household, not population: not stored"
                )
                continue
            if "population" in key:
                year = mid_year(raw)
                out.append((j, "persons", "All persons", str(year) if year else ""))
                continue
            if key.startswith("total recorded crime"):
                if "including fraud" in key:
                    out.append((j, measure, label, ""))
                else:
                    out.append((j, measure, TOTAL, ""))
                continue
            g = offence_group(raw)
            if g is not None:
                group = g
                subs = OFFENCE_GROUPS[g]
                sub = subs[0] if len(subs) == 1 and subs[0] == g else ""
                out.append((j, measure, g, sub))
                continue
            hit = offence_subgroup(raw, group) or offence_subgroup(raw)
            if hit is not None:
                out.append((j, measure, hit[0], hit[1]))
                continue
            label = re.sub(r"\s+\d+(,\d+)*$", "", label)  # "... driving 4": a footnote
            self.unmapped.append(label)
            out.append((j, measure, group or label, label if group else ""))
        return out

    def read(self) -> list[dict[str, Any]]:
        t, rows = self.table, self.rows
        end = year_ending(t.title) if t.kind != "asb_incidents" else None
        if end is None and t.kind not in ("population", "asb_incidents"):
            self.result.problems.append(
                Problem(
                    self.source.name,
                    "the period was not found in the sheet's title",
                    t.sheet,
                    1,
                    "A",
                    t.title[:200] or None,
                    "a title naming the rolling year, such as 'year ending June 2018'",
                )
            )
            return []
        if end is not None:
            start, end = _rolling_year(end)
            self.edition = _edition(end)
        problems = len(self.result.problems)
        columns = self.columns()
        if len(self.result.problems) > problems:
            return []
        if not columns:
            self.problem(
                "no figure columns were found under the header",
                row=t.header_row,
                expected="offence groups, rates, population or incident columns",
            )
            return []
        c_code, c_name = t.cols["code"], t.cols["name"]
        out: list[dict[str, Any]] = []
        edition = self.edition
        base_sheet = t.sheet
        for i in range(t.header_row + 1, len(rows)):
            row = rows[i]
            code = row[c_code] if c_code < len(row) else ""
            name = row[c_name] if c_name < len(row) else ""
            if is_blank(code) and is_blank(name):
                continue
            if is_footer(code) or is_footer(name):
                continue
            figures = [row[j] if j < len(row) else "" for j, *_ in columns]
            if all(is_blank(v) for v in figures):
                continue  # a heading row inside the table (a unit line, a banner)
            label = clean_label(name) if not is_blank(name) else clean_label(code)
            if _INCLUDES_BTP.search(label):
                self.result.set_aside.append(
                    SetAside(
                        t.sheet,
                        label,
                        "includes British Transport Police (the figure without it is kept)",
                    )
                )
                continue
            reason = classify_non_area(label)
            if reason is not None and is_blank(code):
                self.result.set_aside.append(SetAside(t.sheet, label, reason))
                continue
            try:
                area = resolve_code_and_name(code if not is_blank(code) else None, label)
            except AreaMismatch as exc:
                self.problem(
                    f"the area code and name disagree: {exc}",
                    row=i,
                    col=c_code,
                    value=code,
                    expected="a code and name of the same area",
                )
                continue
            if area is None:
                self.problem(
                    f"'{label}' ({clean_label(code) or 'no code'}) is not a known police force "
                    "area, region or nation",
                    row=i,
                    col=c_name if is_blank(code) else c_code,
                    value=code if not is_blank(code) else name,
                    expected="an E23/W15 force, E12 region, E92/W92 nation or K04 code, or "
                    "one of the 43 forces' names",
                )
                continue
            values: list[tuple[tuple[int, str, str, str], float]] = []
            missing = 0
            bad = False
            for col, v in zip(columns, figures, strict=True):
                try:
                    n = parse_number(v)
                except NotANumber:
                    self.problem(
                        "the figure is not a number",
                        row=i,
                        col=col[0],
                        value=v,
                        expected="a number, or a marker such as '..'",
                    )
                    bad = True
                    continue
                if n is None or n is MISSING:
                    missing += 1
                    continue
                values.append((col, n))
            if bad:
                continue
            if not values:
                self.result.warnings.append(
                    f"{area.name} has no figures (not available) in sheet '{t.sheet.strip()}' "
                    f"for the {edition or 'table'}: left out of that edition, not stored as zero"
                )
                continue
            if missing:
                self.result.warnings.append(
                    f"{area.name}: {missing} figure(s) not available in sheet "
                    f"'{t.sheet.strip()}' ({edition or 'table'}): left out, not stored as zero"
                )
            for (j, measure, category, sub), n in values:
                rec = {
                    "area_code": area.code,
                    "area_name": area.name,
                    "area_kind": area.kind,
                    "base": float("nan"),
                    "source": SOURCE,
                    "sheet": base_sheet,
                    "edition": edition,
                    "value": n,
                    "measure": measure,
                }
                if measure == "persons":
                    year = int(sub) if sub else None
                    day = end if year is None else dt.date(year, 6, 30)
                    out.append(
                        {
                            **rec,
                            "dataset": "population",
                            "period_start": day,
                            "period_end": day,
                            "period_type": "snapshot",
                            "category": category,
                            "subcategory": "",
                        }
                    )
                    continue
                if j in self.periods:
                    first, last = self.periods[j]
                    fy = first.month == 4 and last.month == 3 and last.year == first.year + 1
                    out.append(
                        {
                            **rec,
                            "dataset": "indicator",
                            "period_start": first,
                            "period_end": last,
                            "period_type": "financial_year" if fy else "rolling_year",
                            "category": category,
                            "subcategory": sub,
                        }
                    )
                    continue
                out.append(
                    {
                        **rec,
                        "dataset": "recorded_crime",
                        "period_start": start,
                        "period_end": end,
                        "period_type": "rolling_year",
                        "category": category,
                        "subcategory": sub,
                    }
                )
        if any(m == "persons" and not s for _, m, _, s in columns) and t.kind != "population":
            self.result.warnings.append(
                f"sheet '{t.sheet.strip()}': the population column does not say which mid-year "
                "estimate it is; stored at the end of the period"
            )
        return out


register(ONSPFAReader())
