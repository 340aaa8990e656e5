"""The project's errors, all carrying a message meant for the person using the product.

    PCPError                 any error the product reports to a user
    ├── PlanError            a plan file that is not valid (names the key and what was expected)
    ├── BadInput             a value, or a whole file, that is not what a reader expected; the
    │   │                    reader (or `pcp_data.readers.read_source`) makes it a `Problem`
    │   └── FileRefused      a whole file refused before its figures are read (too big, a zip
    │                        bomb, formulas without saved values), with the problems that say why
    ├── ImportRejected       a file (or batch) with problems; nothing was stored
    ├── ProductFault         a fault in the product's own code met while reading a file: not
    │                        the file's fault; logged with its traceback, nothing stored
    ├── StoreError           the store refused an operation (unknown upload, already withdrawn)
    └── ConfigError          a setting (environment variable, ``--db``) the product cannot use

A `Problem` is one thing wrong with one place in one file: it names the file, sheet, row,
column, the value found and what was expected. A file's problems are kept in a `ProblemList`,
which keeps the first few of each kind in full and counts the rest, so that a file with
200,000 bad cells gives a short list that says how many there are.

Readers report bad content as problems and raise nothing else: any other exception met while
reading a file is a bug, which `read_source` logs and turns into `ProductFault`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, SupportsIndex


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
    letter and header, e.g. ``"E (Offences)"``. ``kind`` says what problems of one kind
    share, where the message names the place (a `ProblemList` counts a column's problems
    of one kind together); it is the message otherwise.
    """

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None
    kind: str | None = None

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


class ConfigError(PCPError):
    """A setting (an environment variable, ``--db``) that the product cannot use."""


class FileRefused(BadInput):
    """A whole file refused before its figures are read (too big, a zip bomb, a sheet too
    large, formulas without saved values): ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.message, first.expected or "")
        self.problems = problems


@dataclass
class _Kind:
    """What a `ProblemList` knows of one kind of problem."""

    first: Problem
    count: int = 0
    kept: int = 0
    last_row: int | None = None


class ProblemList(list[Problem]):
    """A file's problems: the first ``keep`` of each kind in full, at most ``most`` in all,
    the others counted (`summarised` says how many of each kind there were).

    A kind is one message at one column of one sheet of one file ("Offences is not a
    number" in column E of 'Recorded crime'), so that 199,993 bad cells of one column take
    the memory of ``keep`` problems, and are listed as ``keep`` lines and one that counts
    them all. ``keep`` and ``most`` default to the limits in `pcp_data.config.limits`.
    """

    def __init__(
        self, problems: Iterable[Problem] = (), *, keep: int | None = None, most: int | None = None
    ) -> None:
        super().__init__()
        if keep is None or most is None:
            from pcp_data.config import limits  # config imports this module

            given = limits()
            keep = given.problems_per_kind if keep is None else keep
            most = given.problems if most is None else most
        self.keep, self.most = keep, most
        self._kinds: dict[tuple[str, str | None, str | None, str], _Kind] = {}
        self.extend(problems)

    @staticmethod
    def kind_of(p: Problem) -> tuple[str, str | None, str | None, str]:
        return (p.file, p.sheet, p.column, p.kind or p.message)

    def append(self, p: Problem) -> None:
        kind = self._kinds.get(key := self.kind_of(p))
        if kind is None:
            kind = self._kinds[key] = _Kind(p)
        kind.count += 1
        if p.row is not None:
            kind.last_row = p.row
        if kind.kept < self.keep and len(self) < self.most:
            kind.kept += 1
            super().append(p)

    def extend(self, problems: Iterable[Problem]) -> None:
        if isinstance(problems, ProblemList):
            for p in problems:
                self.append(p)
            for key, theirs in problems._kinds.items():
                ours = self._kinds.get(key)
                if ours is None:
                    ours = self._kinds[key] = _Kind(theirs.first)
                ours.count += theirs.count - theirs.kept
                if theirs.count > theirs.kept and theirs.last_row is not None:
                    ours.last_row = theirs.last_row
            return
        for p in problems:
            self.append(p)

    def __iadd__(self, problems: Iterable[Problem]) -> ProblemList:  # type: ignore[override,misc]
        self.extend(problems)
        return self

    def insert(self, index: SupportsIndex, p: Problem) -> None:
        raise TypeError("a ProblemList keeps problems in the order found: append them")

    @property
    def total(self) -> int:
        """How many problems were found, listed or not."""
        return sum(k.count for k in self._kinds.values())

    def summarised(self) -> list[Problem]:
        """The problems kept, each kind that has more followed by one line counting them all
        (where the first and last are, and the value first found), and, when some kinds had
        none kept (past ``most``), one last line counting those."""
        out: list[Problem] = []
        shown: dict[tuple[str, str | None, str | None, str], int] = {}
        for p in self:
            out.append(p)
            key = self.kind_of(p)
            shown[key] = shown.get(key, 0) + 1
            kind = self._kinds[key]
            if shown[key] == kind.kept and kind.count > kind.kept:
                out.append(_count_line(kind))
        unlisted = [k for k in self._kinds.values() if not k.kept]
        if unlisted:
            n = sum(k.count for k in unlisted)
            first = unlisted[0].first
            out.append(
                Problem(
                    first.file,
                    f"{n:,} more problem(s) of {len(unlisted):,} other kind(s) are not listed "
                    f"(past the first {self.most:,}); the first of them: {first}",
                    expected="a file with fewer problems: correct those listed and try again",
                )
            )
        return out


def _count_line(kind: _Kind) -> Problem:
    """The line that counts every problem of one kind, after the first few listed."""
    p = kind.first
    unit = "cells" if p.column is not None and p.row is not None else "rows" if p.row else "times"
    where = ""
    if p.row is not None:
        where = f", first at row {p.row:,}"
        if p.value is not None:
            where += f" (value {p.value!r})"
        if kind.last_row is not None and kind.last_row != p.row:
            where += f", last at row {kind.last_row:,}"
    return Problem(
        p.file,
        f"{kind.count:,} {unit} in all: {p.message}{where}; the first {kind.kept} are listed above",
        p.sheet,
        None,
        p.column,
        None,
        p.expected,
    )
