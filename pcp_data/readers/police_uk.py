"""data.police.uk downloads: street-level crime and outcomes CSVs, alone or zipped.

A download is one CSV per force and month (``2021-02-dorset-street.csv``,
``2021-02-dorset-outcomes.csv``), or a ZIP of month folders holding them
(``2021-02/2021-02-dorset-street.csv``). Files are recognised by their header row; in a ZIP
every CSV is read (stop-and-search and other CSVs are listed in the warnings and skipped),
one at a time and a row at a time: only the counts are kept, so a 1.5 GB CSV takes no more
memory than a small one.
A CSV with most of the data.police.uk columns (Reported by, LSOA code, Longitude...) but a
key column renamed (``Falls within`` headed ``Force area``) is recognised, and gets a problem
naming the heading not recognised and the column expected.

Street-level crime (``Crime ID, Month, Reported by, Falls within, ..., Crime type``): one row
per crime or ASB incident, counted per month, force and crime type:

- crime types are police.uk's own categories (``Violence and sexual offences``,
  ``Burglary``...), *not* Home Office offence groups, so they are stored as dataset
  ``recorded_crime`` with category = the police.uk crime type, subcategory ``""``, measure
  ``offences`` and source "data.police.uk street-level crime". Since ``source`` is in the
  fact key they never add to or replace Home Office figures;
- anti-social behaviour is not a crime: it goes to dataset ``indicator``, category
  `vocabulary.ANTI_SOCIAL_BEHAVIOUR`, measure ``value`` (incidents), same source, so no sum
  over recorded crime can include it.

Outcomes (``Crime ID, Month, Reported by, Falls within, ..., Outcome type``): counted per
month, force and outcome type into dataset ``indicator``, category ``Outcome: <type>``,
measure ``value``, source "data.police.uk outcomes".

The area is ``Falls within`` (the force area where the crime happened), not ``Reported by``
(British Transport Police reports crimes that fall within territorial forces). Edition: the
months covered, e.g. "February 2021".
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from pcp_data import vocabulary
from pcp_data.cleaning import (
    clean_label,
    csv_delimiter,
    header_key,
    near_miss_header,
    spellings_matcher,
    unrecognised_cells,
)
from pcp_data.errors import BadInput, Problem, ProblemList
from pcp_data.forces import Area, resolve_area
from pcp_data.periods import month_end, month_label, parse_month
from pcp_data.readers import Produces, ReadResult, SetAside, finish, register, span
from pcp_data.readers.source import Source, column_letter, damaged_content, decode_head, utf16
from pcp_data.readers.workforce_tables import non_area_reason

_ZIP = "a ZIP of data.police.uk CSVs"
_CSV = "a valid CSV file"
_ENCRYPTED = 0x1  # the ZIP general-purpose flag bit of a password-protected member

STREET_SOURCE = "data.police.uk street-level crime"
OUTCOMES_SOURCE = "data.police.uk outcomes"
OUTCOME_PREFIX = "Outcome: "

# The vocabulary's names the street-level files give: the crime types named as the
# vocabulary names them, and those it calls otherwise (`vocabulary.CLASSIFICATION_CHANGES`).
POLICE_UK_CATEGORIES: tuple[str, ...] = (
    "Robbery",
    "Criminal damage and arson",
    *(c.name for c in vocabulary.CLASSIFICATION_CHANGES if c.publication == STREET_SOURCE),
)

_COMMON = ("month", "falls within")
_STREET = "crime type"
_OUTCOME = "outcome type"


def _first_row(text: str) -> list[str]:
    first = text.split("\n", 1)[0].rstrip("\r")
    return next(csv.reader([first], delimiter=csv_delimiter(first)), [])


def _header_of(text: str) -> list[str]:
    return [header_key(c) for c in _first_row(text)]


def csv_kind(text: str) -> str | None:
    """``street``, ``outcomes`` or None, from a CSV's header row."""
    head = _header_of(text)
    if not all(c in head for c in _COMMON) or "crime id" not in head:
        return None
    if _STREET in head:
        return "street"
    if _OUTCOME in head:
        return "outcomes"
    return None


