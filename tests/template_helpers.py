"""Build small template workbooks for tests (openpyxl, real .xlsx bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def workbook(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """An .xlsx whose sheets hold exactly the given rows (row 1 first)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


CRIME_HEADER = ["Month", "Area", "Offence group", "Offence subgroup", "Offences"]


def crime_rows(*rows: Sequence[Any], title: bool = True) -> list[Sequence[Any]]:
    head: list[Sequence[Any]] = [["Recorded crime extract"], []] if title else []
    return [*head, CRIME_HEADER, *rows]
