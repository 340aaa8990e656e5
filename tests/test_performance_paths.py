"""The fast paths behind the import benchmark give exactly what the plain paths give.

* the template's column-wise recorded-crime path against its row-by-row path (facts, set-aside
  rows, problems in row order), including the offence-subgroup cache keyed by group;
* `normalise_facts` against the straightforward pandas version it replaced;
* the store's SQLite insert (DB-API executemany with tuples): values, missing bases, and a
  batch that fails part-way storing nothing;
* the importer pausing cyclic garbage collection only while it works.

Correctness only: timing is the benchmark's business (benchmarks/bench_import.py).
"""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from pcp_data.errors import StoreError
from pcp_data.facts import FACT_COLUMNS, KEY_COLUMNS, normalise_facts
from pcp_data.importer import import_files, validate
from pcp_data.readers import read_file
from pcp_data.readers.template import SHEETS, _Sheet
from pcp_data.store import Store
from tests.template_helpers import CRIME_HEADER, workbook

CRIME = next(s for s in SHEETS if s.dataset == "recorded_crime")


def read_both_ways(sheets: dict, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The file read as shipped, and read with the column-wise path switched off (its About
    sheet declares Northmoor, an imaginary force, as the home force)."""
    content = workbook({"About": [["Key", "Value"], ["Home force", "Northmoor"]], **sheets})
    fast = read_file("extract.xlsx", content)
    with monkeypatch.context() as m:
        m.setattr(_Sheet, "_columns_recorded_crime", lambda self, values, kept: None)
        slow = read_file("extract.xlsx", content)
    return fast, slow


def assert_same(fast: Any, slow: Any) -> None:
    pd.testing.assert_frame_equal(fast.facts, slow.facts, check_exact=True)
    assert fast.set_aside == slow.set_aside
    assert [p.to_dict() for p in fast.problems] == [p.to_dict() for p in slow.problems]
    assert fast.warnings == slow.warnings


GOOD_ROWS = [
    ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3],
    [dt.datetime(2019, 4, 1), "durham constabulary", "robbery ", "robbery of personal property", 4],
    [43586, "Devon & Cornwall", "Theft offences", "Shoplifting", "1,204"],  # Excel serial
    [None, None, None, None, None],
    ["Apr 2019", "Northmoor", "Public order offences", None, 2],
    ["Total", None, None, None, 9],
    ["May 2019", "Kent", "Possession of weapons offences", "", 1.0],
    [" 2019-05 ", "Kent", "Theft offences", "Bicycle theft", 0],
    ["2019-05", "Kent"],  # a short row: the rest is blank, so Offence group is empty
]


def test_column_wise_path_gives_the_row_path_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [r for r in GOOD_ROWS if len(r) == 5]
    fast, slow = read_both_ways(
        {"Recorded crime": [["Title"], [], CRIME_HEADER, *rows]}, monkeypatch
    )
    assert fast.ok, fast.problems
    assert_same(fast, slow)
    assert fast.facts["value"].tolist() == [7.0, 1204.0, 2.0, 1.0, 0.0]  # Durham summed
    assert [s.reason for s in fast.set_aside] == ["total row"]


def test_a_bad_cell_gives_the_row_path_problems_in_row_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        *GOOD_ROWS,
        ["2019-13", "Durham", "Robery", "x", "twelve"],
        ["2019-04", "Durham", "Robbery", "Shoplifting", -1],
    ]
    fast, slow = read_both_ways({"Recorded crime": [CRIME_HEADER, *rows]}, monkeypatch)
    assert not fast.ok
    assert_same(fast, slow)
    assert [(p.row, p.column) for p in fast.problems] == [
        (10, "C (Offence group)"),
        (10, "E (Offences)"),
        (11, "A (Month)"),
        (11, "C (Offence group)"),
        (11, "E (Offences)"),
        (12, "D (Offence subgroup)"),
        (12, "E (Offences)"),
    ]


def test_generated_style_sheet_many_rows_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    from pcp_data import vocabulary

    subs = [(g, s) for g, ss in vocabulary.OFFENCE_GROUPS.items() for s in ss]
    rows = [
        [f"2019-{m:02d}", force, g, s, (m * 7 + i) % 13]
        for m in range(1, 4)
        for force in ("Durham", "Kent", "Dorset")
        for i, (g, s) in enumerate(subs * 2)
    ]
    fast, slow = read_both_ways({"Recorded crime": [CRIME_HEADER, *rows]}, monkeypatch)
    assert fast.ok
    assert_same(fast, slow)
    assert len(fast.facts) == 3 * 3 * len(subs)


def test_blank_subgroup_means_each_groups_own_only_subgroup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The subgroup parse depends on the group, so its cache is keyed by both: a blank
    # subgroup must not give the first single-subgroup group's subgroup to the next.
    rows = [
        ["2019-04", "Durham", "Possession of weapons offences", "", 1],
        ["2019-04", "Durham", "Public order offences", "", 2],
        ["2019-04", "Durham", "Miscellaneous crimes", None, 3],
    ]
    fast, slow = read_both_ways({"Recorded crime": [CRIME_HEADER, *rows]}, monkeypatch)
    assert_same(fast, slow)
    assert fast.facts["subcategory"].tolist() == [
        "Possession of weapons offences",
        "Public order offences",
        "Miscellaneous crimes",
    ]


def test_subgroup_of_another_group_is_refused_even_after_it_was_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        ["2019-04", "Durham", "Theft offences", "Shoplifting", 1],
        ["2019-04", "Durham", "Robbery", "Shoplifting", 2],
    ]
    fast, slow = read_both_ways({"Recorded crime": [CRIME_HEADER, *rows]}, monkeypatch)
    assert_same(fast, slow)
    assert [(p.row, p.column, p.message) for p in fast.problems] == [
        (3, "D (Offence subgroup)", "Offence subgroup is not a known subgroup of Robbery")
    ]


class _RowsSource:
    """Just enough of a Source for `_Sheet`: rows given as lists (cells of any kind)."""

    name = "made.xlsx"

    def __init__(self, rows: list[list[object]]) -> None:
        self._rows = rows

    def rows(self, sheet: str | None = None) -> list[list[object]]:
        return self._rows


def test_unhashable_cell_falls_back_to_the_row_by_row_filter() -> None:
    rows = [
        CRIME_HEADER,
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3],
        [["a list"], "Durham", "Robbery", "Robbery of personal property", 3],
        ["Total", None, None, None, 6],
    ]
    parser = _Sheet(_RowsSource(rows), "Recorded crime", CRIME, "PCP template")  # type: ignore[arg-type]
    got = parser.read()
    assert got["value"] == [3.0]  # the good row (the reader then keeps nothing: a problem)
    assert [(p.row, p.column) for p in parser.problems] == [(3, "A (Month)")]
    assert [s.label for s in parser.set_aside] == ["Total"]


def test_total_row_found_past_blank_first_cells() -> None:
    rows = [
        CRIME_HEADER,
        [None, " Grand total ", None, None, 6],
        ["", "", "Robbery", "", ""],  # not blank, not a total: a row with problems
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3],
    ]
    parser = _Sheet(_RowsSource(rows), "Recorded crime", CRIME, "PCP template")  # type: ignore[arg-type]
    parser.read()
    assert [s.label for s in parser.set_aside] == ["Grand total"]
    assert [p.row for p in parser.problems] == [3, 3, 3, 3]


# -- normalise_facts ----------------------------------------------------------------------


def reference_normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """The straightforward version normalise_facts replaced (text columns as plain str)."""
    out = pd.DataFrame(index=frame.index)
    for col in FACT_COLUMNS:
        if col in ("value", "base"):
            src = frame[col] if col in frame.columns else float("nan")
            out[col] = pd.to_numeric(pd.Series(src, index=frame.index)).astype("float64")
        elif col in ("period_start", "period_end"):
            out[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d").astype(object)
        else:
            src = frame[col] if col in frame.columns else ""
            out[col] = pd.Series(src, index=frame.index).fillna("").astype(str).astype(object)
    keys = [*KEY_COLUMNS, "area_name", "area_kind"]
    if out.duplicated(keys).any():
        agg = {
            "value": "sum",
            "base": lambda s: s.sum(min_count=1),
            "sheet": "first",
            "edition": "first",
        }
        out = out.groupby(keys, sort=False, as_index=False, dropna=False).agg(agg)
        out = out[list(FACT_COLUMNS)]
        for col in FACT_COLUMNS:
            if col not in ("value", "base"):
                out[col] = out[col].astype(object)
    return out.reset_index(drop=True)


def facts_frame(n: int, seed: int, *, dates: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = [dt.date(2019, m, 1) for m in range(1, 7)]
    starts: list[Any] = [months[i] for i in rng.integers(0, 6, n)]
    if dates == "text":
        starts = [d.isoformat() for d in starts]
    elif dates == "timestamps":
        starts = [pd.Timestamp(d) for d in starts]
    base = rng.integers(1, 50, n).astype(float)
    base[rng.random(n) < 0.5] = np.nan
    return pd.DataFrame(
        {
            "dataset": "recorded_crime",
            "area_code": [f"E2300000{i}" for i in rng.integers(1, 4, n)],
            "area_name": "Somewhere",
            "area_kind": "force",
            "period_start": starts,
            "period_end": starts,
            "period_type": "month",
            "category": [f"Group {i}" for i in rng.integers(0, 3, n)],
            "subcategory": ["", "Sub"] * (n // 2) + [""] * (n % 2),
            "measure": "offences",
            "value": rng.integers(0, 100, n) + rng.random(n).round(2),
            "base": base,
            "source": "PCP template",
            "sheet": [f"Sheet {i}" for i in rng.integers(0, 2, n)],
            "edition": None,
        }
    )


@pytest.mark.parametrize("dates", ["dates", "text", "timestamps"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_normalise_facts_matches_the_reference(seed: int, dates: str) -> None:
    frame = facts_frame(400, seed, dates=dates)
    got = normalise_facts(frame)
    pd.testing.assert_frame_equal(got, reference_normalise(frame), check_exact=True)
    assert all(got[c].dtype == object for c in FACT_COLUMNS if c not in ("value", "base"))


def test_normalise_facts_without_duplicates_and_with_missing_dates() -> None:
    frame = facts_frame(6, 9, dates="dates").drop_duplicates(list(KEY_COLUMNS))
    frame["period_end"] = [None, *frame["period_end"].iloc[1:]]
    pd.testing.assert_frame_equal(normalise_facts(frame), reference_normalise(frame))
    assert pd.isna(normalise_facts(frame)["period_end"].iloc[0])


def test_base_sum_is_missing_only_when_every_base_is() -> None:
    frame = facts_frame(4, 0, dates="dates")
    for col in ("area_code", "period_start", "period_end", "category", "subcategory"):
        frame[col] = frame[col].iloc[0]
    frame["base"] = [np.nan, np.nan, np.nan, np.nan]
    assert pd.isna(normalise_facts(frame)["base"].iloc[0])
    frame["base"] = [np.nan, 2.0, np.nan, 3.0]
    got = normalise_facts(frame)
    assert len(got) == 1 and got["base"].iloc[0] == 5.0
    assert got["sheet"].iloc[0] == frame["sheet"].iloc[0]  # the first row's sheet


# -- the store's insert -------------------------------------------------------------------


def test_sqlite_insert_stores_every_value_and_missing_base(store: Store) -> None:
    frame = normalise_facts(facts_frame(300, 5, dates="dates"))
    result = store.publish("f.xlsx", b"bytes", frame, uploaded_by="t", file_format="test")
    assert result.rows == len(frame)
    with store.engine.connect() as conn:
        stored = pd.read_sql(sa.text("select * from facts order by id"), conn)
    assert (stored["upload_id"] == result.upload_id).all()
    got = stored[list(FACT_COLUMNS)]
    got = got.astype({c: object for c in FACT_COLUMNS if c not in ("value", "base")})
    got["edition"] = got["edition"].fillna("")
    pd.testing.assert_frame_equal(got, frame, check_dtype=False)
    assert stored["base"].isna().sum() == frame["base"].isna().sum() > 0


def test_a_batch_failing_part_way_stores_nothing(store: Store) -> None:
    good = normalise_facts(facts_frame(50, 6, dates="dates"))
    bad = good.drop(columns=["measure"])
    with pytest.raises(StoreError, match="lack columns"):
        store.publish_many(
            [("good.xlsx", b"1", good, "test", {}), ("bad.xlsx", b"2", bad, "test", {})],
            uploaded_by="t",
        )
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from facts")).scalar() == 0
        assert conn.execute(sa.text("select count(*) from uploads")).scalar() == 0
    assert store.revision() == 0


def test_diff_says_new_and_revised_after_a_fast_insert(store: Store) -> None:
    frame = normalise_facts(facts_frame(60, 7, dates="dates"))
    store.publish("a.xlsx", b"a", frame, uploaded_by="t", file_format="test")
    revised = frame.copy()
    revised.loc[0, "value"] = revised.loc[0, "value"] + 1
    changes = store.diff(revised)
    assert changes["change"].tolist() == ["revised"]
    assert changes["old_value"].iloc[0] == frame.loc[0, "value"]


# -- the importer's garbage-collection pause ----------------------------------------------


def crime_workbook() -> bytes:
    return workbook(
        {
            "Recorded crime": [
                CRIME_HEADER,
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3],
            ]
        }
    )


def test_collection_resumes_after_import_and_after_a_failure(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert gc.isenabled()
    import_files([("a.xlsx", crime_workbook())], store, uploaded_by="t")
    assert gc.isenabled()

    def boom(name: str, content: bytes) -> None:
        assert not gc.isenabled()  # paused while reading
        raise RuntimeError("reader failed")

    monkeypatch.setattr("pcp_data.importer.read_file", boom)
    with pytest.raises(RuntimeError):
        validate([("b.xlsx", b"x")])
    assert gc.isenabled()


def test_collection_left_off_when_it_was_off(store: Store) -> None:
    gc.disable()
    try:
        validate([("a.xlsx", crime_workbook())], store)
        assert not gc.isenabled()
    finally:
        gc.enable()
