"""The store: atomic publish, duplicate files, withdraw restores, revisions, coverage,
commentary; every test on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from pcp_data.errors import ImportRejected, StoreError
from pcp_data.importer import import_files, validate
from pcp_data.store import Store
from tests.template_helpers import crime_rows, workbook


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every store test runs on SQLite and on PostgreSQL."""
    return any_store


def crime_file(value: int, month: str = "2019-04") -> bytes:
    return workbook(
        {
            "Recorded crime": crime_rows(
                [month, "Durham", "Robbery", "Robbery of personal property", value]
            )
        }
    )


def current_value(store: Store) -> float:
    f = store.facts(dataset="recorded_crime", area_codes=["E23000008"])
    return float(f["value"].iloc[0])


def test_publish_keeps_bytes_hash_who_and_rows(store: Store) -> None:
    content = crime_file(10)
    report = import_files([("april.xlsx", content)], store, uploaded_by="analyst")
    upload_id = report.published[0].upload_id
    up = store.uploads().iloc[0]
    assert (up.file_name, up.uploaded_by, up.rows, up.status, up["size"]) == (
        "april.xlsx",
        "analyst",
        1,
        "published",
        len(content),
    )
    assert store.upload_content(upload_id) == content
    assert store.upload_report(upload_id)["rows"] == 1
    assert current_value(store) == 10.0
    assert store.facts(dataset="recorded_crime")["upload_id"].tolist() == [upload_id]


def test_same_file_twice_adds_nothing(store: Store) -> None:
    content = crime_file(10)
    import_files([("a.xlsx", content)], store, uploaded_by="x")
    rev = store.revision()
    again = import_files([("renamed.xlsx", content)], store, uploaded_by="y")
    assert again.published[0].duplicate_of == again.published[0].upload_id
    assert len(store.uploads()) == 1
    assert store.revision() == rev
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from facts")).scalar() == 1


def test_revision_replaces_and_withdraw_restores(store: Store) -> None:
    first = import_files([("v1.xlsx", crime_file(10))], store, uploaded_by="x")
    second = import_files([("v2.xlsx", crime_file(12))], store, uploaded_by="x")
    assert current_value(store) == 12.0
    store.withdraw(second.published[0].upload_id, by="x")
    assert current_value(store) == 10.0
    store.withdraw(first.published[0].upload_id, by="x")
    assert store.facts(dataset="recorded_crime").empty
    with pytest.raises(StoreError, match="already withdrawn"):
        store.withdraw(first.published[0].upload_id, by="x")
    with pytest.raises(StoreError, match="no upload 99"):
        store.withdraw(99, by="x")


def test_withdrawn_file_uploaded_again_is_reinstated(store: Store) -> None:
    content = crime_file(10)  # the same bytes twice (openpyxl stamps the time in each file)
    first = import_files([("v1.xlsx", content)], store, uploaded_by="x")
    store.withdraw(first.published[0].upload_id, by="x")
    again = import_files([("v1.xlsx", content)], store, uploaded_by="x")
    assert again.published[0].reinstated
    assert current_value(store) == 10.0


def test_a_batch_with_one_bad_file_stores_nothing(store: Store) -> None:
    bad = workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", "lots"]
            )
        }
    )
    before = store.revision()
    with pytest.raises(ImportRejected) as info:
        import_files([("good.xlsx", crime_file(3)), ("bad.xlsx", bad)], store, uploaded_by="x")
    assert "bad.xlsx, sheet 'Recorded crime', row 4, column E (Offences)" in info.value.message
    assert store.is_empty() and store.revision() == before


