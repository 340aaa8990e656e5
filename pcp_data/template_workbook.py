"""The product's own Excel template, to download from the app and fill in.

One sheet per dataset (see `pcp_data.readers.template.SHEETS`), a title row above each
header, an *About* sheet (whose ``Source`` names the publication) and a *Lists* sheet of
the offence groups and subgroups, survey questions and worker types the product knows.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from pcp_data import vocabulary
from pcp_data.readers.template import DEFAULT_SOURCE, SHEETS

_HEADER_FILL = PatternFill("solid", fgColor="12436D")


def build_template() -> bytes:
    """The template workbook as .xlsx bytes (headers only, no figures)."""
    wb = Workbook()
    about = wb.active
    about.title = "About"
    about.append(["Key", "Value"])
    about.append(["Source", DEFAULT_SOURCE])
    about.append(["Description", "Figures for the PCP performance dashboard."])
    about.append(
        [
            "How to fill in",
            "One row per figure below each sheet's header. Months as "
            "Excel dates, 2019-04, Apr 2019 or April 2019. Leave sheets you do not need "
            "empty or delete them. Valid names are on the Lists sheet.",
        ]
    )
    for cell in about[1]:
        cell.font = Font(bold=True)
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 90
    for spec in SHEETS:
        ws = wb.create_sheet(spec.sheet)
        ws.append([f"{spec.sheet}: {spec.description}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append([c.name for c in spec.columns])
        for cell in ws[3]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = _HEADER_FILL
        for i, col in enumerate(spec.columns):
            ws.column_dimensions[chr(65 + i)].width = max(14, len(col.name) + 4)
        ws.freeze_panes = "A4"
    lists = wb.create_sheet("Lists")
    lists.append(["Offence group", "Offence subgroup", "", "Question", "", "Worker type"])
    rows = [(g, s) for g, subs in vocabulary.OFFENCE_GROUPS.items() for s in subs]
    n = max(len(rows), len(vocabulary.SATISFACTION_QUESTIONS), len(vocabulary.WORKER_TYPES))
    for i in range(n):
        g, s = rows[i] if i < len(rows) else ("", "")
        questions, workers = vocabulary.SATISFACTION_QUESTIONS, vocabulary.WORKER_TYPES
        q = questions[i] if i < len(questions) else ""
        w = workers[i] if i < len(workers) else ""
        lists.append([g, s, "", q, "", w])
    for cell in lists[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
