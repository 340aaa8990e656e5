"""The store on a real PostgreSQL server gives what the SQLite file gives: an import of real
published files and the sample, then the plan report, compared figure by figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcp_data.config import SAMPLE_WORKBOOK
from pcp_data.importer import import_files
from pcp_data.report import build_report
from pcp_data.store import Store

pytestmark = pytest.mark.slow


@pytest.mark.realdata
def test_import_and_report_are_the_same_on_sqlite_and_postgresql(
    realdata_dir: Path, postgres_url: str, tmp_path: Path
) -> None:
    crime = realdata_dir / "recorded_crime"
    files = [
        SAMPLE_WORKBOOK,
        crime / "home_office_prc" / "prc-pfa-mar2013-onwards-tables201718.csv",
        *sorted((crime / "ons_pfa_tables").glob("*.xlsx")),
        *sorted((realdata_dir / "workforce" / "home_office_tables").glob("*.ods")),
    ]
    reports = {}
    for name, url in (
        ("sqlite", f"sqlite:///{tmp_path / 'pcp.sqlite'}"),
        ("postgresql", postgres_url),
    ):
        store = Store(url)
        import_files(files, store, uploaded_by="tests")
        assert len(store.facts()) > 10_000
        reports[name] = {
            f"{plan} {area}": json.dumps(
                build_report(store, plan, area=area), sort_keys=True, default=str
            )
            for plan, area in (
                ("durham-2018-21", "Durham"),
                ("durham-2018-21", None),
                ("devon-cornwall-2014-17", "Devon and Cornwall"),
            )
        }
        reports[name]["coverage"] = store.coverage().to_json()
        reports[name]["revisions"] = json.dumps(store.revisions(), sort_keys=True)
        store.engine.dispose()
    assert reports["sqlite"] == reports["postgresql"]