# Every column of a street-level crime or outcomes CSV, to tell a renamed key column from
# the others: (canonical, spellings).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "crime id": ("Crime ID",),
    "month": ("Month",),
    "falls within": ("Falls within",),
    "type": ("Crime type", "Outcome type"),
    "reported by": ("Reported by",),
    "longitude": ("Longitude",),
    "latitude": ("Latitude",),
    "location": ("Location",),
    "lsoa code": ("LSOA code",),
    "lsoa name": ("LSOA name",),
    "last outcome": ("Last outcome category",),
    "context": ("Context",),
}
_KEYS = ("crime id", "month", "falls within", "type")
_KEY_NAMES = {
    "crime id": "Crime ID",
    "month": "Month",
    "falls within": "Falls within",
    "type": "Crime type (or Outcome type)",
}
_recognise = spellings_matcher(_COLUMNS)


def near_miss(text: str) -> tuple[list[str], dict[str, int], list[str]] | None:
    """(header cells, recognised columns, key columns missing) for a CSV whose header is a
    data.police.uk one (most of its columns, at least four of its own such as Reported by,
    LSOA code, Longitude) with one or two key columns renamed; None otherwise."""
    row = [c.strip() for c in _first_row(text)]
    near = near_miss_header([list(row)], _recognise, _KEYS, at_least=len(_KEYS) - 2, scan=1)
    if near is None:
        return None
    _, found, missing = near
    if sum(1 for c in found if c not in _KEYS) < 4:
        return None
    return row, found, missing


def _near_miss_problem(
    file: str, sheet: str | None, text: str, near: tuple[list[str], dict[str, int], list[str]]
) -> Problem:
    """What a header that is nearly a data.police.uk one lacks, at the column renamed."""
    row, found, missing = near
    others = unrecognised_cells(list(row), found)
    wanted = ", ".join(_KEY_NAMES[c] for c in missing)
    message = f"the header has no {wanted} column"
    if others:
        message += " (columns not recognised: " + ", ".join(f"'{row[j]}'" for j in others) + ")"
    j = _guess(text, others, missing[0])
    column = f"{column_letter(j)} ({row[j]})" if j is not None else None
    expected = "; ".join(f"a column headed {_KEY_NAMES[c]}" for c in missing)
    if "falls within" in missing:
        expected += " (the police force area where each crime happened)"
    return Problem(file, message, sheet, 1, column, row[j] if j is not None else None, expected)


