"""Where things live: the store's URL and the data folder.

``PCP_DATABASE_URL`` chooses the store (any SQLAlchemy URL); without it the store is the
SQLite file ``data/pcp.sqlite`` under the project folder (or under ``PCP_DATA_DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path

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