def test_publish_is_one_transaction(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure half-way through inserting facts leaves no upload and no facts."""
    import pcp_data.store as store_module

    real = store_module._insert_facts

    def insert_then_fail(conn: sa.Connection, upload_id: int, frame: pd.DataFrame) -> None:
        real(conn, upload_id, frame)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_module, "_insert_facts", insert_then_fail)
    with pytest.raises(RuntimeError):
        import_files([("a.xlsx", crime_file(3))], store, uploaded_by="x")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from facts")).scalar() == 0
        assert conn.execute(sa.text("select count(*) from uploads")).scalar() == 0


def test_validate_previews_new_and_revised_figures(store: Store) -> None:
    import_files([("v1.xlsx", crime_file(10))], store, uploaded_by="x")
    two_months = workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 11],
                ["2019-05", "Durham", "Robbery", "Robbery of personal property", 7],
            )
        }
    )
    report = validate([("v2.xlsx", two_months)], store)
    changes = report.files[0].changes
    changes = changes.sort_values("period_start")
    assert changes["change"].tolist() == ["revised", "new"]
    assert changes["new_value"].tolist() == [11.0, 7.0]
    assert changes["old_value"].iloc[0] == 10.0 and pd.isna(changes["old_value"].iloc[1])
    assert report.files[0].to_dict()["revised_facts"] == 1
    assert store.revision() == 1  # validation stored nothing


def test_sample_store_holds_every_dataset(sample_store: Store) -> None:
    areas = sample_store.areas()
    assert "Northmoor Constabulary" in set(areas["area_name"])
    datasets = set(sample_store.facts()["dataset"])
    assert datasets == {
        "recorded_crime",
        "victim_satisfaction",
        "workforce",
        "population",
        "indicator",
    }


def test_commentary_versions(store: Store) -> None:
    store.save_commentary("plan", "kpq1", "2019-03", "First draft", author="PCC office")
    store.save_commentary("plan", "kpq1", "2019-03", "<b>Final</b>", author="PCC office")
    versions = store.commentary("plan", "kpq1", "2019-03")
    assert versions["text"].tolist() == ["<b>Final</b>", "First draft"]
    with pytest.raises(StoreError, match="empty"):
        store.save_commentary("plan", "kpq1", "2019-03", "  ", author="x")


def test_commentary_marked_internal_is_kept_from_the_public(store: Store) -> None:
    store.save_commentary("plan", "kpq1", "2019-03", "For everyone", author="PCC office")
    store.save_commentary(
        "plan", "kpq1", "2019-03", "Between us", author="PCC office", internal=True
    )
    everything = store.commentary("plan", "kpq1", "2019-03")
    assert everything["text"].tolist() == ["Between us", "For everyone"]
    assert everything["internal"].tolist() == [True, False]
    public = store.commentary("plan", "kpq1", "2019-03", include_internal=False)
    assert public["text"].tolist() == ["For everyone"]  # the newest version not internal


def test_plans_loaded_in_the_app_are_kept(store: Store) -> None:
    store.save_plan("my-plan", "id: my-plan\n", by="Ann Analyst")
    store.set_setting("home_area", "E23000008")
    assert store.custom_plans() == {"my-plan": "id: my-plan\n"}
    assert store.setting("home_area") == "E23000008"
    with pytest.raises(StoreError, match="save_plan"):
        store.set_setting("plan:other", "id: other\n")  # plans only through save_plan


# --------------------------------------------------------------------------- coverage, revisions


def test_each_dataset_has_its_own_revision(store: Store) -> None:
    import_files([("april.xlsx", crime_file(10))], store, uploaded_by="x")
    first = store.revisions()
    assert first["revision:recorded_crime"] == 1 and "revision:workforce" not in first
    store.set_setting("home_area", "E23000008")
    store.save_commentary("plan", "kpq", "2019-04", "Fell.", author="PCC office")
    second = store.revisions()
    # a setting and a commentary leave the crime figures' revision (and caches) alone
    assert second["revision:recorded_crime"] == 1
    assert second["revision:settings"] == 1 and second["revision:commentary"] == 1
    assert second["revision"] == first["revision"] + 2
    assert store.settings() == {"home_area": "E23000008"}


def test_coverage_follows_publish_withdraw_and_republish(store: Store) -> None:
    april = import_files([("april.xlsx", crime_file(10))], store, uploaded_by="x")
    import_files([("may.xlsx", crime_file(12, "2019-05"))], store, uploaded_by="x")
    cov = store.coverage()
    row = cov.iloc[0]
    assert (row.dataset, row.area_code, row.first_end, row.last_end, row.facts) == (
        "recorded_crime",
        "E23000008",
        "2019-04-30",
        "2019-05-31",
        2,
    )
    assert row.sources == ["PCP template"]
    areas = store.areas()
    assert areas[["area_code", "area_name", "area_kind", "facts"]].values.tolist() == [
        ["E23000008", "Durham", "force", 2]
    ]
    upload = april.published[0].upload_id
    store.withdraw(upload, by="x")
    assert store.coverage().iloc[0].first_end == "2019-05-31"
    import_files([("april.xlsx", crime_file(10))], store, uploaded_by="x")  # re-published
    assert store.coverage().iloc[0].first_end == "2019-04-30"
    assert store.revisions()["revision:recorded_crime"] == 4


def test_a_store_made_before_coverage_gets_it_from_its_facts(store: Store) -> None:
    import_files([("april.xlsx", crime_file(10))], store, uploaded_by="x")
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM coverage"))
    again = Store(store.url)
    assert again.areas()["area_code"].tolist() == ["E23000008"]
    again.engine.dispose()
