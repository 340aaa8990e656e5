"""An uploaded file as readers see it: its bytes, what kind of file it is, its sheets.

What the file libraries raise on damaged content (a cut or corrupt workbook, ZIP or CSV)
becomes `~pcp_data.errors.BadInput` here (`damaged_content`), so that anything else raised
while a file is read is known to be a fault in the product.

The kind of a file is named from its content, never its name: a workbook, a CSV table (comma,
semicolon or tab separated; UTF-8, Windows-1252 or UTF-16, as Excel's "Unicode text" is),
plain text that is no table, or something else named for what it is (a PDF, an image...).

Before anything is parsed, a file is held to the limits of `pcp_data.config.limits`
(`Source.check_limits`): its size, and the unpacked size of every member of a workbook or
ZIP (in all, and against its packed size), read from the ZIP's directory, whose sizes the
ZIP libraries enforce. Before a sheet is parsed, its rows, columns and cells are counted from
its XML (the spreadsheet library would otherwise build the whole rectangle from A1 to its
last cell, however sparse), and cells holding a formula whose value was never saved are
found. A file past a limit, or with such formulas, is refused (`FileRefused`) with problems
that say where.
"""

from __future__ import annotations

import csv
import html
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import IO, cast
from xml.etree import ElementTree

import python_calamine

from pcp_data.cleaning import csv_delimiter, header_key, spellings_matcher
from pcp_data.config import MB, Limits, limits, megabytes
from pcp_data.errors import BadInput, FileRefused, Problem

_DAMAGED: tuple[type[Exception], ...] = (
    python_calamine.CalamineError,
    csv.Error,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ElementTree.ParseError,
    NotImplementedError,  # zipfile: a member compressed in a way it cannot read
)

KIND_WORDS: dict[str, str] = {
    "xlsx": "an Excel workbook (.xlsx)",
    "xls": "an Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "zip": "a ZIP archive",
    "csv": "a CSV table",
    "text": "plain text, not a table (its lines are not rows of columns separated by "
    "commas, semicolons or tabs)",
    "html": "a web page (HTML)",
    "xml": "an XML document",
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "docx": "a Word document",
    "pptx": "a PowerPoint presentation",
    "odt": "an OpenDocument text document",
    "gzip": "a gzip archive",
    "7z": "a 7-Zip archive",
    "rar": "a RAR archive",
    "empty": "empty",
    "binary": "not a spreadsheet or CSV (it may be truncated or of another kind)",
    "broken": "not a spreadsheet or CSV (it may be truncated or of another kind)",
}
"""Each kind of file in words for people, to follow "the file is"."""

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "7z"),
    (b"Rar!", "rar"),
)
_SCAN_BYTES = 64 * 1024


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


def column_number(letters: bytes | str) -> int:
    """The 1-based number of a column letter: A -> 1, AB -> 28."""
    n = 0
    for c in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + c - 64
    return n


