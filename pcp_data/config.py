"""Where things live, and how much the product accepts.

``PCP_DATABASE_URL`` chooses the store (any SQLAlchemy URL); without it the store is the
SQLite file ``data/pcp.sqlite`` under the project folder (or under ``PCP_DATA_DIR``). The
folder of a SQLite store named by a URL (``PCP_DATABASE_URL``, ``--db``) must exist: a typo
in it is an error, never a new empty store. Only the data folder itself is made on first
start, inside a folder that exists (`store_folder`).

Limits, each changed by its environment variable (`limits` reads them):

=============================  =========  ====================================================
variable                       default    what it limits
=============================  =========  ====================================================
PCP_MAX_UPLOAD_MB              50         one file, as uploaded (keep ``server.maxUploadSize``
                                          in ``.streamlit/config.toml`` the same)
PCP_MAX_WORKBOOK_UNPACKED_MB   250        a workbook (.xlsx, .ods) once unpacked: its sheets
                                          are read whole into memory
PCP_MAX_ZIP_UNPACKED_MB        2000       a ZIP of CSVs once unpacked: read a row at a time
PCP_MAX_COMPRESSION_RATIO      100        unpacked size / packed size of any member over 1 MB
                                          (real workbooks and CSVs stay under 35)
PCP_MAX_ROWS                   1000000    rows of one sheet or CSV
PCP_MAX_COLUMNS                1000       columns of one sheet or CSV
PCP_MAX_CELLS                  5000000    rows x columns of one sheet (what it takes in memory)
PCP_MAX_PROBLEMS_PER_KIND      10         problems of one kind listed in full (the rest are
                                          counted in one line)
PCP_MAX_PROBLEMS               200        problems listed in full for one file
PCP_MAX_PLAN_KB                512        a plan file (the shipped plans are under 20 KB)
PCP_MAX_PLAN_DEPTH             20         nesting of a plan file (the shipped plans: 6)
=============================  =========  ====================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from pcp_data.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_WORKBOOK = PROJECT_DIR / "sample_data" / "pcp_sample.xlsx"


def data_dir() -> Path:
    """The folder for the embedded store: ``$PCP_DATA_DIR`` or ``<project>/data``."""
    return Path(os.environ.get("PCP_DATA_DIR", PROJECT_DIR / "data"))


def database_url() -> str:
    """``$PCP_DATABASE_URL``, or the SQLite file in the data folder."""
    url = os.environ.get("PCP_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'pcp.sqlite'}"


def store_folder(url: str) -> None:
    """Make sure a SQLite store at ``url`` can be made where the URL says.

    The data folder (`data_dir`) is made when missing, if the folder it goes in exists (a
    fresh checkout's ``data/``); any other missing folder is an error.

    Raises
    ------
    ConfigError
        Naming the missing folder, for a URL whose folder does not exist.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"the store URL {url!r} is not a database URL; expected e.g. "
            "sqlite:////path/to/pcp.sqlite or postgresql+psycopg://user@host/pcp"
        ) from None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    folder = Path(parsed.database).expanduser().absolute().parent
    if folder.is_dir():
        return
    if folder == data_dir().expanduser().absolute() and folder.parent.is_dir():
        folder.mkdir(exist_ok=True)
        return
    missing = folder
    while not missing.parent.is_dir() and missing.parent != missing:
        missing = missing.parent
    raise ConfigError(
        f"the folder {folder} does not exist (no folder {missing}), so the store "
        f"{url} cannot be opened there; check the path in --db or PCP_DATABASE_URL, "
        "or make the folder first"
    )


@dataclass(frozen=True)
class Limits:
    """How much the product accepts (see the module's table for each)."""

    upload_mb: float = 50
    workbook_unpacked_mb: float = 250
    zip_unpacked_mb: float = 2000
    compression_ratio: float = 100
    rows: int = 1_000_000
    columns: int = 1_000
    cells: int = 5_000_000
    problems_per_kind: int = 10
    problems: int = 200
    plan_kb: float = 512
    plan_depth: int = 20


_VARIABLES = {
    "upload_mb": "PCP_MAX_UPLOAD_MB",
    "workbook_unpacked_mb": "PCP_MAX_WORKBOOK_UNPACKED_MB",
    "zip_unpacked_mb": "PCP_MAX_ZIP_UNPACKED_MB",
    "compression_ratio": "PCP_MAX_COMPRESSION_RATIO",
    "rows": "PCP_MAX_ROWS",
    "columns": "PCP_MAX_COLUMNS",
    "cells": "PCP_MAX_CELLS",
    "problems_per_kind": "PCP_MAX_PROBLEMS_PER_KIND",
    "problems": "PCP_MAX_PROBLEMS",
    "plan_kb": "PCP_MAX_PLAN_KB",
    "plan_depth": "PCP_MAX_PLAN_DEPTH",
}


def limits() -> Limits:
    """The limits in force: the defaults, each replaced by its environment variable if set.

    Raises
    ------
    ConfigError
        For a variable that is not a positive number (a whole one where counting).
    """
    given: dict[str, float | int] = {}
    for f in fields(Limits):
        variable = _VARIABLES[f.name]
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        whole = f.type in (int, "int")
        try:
            value: float | int = int(text) if whole else float(text)
        except ValueError:
            value = 0
        if not value > 0:
            kind = "a whole number" if whole else "a number"
            raise ConfigError(f"{variable} is {text!r}; expected {kind} greater than 0")
        given[f.name] = value
    return Limits(**given)  # type: ignore[arg-type]


MB = 1024 * 1024
"""A megabyte as the limits count it (as Streamlit counts ``server.maxUploadSize``)."""


def megabytes(size: float) -> str:
    """A size in bytes for people: ``"63.2 MB"``, ``"900 KB"``.

    >>> megabytes(66_270_000), megabytes(921_600)
    ('63.2 MB', '900 KB')
    """
    if size >= MB:
        return f"{size / MB:,.1f} MB"
    return f"{size / 1024:,.0f} KB"
