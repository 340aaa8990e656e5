"""The one import entry point, used by the Upload page and ``python -m pcp_data import``.

`validate` reads every file (recognising each format by content) and builds the validation
report *before anything is stored*; `publish` stores a valid report in one transaction;
`import_files` does both. A batch with any problem stores nothing at all, and neither does one
in which a reader fails on a fault of its own (`~pcp_data.errors.ProductFault`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pcp_data.errors import ImportRejected, Problem
from pcp_data.readers import ReadResult, read_file, refused
from pcp_data.readers.source import oversize
from pcp_data.store import PublishResult, Store, sha256

Progress = Callable[[float, str], None]


@dataclass
class FileReport:
    """One file's validation: the reader's result plus what storing it would change."""

    name: str
    content: bytes
    result: ReadResult
    duplicate_of: int | None = None
    changes: pd.DataFrame | None = None

    @property
    def ok(self) -> bool:
        return self.result.ok

    def to_dict(self) -> dict[str, Any]:
        d = self.result.summary()
        d["sha256"] = sha256(self.content)
        d["size"] = len(self.content)
        d["duplicate_of"] = self.duplicate_of
        if self.changes is not None:
            counts = self.changes["change"].value_counts()
            d["new_facts"] = int(counts.get("new", 0))
            d["revised_facts"] = int(counts.get("revised", 0))
        return d


@dataclass
class ImportReport:
    """The validation report for a batch of files."""

    files: list[FileReport] = field(default_factory=list)
    published: list[PublishResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files) and bool(self.files)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.result.problems]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": [f.to_dict() for f in self.files],
            "published": [
                {
                    "upload_id": p.upload_id,
                    "file": p.file_name,
                    "rows": p.rows,
                    "duplicate_of": p.duplicate_of,
                    "reinstated": p.reinstated,
                }
                for p in self.published
            ],
        }


FileLike = tuple[str, bytes] | str | Path

LIST_SHOWN = 3  # items a summary names before counting the rest


def set_aside_summary(set_aside: list[dict[str, Any]]) -> str | None:
    """One line for a file's set-aside rows (`ReadResult.summary`), grouped by reason and
    counted, largest first, naming the first few of each: ``"Set aside 240 rows: 200 for
    area outside England and Wales (first: Scotland, Northern Ireland), 40 total row (first:
    England and Wales)"``. None when nothing was set aside.

    >>> set_aside_summary([{"label": "Total", "reason": "total row", "rows": 2},
    ...                    {"label": "Wales", "reason": "a region", "rows": 1}])
    'Set aside 3 rows: 2 total row (Total), 1 a region (Wales).'
    """
    if not set_aside:
        return None
    groups: dict[str, tuple[int, list[str]]] = {}
    for item in set_aside:
        rows = int(item.get("rows") or 1)
        count, labels = groups.get(str(item["reason"]), (0, []))
        if str(item["label"]) not in labels:
            labels.append(str(item["label"]))
        groups[str(item["reason"])] = (count + rows, labels)
    total = sum(count for count, _ in groups.values())
    parts = []
    for reason, (count, labels) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        named = ", ".join(labels[:LIST_SHOWN])
        more = f" and {len(labels) - LIST_SHOWN} more" if len(labels) > LIST_SHOWN else ""
        first = "first: " if more else ""
        parts.append(f"{count:,} {reason} ({first}{named}{more})")
    return f"Set aside {total:,} row{'s' if total != 1 else ''}: " + ", ".join(parts) + "."


def brief(message: str, *, longest: int = 240) -> tuple[str, list[str]]:
    """A long message that ends in a list (``"...left out: A; B; C; ..."``) as its opening,
    the number of items and the first few, and the items themselves for the details; a
    short message or one without a list unchanged, with no details.

    >>> brief("left out: " + "; ".join(f"Force {i} at 31 March" for i in range(40)))[0]
    'left out: 40 items (first: Force 0 at 31 March; Force 1 at 31 March; Force 2 at 31 March)'
    """
    head, sep, tail = message.rpartition(": ")
    if len(message) <= longest or not sep:
        return message, []
    items = [x.strip() for x in tail.split("; ") if x.strip()]
    if len(items) <= LIST_SHOWN:
        items = [x.strip() for x in tail.split(", ") if x.strip()]
    if len(items) <= LIST_SHOWN:
        return message, []
    first = "; ".join(items[:LIST_SHOWN])
    return f"{head}: {len(items):,} items (first: {first})", items


def _load(item: FileLike) -> tuple[str, bytes] | ReadResult:
    """The file's name and bytes; a file on disk too big to accept is not read at all (its
    refusal instead, as `read_file` would give)."""
    if isinstance(item, tuple):
        return item
    path = Path(item)
    too_big = oversize(path.name, path.stat().st_size)
    if too_big is not None:
        return refused(path.name, [too_big])
    return path.name, path.read_bytes()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file is read or stored.

    A big workbook becomes hundreds of thousands of live lists and rows; each automatic
    full collection scans them all (a fifth of a 130,000-row import). Reference counting
    still frees everything as usual; collection resumes afterwards, unless it was
    already off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate(
    files: Iterable[FileLike],
    store: Store | None = None,
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Read and check every file; nothing is stored.

    With a ``store``, each valid file's report also says whether the same bytes were
    uploaded before and which figures are new or revised. Raises `ProductFault` (naming the
    file) when reading a file fails on a fault in the product: the whole batch is refused.
    """
    items = [_load(f) for f in files]
    report = ImportReport()
    for n, item in enumerate(items):
        if isinstance(item, ReadResult):
            report.files.append(FileReport(item.file, b"", item))
            continue
        name, content = item
        if progress:
            progress(n / max(len(items), 1), f"Reading {name}")
        with _gc_paused():
            result = read_file(name, content)
            fr = FileReport(name, content, result)
            if store is not None and result.ok:
                existing = store.find_upload(sha256(content))
                if existing is not None and existing["status"] == "published":
                    fr.duplicate_of = int(existing["id"])
                    result.warnings.append(
                        f"this file was already uploaded as upload {existing['id']} "
                        f"on {existing['uploaded_at']}; publishing it again adds nothing"
                    )
                else:
                    fr.changes = store.diff(result.facts)
        report.files.append(fr)
    if progress:
        progress(1.0, "Checked")
    return report


