"""Shared fixtures.

* ``realdata_dir``: ``../shared/realdata`` beside the checkout; tests marked ``realdata``
  skip with a clear message where it is absent, and fail instead under ``.ci/run``
  (``PCP_REQUIRE_REALDATA=1``). Browser tests likewise with ``PCP_REQUIRE_BROWSER=1``.
* ``store``: a real SQLite database file in a temporary folder (never a mock).
* ``sample_store``: such a store with the synthetic sample workbook published.
* ``postgres_url``: a fresh, empty database on a real PostgreSQL server (the one
  ``PCP_TEST_POSTGRES_URL`` names: ``.ci/postgres start`` starts one), dropped afterwards;
  tests using it skip where no server is configured, and fail under ``.ci/run``
  (``PCP_REQUIRE_POSTGRES=1``). ``any_store`` runs a test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from pcp_data.config import SAMPLE_WORKBOOK
from pcp_data.store import Store
from tests import browser_support as bs

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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new database on the test PostgreSQL server; dropped when the test ends."""
    import sqlalchemy as sa

    admin_url = os.environ.get("PCP_TEST_POSTGRES_URL")
    if not admin_url:
        if os.environ.get("PCP_REQUIRE_POSTGRES") == "1":
            pytest.fail("PCP_TEST_POSTGRES_URL is not set; .ci/run starts a PostgreSQL server")
        pytest.skip("no PostgreSQL server (set PCP_TEST_POSTGRES_URL; .ci/postgres start)")
    name = f"pcp_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on an SQLite file and on a PostgreSQL database."""
    if request.param == "sqlite":
        yield Store(f"sqlite:///{tmp_path / 'pcp.sqlite'}")
        return
    url = request.getfixturevalue("postgres_url")
    store = Store(url)
    yield store
    store.engine.dispose()


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


@pytest.fixture(scope="module")
def playwright_browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, one per test module (`browser_support.chromium`)."""
    with bs.chromium() as browser:
        yield browser


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
                f"{item.nodeid} was skipped but {env}=1 says it must run here: {report.longrepr}"
            )
