"""Cleaning shared by every reader: numbers written as text, markers, labels with footnotes.

Markers (what published tables put where a number would be) and what each means:

======== ============================== ==========
marker   meaning                        becomes
======== ============================== ==========
``..``   not available                  missing
``[x]``  not available                  missing
``[c]``  confidential (suppressed)      missing
``*``    suppressed / not applicable    missing
``+``    suppressed (small population)  missing
``[z]``  not applicable                 missing
``[u]``  low reliability                missing
``-``    nil (Excel-saved zero)         0
``-00``  Excel-saved zero               0
``0``    zero                           0
======== ============================== ==========
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable
from typing import Final


class Missing(enum.Enum):
    """The type of `MISSING`: a one-member enum, so that ``n is MISSING`` narrows the type."""

    MISSING = "missing"


MISSING: Final = Missing.MISSING
"""Returned by `parse_number` for a marker meaning 'not available' (never stored as 0)."""

MISSING_MARKERS: dict[str, str] = {
    "..": "not available",
    "[x]": "not available",
    "[c]": "confidential",
    "*": "suppressed",
    "[z]": "not applicable",
    "n/a": "not available",
    "[u]": "low reliability",
    "+": "suppressed (small population)",
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


def parse_number(value: object, *, decimal_comma: bool = False) -> float | Missing | None:
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
    >>> clean_label("Total recorded crime [note 3][note 4]")
    'Total recorded crime'
    """
    text = re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()
    text = _NOTE_MARKS.sub("", text).strip()  # "[note 3]", "[Note 1, 2]" in newer tables
    text = re.sub(r"(?<=[A-Za-z])\d+(,\d+)*(?=\)$)", "", text)  # "(excluding fraud3)"
    text = re.sub(r"(?<=\))\s*\d+(,\d+)*$", "", text)  # "(households) 6,7,9"
    return re.sub(r"(?<=[A-Za-z\)])\d+(,\d+)*$", "", text).strip()


_NOTE_MARKS = re.compile(r"(\s*\[notes?\s*[\d,\s]+\])+\s*$", flags=re.IGNORECASE)


def header_key(value: object) -> str:
    """How headers are compared: case, spaces and footnote digits ignored."""
    return clean_label(value).lower()


# --- tables as published: titles, two-level headers, spacer columns, footers -----------------

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_YEAR_ENDING = re.compile(
    r"(?:year|12 months)\s+(?:ending|ended|to)\s+(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?"
    r"([A-Za-z]+)\.?\s+((?:19|20)\d\d|\d\d)",
    flags=re.IGNORECASE,
)
_MID_YEAR = re.compile(r"\bmid[\s\-]*((?:19|20)\d\d)", flags=re.IGNORECASE)


def year_ending(text: object) -> dt.date | None:
    """The last day of the period a title names with "year ending <month> <year>".

    Footnote digits glued to the year are ignored, with a four-digit year read first and a
    two-digit one (``June 181,2`` = June 2018, footnotes 1 and 2) otherwise.

    >>> year_ending("..., year ending December 20191,2")
    datetime.date(2019, 12, 31)
    >>> year_ending("number of offences, year ending June 181,2")
    datetime.date(2018, 6, 30)
    """
    m = _YEAR_ENDING.search(str(text))
    if not m:
        return None
    month_word = m.group(2).lower()
    month = next(
        (i for i, name in enumerate(_MONTH_NAMES, 1) if name.startswith(month_word[:3])), None
    )
    if month is None or len(month_word) < 3:
        return None
    year = int(m.group(3))
    if year < 100:
        year += 2000
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def mid_year(text: object) -> int | None:
    """The year of a mid-year estimate a label names: ``Population figures (mid-2017)3``."""
    m = _MID_YEAR.search(str(text))
    return int(m.group(1)) if m else None


