"""Survey proportion tables: one proportion per area, measure and quarter (long format).

The MOPAC Public Attitude Survey dashboard extract is one (``Date, Survey, Borough,
Measure, Proportion, MPS``, re-saved by a Dutch-locale Excel: decimal commas, stray values
in unnamed trailing columns). Recognised by its header: a date or period column, an area
column (Borough, Ward, District, Area, Force...), a measure column (Measure, Indicator,
Question) and a value column (Proportion, Percentage, Value). Semicolon-separated CSVs are
read too.

Facts: dataset ``indicator``, measure ``value``, category = the measure's cleaned text,
subcategory ``""``. **Values are stored as percentages (0-100)**: a column whose values all
lie between 0 and 1 is taken to hold proportions and multiplied by 100 (a warning says so);
otherwise the values are kept as given. The date is the last day of the quarter the
figure is reported for (``31/12/2014`` = October-December 2014): period_type ``quarter``.
Whether the survey figure covers that quarter alone or the 12 months to it is not said by
the file; the MOPAC dashboard publishes rolling-year figures quarterly, so compare like with
like.

Areas: a borough, ward or district column gives local areas of kind ``other``
(``LOCAL:<slug>``, one spelling kept per slug: ``Richmond upon Thames`` / ``Richmond Upon
Thames``), never mixed with forces. An ``MPS`` (force-wide) column gives one figure per date
and measure for the Metropolitan Police force; the file repeats it on every borough row, so
it is kept once (a warning reports any row that disagrees).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pcp_data.cleaning import (
    NotANumber,
    clean_label,
    decimal_commas,
    header_key,
    is_blank,
    is_footer,
    parse_number,
)
from pcp_data.errors import Problem
from pcp_data.forces import force_by_code, local_area, resolve_area
from pcp_data.periods import month_end, parse_day
from pcp_data.readers import Produces, ReadResult, finish, register
from pcp_data.readers.source import Source, column_letter, find_header

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date", "Period", "Quarter end", "Quarter ending", "Quarter", "Month"),
    "survey": ("Survey",),
    "area": ("Borough", "Ward", "District", "Local authority", "Area", "Force", "Area name"),
    "measure": ("Measure", "Indicator", "Question"),
    "value": ("Proportion", "Percentage", "Percent", "Value", "%"),
    "force_wide": ("MPS", "Force", "Force-wide", "Force wide"),
}
REQUIRED = ("date", "area", "measure", "value")
LOCAL_HEADERS = {header_key(s) for s in ("Borough", "Ward", "District", "Local authority")}
SURVEYS = {"pas": "MOPAC Public Attitude Survey"}
FORCE_WIDE = {"mps": "E23000001", "met": "E23000001"}


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    found = find_header(rows, COLUMNS, required=REQUIRED, scan=30)
    if found is None:
        return None
    h, cols = found
    # "Force" may name the area column or the force-wide column, never both
    if cols.get("force_wide") == cols.get("area"):
        cols.pop("force_wide")
    return h, cols


def _quarter_ending(value: object) -> tuple[dt.date, dt.date] | None:
    d = parse_day(value)
    if d is None:
        return None
    end = month_end(d)
    if end != d and d.day != 1:
        return None
    m0 = end.year * 12 + end.month - 1 - 2
    return dt.date(m0 // 12, m0 % 12 + 1, 1), end


class SurveyProportionsReader:
    format = "survey_proportions"
    label = "Survey proportions by area and quarter (such as the MOPAC Public Attitude Survey)"
    produces: tuple[Produces, ...] = (
        Produces(
            "indicator",
            ("value",),
            (),
            "a survey proportions extract (such as the MOPAC Public Attitude Survey) naming it",
        ),
    )

    def sniff(self, source: Source) -> bool:
        if source.kind not in ("csv", "xlsx", "xls", "ods"):
            return False
        return any(_header(source.rows(s)) is not None for s in source.sheet_names)

    def read(self, source: Source) -> ReadResult:
        result = ReadResult(source.name, self.format, self.label)
        records: list[dict[str, Any]] = []
        for sheet in source.sheet_names:
            rows = source.rows(sheet)
            found = _header(rows)
            if found is None:
                continue
            result.sheets.append(sheet)
            records.extend(self._sheet(source, sheet, rows, found, result))
        return finish(
            result,
            records,
            Problem(
                source.name,
                "no survey figures were found",
                expected="rows with a date, area, measure and value",
            ),
        )

    def _sheet(
        self,
        source: Source,
        sheet: str,
        rows: list[list[object]],
        found: tuple[int, dict[str, int]],
        result: ReadResult,
    ) -> list[dict[str, Any]]:
        h, cols = found
        header = rows[h]
        sheet_label = sheet if source.is_workbook else source.name
        named = {j for j, c in enumerate(header) if not is_blank(c)}

        def problem(msg: str, i: int, key: str, value: object, expected: str) -> None:
            j = cols[key]
            label = clean_label(header[j])
            result.problems.append(
                Problem(
                    source.name,
                    msg,
                    sheet_label,
                    i + 1,
                    f"{column_letter(j)} ({label})",
                    value,
                    expected,
                )
            )

        body = [r for r in rows[h + 1 :]]
        value_cols = [k for k in ("value", "force_wide") if k in cols]
        comma = {
            k: decimal_commas([r[cols[k]] for r in body[:2000] if cols[k] < len(r)])
            for k in value_cols
        }
        parsed: list[
            tuple[int, tuple[dt.date, dt.date], str, str, str, float | None, float | None]
        ] = []
        names: dict[str, str] = {}
        stray: list[int] = []
        local = header_key(header[cols["area"]]) in LOCAL_HEADERS
        area_cache: dict[str, Any] = {}
        survey_names: set[str] = set()
        for i, row in enumerate(body, start=h + 1):
            if all(is_blank(v) for v in row):
                continue
            if is_footer(row[0]) and all(is_blank(v) for v in row[1:]):
                continue
            get = {k: (row[j] if j < len(row) else "") for k, j in cols.items()}
            if any(not is_blank(v) for j, v in enumerate(row) if j not in named):
                stray.append(i + 1)
            bad = False
            period = _quarter_ending(get["date"])
            if period is None:
                problem(
                    "the date is not the end of a quarter or a date",
                    i,
                    "date",
                    get["date"],
                    "a quarter's last day such as 31/12/2014 (day first)",
                )
                bad = True
            area_name = clean_label(get["area"]) if not is_blank(get["area"]) else ""
            if not area_name:
                problem("the area is empty", i, "area", None, "a borough, district or force")
                bad = True
            measure = clean_label(get["measure"]) if not is_blank(get["measure"]) else ""
            if not measure:
                problem("the measure is empty", i, "measure", None, "the measure's name")
                bad = True
            nums: dict[str, float | None] = {}
            for k in value_cols:
                try:
                    n = parse_number(get[k], decimal_comma=comma[k])
                except NotANumber:
                    problem(
                        "the value is not a number",
                        i,
                        k,
                        get[k],
                        "a proportion such as 0,56 or 0.56, or a percentage",
                    )
                    bad = True
                    continue
                nums[k] = n if isinstance(n, float) else None  # a marker: not available
            if bad or period is None:
                continue
            if "survey" in cols and not is_blank(get["survey"]):
                survey_names.add(clean_label(get["survey"]))
            if area_name not in area_cache:
                if local:
                    area = local_area(area_name, kind="other")
                else:
                    area = resolve_area(area_name) or local_area(area_name, kind="other")
                names.setdefault(area.code, area.name)  # one spelling per area
                area_cache[area_name] = area
            if nums.get("value") is None and nums.get("force_wide") is None:
                continue
            parsed.append(
                (i, period, area_name, measure, "", nums.get("value"), nums.get("force_wide"))
            )
        if stray:
            result.warnings.append(
                f"{len(stray)} row(s) have values in columns without a heading (row "
                f"{', '.join(map(str, stray[:5]))}{' ...' if len(stray) > 5 else ''}): ignored"
            )
        # proportions (0-1) are stored as percentages
        scale = {}
        for k in value_cols:
            column = [p[5] if k == "value" else p[6] for p in parsed]
            vals = [v for v in column if v is not None]
            scale[k] = 100.0 if vals and max(vals) <= 1.0 and min(vals) >= 0.0 else 1.0
        if scale.get("value") == 100.0:
            result.warnings.append(
                f"sheet '{sheet_label}': values are proportions (0-1); stored as percentages "
                "(0-100)"
            )
        surveys = sorted(survey_names)
        src = ", ".join(SURVEYS.get(s.lower(), s) for s in surveys) or "Survey proportions"
        force_wide_area = None
        if "force_wide" in cols:
            code = FORCE_WIDE.get(header_key(header[cols["force_wide"]]))
            force_wide_area = force_by_code(code) if code else None
            if force_wide_area is None:
                result.warnings.append(
                    f"column '{clean_label(header[cols['force_wide']])}' does not name a known "
                    "force: not read"
                )
        dates = sorted({p[1][1] for p in parsed})
        edition = f"{dates[0]:%B %Y} to {dates[-1]:%B %Y}" if dates else ""
        out = []
        force_wide: dict[tuple[dt.date, str], float] = {}
        disagree = 0
        for _i, period, area_name, measure, _sub, value, fw in parsed:
            area = area_cache[area_name]
            base = {
                "dataset": "indicator",
                "period_start": period[0],
                "period_end": period[1],
                "period_type": "quarter",
                "category": measure,
                "subcategory": "",
                "measure": "value",
                "base": float("nan"),
                "source": src,
                "sheet": sheet_label,
                "edition": edition,
            }
            if value is not None:
                out.append(
                    {
                        **base,
                        "area_code": area.code,
                        "area_name": names[area.code],
                        "area_kind": area.kind,
                        "value": round(value * scale["value"], 6),
                    }
                )
            if fw is not None and force_wide_area is not None:
                key = (period[1], measure)
                if key in force_wide:
                    disagree += abs(force_wide[key] - fw) > 1e-9
                    continue
                force_wide[key] = fw
                out.append(
                    {
                        **base,
                        "area_code": force_wide_area.code,
                        "area_name": force_wide_area.name,
                        "area_kind": force_wide_area.kind,
                        "value": round(fw * scale["force_wide"], 6),
                    }
                )
        if disagree:
            result.warnings.append(
                f"{disagree} row(s) give a different force-wide figure for the same date and "
                "measure than an earlier row; the first is kept"
            )
        return out


register(SurveyProportionsReader())
