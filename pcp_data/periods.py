"""Periods: months in the forms analysts type, financial years and quarters.

The financial year runs April to March; quarter 1 is April to June.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

_MONTHS = {
    name: i
    for i in range(1, 13)
    for name in (
        dt.date(2000, i, 1).strftime("%b").lower(),
        dt.date(2000, i, 1).strftime("%B").lower(),
    )
}
_MONTHS["sept"] = 9

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T]00:00(?::00)?)?$")
_NAMED_MONTH = re.compile(r"^([A-Za-z]+)[\s\-/]+(\d{4})$")
_FY = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$", re.IGNORECASE)


def month_end(d: dt.date) -> dt.date:
    """Last day of the month of ``d``."""
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def parse_month(value: object) -> dt.date | None:
    """First day of the month ``value`` names, or None when it names none.

    Accepts Excel dates (datetime/date/Timestamp), ``2019-04``, ``2019-04-01``, ``Apr 2019``,
    ``April 2019`` (any case).

    >>> parse_month("Apr 2019")
    datetime.date(2019, 4, 1)
    """
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _ISO_MONTH.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1900 < year < 2200:
            return dt.date(year, month, 1)
        return None
    m = _NAMED_MONTH.match(text)
    if m and m.group(1).lower() in _MONTHS:
        return dt.date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1)
    return None


def parse_quarter(value: object) -> tuple[dt.date, dt.date] | None:
    """(start, end) of a calendar quarter written ``2019 Q2`` / ``2019-Q2``."""
    if not isinstance(value, str):
        return None
    m = _QUARTER.match(value.strip())
    if not m:
        return None
    year, q = int(m.group(1)), int(m.group(2))
    start = dt.date(year, 3 * (q - 1) + 1, 1)
    return start, month_end(dt.date(year, 3 * q, 1))


def parse_day(value: object) -> dt.date | None:
    """A single date: Excel date, ISO ``2019-03-31`` or day-first ``31/3/2019``."""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def financial_year(value: object) -> tuple[dt.date, dt.date] | None:
    """(1 April, 31 March) of a financial year written ``2017/18``, ``2017-18`` or ``2017/2018``.

    >>> financial_year("2017/18")
    (datetime.date(2017, 4, 1), datetime.date(2018, 3, 31))
    """
    if not isinstance(value, str):
        return None
    m = _FY.match(value.strip())
    if not m:
        return None
    start = int(m.group(1))
    end = int(m.group(2))
    century = (start // 100) * 100 + (100 if end < start % 100 else 0)
    end_full = end if end >= 1000 else century + end
    if end_full != start + 1:
        return None
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def financial_quarter(fy_start: dt.date, quarter: int) -> tuple[dt.date, dt.date]:
    """(start, end) of quarter 1-4 of the financial year starting ``fy_start`` (Q1 = Apr-Jun)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"financial quarter must be 1-4, not {quarter!r}")
    month0 = 4 + 3 * (quarter - 1)
    year = fy_start.year + (month0 > 12)
    month = (month0 - 1) % 12 + 1
    start = dt.date(year, month, 1)
    end = month_end(dt.date(year + (month + 2 > 12), (month + 1) % 12 + 1, 1))
    return start, end


def financial_year_label(d: dt.date) -> str:
    """``2017/18`` for any date in April 2017 - March 2018."""
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def month_label(d: dt.date | str | pd.Timestamp) -> str:
    """``March 2019``."""
    label: str = pd.Timestamp(d).strftime("%B %Y")
    return label


_EDITION_MONTH = re.compile(r"\b([A-Za-z]{3,9})\s+(\d{4})\b")
_EDITION_FY = re.compile(r"\b(\d{4})\s*/\s*(\d{2})\b")
_EDITION_MID = re.compile(r"\bmid-(\d{4})\b", re.IGNORECASE)


def edition_date(edition: object) -> dt.date | None:
    """The latest date an edition's words name, to order editions of one publication.

    ``"year ending June 2019"`` is 30 June 2019; ``"2013/14 to 2017/18"`` is 31 March 2018;
    ``"mid-2001 to mid-2010"`` is 30 June 2010; ``""`` (no edition) is None.

    >>> edition_date("year ending December 2018")
    datetime.date(2018, 12, 31)
    """
    if not isinstance(edition, str) or not edition.strip():
        return None
    found: list[dt.date] = []
    for name, year in _EDITION_MONTH.findall(edition):
        if name.lower() in _MONTHS:
            found.append(month_end(dt.date(int(year), _MONTHS[name.lower()], 1)))
    for start, _end in _EDITION_FY.findall(edition):
        fy = financial_year(f"{start}/{_end}")
        if fy is not None:
            found.append(fy[1])
    found.extend(dt.date(int(y), 6, 30) for y in _EDITION_MID.findall(edition))
    return max(found) if found else None
