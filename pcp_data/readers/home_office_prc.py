"""Home Office police recorded crime open data tables, by police force area.

Recognised by its header (anywhere in the first rows of a CSV or of any sheet): Financial
Year, Financial Quarter, Force Name, Offence Group, Offence Subgroup, Number of Offences
(Offence Description and Offence Code are read if present, but not needed). A workbook may
hold one sheet per financial year; sheets without that header (Notes, Index) are skipped.

Facts: dataset ``recorded_crime``, period_type ``quarter`` (financial quarters: Q1 =
April-June), measure ``offences``, category = offence group, subcategory = offence subgroup,
both in the vocabulary's names where they match (any case, footnotes stripped). Groups and
subgroups the vocabulary does not have (``Fraud offences``, or a subgroup a later edition
adds) are kept under their cleaned label and listed in the warnings. Every row is one
offence code, so rows with the same force, quarter and subgroup are summed.

Rows for bodies that are not police force areas (Action Fraud, CIFAS, UK Finance, Financial
Fraud Action UK, British Transport Police) are set aside with the reason. A force name that
is neither a force nor such a body is an error naming it. ``-00`` and ``-`` are zero; a
not-available marker (``..``) is left out and counted in the warnings. Negative numbers are
kept: the tables carry them where offences recorded earlier were cancelled or reclassified.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from pcp_data.cleaning import (
    MISSING,
    Missing,
    NotANumber,
    clean_label,
    header_key,
    is_blank,
    is_footer,
    near_miss_header,
    offence_group,
    offence_subgroup,
    parse_number,
    spellings_matcher,
    unrecognised_cells,
)
from pcp_data.errors import BadInput, Problem
from pcp_data.facts import normalise_facts
from pcp_data.forces import Area, classify_non_area, resolve_area
from pcp_data.periods import financial_quarter, financial_year, financial_year_label
from pcp_data.readers import Produces, ReadResult, SetAside, register, span
from pcp_data.readers.source import Source, column_letter, find_header

SOURCE = "Home Office police recorded crime open data"
MAX_PROBLEMS = 200

COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("Financial Year", "Financial year", "Year"),
    "quarter": ("Financial Quarter", "Quarter", "Fin Qtr"),
    "force": ("Force Name", "Force", "Police Force", "Police Force Area", "PFA"),
    "description": ("Offence Description", "Offence"),
    "group": ("Offence Group",),
    "subgroup": ("Offence Subgroup", "Offence Sub-group", "Offence sub group"),
    "code": ("Offence Code",),
    "number": ("Number of Offences", "Number of offences", "Offences", "Count"),
}
REQUIRED = ("year", "quarter", "force", "group", "subgroup", "number")
HEADER_NAMES = {
    "year": "Financial Year",
    "quarter": "Financial Quarter",
    "force": "Force Name",
    "group": "Offence Group",
    "subgroup": "Offence Subgroup",
    "number": "Number of Offences",
}


def _header(source: Source, sheet: str) -> tuple[int, dict[str, int]] | None:
    return find_header(source.rows(sheet), COLUMNS, required=REQUIRED, scan=30)


_recognise = spellings_matcher(COLUMNS)

# (area code, quarter start, quarter end, offence group, offence subgroup)
_Key = tuple[str, dt.date, dt.date, str, str]


def _near_miss(source: Source, sheet: str) -> tuple[int, dict[str, int], list[str]] | None:
    """A header with all but one or two of the needed columns (one was renamed)."""
    return near_miss_header(
        source.rows(sheet), _recognise, REQUIRED, at_least=len(REQUIRED) - 2, scan=30
    )


def _near_miss_problem(
    source: Source, sheet: str, near: tuple[int, dict[str, int], list[str]]
) -> Problem:
    """What a header that nearly matches lacks, naming the columns it did not recognise."""
    i, found, missing = near
    row = source.rows(sheet)[i]
    others = unrecognised_cells(row, found)
    wanted = ", ".join(HEADER_NAMES[c] for c in missing)
    message = f"the header has no {wanted} column"
    if others:
        message += (
            " (columns not recognised: "
            + ", ".join(f"'{clean_label(row[j])}'" for j in others)
            + ")"
        )
    column = (
        f"{column_letter(others[0])} ({clean_label(row[others[0]])})" if len(others) == 1 else None
    )
    expected = "; ".join(
        f"a column headed {HEADER_NAMES[c]} (or "
        + ", ".join(
            dict.fromkeys(s for s in COLUMNS[c] if header_key(s) != header_key(HEADER_NAMES[c]))
        )
        + ")"
        for c in missing
    )
    return Problem(
        source.name,
        message,
        sheet,
        i + 1,
        column,
        row[others[0]] if len(others) == 1 else None,
        expected,
    )


_QUARTER = re.compile(r"^(?:q|qtr|quarter)?\s*(\d+(?:\.0*)?)$", re.IGNORECASE)


def _quarter(value: object) -> int:
    # "1", 1.0, "Q1", "Quarter 1" (never clean_label: it would take the 1 of "Q1" for a footnote)
    text = re.sub(r"\s+", " ", str(value)).strip() if not is_blank(value) else ""
    m = _QUARTER.match(text)
    q = float(m.group(1)) if m else None
    if q not in (1, 2, 3, 4):
        raise BadInput("is not a financial quarter", "a quarter number 1-4 (Q1 = April-June)")
    return int(q)


def _year(value: object) -> dt.date:
    fy = financial_year(clean_label(value)) if not is_blank(value) else None
    if fy is None:
        raise BadInput("is not a financial year", "a financial year such as 2017/18")
    return fy[0]


class HomeOfficePRCReader:
    format = "home_office_prc"
    label = "Home Office police recorded crime open data table (by police force area)"
    produces: tuple[Produces, ...] = (
        Produces(
            "recorded_crime",
            ("offences",),
            None,
            "the Home Office police recorded crime open data tables",
        ),
    )

    def sniff(self, source: Source) -> bool:
        if source.kind not in ("csv", "xlsx", "xls", "ods"):
            return False
        return any(
            _header(source, s) is not None or _near_miss(source, s) is not None
            for s in source.sheet_names
        )

    def read(self, source: Source) -> ReadResult:
        result = ReadResult(source.name, self.format, self.label)
        sums: dict[_Key, float] = {}
        meta: dict[_Key, tuple[Area, str]] = {}
        years: set[dt.date] = set()
        unknown_labels: dict[str, int] = {}
        missing_cells = 0
        for sheet in source.sheet_names:
            found = _header(source, sheet)
            if found is None:
                near = _near_miss(source, sheet)
                if near is not None:
                    result.problems.append(_near_miss_problem(source, sheet, near))
                continue
            result.sheets.append(sheet)
            missing_cells += self._sheet(
                source, sheet, found, result, sums, meta, years, unknown_labels
            )
        if missing_cells:
            result.warnings.append(
                f"{missing_cells} cell(s) of Number of Offences were marked not available "
                "(such as '..') and were left out, not stored as zero"
            )
        for label, n in sorted(unknown_labels.items()):
            result.warnings.append(
                f"offence {label} is not in the product's vocabulary: kept under that name "
                f"({n} row(s))"
            )
        if years:
            labels = sorted(financial_year_label(y) for y in years)
            edition = span(labels[0], labels[-1])
        else:
            edition = ""
        if result.problems:
            return result
        records = []
        for key, value in sums.items():
            area, sheet = meta[key]
            start, end, group, sub = key[1:]
            records.append(
                {
                    "dataset": "recorded_crime",
                    "area_code": area.code,
                    "area_name": area.name,
                    "area_kind": area.kind,
                    "period_start": start,
                    "period_end": end,
                    "period_type": "quarter",
                    "category": group,
                    "subcategory": sub,
                    "measure": "offences",
                    "value": value,
                    "base": float("nan"),
                    "source": SOURCE,
                    "sheet": sheet,
                    "edition": edition,
                }
            )
        if records:
            result.facts = normalise_facts(pd.DataFrame.from_records(records))
        elif not result.problems:
            result.warnings.append("no figures for any police force area were found")
        return result

    def _sheet(
        self,
        source: Source,
        sheet: str,
        found: tuple[int, dict[str, int]],
        result: ReadResult,
        sums: dict[_Key, float],
        meta: dict[_Key, tuple[Area, str]],
        years: set[dt.date],
        unknown_labels: dict[str, int],
    ) -> int:
        rows = source.rows(sheet)
        header_row, cols = found
        c_year, c_q, c_force = cols["year"], cols["quarter"], cols["force"]
        c_group, c_sub, c_num = cols["group"], cols["subgroup"], cols["number"]
        width = max(cols.values()) + 1
        periods: dict[tuple[object, object], tuple[dt.date, dt.date] | BadInput] = {}
        areas: dict[object, Area | str | BadInput] = {}
        offences: dict[tuple[object, object], tuple[str, str]] = {}
        numbers: dict[object, float | Missing | BadInput] = {}
        aside: dict[tuple[str, str], int] = {}
        missing = 0
        problems = result.problems
        start_problems = len(problems)

        def problem(i: int, col: int, name: str, value: object, bad: BadInput) -> None:
            if len(problems) - start_problems >= MAX_PROBLEMS:
                return
            shown = None if is_blank(value) else value
            msg = f"{name} {bad.message}" if shown is not None else f"{name} is empty"
            problems.append(
                Problem(
                    source.name,
                    msg,
                    sheet,
                    i + 1,
                    f"{column_letter(col)} ({name})",
                    shown,
                    bad.expected,
                )
            )

        for i in range(header_row + 1, len(rows)):
            row = rows[i]
            if len(row) < width:
                if all(is_blank(v) for v in row):
                    continue
                row = list(row) + [""] * (width - len(row))
            y, q, f, g, s, n = (
                row[c_year],
                row[c_q],
                row[c_force],
                row[c_group],
                row[c_sub],
                row[c_num],
            )
            if (
                is_blank(f)
                and is_blank(n)
                and (all(is_blank(v) for v in row) or is_footer(row[0]) or is_footer(y))
            ):
                continue
            if is_footer(y) and is_blank(n):
                continue
            # the area: a force, a body set aside, or an unknown name
            area = areas.get(f)
            if area is None:
                name = clean_label(f) if not is_blank(f) else ""
                reason = classify_non_area(name) if name else None
                hit = resolve_area(name) if name and reason is None else None
                if reason is not None:
                    area = reason
                elif hit is not None and hit.kind == "force":
                    area = hit
                elif hit is not None:
                    area = f"a {hit.kind} total, not a police force area"
                else:
                    area = BadInput(
                        "is not a known police force area",
                        "one of the 43 forces of England and Wales (or a body such as "
                        "Action Fraud, which is set aside)",
                    )
                areas[f] = area
            if isinstance(area, BadInput):
                problem(i, c_force, "Force Name", f, area)
                continue
            if isinstance(area, str):
                k = (clean_label(f), area)
                aside[k] = aside.get(k, 0) + 1
                continue
            # the period
            period = periods.get((y, q))
            if period is None:
                try:
                    fy = _year(y)
                except BadInput as bad:
                    period = bad
                    problem(i, c_year, "Financial Year", y, bad)
                else:
                    try:
                        period = financial_quarter(fy, _quarter(q))
                        years.add(fy)
                    except BadInput as bad:
                        period = bad
                        problem(i, c_q, "Financial Quarter", q, bad)
                periods[(y, q)] = period
            elif isinstance(period, BadInput):
                col, name = (
                    (c_year, "Financial Year")
                    if "year" in period.message
                    else (c_q, "Financial Quarter")
                )
                problem(i, col, name, y if col == c_year else q, period)
            # the offence group and subgroup
            names = offences.get((g, s))
            if names is None:
                group = offence_group(g)
                if group is None:
                    group = clean_label(g) if not is_blank(g) else ""
                    unknown_labels[f"group '{group}'"] = 0
                sub_hit = offence_subgroup(s, group) if not is_blank(s) else None
                if sub_hit is not None:
                    sub = sub_hit[1]
                else:
                    sub = clean_label(s) if not is_blank(s) else ""
                    if sub:
                        unknown_labels.setdefault(f"subgroup '{sub}' (of {group})", 0)
                names = (group, sub)
                offences[(g, s)] = names
            if not names[0]:
                problem(i, c_group, "Offence Group", g, BadInput("is empty", "an offence group"))
                continue
            for label in (f"group '{names[0]}'", f"subgroup '{names[1]}' (of {names[0]})"):
                if label in unknown_labels:
                    unknown_labels[label] += 1
            # the number
            value = numbers.get(n)
            if value is None:
                try:
                    value = parse_number(n)
                except NotANumber:
                    value = BadInput("is not a number", "a whole number of offences")
                if value is None:
                    value = BadInput("is empty", "a whole number of offences")
                elif isinstance(value, float) and not value.is_integer():
                    # negative counts are real: offences reclassified or cancelled later
                    value = BadInput(
                        "is not a whole number of offences", "a whole number of offences"
                    )
                if isinstance(n, str | float | int):
                    numbers[n] = value
            if isinstance(value, BadInput):
                problem(i, c_num, "Number of Offences", n, value)
                continue
            if value is MISSING:
                missing += 1
                continue
            if isinstance(period, BadInput):
                continue
            key = (area.code, period[0], period[1], names[0], names[1])
            sums[key] = sums.get(key, 0.0) + value
            if key not in meta:
                meta[key] = (area, sheet)
        overflow = len(problems) - start_problems
        if overflow >= MAX_PROBLEMS:
            problems.append(
                Problem(
                    source.name,
                    f"more than {MAX_PROBLEMS} problems in this sheet; only the first are listed",
                    sheet,
                )
            )
        for (label, reason), n_rows in aside.items():
            result.set_aside.append(SetAside(sheet, label, reason, n_rows))
        return missing


register(HomeOfficePRCReader())
