"""Readers: one per source format, behind one entry point that recognises a file by content.

A reader is a module-level object with ``format`` (an id), ``label`` (words for people),
``produces`` (the figures it gives: `Produces` declarations, read by
`pcp_data.readers.coverage` to say which file would give a measure that has none),
``sniff(source) -> bool`` (does this content look like my format?) and
``read(source) -> ReadResult``. `read_source` asks each registered reader in turn; the first
whose ``sniff`` says yes reads the file. A file no reader recognises gets one problem that
says what was looked for.

Readers never raise on bad content: they return a `ReadResult` whose ``problems`` list every
bad cell (file, sheet, row, column, value, what was expected). A result with problems is
never stored. Content too damaged to read at all raises `~pcp_data.errors.BadInput` (the
`Source` raises it for what the spreadsheet, ZIP and CSV libraries raise), which `read_source`
makes the file's one problem; a file past the limits of `pcp_data.config.limits` (too big, a
zip bomb, a sheet too large) or with formulas whose values were never saved raises
`~pcp_data.errors.FileRefused`, whose problems say where. Any other exception is a fault in
the product, not in the file: `read_source` logs it with its traceback and raises
`~pcp_data.errors.ProductFault`, which names the file, so that the whole upload is refused
and nothing is stored.

Problems are kept in a `~pcp_data.errors.ProblemList` (the first few of each kind in full,
the rest counted), and `read_source` hands them on summarised: one line counts the cells of a
kind past the first few.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Protocol

import pandas as pd

from pcp_data.errors import BadInput, FileRefused, Problem, ProblemList, ProductFault
from pcp_data.facts import empty_facts, normalise_facts
from pcp_data.readers.source import KIND_WORDS, Source

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SetAside:
    """Rows a reader deliberately did not keep, and why (totals, regions, other bodies)."""

    sheet: str
    label: str
    reason: str
    rows: int = 1


@dataclass
class ReadResult:
    """What a reader made of one file."""

    file: str
    format: str
    format_label: str
    facts: pd.DataFrame = field(default_factory=empty_facts)
    sheets: list[str] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=ProblemList)
    metadata: dict[str, str] = field(default_factory=dict)
    """What the file says about itself (the template's About sheet: source, home force...)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, Any]:
        """The validation report for this file, as plain data (JSON-ready)."""
        f = self.facts
        periods = (
            {"first": min(f["period_start"]), "last": max(f["period_end"])} if len(f) else None
        )
        grouped: dict[tuple[str, str, str], int] = {}
        for s in self.set_aside:
            k = (s.sheet, s.label, s.reason)
            grouped[k] = grouped.get(k, 0) + s.rows
        return {
            "file": self.file,
            "format": self.format,
            "format_label": self.format_label,
            "ok": self.ok,
            "sheets": self.sheets,
            "rows": len(f),
            "datasets": sorted(set(f["dataset"])) if len(f) else [],
            "areas": sorted(set(f["area_name"])) if len(f) else [],
            "periods": periods,
            "set_aside": [
                {"sheet": k[0], "label": k[1], "reason": k[2], "rows": n}
                for k, n in grouped.items()
            ],
            "warnings": list(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
        }


def finish(
    result: ReadResult,
    records: list[dict[str, Any]],
    empty: Problem,
    edition: Callable[[pd.DataFrame], str] | None = None,
) -> ReadResult:
    """A reader's ``result`` with the facts of the ``records`` it read: left as it is when it
    has problems, given the problem ``empty`` when there are no records. ``edition`` names
    the edition of the facts, from them, where the file does not say."""
    if result.problems:
        return result
    if not records:
        result.problems.append(empty)
        return result
    frame = pd.DataFrame.from_records(records)
    if edition is not None:
        frame["edition"] = edition(frame)
    result.facts = normalise_facts(frame)
    return result


def span(first: str, last: str) -> str:
    """``"2017/18 to 2019/20"``, or ``first`` alone when ``last`` is the same."""
    return first if first == last else f"{first} to {last}"


@dataclass(frozen=True)
class Produces:
    """One kind of figure a reader gives: which dataset and measures, for which categories.

    ``categories`` are the vocabulary's names the reader gives (offence groups, subgroups
    named by themselves, worker types, indicator names); None means every category of the
    dataset, including indicator names a file brings (the template's Indicators sheet), and
    ``()`` only names a file brings that no plan can count on (a survey extract's own
    measures). ``where`` names the file (or template sheet) in words for people, to finish
    "... gives this measure".
    """

    dataset: str
    measures: tuple[str, ...]
    categories: tuple[str, ...] | None
    where: str
    template: bool = False
    """The product's own template (named after every public file)."""

    def gives(
        self, dataset: str, measure: str, category: str | None, subcategory: str | None = None
    ) -> bool:
        if dataset != self.dataset or measure not in self.measures:
            return False
        if self.categories is None:
            return True
        if category is None:
            return bool(self.categories)
        return (
            subcategory in self.categories
            if subcategory is not None
            else category in self.categories
        )


class Reader(Protocol):
    format: str
    label: str
    produces: tuple[Produces, ...]

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source) -> ReadResult: ...


READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Add a reader to the registry (order matters: more specific readers first)."""
    READERS.append(reader)
    return reader


# Reader modules in the order they are asked; each registers itself on import. More
# specific formats come before more general ones (the template is recognised by its sheet
# names, so it goes first).
READER_MODULES: tuple[str, ...] = (
    "template",
    "home_office_prc",
    "ons_pfa",
    "workforce_tables",
    "workforce_open_data",
    "police_uk",
    "population",
    "survey_proportions",
    "geography_lookup",
)


_loaded = False


def _load_readers() -> None:
    """Import every reader module once, in `READER_MODULES` order (the registry's order)."""
    global _loaded
    if _loaded:
        return
    for name in READER_MODULES:
        module = f"pcp_data.readers.{name}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # a reader that exists but fails to import is a bug
                raise
    # a reader module imported directly (e.g. by a test) registered out of order: re-sort
    order = {f"pcp_data.readers.{n}": i for i, n in enumerate(READER_MODULES)}
    READERS.sort(key=lambda r: order.get(type(r).__module__, len(order)))
    _loaded = True


def read_source(source: Source) -> ReadResult:
    """Recognise ``source`` by its content and read it.

    Raises
    ------
    ProductFault
        When a reader fails on something other than bad content (a bug); it is logged.
    """
    _load_readers()
    try:
        result = _read(source)
    except FileRefused as exc:
        result = refused(source.name, exc.problems)
    except BadInput as exc:
        result = _unreadable(source, exc.message, exc.expected)
    except Exception as exc:
        logger.exception("reading %s failed: a fault in the product", source.name)
        raise ProductFault(source.name) from exc
    if isinstance(result.problems, ProblemList):
        result.problems = result.problems.summarised()
    return result


_SPREADSHEET = "a spreadsheet (.xlsx, .ods) or CSV"

# the contents each file name ending promises (a .txt may hold a table or plain text)
EXTENSION_KINDS: dict[str, tuple[str, ...]] = {
    ".xlsx": ("xlsx",),
    ".xlsm": ("xlsx",),
    ".xls": ("xls",),
    ".ods": ("ods",),
    ".csv": ("csv",),
    ".tsv": ("csv",),
    ".zip": ("zip",),
    ".txt": ("csv", "text"),
}


def disagreement(source: Source) -> str:
    """A clause for a message when the file's name and its contents disagree (a renamed
    file), naming the file; ``""`` when they agree or the name's ending promises nothing.

    >>> disagreement(Source("notes.csv", b"Dear colleague, the notes.\\nBob\\n"))[:62]
    "; its name, 'notes.csv', ends in .csv, but it holds plain text"
    """
    kind = source.kind
    ext = PurePath(source.name).suffix.lower()
    promised = EXTENSION_KINDS.get(ext)
    if promised is None:
        return ""
    if ext == ".txt" and kind == "csv":  # a .txt laid out as a table is read as one
        return f"; its name, '{source.name}', ends in .txt, but it holds a table (CSV)"
    if kind in promised:
        return ""
    held = KIND_WORDS.get(kind, kind).split(",")[0].split(" (")[0]
    held = {"text": "plain text", "binary": "binary data", "broken": "something else"}.get(
        kind, held
    )
    return (
        f"; its name, '{source.name}', ends in {ext}, but it holds {held}: the extension and "
        "the contents disagree"
    )


def _read(source: Source) -> ReadResult:
    source.check_limits()
    kind = source.kind
    if kind == "empty":
        return _unreadable(source, "the file is empty", _SPREADSHEET)
    if kind in ("binary", "broken"):
        return _unreadable(
            source, "the file is " + KIND_WORDS[kind] + disagreement(source), _SPREADSHEET
        )
    if kind not in ("csv", "zip") and not source.is_workbook:
        return _unreadable(
            source,
            f"the file is {KIND_WORDS[kind]}, not a spreadsheet or CSV{disagreement(source)}",
            _SPREADSHEET,
        )
    for reader in READERS:
        if reader.sniff(source):
            return reader.read(source)
    known = "; ".join(r.label for r in READERS)
    sheets = f", sheets: {', '.join(source.sheet_names)}" if source.is_workbook else ""
    return _unreadable(
        source,
        f"the format was not recognised (the file is {KIND_WORDS[kind]}{sheets})"
        + disagreement(source),
        f"one of: {known}",
    )


def read_file(name: str, content: bytes) -> ReadResult:
    """Read a file given by name and bytes (what an upload or the command line has)."""
    return read_source(Source(name, content))


def _unreadable(source: Source, message: str, expected: str) -> ReadResult:
    return ReadResult(
        file=source.name,
        format="unknown",
        format_label="Not recognised",
        problems=ProblemList([Problem(file=source.name, message=message, expected=expected)]),
    )


def refused(file: str, problems: list[Problem]) -> ReadResult:
    """The result for a file refused before any reader looked at it (`FileRefused`)."""
    return ReadResult(
        file=file,
        format="refused",
        format_label="Refused before reading",
        problems=ProblemList(problems).summarised(),
    )
