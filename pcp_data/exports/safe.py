"""Cells that cannot run as formulas when an export is opened in a spreadsheet program.

Text from uploaded files (area names, sources, categories, plan titles, authors) reaches
every export. A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can
be taken as a formula by Excel, LibreOffice or Google Sheets (OWASP's "CSV injection"):
``=HYPERLINK("http://x","y")`` becomes a live link, ``=cmd|' /C calc'!A0`` asks to run a
program. `safe_cell` puts a single quote before such text, which spreadsheets show as text;
genuine numbers (numbers, and text that is exactly a number such as ``-12.5``) pass
unchanged. Every exporter calls `safe_cell` or `safe_frame`: one rule, in one place.

>>> safe_cell("=1+1")
"'=1+1"
>>> safe_cell("-2.5"), safe_cell(-2.5), safe_cell("Durham")
('-2.5', -2.5, 'Durham')
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` made safe to write to a spreadsheet cell: text that a spreadsheet would
    take as a formula gets a leading single quote; anything else is returned unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) passed through
    `safe_cell`; numeric columns are left as they are."""
    out = frame.copy()
    for column in out.columns:
        if not (
            pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])
        ):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out
