"""An uploaded file as readers see it: its bytes, what kind of file it is, its sheets.

What the file libraries raise on damaged content (a cut or corrupt workbook, ZIP or CSV)
becomes `~pcp_data.errors.BadInput` here (`damaged_content`), so that anything else raised
while a file is read is known to be a fault in the product.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

import python_calamine

from pcp_data.cleaning import header_key, spellings_matcher
from pcp_data.errors import BadInput

_DAMAGED: tuple[type[Exception], ...] = (
    python_calamine.CalamineError,
    csv.Error,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,  # zipfile: a member compressed in a way it cannot read
)


@contextmanager
def damaged_content(what: str, expected: str) -> Iterator[None]:
    """Raise what the file libraries raise on damaged content as `BadInput`:
    ``"the {what} could not be read (...)"``, expecting ``expected``."""
    try:
        yield
    except _DAMAGED as exc:
        raise BadInput(f"the {what} could not be read ({exc})", expected) from exc


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Source:
    """A file given to the importer: ``name`` is what the user called it, ``content`` its bytes."""

    name: str
    content: bytes
    _rows: dict[str, list[list[object]]] = field(default_factory=dict, repr=False)

    @cached_property
    def kind(self) -> str:
        """xlsx, xls, ods, zip, csv, empty or binary, from the content (never the name)."""
        head = self.content[:8]
        if not self.content.strip():
            return "empty"
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(io.BytesIO(self.content)) as z:
                    names = z.namelist()
                    if "mimetype" in names and b"opendocument.spreadsheet" in z.read("mimetype"):
                        return "ods"
                    if any(n.startswith("xl/") for n in names):
                        return "xlsx"
                    return "zip"
            except _DAMAGED:
                return "broken"
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            return "xls"
        if b"\x00" in self.content[:4096]:
            return "binary"
        return "csv"

    @property
    def is_workbook(self) -> bool:
        return self.kind in ("xlsx", "xls", "ods")

    @cached_property
    def _workbook(self) -> python_calamine.CalamineWorkbook:
        with damaged_content("file", "a valid workbook"):
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.content))

    @cached_property
    def sheet_names(self) -> list[str]:
        """Sheet names as the file has them (trailing spaces included)."""
        if not self.is_workbook:
            return [self.name]
        return list(self._workbook.sheet_names)

    def rows(self, sheet: str | None = None) -> list[list[object]]:
        """Every row of a sheet (or of the CSV), row 0 being the sheet's first row.

        Cells are str, float, int, bool, datetime/date or ``""`` for empty. Raises `BadInput`
        when the content is damaged.
        """
        key = sheet if sheet is not None else self.sheet_names[0]
        if key not in self._rows:
            data: Sequence[Sequence[object]]
            if self.is_workbook:
                with damaged_content("file", "a valid workbook"):
                    data = self._workbook.get_sheet_by_name(key).to_python(skip_empty_area=False)
            else:
                data = csv_rows(self.text)
            # fresh lists, only read from here on: safe to see their cells as objects (list is
            # invariant, so mypy will not widen list[list[str]] to list[list[object]] itself)
            self._rows[key] = cast("list[list[object]]", data)
        return self._rows[key]

    @cached_property
    def text(self) -> str:
        """The content decoded as text (UTF-8 with or without BOM, else Windows-1252)."""
        try:
            return self.content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return self.content.decode("cp1252", errors="replace")

    def find_sheet(self, *wanted: str) -> str | None:
        """The first sheet whose name matches one of ``wanted`` (case, spaces ignored)."""
        keys = {header_key(w) for w in wanted}
        for name in self.sheet_names:
            if header_key(name) in keys:
                return name
        return None


def csv_rows(text: str, *, delimiter: str = ",") -> list[list[str]]:
    """Every row of CSV text; `BadInput` for text the csv module cannot parse."""
    with damaged_content("file", "a valid CSV file"):
        return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def find_header(
    rows: list[list[object]],
    columns: dict[str, tuple[str, ...]],
    *,
    required: tuple[str, ...] | None = None,
    scan: int = 40,
) -> tuple[int, dict[str, int]] | None:
    """Find the header row by its content.

    ``columns`` maps a canonical column name to the header spellings accepted for it
    (compared by `header_key`). Returns (row index, {canonical: column index}) for the first
    row among the first ``scan`` holding every ``required`` column (default: all), or None.
    """
    need = set(required if required is not None else columns)
    recognise = spellings_matcher(columns)
    for i, row in enumerate(rows[:scan]):
        found = recognise(row)
        if need <= set(found):
            return i, found
    return None
