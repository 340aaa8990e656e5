"""Cleaning shared by every reader: numbers written as text, markers, labels with footnotes.

Markers (what published tables put where a number would be) and what each means:

======== ============================== ==========
marker   meaning                        becomes
======== ============================== ==========
``..``   not available                  missing
``[x]``  not available                  missing
``[c]``  confidential (suppressed)      missing
``*``    suppressed / not applicable    missing
``[z]``  not applicable                 missing
``-``    nil (Excel-saved zero)         0
``-00``  Excel-saved zero               0
``0``    zero                           0
======== ============================== ==========
"""

from __future__ import annotations

import datetime as dt
import math
import re

MISSING = object()
"""Returned by `parse_number` for a marker meaning 'not available' (never stored as 0)."""

MISSING_MARKERS: dict[str, str] = {
    "..": "not available",
    "[x]": "not available",
    "[c]": "confidential",
    "*": "suppressed",
    "[z]": "not applicable",
    "n/a": "not available",
    "[u]": "low reliability",
}
ZERO_MARKERS: frozenset[str] = frozenset({"-", "-00", "–", "—", "- 00"})

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class NotANumber(ValueError):
    """A cell that should hold a number holds something else."""


def is_blank(value: object) -> bool:
    """True for None, NaN, and text that is only spaces."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_number(value: object, *, decimal_comma: bool = False) -> float | object | None:
    """The number a cell holds, `MISSING` for a not-available marker, None for a blank cell.

    Accepts numbers, and text with padding, thousands separators (``" 1,976 "``), decimal
    commas when ``decimal_comma`` (``"0,56"``) and Excel-saved zeros (``-00``, `` - ``).
    Raises `NotANumber` for anything else.

    >>> parse_number(" 1,976 ")
    1976.0
    >>> parse_number("0,56", decimal_comma=True)
    0.56
    """
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        raise NotANumber(value)
    if value is None:
        return None
    text = str(value).replace("\u00a0", " ").strip()
    if not text:
        return None
    low = text.lower()
    if low in MISSING_MARKERS:
        return MISSING
    if low.replace(" ", "") in ZERO_MARKERS or low in ZERO_MARKERS:
        return 0.0
    if decimal_comma:
        text = text.replace(".", "").replace(" ", "").replace(",", ".")
    else:
        text = re.sub(r"(?<=\d),(?=\d{3}(\D|$))", "", text).replace(" ", "")
    if _NUMBER.match(text):
        return float(text)
    raise NotANumber(value)


def clean_label(value: object) -> str:
    """A label with padding collapsed and footnote digits glued to a word removed.

    >>> clean_label("Residential burglary6")
    'Residential burglary'
    >>> clean_label("ENGLAND AND WALES7,8")
    'ENGLAND AND WALES'
    """
    text = re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()
    return re.sub(r"(?<=[A-Za-z\)])\d+(,\d+)*$", "", text).strip()


def header_key(value: object) -> str:
    """How headers are compared: case, spaces and footnote digits ignored."""
    return clean_label(value).lower()
