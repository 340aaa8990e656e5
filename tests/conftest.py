"""Shared fixtures.

* ``realdata_dir``: ``../shared/realdata`` beside the checkout; tests marked ``realdata``
  skip with a clear message where it is absent, and fail instead under ``.ci/run``
  (``PCP_REQUIRE_REALDATA=1``). Browser tests likewise with ``PCP_REQUIRE_BROWSER=1``.
* ``store``: a real SQLite database file in a temporary folder (never a mock).
* ``sample_store``: such a store with the synthetic sample workbook published.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from pcp_data.config import SAMPLE_WORKBOOK
from pcp_data.store import Store

# No per-example deadline: speed is the benchmarks' business, never a test's (CI has 2 cores).
settings.register_profile("pcp", deadline=None)
settings.load_profile("pcp")

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    if not REALDATA.is_dir():
        if os.environ.get("PCP_REQUIRE_REALDATA") == "1":
            pytest.fail(f"real published files not found at {REALDATA}; CI must have them")
        pytest.skip(f"real published files not found at {REALDATA} (../shared/realdata)")
    return REALDATA


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'pcp.sqlite'}")


@pytest.fixture(scope="session")
def _sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pcp_data.importer import import_files

    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    store = Store(f"sqlite:///{path}")
    import_files([SAMPLE_WORKBOOK], store, uploaded_by="tests")
    store.engine.dispose()  # the last connection closing checkpoints SQLite's write-ahead log
    return path


@pytest.fixture
def sample_store(_sample_db: Path, tmp_path: Path) -> Store:
    """A fresh copy of a store holding the sample data (tests may change it)."""
    path = tmp_path / "sample.sqlite"
    shutil.copy(_sample_db, path)
    return Store(f"sqlite:///{path}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if not report.skipped:
        return
    for marker, env in (("realdata", "PCP_REQUIRE_REALDATA"), ("browser", "PCP_REQUIRE_BROWSER")):
        if item.get_closest_marker(marker) and os.environ.get(env) == "1":
            report.outcome = "failed"
            report.longrepr = (
                f"{item.nodeid} was skipped but {env}=1 says it must run here: "
                f"{report.longrepr}"
            )