def publish(report: ImportReport, store: Store, *, uploaded_by: str) -> ImportReport:
    """Store every file of a valid report in one transaction; refuse if any has problems."""
    if not report.files:
        raise ImportRejected([Problem(file="(none)", message="no files were given")])
    if not report.ok:
        raise ImportRejected(report.problems)
    with _gc_paused():
        report.published = store.publish_many(
            [
                (f.name, f.content, f.result.facts, f.result.format, f.to_dict())
                for f in report.files
            ],
            uploaded_by=uploaded_by,
        )
    _remember_areas(report, store)
    return report


def _remember_areas(report: ImportReport, store: Store) -> None:
    """A file that names its home force and peers (the template's About sheet) sets the
    store's home area and peer areas when none are set yet."""
    from pcp_data.forces import local_area, resolve_area

    for f in report.files:
        meta = f.result.metadata
        for key, setting in (("home force", "home_area"), ("peer forces", "peer_areas")):
            if key in meta and store.setting(setting) is None:
                names = [n.strip() for n in meta[key].split(",") if n.strip()]
                codes = [(resolve_area(n) or local_area(n)).code for n in names]
                store.set_setting(setting, ",".join(codes))


def import_files(
    files: Iterable[FileLike],
    store: Store,
    *,
    uploaded_by: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate, then (unless ``dry_run``) publish. Raises `ImportRejected` on any problem,
    `ProductFault` on a fault in the product; either way nothing is stored."""
    report = validate(files, store, progress=progress)
    if not report.ok:
        raise ImportRejected(report.problems)
    if dry_run:
        return report
    return publish(report, store, uploaded_by=uploaded_by)
