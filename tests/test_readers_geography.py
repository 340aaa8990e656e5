"""The ONS lookup of local authorities to police force areas: checked, nothing but the file kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcp_data.importer import import_files
from pcp_data.readers import read_file
from pcp_data.store import Store

HEADER = "LAD16CD,LAD16NM,CSP16CD,CSP16NM,PFA16CD,PFA16NM,FID\n"


@pytest.mark.realdata
def test_the_real_lookup_is_recognised_and_every_force_checks(
    realdata_dir: Path, store: Store
) -> None:
    path = next((realdata_dir / "geography").glob("*.csv"))
    result = read_file(path.name, path.read_bytes())
    assert result.format == "ons_geography_lookup"
    assert result.ok, result.problems
    assert result.facts.empty
    assert "43 police force areas checked" in result.warnings[0]
    report = import_files([path], store, uploaded_by="analyst")
    assert report.published[0].rows == 0
    assert store.upload_content(report.published[0].upload_id) == path.read_bytes()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "E07000144,Broadland,E22000219,Broadland,E23000099,Norfolk,1",
            "E (PFA16CD)",
            "not a known police force area code",
        ),
        (
            "E07000144,Broadland,E22000219,Broadland,E23000024,Suffolk,1",
            "F (PFA16NM)",
            "code E23000024 is Norfolk but the name says Suffolk",
        ),
    ],
)
def test_a_wrong_force_is_named_with_its_row_and_column(
    row: str, column: str, message: str
) -> None:
    content = (
        HEADER
        + "E07000006,South Bucks,E22000311,South Bucks,E23000029,Thames Valley,2\n"
        + row
        + "\n"
    ).encode()
    result = read_file("lookup.csv", content)
    assert [(p.row, p.column, p.message) for p in result.problems] == [(3, column, message)]
