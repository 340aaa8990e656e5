"""The pack as an Excel workbook (openpyxl): the data behind every chart.

Sheets: *README* (plan, area, as at, when and from which uploads it was made, sources, how
statuses are judged), *Measures* (every measure with its status and reason in full), *Notes*
(the commentary, events and actions, where there are any), then one
sheet per question with the data behind each of its charts: measure, period ending, value,
seasonally adjusted value, base, average, limits, signal, judgement, source, edition and
uploads. Real number and date formats, frozen headers, and every text cell formula-safe
(text beginning ``= + - @`` or a tab or carriage return is written with a leading quote, so
a spreadsheet never runs it).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pcp_data.exports.safe import safe_cell
from pcp_data.pack.content import SYNTHETIC_WARNING, Pack, PackQuestion
from pcp_data.vocabulary import unit_of

_BAD_SHEET_CHARS = re.compile(r"[\[\]\:\*\?\/\\]")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("measure", "Measure"),
    ("period_end", "Period ending"),
    ("value", "Value"),
    ("adjusted", "Seasonally adjusted"),
    ("base", "Base (respondents or denominator)"),
    ("centre", "Average"),
    ("lower", "Lower limit"),
    ("upper", "Upper limit"),
    ("signal", "Signal"),
    ("judgement", "Judgement of the measure"),
    ("source", "Source"),
    ("edition", "Edition"),
    ("uploads", "Uploads"),
)


def render_xlsx(pack: Pack) -> bytes:
    """The workbook as .xlsx bytes."""
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "README"
    lines: list[tuple[str, str]] = [
        ("Plan", pack.plan_title),
        ("Force", pack.force),
        ("Area", pack.area_name),
        ("Figures as at", pack.as_at),
        ("Made", pack.made_at),
        ("From uploads", "; ".join(f"{u} {n}".strip() for u, n in pack.uploads)),
        ("How statuses are judged", pack.judged_how),
    ]
    if pack.synthetic:
        lines.insert(0, ("Warning", SYNTHETIC_WARNING))
    lines += [(f"Source: {s}", e) for s, e in pack.sources]
    _write(readme, ("Key", "Value"), [list(line) for line in lines], widths=(28, 110))

    measures = book.create_sheet("Measures")
    rows = [
        [
            q.number,
            q.title,
            m.title,
            f"{m.icon} {m.judgement}",
            m.latest,
            m.period,
            m.target or "",
            m.sentence,
            m.method,
        ]
        for q in pack.questions
        for m in q.measures
    ]
    _write(
        measures,
        (
            "Question",
            "Question title",
            "Measure",
            "Status",
            "Latest",
            "Period",
            "Target",
            "Why (in full)",
            "Judged by",
        ),
        rows,
        widths=(10, 40, 36, 18, 16, 22, 18, 100, 60),
    )

    used: set[str] = {"README", "Measures"}
    notes = [("", "", n) for n in pack.notes] + [
        (q.number, q.title, n) for q in pack.questions for n in q.notes
    ]
    if notes:
        used.add("Notes")
        _write(
            book.create_sheet("Notes"),
            ("Question", "Question title", "Kind", "Title", "Particulars", "Text", "By", "When"),
            [[q, title, n.kind, n.title, n.extra, n.text, n.by, n.when] for q, title, n in notes],
            widths=(10, 40, 12, 40, 40, 80, 24, 14),
        )
    for q in pack.questions:
        _question_sheet(book, q, used)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def excel_format(tick: str) -> str:
    """The Excel number format for a chart's d3 tick format: ``,.0f`` -> ``#,##0``,
    ``.1f`` -> ``0.0``, ``,.2f`` -> ``#,##0.00``."""
    match = re.fullmatch(r"(,?)\.(\d)f", tick)
    if match is None:
        return "General"
    whole = "#,##0" if match.group(1) else "0"
    places = int(match.group(2))
    return whole + ("." + "0" * places if places else "")


def _sheet_name(q: PackQuestion, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", f"{q.number} {q.title}")[:31].strip()
    name, k = base, 2
    while name in used:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(name)
    return name


def _question_sheet(book: Workbook, q: PackQuestion, used: set[str]) -> None:
    sheet = book.create_sheet(_sheet_name(q, used))
    frames = []
    for m in q.measures:
        data = m.data.copy()
        data.insert(0, "measure", m.title)
        data["judgement"] = f"{m.icon} {m.judgement}"
        frames.append((m, data))
    rows: list[list[Any]] = []
    formats: list[str] = []
    for m, data in frames:
        number = excel_format(unit_of(m.unit).tick)
        for record in data.to_dict("records"):
            rows.append([_cell(record.get(key)) for key, _ in COLUMNS])
            formats.append(number)
    _write(
        sheet,
        tuple(head for _, head in COLUMNS),
        rows,
        widths=(34, 14, 12, 14, 14, 12, 12, 12, 12, 22, 40, 28, 10),
        number_formats=formats,
    )


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, float) and value != value:
        return None
    return safe_cell(value)


def _write(
    sheet: Worksheet,
    header: tuple[str, ...],
    rows: list[list[Any]],
    *,
    widths: tuple[int, ...],
    number_formats: list[str] | None = None,
) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, row in enumerate(rows):
        sheet.append([safe_cell(v) for v in row])
        excel_row = sheet[sheet.max_row]
        for cell in excel_row:
            if hasattr(cell.value, "year"):
                cell.number_format = "dd mmm yyyy"
            elif isinstance(cell.value, (int, float)) and number_formats is not None:
                cell.number_format = number_formats[i]
            elif isinstance(cell.value, str) and len(cell.value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width
    sheet.freeze_panes = "A2"
