"""The audit log: who did what and when, with before and after, for every publish, withdraw,
re-publish, commentary and plan change; append-only, whoever asks. Every test runs on SQLite
and on a real PostgreSQL server."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from pcp_data.errors import StoreError
from pcp_data.importer import import_files
from pcp_data.store import Store
from tests.template_helpers import crime_rows, workbook


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def crime_file(value: int) -> bytes:
    return workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", value]
            )
        }
    )


def entries(store: Store) -> list[tuple[str, str, str, str]]:
    """(who, action, target kind, target id), oldest first."""
    log = store.audit().iloc[::-1]
    return list(zip(log["who"], log["action"], log["target_kind"], log["target_id"], strict=True))


def test_publish_withdraw_and_republish_keep_the_whole_history(store: Store) -> None:
    content = crime_file(10)
    first = import_files([("april.xlsx", content)], store, uploaded_by="Ann Analyst")
    upload = first.published[0].upload_id
    store.withdraw(upload, by="Bob Analyst")
    again = import_files([("april-again.xlsx", content)], store, uploaded_by="Cat Analyst")
    assert again.published[0].reinstated
    store.withdraw(upload, by="Dan Analyst")

    assert entries(store) == [
        ("Ann Analyst", "publish", "upload", str(upload)),
        ("Bob Analyst", "withdraw", "upload", str(upload)),
        ("Cat Analyst", "re-publish", "upload", str(upload)),
        ("Dan Analyst", "withdraw", "upload", str(upload)),
    ]
    log = store.audit(target_kind="upload", target_id=upload).iloc[::-1].reset_index(drop=True)
    published = json.loads(log.loc[0, "after"])
    assert log.loc[0, "before"] is None
    assert published["file_name"] == "april.xlsx" and published["rows"] == 1
    assert published["datasets"] == ["recorded_crime"] and len(published["sha256"]) == 64
    withdrawn_at = json.loads(log.loc[1, "after"])["withdrawn_at"]
    # re-publishing says who withdrew it and when: nothing is forgotten
    assert json.loads(log.loc[2, "before"]) == {
        "status": "withdrawn",
        "withdrawn_by": "Bob Analyst",
        "withdrawn_at": withdrawn_at,
    }
    assert json.loads(log.loc[2, "after"]) == {
        "status": "published",
        "file_name": "april-again.xlsx",
    }


def test_republishing_keeps_who_withdrew_it_on_the_upload(store: Store) -> None:
    content = crime_file(10)
    first = import_files([("april.xlsx", content)], store, uploaded_by="Ann")
    store.withdraw(first.published[0].upload_id, by="Bob")
    import_files([("april.xlsx", content)], store, uploaded_by="Cat")
    row = store.uploads().iloc[0]
    assert (row.status, row.withdrawn_by) == ("published", "Bob")
    assert row.withdrawn_at  # the last withdrawal stays; the audit log holds every one


def test_a_duplicate_adds_nothing_to_the_log(store: Store) -> None:
    content = crime_file(10)
    import_files([("a.xlsx", content)], store, uploaded_by="Ann")
    import_files([("b.xlsx", content)], store, uploaded_by="Bob")
    assert [action for _, action, _, _ in entries(store)] == ["publish"]


def test_commentary_is_logged_with_the_version_before(store: Store) -> None:
    store.save_commentary("plan", "kpq", "2019-04", "First", author="PCC office")
    store.save_commentary("plan", "kpq", "2019-04", "Second", author="Deputy", internal=True)
    log = store.audit(target_kind="commentary").iloc[::-1].reset_index(drop=True)
    assert log["target_id"].tolist() == ["plan/kpq/2019-04"] * 2
    assert log["who"].tolist() == ["PCC office", "Deputy"]
    assert log.loc[0, "before"] is None
    before = json.loads(log.loc[1, "before"])
    assert (before["text"], before["author"], before["internal"]) == ("First", "PCC office", False)
    assert json.loads(log.loc[1, "after"])["internal"] is True


def test_plans_loaded_replaced_and_removed_are_logged(store: Store) -> None:
    store.save_plan("my-plan", "id: my-plan\n", by="Ann")
    store.save_plan("my-plan", "id: my-plan\ntitle: v2\n", by="Bob")
    store.save_plan("my-plan", "id: my-plan\ntitle: v2\n", by="Bob")  # unchanged: no entry
    store.remove_plan("my-plan", by="Cat")
    assert entries(store) == [
        ("Ann", "load plan", "plan", "my-plan"),
        ("Bob", "replace plan", "plan", "my-plan"),
        ("Cat", "remove plan", "plan", "my-plan"),
    ]
    log = store.audit().iloc[::-1].reset_index(drop=True)
    assert json.loads(log.loc[1, "before"]) == "id: my-plan\n"
    assert json.loads(log.loc[2, "before"]) == "id: my-plan\ntitle: v2\n"
    assert log.loc[2, "after"] is None
    assert store.custom_plans() == {}
    with pytest.raises(StoreError, match="no loaded plan is called 'my-plan'; loaded plans: none"):
        store.remove_plan("my-plan", by="Cat")


@pytest.mark.parametrize("shipped", ["durham-2018-21", "dorset-2013-17"])
def test_a_loaded_plan_cannot_take_a_shipped_plans_id(store: Store, shipped: str) -> None:
    with pytest.raises(StoreError, match=f"'{shipped}' is the id of a plan shipped"):
        store.save_plan(shipped, f"id: {shipped}\n", by="Ann")
    assert store.custom_plans() == {} and store.audit().empty


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_every_change_refuses_an_empty_name(store: Store, name: str) -> None:
    with pytest.raises(StoreError, match="say who you are"):
        import_files([("a.xlsx", crime_file(1))], store, uploaded_by=name)
    import_files([("a.xlsx", crime_file(1))], store, uploaded_by="Ann")
    changes = [
        lambda: store.withdraw(1, by=name),
        lambda: store.save_commentary("p", "k", "2019-04", "text", author=name),
        lambda: store.save_plan("mine", "id: mine\n", by=name),
        lambda: store.remove_plan("mine", by=name),
    ]
    for change in changes:
        with pytest.raises(StoreError, match="say who you are"):
            change()
    assert len(store.audit()) == 1  # Ann's publish alone


def test_names_are_recorded_tidied(store: Store) -> None:
    import_files([("a.xlsx", crime_file(1))], store, uploaded_by="  Ann   Analyst ")
    assert store.uploads().iloc[0].uploaded_by == "Ann Analyst"
    assert store.audit().iloc[0].who == "Ann Analyst"


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit SET who = 'someone else'", "DELETE FROM audit"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_the_log(store: Store, statement: str) -> None:
    import_files([("a.xlsx", crime_file(1))], store, uploaded_by="Ann")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert store.audit().iloc[0].who == "Ann"


def test_the_log_is_append_only_in_a_store_opened_again(store: Store) -> None:
    """Opening a store again neither duplicates the triggers nor loses them."""
    import_files([("a.xlsx", crime_file(1))], store, uploaded_by="Ann")
    again = Store(store.url)
    try:
        with pytest.raises(sa.exc.DatabaseError), again.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM audit"))
        assert len(again.audit()) == 1
    finally:
        again.engine.dispose()


def test_a_store_made_before_internal_commentary_gains_the_flag(tmp_path) -> None:
    """An SQLite store written by an earlier version: commentary without ``internal``."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE commentary (id INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, "
                "kpq_id TEXT NOT NULL, period VARCHAR(7) NOT NULL, text TEXT NOT NULL, "
                "author TEXT NOT NULL, written_at VARCHAR(32) NOT NULL)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO commentary (plan_id, kpq_id, period, text, author, written_at) "
                "VALUES ('p', 'k', '2019-04', 'Old words', 'PCC office', '2019-05-01')"
            )
        )
    engine.dispose()
    store = Store(url)
    versions = store.commentary("p", "k", include_internal=False)
    assert versions["text"].tolist() == ["Old words"]
    assert versions["internal"].tolist() == [False]
    store.engine.dispose()