def utf16(head: bytes) -> str | None:
    """The UTF-16 codec of text starting ``head`` (Excel's "Unicode text"), or None.

    With a byte order mark, or without one when every other byte is zero (Latin text)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> str:
    """Bytes of a text file as text: UTF-16 (`utf16`), UTF-8 with or without BOM, else
    Windows-1252."""
    codec = utf16(data)
    if codec is not None:
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def decode_head(data: bytes) -> str:
    """The first bytes of a text file as text, as `decode_text` would decode the whole (a
    character cut at the end is left out)."""
    codec = utf16(data)
    if codec is not None:
        return data.decode(codec, errors="ignore")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8-sig")
        return data.decode("cp1252", errors="replace")


def table_delimiter(lines: list[str]) -> str:
    """The delimiter of a CSV's first lines (`csv_delimiter` of the longest of the first five:
    a title above the header has none)."""
    return csv_delimiter(max(lines[:5], key=len)) if lines else ","


def is_table(text: str) -> bool:
    """True when the first lines of ``text`` are rows of columns (a CSV, semicolon or tab
    separated): most of them split into two fields or more, mostly as many (a few titles and
    ragged rows allowed). Prose is no table: commas followed by spaces, and no figures."""
    lines = [x for x in text.splitlines()[:60] if x.strip()]
    if len(text) >= _SCAN_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last may be cut
    if not lines:
        return False
    delimiter = table_delimiter(lines)
    try:
        widths = [n for n in map(len, csv.reader(lines, delimiter=delimiter)) if n >= 2]
    except csv.Error:
        return False
    if len(widths) < 0.6 * len(lines) or not widths:
        return False
    sample = "\n".join(lines)
    prose = delimiter == "," and sample.count(", ") > 0.5 * sample.count(",")
    if prose and not any(c.isdigit() for c in sample):
        return False
    return len(widths) <= 3 or max(map(widths.count, set(widths))) >= 0.6 * len(widths)


def oversize(name: str, size: int, given: Limits | None = None) -> Problem | None:
    """The problem of a file of ``size`` bytes too big to accept, or None."""
    cap = (given or limits()).upload_mb
    if size <= cap * MB:
        return None
    return Problem(
        name,
        f"the file is {megabytes(size)}, more than the {cap:g} MB the product accepts",
        expected=f"a file of at most {cap:g} MB (split it into several files, e.g. a year each)",
    )


@dataclass
class SheetSize:
    """What a sheet's XML holds, counted before it is parsed: the last row and column that
    hold anything, and the cells holding a formula with no saved value (row, column, both
    1-based, and the formula)."""

    rows: int = 0
    columns: int = 0
    unsaved: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class Source:
    """A file given to the importer: ``name`` is what the user called it, ``content`` its bytes."""

    name: str
    content: bytes
    _rows: dict[str, list[list[object]]] = field(default_factory=dict, repr=False)
    _checked: bool = field(default=False, repr=False)

    @cached_property
    def kind(self) -> str:
        """xlsx, xls, ods, zip, csv, text, empty, binary, broken or another kind named in
        `KIND_WORDS`, from the content (never the name)."""
        head = self.content[:8]
        if not self.content[:_SCAN_BYTES].strip() and not self.content.strip():
            return "empty"
        if head.startswith(b"PK\x03\x04"):
            try:
                names = {i.filename for i in self._zip_infos}
                mimetype = b""
                if "mimetype" in names:
                    with self._zip() as z, z.open("mimetype") as fh:
                        mimetype = fh.read(100)
            except _DAMAGED:
                return "broken"
            if b"opendocument.spreadsheet" in mimetype:
                return "ods"
            if b"opendocument.text" in mimetype:
                return "odt"
            for prefix, kind in (("xl/", "xlsx"), ("word/", "docx"), ("ppt/", "pptx")):
                if any(n.startswith(prefix) for n in names):
                    return kind
            return "zip"
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            return "xls"
        for magic, kind in _MAGIC:
            if head.startswith(magic):
                return kind
        if utf16(self.content[:_SCAN_BYTES]) is None and b"\x00" in self.content[:4096]:
            return "binary"
        start = self.head_text.lstrip()[:200].lower()
        if start.startswith(("<!doctype html", "<html")):
            return "html"
        if start.startswith("<?xml"):
            return "xml"
        return "csv" if is_table(self.head_text) else "text"

    @property
    def is_workbook(self) -> bool:
        return self.kind in ("xlsx", "xls", "ods")

    @cached_property
    def _zip_infos(self) -> list[zipfile.ZipInfo]:
        with zipfile.ZipFile(io.BytesIO(self.content)) as z:
            return z.infolist()

    def check_limits(self) -> None:
        """Refuse the file (`FileRefused`) when it is bigger than the product accepts, or a
        workbook or ZIP whose members would unpack to more than it reads (in all, or any
        member over 1 MB many times its packed size: a zip bomb). Reads only the ZIP's
        directory; the ZIP libraries refuse a member longer than the directory says."""
        if self._checked:
            return
        given = limits()
        too_big = oversize(self.name, len(self.content), given)
        if too_big is not None:
            raise FileRefused([too_big])
        if self.kind in ("xlsx", "ods", "zip"):
            problems = self._unpacked_problems(given)
            if problems:
                raise FileRefused(problems)
        self._checked = True

    def _unpacked_problems(self, given: Limits) -> list[Problem]:
        infos = self._zip_infos
        what = "workbook" if self.kind != "zip" else "ZIP"
        cap = given.zip_unpacked_mb if self.kind == "zip" else given.workbook_unpacked_mb
        ratio = given.compression_ratio
        problems: list[Problem] = []
        for info in infos:
            times = info.file_size / max(info.compress_size, 1)
            if info.file_size > MB and times > ratio:
                problems.append(
                    Problem(
                        self.name,
                        f"{info.filename} would unpack to {megabytes(info.file_size)} from "
                        f"{megabytes(info.compress_size)}, {times:,.0f} times its packed "
                        "size: it is refused as a possible zip bomb",
                        expected=f"members that unpack to at most {ratio:g} times their packed "
                        "size (real spreadsheets and CSVs stay under 35)",
                    )
                )
        total = sum(i.file_size for i in infos)
        if total > cap * MB:
            biggest = max(infos, key=lambda i: i.file_size)
            problems.append(
                Problem(
                    self.name,
                    f"the {what} would unpack to {megabytes(total)} ({biggest.filename} alone "
                    f"to {megabytes(biggest.file_size)}), more than the {cap:g} MB the "
                    f"product unpacks from one {what}",
                    expected=f"a {what} of at most {cap:g} MB unpacked (split it into several "
                    "files)",
                )
            )
        return problems

    @cached_property
    def _workbook(self) -> python_calamine.CalamineWorkbook:
        self.check_limits()
        if self.kind == "ods":  # the library reads every sheet of an .ods when it opens it
            for sheet in self._ods_sizes:
                self._check_sheet(sheet)
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
        when the content is damaged, `FileRefused` when the sheet is larger than the limits
        or holds formulas whose values were never saved.
        """
        key = sheet if sheet is not None else self.sheet_names[0]
        if key not in self._rows:
            data: Sequence[Sequence[object]]
            if self.is_workbook:
                self._check_sheet(key)
                with damaged_content("file", "a valid workbook"):
                    got = self._workbook.get_sheet_by_name(key)
                    end = got.end
                    self._check_size(key, (end[0] + 1, end[1] + 1) if end else (0, 0))
                    data = got.to_python(skip_empty_area=False)
            else:
                data = csv_rows(self.text, delimiter=self.delimiter)
                self._check_size(key, (len(data), max(map(len, data), default=0)))
            # fresh lists, only read from here on: safe to see their cells as objects (list is
            # invariant, so mypy will not widen list[list[str]] to list[list[object]] itself)
            self._rows[key] = cast("list[list[object]]", data)
        return self._rows[key]

    def _check_sheet(self, sheet: str) -> None:
        """Count the sheet's rows and columns from its XML before it is parsed, and find
        its formulas without saved values; `FileRefused` for either."""
        self.check_limits()
        if self.kind == "xlsx":
            size = self._xlsx_size(sheet)
            if self._size_problem(sheet, (size.rows, size.columns)) is not None:
                size = self._xlsx_size(sheet, filled_only=True)
        elif self.kind == "ods":
            size = self._ods_sizes.get(sheet, SheetSize())
        else:
            return
        self._check_size(sheet, (size.rows, size.columns))
        if size.unsaved:
            raise FileRefused(
                [
                    Problem(
                        self.name,
                        f"cell {column_letter(c - 1)}{r} holds the formula {f!r} with no saved "
                        "value: open the file in Excel and save it",
                        self._sheet_label(sheet),
                        r,
                        column_letter(c - 1),
                        f,
                        "a value (the program that wrote the file saved the formula only)",
                        kind="a formula with no saved value: open the file in Excel and save it",
                    )
                    for r, c, f in size.unsaved
                ]
            )

    def _sheet_label(self, sheet: str) -> str | None:
        """The sheet as problems name it: None for a CSV (its file name says it all)."""
        return sheet if self.is_workbook else None

    def _check_size(self, sheet: str, size: tuple[int, int]) -> None:
        problem = self._size_problem(sheet, size)
        if problem is not None:
            raise FileRefused([problem])

    def _size_problem(self, sheet: str, size: tuple[int, int]) -> Problem | None:
        given = limits()
        rows, columns = size
        over = []
        if rows > given.rows:
            over.append(f"{rows:,} rows, more than the {given.rows:,} the product reads")
        if columns > given.columns:
            over.append(
                f"{columns:,} columns (to column {column_letter(columns - 1)}), more than the "
                f"{given.columns:,} the product reads"
            )
        if not over and rows * columns > given.cells:
            over.append(
                f"{rows:,} rows by {columns:,} columns, {rows * columns:,} cells from A1 to its "
                f"last cell, more than the {given.cells:,} the product reads"
            )
        if not over:
            return None
        return Problem(
            self.name,
            ("the sheet" if self.is_workbook else "the file") + " runs to " + " and ".join(over),
            self._sheet_label(sheet),
            expected=f"at most {given.rows:,} rows, {given.columns:,} columns and "
            f"{given.cells:,} cells a sheet (delete stray cells far from the table, or split "
            "it into several files)",
        )

    @cached_property
    def _xlsx_sheets(self) -> dict[str, str]:
        """Each sheet's name to its XML member (``xl/worksheets/sheet1.xml``)."""
        with damaged_content("file", "a valid workbook"), self._zip() as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return {}
            book = z.read("xl/workbook.xml")
            rels = z.read("xl/_rels/workbook.xml.rels")
        targets: dict[str, str] = {}
        for tag in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
            rid, target = _attribute(tag[0], b"Id"), _attribute(tag[0], b"Target")
            if rid and target:
                path = target[1:] if target.startswith("/") else "xl/" + target
                targets[rid] = posixpath.normpath(path)
        out: dict[str, str] = {}
        for tag in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", book):
            name, rid = _attribute(tag[0], b"name"), _attribute(tag[0], rb"\w+:id")
            if name is not None and rid in targets:
                out[name] = targets[rid]
        return out

    def _xlsx_size(self, sheet: str, *, filled_only: bool = False) -> SheetSize:
        member = self._xlsx_sheets.get(sheet)
        with damaged_content("file", "a valid workbook"), self._zip() as z:
            names = set(z.namelist())
            members = (
                [member]
                if member in names
                else sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
            )
            size = SheetSize()
            for m in members:
                with z.open(m) as stream:
                    got = scan_sheet_xml(stream, filled_only=filled_only)
                size.rows, size.columns = max(size.rows, got.rows), max(size.columns, got.columns)
                size.unsaved.extend(got.unsaved)
        return size

    @cached_property
    def _ods_sizes(self) -> dict[str, SheetSize]:
        with damaged_content("file", "a valid workbook"), self._zip() as z:
            if "content.xml" not in z.namelist():
                return {}
            with z.open("content.xml") as stream:
                return scan_ods_content(stream)

    @contextmanager
    def _zip(self) -> Iterator[zipfile.ZipFile]:
        with zipfile.ZipFile(io.BytesIO(self.content)) as z:
            yield z

    @cached_property
    def text(self) -> str:
        """The content decoded as text (`decode_text`)."""
        return decode_text(self.content)

    @cached_property
    def head_text(self) -> str:
        """The first 64 KB of the content as text (to recognise a format by its first lines
        without decoding a big file)."""
        if len(self.content) <= _SCAN_BYTES:
            return self.text
        return decode_head(self.content[:_SCAN_BYTES])

    @cached_property
    def delimiter(self) -> str:
        """What separates the columns of a CSV: comma, semicolon or tab (`csv_delimiter`)."""
        return table_delimiter([x for x in self.head_text.splitlines()[:6] if x.strip()])

    def find_sheet(self, *wanted: str) -> str | None:
        """The first sheet whose name matches one of ``wanted`` (case, spaces ignored)."""
        keys = {header_key(w) for w in wanted}
        for name in self.sheet_names:
            if header_key(name) in keys:
                return name
        return None


