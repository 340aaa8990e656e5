"""How pages read the store, counted (never timed): SQL statements per page run at two store
sizes, caches that survive a publish of another dataset, and the peers a page and the report
rank against. Timing is `benchmarks/bench_pages.py`'s business."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from benchmarks.national_store import build_store
from pcp_data.report import build_report
from pcp_data.store import Store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")
PLAN = "durham-2018-21"
MOST_STATEMENTS = 20


@contextlib.contextmanager
def counting() -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs (from any engine)."""
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("PRAGMA"):
            sent.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)


def overview(
    db_url: str, monkeypatch: pytest.MonkeyPatch, **params: str
) -> tuple[AppTest, list[str]]:
    monkeypatch.setenv("PCP_DATABASE_URL", db_url)
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["plan"] = PLAN
    for key, value in params.items():
        at.query_params[key] = value
    with counting() as sent:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at, list(sent)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The sample with every force's offences for 3 months, and for 36 months."""
    out = {}
    for name, months in (("small", 3), ("large", 36)):
        path = tmp_path_factory.mktemp(name) / "pcp.sqlite"
        out[name] = f"sqlite:///{path}"
        build_store(out[name], months=months)
    return out


def test_an_overview_sends_the_same_few_statements_whatever_the_store_size(
    stores: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = {}
    for name, url in stores.items():
        Store(url)  # coverage made before the page runs, as a real store has it
        _, cold = overview(url, monkeypatch)
        _, warm = overview(url, monkeypatch)
        counts[name] = (len(cold), len(warm))
        assert len(cold) <= MOST_STATEMENTS, cold
        # cached: only the revisions (and the commentary-free page needs nothing else)
        assert len(warm) <= 2, warm
        # nothing scans the facts table for areas or months
        assert not any("GROUP BY facts" in s.replace("\n", " ") for s in cold), cold
    assert counts["small"] == counts["large"], counts
    assert (
        Store(stores["large"]).areas()["facts"].sum()
        > 2.5 * Store(stores["small"]).areas()["facts"].sum()
    )


def test_publishing_another_dataset_keeps_the_plan_assessment(
    stores: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = stores["small"]
    overview(url, monkeypatch)
    store = Store(url)
    before = store.revisions()
    lines = [
        "As at 31 March...,Geo code,Force Name,Region,Gender,Rank description,"
        "Worker type,Ethnicity,Ethnic group,Total (headcount),Total (FTE)",
        "2030,E23000008,Durham,North East,Male,Constable,Police Officer,White,White,1100,1090.5",
    ]
    path = tmp_path / "workforce.csv"
    path.write_text("\n".join(lines) + "\n")
    from pcp_data.importer import import_files

    import_files([path], store, uploaded_by="tests")
    after = store.revisions()
    assert after["revision:workforce"] == before.get("revision:workforce", 0) + 1
    assert after["revision:recorded_crime"] == before["revision:recorded_crime"]
    # the Durham plan reads no workforce figures: its facts are not read again
    _, sent = overview(url, monkeypatch)
    assert not any("FROM facts" in s for s in sent if "coverage" not in s), sent


def test_a_page_and_the_report_rank_against_the_same_peers(
    stores: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = stores["small"]
    at, _ = overview(url, monkeypatch)
    ctx = at.session_state["ctx"]
    report = build_report(Store(url), PLAN)
    assert ctx.area_code == report["area"]["code"] == "E23000008"
    assert list(ctx.peers) == report["peers"]["codes"]
    assert len(ctx.peers) >= 5  # Durham's most similar group, held at national scale