def year_of(value: object) -> int | None:
    """A year given as a number (``2016.0``) or a label (``Mid 2001``, ``2016``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
            return None
        return int(value) if 1900 < value < 2200 else None
    if isinstance(value, str):
        m = re.fullmatch(
            r"(?:mid[\s\-]*(?:year)?[\s\-]*)?((?:19|20)\d\d)",
            clean_label(value),
            flags=re.IGNORECASE,
        )
        if m:
            return int(m.group(1))
    return None


def header_labels(rows: list[list[object]], header_row: int, levels: int = 2) -> list[str]:
    """Column labels of a header that may span ``levels`` rows ending at ``header_row``.

    Merged cells in the upper rows arrive as one value followed by blanks, so each upper
    label is carried right until the next one. A column's label is its lowest non-blank
    cell, cleaned of footnotes; a column with no label at all (a spacer) gets ``""``.
    """
    width = max((len(r) for r in rows[max(0, header_row - levels + 1) : header_row + 1]), default=0)
    labels = [""] * width
    for r in range(max(0, header_row - levels + 1), header_row + 1):
        row = rows[r]
        for j in range(width):
            cell = row[j] if j < len(row) else ""
            if not is_blank(cell):
                labels[j] = clean_label(cell)
    return labels


def upper_labels(rows: list[list[object]], row: int) -> list[str]:
    """The labels of an upper header row, each carried right across its merged span."""
    out: list[str] = []
    current = ""
    for cell in rows[row] if 0 <= row < len(rows) else []:
        if not is_blank(cell):
            current = clean_label(cell)
        out.append(current)
    return out


def spacer_columns(rows: list[list[object]], header_row: int, columns: range) -> set[int]:
    """Columns that are empty from the header row down (spacers between blocks)."""
    out = set()
    for j in columns:
        if all(is_blank(r[j]) if j < len(r) else True for r in rows[header_row:]):
            out.add(j)
    return out


_FOOTER = re.compile(
    r"^(source\b|sources\b|notes?\b|\d{1,2}[.)]\s|\(\d{1,2}\)\s|footnotes?\b|"
    r"figures may|please note)",
    flags=re.IGNORECASE,
)


def is_footer(value: object) -> bool:
    """True for footer text under a table: ``Source: Home Office``, ``Notes``, ``1. ...``."""
    return isinstance(value, str) and bool(_FOOTER.match(value.strip()))


def csv_delimiter(first_line: str) -> str:
    r"""What separates a CSV's columns, from its first line: a tab for Excel's "Unicode text"
    and "Text (tab delimited)", ``;`` for a CSV saved by a continental-locale Excel
    (``Date;Borough;...``), else ``,``.

    >>> csv_delimiter("Month\tArea\tOffences"), csv_delimiter("Date;Borough;Measure")
    ('\t', ';')
    """
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def number_note(value: object) -> str | None:
    """What a reader should warn about a text cell it read as a number: a dash read as zero,
    or a number written with an exponent (``12e3``, 12,000: often a code or a typing slip).
    None for every other cell (numbers, and text as numbers are usually written).

    >>> number_note("-"), number_note(" 12e3 "), number_note("1,204")
    ('a dash read as 0', 'written with an exponent, read as 12,000', None)
    """
    if not isinstance(value, str):
        return None
    text = value.replace("\u00a0", " ").strip().lower()
    if text.replace(" ", "") in ZERO_MARKERS or text in ZERO_MARKERS:
        return "a dash read as 0"
    if "e" in text:
        try:
            n = parse_number(value)
        except NotANumber:
            return None
        if isinstance(n, float):
            return f"written with an exponent, read as {n:,.10g}"
    return None


def decimal_commas(values: list[object]) -> bool:
    """True when numbers in a column are written with decimal commas (``0,56``).

    A column is taken to use them when some value has a comma followed by other than
    three digits (``0,56``, ``12,5``), which a thousands separator never is.
    """
    for v in values:
        if isinstance(v, str) and re.fullmatch(r"\s*-?\d*,(\d{1,2}|\d{4,})\s*", v):
            return True
    return False


# --- offence groups and subgroups named as the store names them ------------------------------


def _offence_tables() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    from pcp_data import vocabulary

    groups = {g.lower(): g for g in vocabulary.OFFENCE_GROUPS}
    subs: dict[str, tuple[str, str]] = {}
    for g, names in vocabulary.OFFENCE_GROUPS.items():
        for n in names:
            subs.setdefault(n.lower(), (g, n))
    return groups, subs


_GROUPS, _SUBGROUPS = _offence_tables()
# Other wordings of the same groups and subgroups in published tables.
OFFENCE_ALIASES: dict[str, str] = {
    "all other theft offences": "other theft offences",
    "other theft": "other theft offences",
    "miscellaneous crimes against society": "miscellaneous crimes",
    "misc crimes against society": "miscellaneous crimes",
    "possession of weapons": "possession of weapons offences",
    "public order": "public order offences",
    "rape": "rape offences",
    "criminal damage & arson": "criminal damage and arson",
}


def _offence_key(label: object) -> str:
    # offence names never end in a number, so digits after a space are a footnote too
    key = re.sub(r"\s+\d+(,\d+)*$", "", header_key(label))
    return OFFENCE_ALIASES.get(key, key)


def offence_group(label: object) -> str | None:
    """The vocabulary name of an offence group (any case, footnotes, known wordings), or None."""
    return _GROUPS.get(_offence_key(label))


def offence_subgroup(label: object, group: str | None = None) -> tuple[str, str] | None:
    """(group, subgroup) in vocabulary names for a subgroup label, or None when unknown.

    With ``group`` given, a subgroup of another group is not accepted.
    """
    hit = _SUBGROUPS.get(_offence_key(label))
    if hit is None or (group is not None and hit[0] != group):
        return None
    return hit


# --- headers that nearly match: say exactly which column was not recognised -------------------


def near_miss_header(
    rows: list[list[object]],
    recognise: Callable[[list[object]], dict[str, int]],
    required: tuple[str, ...],
    *,
    at_least: int,
    scan: int = 40,
) -> tuple[int, dict[str, int], list[str]] | None:
    """The row that comes closest to a header without being one, to say what it lacks.

    ``recognise`` maps a row to {canonical column: index} for the cells it recognises.
    Returns (row index, recognised columns, required columns missing) for the row among the
    first ``scan`` that recognises the most required columns, at least ``at_least`` of them
    but not all; None when no row comes that close (or one is a full header).
    """
    best: tuple[int, dict[str, int], list[str]] | None = None
    for i, row in enumerate(rows[:scan]):
        found = recognise(row)
        missing = [c for c in required if c not in found]
        if not missing:
            return None
        if len(required) - len(missing) >= at_least and (
            best is None or len(missing) < len(best[2])
        ):
            best = (i, found, missing)
    return best


def unrecognised_cells(row: list[object], found: dict[str, int]) -> list[int]:
    """Columns of a header row holding text that no recognised column accounts for."""
    used = set(found.values())
    return [j for j, c in enumerate(row) if isinstance(c, str) and c.strip() and j not in used]


def spellings_matcher(
    columns: dict[str, tuple[str, ...]],
) -> Callable[[list[object]], dict[str, int]]:
    """A ``recognise`` function for `near_miss_header` from accepted header spellings."""
    accepted = {canon: {header_key(s) for s in spellings} for canon, spellings in columns.items()}

    def recognise(row: list[object]) -> dict[str, int]:
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            if not isinstance(cell, str) or not cell.strip():
                continue
            key = header_key(cell)
            for canon, keys in accepted.items():
                if canon not in found and key in keys:
                    found[canon] = j
                    break
        return found

    return recognise