def _attribute(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + name + rb'\s*=\s*"([^"]*)"', tag) or re.search(
        rb"\s" + name + rb"\s*=\s*'([^']*)'", tag
    )
    return html.unescape(m[1].decode("utf-8", errors="replace")) if m else None


@dataclass(frozen=True)
class _Patterns:
    cell_row: re.Pattern[bytes]
    cell_column: re.Pattern[bytes]
    formula: re.Pattern[bytes]
    cell_start: bytes
    cell_end: bytes
    row_end: bytes


@cache
def _patterns(prefix: bytes) -> _Patterns:
    p = re.escape(prefix)
    return _Patterns(
        # every cell: its reference when it comes first (as every spreadsheet program
        # writes it), else ("", "") for a cell to place the slow way
        cell_row=re.compile(rb"<" + p + rb'c(?: r="[A-Z]{1,3}(\d{1,9})"|[\s>/])'),
        cell_column=re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})'),
        formula=re.compile(rb"<" + p + rb"f[\s>/]"),
        cell_start=b"<" + prefix + b"c",
        cell_end=b"</" + prefix + b"c>",
        row_end=b"</" + prefix + b"row>",
    )


def scan_sheet_xml(
    stream: IO[bytes], chunk: int = 8 * MB, *, filled_only: bool = False
) -> SheetSize:
    """Count an .xlsx sheet's rows and columns (to its last cell) and find its formulas
    without saved values, reading its XML a piece at a time.

    The spreadsheet library makes a cell of every position from A1 to the last cell, so a
    sheet of two cells, A1 and XFD1048576, would take 500 GB: the size is counted here from
    the cells' references (``<c r="AB12">``), the fastest way the regular expressions allow
    (a fifth of the time the library takes to parse the sheet). That counts formatted empty
    cells too, which the library leaves out: ``filled_only`` counts cells with content only,
    a cell at a time (slower: for a sheet found too large the quick way).
    """
    size = SheetSize()
    first = stream.read(chunk)
    root = re.search(rb"<(\w+:)?worksheet\b", first[:_SCAN_BYTES])
    pat = _patterns(root[1] or b"" if root else b"")
    carry, piece = b"", first
    while piece or carry:
        buffer = carry + piece
        more = stream.read(chunk) if piece else b""
        cut = buffer.rfind(pat.row_end) if more else -1
        if more and cut < 0:
            carry, piece = buffer, more
            continue
        end = cut + len(pat.row_end) if more else len(buffer)
        part = buffer[:end]
        carry, piece = buffer[end:], more
        if filled_only:
            _place_unreferenced(part, size, filled_only=True)
            continue_exact = False
        else:
            # the last cell's row and the first cells' last column: if no cell lies beyond
            # them (or lacks its reference), they are the part's size, found by one search
            # for what is rare, not by reading every reference
            last = _CELL_REF.search(part, part.rfind(pat.cell_start + b' r="'))
            columns = pat.cell_column.findall(part, 0, 4096)
            continue_exact = last is None or not columns
            if not continue_exact and last is not None:
                rows = max(size.rows, int(last[2]))
                width = max([size.columns, *map(column_number, columns)])
                if _beyond(pat.cell_start, rows, width).search(part) is None:
                    size.rows, size.columns = rows, width
                else:
                    continue_exact = True
        if continue_exact:
            found = set(pat.cell_row.findall(part))
            if found - {b""}:
                longest = max(map(len, found))  # of numbers as long, the greatest sorts last
                top = max(r for r in found if len(r) == longest)
                letters = set(pat.cell_column.findall(part))
                size.rows = max(size.rows, int(top))
                size.columns = max([size.columns, *map(column_number, letters)])
            if b"" in found:
                _place_unreferenced(part, size)
        if pat.formula.search(part):
            size.unsaved.extend(_unsaved_formulas(part, pat))
    return size


