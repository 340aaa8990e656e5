"""Build small template workbooks for tests (openpyxl, real .xlsx bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook

from pcp_data.readers import ReadResult
from pcp_data.readers.source import Source


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


FAULT = "this is a fault in the product, not in your file"
"""What a reader's bug is shown as (`pcp_data.errors.ProductFault`)."""


def break_template_reader(monkeypatch: pytest.MonkeyPatch, file: str) -> None:
    """Make the template reader fail with a KeyError, a bug rather than bad content, when it
    reads the file called ``file`` (other files read as usual)."""
    from pcp_data.readers.template import TemplateReader

    read = TemplateReader.read

    def failing(self: TemplateReader, source: Source) -> ReadResult:
        if source.name == file:
            raise KeyError("a column the code expected")
        return read(self, source)

    monkeypatch.setattr(TemplateReader, "read", failing)