def _guess(text: str, candidates: list[int], missing: str) -> int | None:
    """The unrecognised column that holds what the missing key column would (force names for
    Falls within, months for Month), or the only unrecognised column."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    with damaged_content("file", _CSV):
        rows = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text.split("\n", 1)[0]))
        body = list(itertools.islice(rows, 1, 201))
    looks = {
        "falls within": lambda v: resolve_area(v) is not None,
        "month": lambda v: parse_month(v) is not None,
    }.get(missing)
    if looks is None:
        return None
    fits = [
        j
        for j in candidates
        if body and sum(1 for r in body if j < len(r) and looks(r[j].strip())) > len(body) / 2
    ]
    return fits[0] if len(fits) == 1 else None


_HEAD = 64 * 1024
Opener = Callable[[], IO[bytes]]


def _head(open_member: Opener) -> tuple[bytes, str]:
    with open_member() as fh:
        data = fh.read(_HEAD)
    return data, decode_head(data)


@contextmanager
def _members(source: Source) -> Iterator[list[tuple[str, Opener]]]:
    """(name, how to open it) of every CSV in the upload: the file itself, or each CSV in a
    ZIP, opened as a stream of bytes (a ZIP member unpacked as it is read)."""
    if source.kind == "csv":
        yield [(source.name, lambda: io.BytesIO(source.content))]
        return
    if source.kind != "zip":
        yield []
        return
    with damaged_content("ZIP", _ZIP), zipfile.ZipFile(io.BytesIO(source.content)) as z:
        out: list[tuple[str, Opener]] = []
        for info in z.infolist():
            if info.is_dir() or not info.filename.lower().endswith(".csv"):
                continue
            if info.filename.startswith("__MACOSX/"):
                continue
            if info.flag_bits & _ENCRYPTED:
                raise BadInput(f"the ZIP could not be read ({info.filename} is encrypted)", _ZIP)
            out.append((info.filename, functools.partial(z.open, info)))
        yield out


class PoliceUKReader:
    format = "police_uk"
    label = "data.police.uk street-level crime or outcomes CSV (or a ZIP of them)"
    produces: tuple[Produces, ...] = (
        Produces(
            "recorded_crime",
            ("offences",),
            POLICE_UK_CATEGORIES,
            "data.police.uk street-level crime files (one a month)",
        ),
        Produces(
            "indicator",
            ("value",),
            (vocabulary.ANTI_SOCIAL_BEHAVIOUR,),
            "data.police.uk street-level crime files (one a month)",
        ),
    )

    def sniff(self, source: Source) -> bool:
        if source.kind == "csv":
            head = source.head_text[:4096]
            return csv_kind(head) is not None or near_miss(head) is not None
        if source.kind != "zip":
            return False
        with damaged_content("ZIP", _ZIP), zipfile.ZipFile(io.BytesIO(source.content)) as z:
            for info in z.infolist():
                if (
                    not info.filename.lower().endswith(".csv")
                    or info.is_dir()
                    or info.flag_bits & _ENCRYPTED
                ):
                    continue
                with z.open(info) as fh:
                    head = decode_head(fh.read(4096))
                if csv_kind(head) is not None or near_miss(head) is not None:
                    return True
        return False

    def read(self, source: Source) -> ReadResult:
        result = ReadResult(source.name, self.format, self.label)
        records: list[dict[str, Any]] = []
        skipped: list[str] = []
        try:
            with _members(source) as members:
                for name, open_member in members:
                    head, text = _head(open_member)
                    kind = csv_kind(text)
                    if kind is None and (near := near_miss(text)) is not None:
                        result.problems.append(
                            _near_miss_problem(
                                source.name, name if name != source.name else None, text, near
                            )
                        )
                        continue
                    if kind is None:
                        skipped.append(name)
                        continue
                    result.sheets.append(name)
                    records.extend(_read_csv(source.name, name, open_member, head, kind, result))
        except BadInput as exc:
            result.problems.append(Problem(source.name, exc.message, expected=exc.expected))
            return result
        if skipped:
            result.warnings.append(
                "CSVs not read (not street-level crime or outcomes): " + ", ".join(skipped)
            )
        if not result.sheets and not result.problems:
            result.problems.append(
                Problem(
                    source.name,
                    "no street-level crime or outcomes CSV found",
                    expected="CSVs with the columns Crime ID, Month, Falls within and Crime type "
                    "or Outcome type",
                )
            )
        return finish(
            result,
            records,
            Problem(
                source.name,
                "the file holds no rows below its header",
                result.sheets[0] if result.sheets else None,
                expected="one row per crime",
            ),
            edition=lambda facts: span(
                month_label(min(facts["period_start"])), month_label(max(facts["period_start"]))
            ),
        )


def _read_csv(
    file: str, name: str, open_member: Opener, head: bytes, kind: str, result: ReadResult
) -> list[dict[str, Any]]:
    """The facts of one CSV, read a row at a time: UTF-16 or UTF-8, else (read again from
    the start when a byte is not UTF-8) Windows-1252."""
    codec = utf16(head) or "utf-8-sig"
    try:
        return _count_csv(file, name, open_member, codec, kind, result)
    except UnicodeDecodeError:
        return _count_csv(file, name, open_member, "cp1252", kind, result)


@contextmanager
def _csv_reader(open_member: Opener, codec: str) -> Iterator[Iterator[list[str]]]:
    strict = "strict" if codec == "utf-8-sig" else "replace"
    with (
        damaged_content("file", _CSV),
        open_member() as raw,
        io.TextIOWrapper(raw, encoding=codec, errors=strict, newline="") as fh,
    ):
        first = fh.readline()
        yield csv.reader(itertools.chain([first], fh), delimiter=csv_delimiter(first))


def _count_csv(
    file: str, name: str, open_member: Opener, codec: str, kind: str, result: ReadResult
) -> list[dict[str, Any]]:
    sheet = name if name != file else None
    counts: Counter[tuple[str, str, str]] = Counter()
    problems = ProblemList()
    with _csv_reader(open_member, codec) as reader:
        head_row = next(reader, [])
        header = [header_key(c) for c in head_row]
        col = {
            "month": header.index("month"),
            "falls within": header.index("falls within"),
            "type": header.index(_STREET if kind == "street" else _OUTCOME),
        }
        titles = {k: f"{column_letter(j)} ({head_row[j].strip()})" for k, j in col.items()}
        for i, row in enumerate(reader, start=1):
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) < len(header):
                problems.append(
                    Problem(
                        file,
                        f"the row has {len(row)} columns, the header {len(header)} (is the file "
                        "truncated?)",
                        sheet,
                        i + 1,
                        column_letter(len(row)),
                        None,
                        "every row as long as the header",
                    )
                )
                continue
            cells = {k: row[j].strip() for k, j in col.items()}
            bad = [k for k, v in cells.items() if not v]
            for k in bad:
                problems.append(
                    Problem(
                        file,
                        f"{head_row[col[k]].strip()} is empty",
                        sheet,
                        i + 1,
                        titles[k],
                        None,
                        _EXPECTED[k],
                    )
                )
            if not bad:
                counts[(cells["month"], cells["falls within"], cells["type"])] += 1
    months: dict[str, dt.date | None] = {}
    areas: dict[str, Area | str | None] = {}
    out: list[dict[str, Any]] = []
    set_aside: Counter[tuple[str, str]] = Counter()
    bad_values: dict[str, dict[str, tuple[str, str]]] = {"month": {}, "falls within": {}}
    for (month_text, force_text, type_text), n in counts.items():
        if month_text not in months:
            months[month_text] = parse_month(month_text)
            if months[month_text] is None:
                bad_values["month"][month_text] = ("not a month", _EXPECTED["month"])
        if force_text not in areas:
            reason = non_area_reason(force_text)
            areas[force_text] = reason if reason is not None else resolve_area(force_text)
            if areas[force_text] is None:
                bad_values["falls within"][force_text] = (
                    f"unknown police force area '{force_text}'",
                    _EXPECTED["falls within"],
                )
        month, area = months[month_text], areas[force_text]
        if isinstance(area, str):
            set_aside[(force_text, area)] += n
            continue
        if month is None or area is None:
            continue
        out.append(_fact(kind, month, area, clean_label(type_text), n, name))
    for key, values in bad_values.items():
        if not values:
            continue
        where = _rows_holding(open_member, codec, col[key], set(values))
        for value, (message, expected) in values.items():
            first, n = where.get(value, (None, 0))
            if n > 1:
                message += f" (in {n:,} rows)"
            problems.append(Problem(file, message, sheet, first, titles[key], value, expected))
    result.problems.extend(problems)
    for (label, reason), n in set_aside.items():
        result.set_aside.append(SetAside(name, label, reason, n))
    return out


def _rows_holding(
    open_member: Opener, codec: str, j: int, values: set[str]
) -> dict[str, tuple[int, int]]:
    """For each of ``values``: the first row (as numbered on screen) of column ``j`` holding
    it, and how many rows do. Read again from the start: only for values found bad."""
    out: dict[str, tuple[int, int]] = {}
    with _csv_reader(open_member, codec) as reader:
        for i, row in enumerate(reader):
            if i and j < len(row) and (v := row[j].strip()) in values:
                first, n = out.get(v, (i + 1, 0))
                out[v] = (first, n + 1)
    return out


_EXPECTED = {
    "month": "a month such as 2021-02",
    "falls within": "a police force of England and Wales, e.g. Dorset Police",
    "type": "a crime type or outcome type",
}


def _fact(
    kind: str, month: dt.date, area: Area, type_text: str, n: int, sheet: str
) -> dict[str, Any]:
    base = {
        "area_code": area.code,
        "area_name": area.name,
        "area_kind": area.kind,
        "period_start": month,
        "period_end": month_end(month),
        "period_type": "month",
        "subcategory": "",
        "value": float(n),
        "base": None,
        "sheet": sheet,
        "edition": "",
    }
    if kind == "outcomes":
        return {
            **base,
            "dataset": "indicator",
            "category": OUTCOME_PREFIX + type_text,
            "measure": "value",
            "source": OUTCOMES_SOURCE,
        }
    if header_key(type_text) == header_key(vocabulary.ANTI_SOCIAL_BEHAVIOUR):
        return {
            **base,
            "dataset": "indicator",
            "category": vocabulary.ANTI_SOCIAL_BEHAVIOUR,
            "measure": "value",
            "source": STREET_SOURCE,
        }
    return {
        **base,
        "dataset": "recorded_crime",
        "category": type_text,
        "measure": "offences",
        "source": STREET_SOURCE,
    }


register(PoliceUKReader())