_CELL_REF = re.compile(rb'c r="([A-Z]{1,3})(\d{1,9})"')


@cache
def _beyond(cell_start: bytes, rows: int, columns: int) -> re.Pattern[bytes]:
    """A pattern finding a cell beyond row ``rows`` or column ``columns``, or a cell without
    its reference first."""
    letters, digits = column_letter(columns - 1), str(rows)
    after_column = _greater(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if len(letters) < 3:
        after_column.append(f"[A-Z]{{{len(letters) + 1},3}}")
    after_row = [*_greater(digits, "0123456789"), f"[1-9][0-9]{{{len(digits)},}}"]
    return re.compile(
        re.escape(cell_start)
        + b'(?: r="(?:(?:'
        + ("|".join(after_column) or "(?!)").encode()
        + b")[0-9]|[A-Z]{1,3}(?:"
        + "|".join(after_row).encode()
        + b')")|(?! r=")[\\s>/])'
    )


def _greater(text: str, alphabet: str) -> list[str]:
    """Regular expressions for the strings as long as ``text`` that sort after it, in
    ``alphabet`` order: ``_greater("E5", ...)`` is one that starts with F to Z, or with E and
    then ends in a character after 5."""
    out = []
    for i, c in enumerate(text):
        after = alphabet[alphabet.index(c) + 1 :]
        if after:
            rest = (
                f"[{alphabet[0]}-{alphabet[-1]}]{{{len(text) - i - 1}}}"
                if i < len(text) - 1
                else ""
            )
            out.append(re.escape(text[:i]) + f"[{after[0]}-{after[-1]}]" + rest)
    return out


_TAG = re.compile(rb"<(?:\w+:)?(row|c)[\s>/][^>]*")
_REF = re.compile(rb'\sr="([A-Z]*)(\d+)"')


def _place_unreferenced(part: bytes, size: SheetSize, *, filled_only: bool = False) -> None:
    """Place every cell of ``part`` as the library does: where its reference (``r``) says,
    or after the one before it (no spreadsheet program leaves references out, but the format
    allows it). With ``filled_only``, empty cells (``<c r="E9" s="1"/>``) take a place but
    do not count."""
    row, col = size.rows, 0
    rows, columns = size.rows, size.columns
    for tag in _TAG.finditer(part):
        ref = _REF.search(tag[0])
        if tag[1] == b"row":
            row = int(ref[2]) if ref else row + 1
            col = 0
            continue
        col = column_number(ref[1]) if ref and ref[1] else col + 1
        if ref:
            row = int(ref[2])
        if filled_only and (tag[0].endswith(b"/") or part.startswith(b"</", tag.end() + 1)):
            continue
        columns = col if col > columns else columns
        rows = row if row > rows else rows
    size.rows, size.columns = rows, columns


_CELL_ATTRS = re.compile(rb'\s(r|t)="([^"]*)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.DOTALL)


def _unsaved_formulas(part: bytes, pat: _Patterns) -> list[tuple[int, int, str]]:
    """Cells of ``part`` (whole rows of a sheet's XML) holding a formula and no saved value:
    no ``<v>``, or an empty one in a cell that is not text (``t="str"`` saves "" as empty)."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    while (m := pat.formula.search(part, pos)) is not None:
        start = part.rfind(pat.cell_start, 0, m.start())
        end = part.find(pat.cell_end, m.start())
        end = len(part) if end < 0 else end
        cell = part[start:end] if start >= 0 else part[m.start() : end]
        pos = max(end, m.end())
        attrs = dict(_CELL_ATTRS.findall(cell[: cell.find(b">") + 1]))
        value = _VALUE.search(cell)
        saved = value is not None and (
            bool(value[1]) or attrs.get(b"t") in (b"str", b"inlineStr", b"s")
        )
        if saved:
            continue
        ref = re.fullmatch(rb"([A-Z]+)(\d+)", attrs.get(b"r", b""))
        formula = _FORMULA.search(cell)
        text = html.unescape((formula[1] or b"").decode("utf-8", "replace")) if formula else ""
        shown = "=" + text if text else "(a formula shared with a cell above it)"
        if ref:
            out.append((int(ref[2]), column_number(ref[1]), shown))
    return out


_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_T = "{" + _TABLE_NS + "}"
_VALUE_TYPE = "{" + _OFFICE_NS + "}value-type"


def scan_ods_content(stream: IO[bytes]) -> dict[str, SheetSize]:
    """Each table of an .ods's ``content.xml``: rows and columns to its last filled cell,
    counting repeated rows and cells (``number-rows-repeated="1048576"``) without making
    them, and cells holding a formula with no value."""
    sizes: dict[str, SheetSize] = {}
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
        events=("start", "end")
    )
    stack: list[ElementTree.Element] = []
    in_cell = 0  # a cell's own elements (text:p...) stay with it until it ends
    name, size = "", SheetSize()
    row = col = filled_to = repeat = 0
    cells = (_T + "table-cell", _T + "covered-table-cell")
    while data := stream.read(MB):
        parser.feed(data)
        for event, elem in cast("Iterator[tuple[str, ElementTree.Element]]", parser.read_events()):
            tag = elem.tag
            if event == "start":
                stack.append(elem)
                if tag in cells:
                    in_cell += 1
                elif tag == _T + "table":
                    name, size, row = elem.get(_T + "name", ""), SheetSize(), 0
                elif tag == _T + "table-row":
                    repeat = int(elem.get(_T + "number-rows-repeated", "1") or 1)
                    col = filled_to = 0
                continue
            stack.pop()
            if tag in cells:
                in_cell -= 1
                times = int(elem.get(_T + "number-columns-repeated", "1") or 1)
                if elem.get(_VALUE_TYPE) is not None or len(elem):
                    filled_to = col + times
                elif elem.get(_T + "formula") is not None:
                    size.unsaved.append((row + 1, col + 1, elem.get(_T + "formula", "")))
                col += times
            elif tag == _T + "table-row":
                if filled_to:
                    size.rows = row + repeat
                    size.columns = max(size.columns, filled_to)
                row += repeat
            elif tag == _T + "table":
                sizes[name] = size
            if stack and not in_cell:
                stack[-1].remove(elem)  # what was read is let go: memory stays small
    return sizes


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
