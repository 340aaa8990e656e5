"""The project's errors, all carrying a message meant for the person using the product.

    PCPError                 any error the product reports to a user
    ├── PlanError            a plan file that is not valid (names the key and what was expected)
    ├── BadInput             a value, or a whole file, that is not what a reader expected; the
    │                        reader (or `pcp_data.readers.read_source`) makes it a `Problem`
    ├── ImportRejected       a file (or batch) with problems; nothing was stored
    ├── ProductFault         a fault in the product's own code met while reading a file: not
    │                        the file's fault; logged with its traceback, nothing stored
    └── StoreError           the store refused an operation (unknown upload, already withdrawn)

A `Problem` is one thing wrong with one place in one file: it names the file, sheet, row,
column, the value found and what was expected.

Readers report bad content as problems and raise nothing else: any other exception met while
reading a file is a bug, which `read_source` logs and turns into `ProductFault`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class PCPError(Exception):
    """An error with a message a user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanError(PCPError):
    """A plan file is invalid."""


class BadInput(PCPError):
    """Something in a file is not what was expected: ``message`` says what was found (e.g.
    ``"not a month"``), ``expected`` what should be there."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.expected = expected


class ProductFault(PCPError):
    """A fault in the product, not in the user's file, stopped it reading ``file``."""

    def __init__(self, file: str) -> None:
        super().__init__(
            f"{file}: this is a fault in the product, not in your file. The product failed "
            "while reading it, so nothing from this upload was stored. The details are in "
            "the product's log; please report the fault."
        )
        self.file = file


class StoreError(PCPError):
    """The store refused an operation."""


@dataclass(frozen=True)
class Problem:
    """One problem at one place in a file.

    ``row`` is the 1-based row number a spreadsheet program shows; ``column`` is the column
    letter and header, e.g. ``"E (Offences)"``.
    """

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = ", ".join(where) + ": " + self.message
        if self.value is not None and repr(self.value) not in text:
            text += f" (found {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], (int, float, str, bool)):
            d["value"] = str(d["value"])
        d["text"] = str(self)
        return d


class ImportRejected(PCPError):
    """One or more files have problems; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        super().__init__(
            f"{len(lines)} problem(s); nothing was stored:\n" + "\n".join(f"- {x}" for x in lines)
        )
