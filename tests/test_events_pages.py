"""Events, re-basings and actions in the app (AppTest against a real store with the sample
data): an event shows on the measure's chart, analysts record events and re-basings on the
Measure page, the Commissioner's office records actions on the question's page, and the
briefing pack downloads as PowerPoint, PDF and Excel."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pyarrow as pa
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from pcp_data.access import local_user
from pcp_data.store import Store
from tests.test_pages import APP, TIMEOUT, no_errors, shown, text_of

pytestmark = pytest.mark.slow

NORTHMOOR = "LOCAL:northmoor-constabulary"
PLAN = "durham-2018-21"


@pytest.fixture
def app(sample_store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    return at


def fresh(sample_store: Store, **params: str) -> AppTest:
    """A new session on the page the parameters name (what a reader sees next)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    no_errors(at)
    return at


def chart_rows(at: AppTest, index: int = 0) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The Vega-Lite spec of a chart on the page and the rows of every dataset behind it."""
    proto = at.get("vega_lite_chart")[index].proto
    rows: list[dict[str, object]] = []
    for dataset in proto.datasets:
        rows += pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    return json.loads(proto.spec), rows


def test_an_event_recorded_shows_on_the_measures_chart_as_a_labelled_rule(
    app: AppTest, sample_store: Store
) -> None:
    sample_store.save_event(
        date="2024-04-01",
        title="New crime recording standard",
        note="Counting rules changed",
        area_code=NORTHMOOR,
        by="Ann Analyst",
    )
    sample_store.save_event(
        date="2025-02-01",
        title="Operation Nightjar began",
        plan_id=PLAN,
        measure_id="domestic-burglary",
        by="Ann Analyst",
    )
    app.query_params["measure"] = "all-crime"
    at = app.run()
    no_errors(at)
    spec, rows = chart_rows(at)
    labels = {r.get("label") for r in rows}
    assert "New crime recording standard" in labels
    assert "Operation Nightjar began" not in labels  # another measure's event
    assert any(
        layer.get("mark", {}).get("type") == "rule"
        and layer.get("mark", {}).get("strokeDash") == [4, 3]
        for layer in spec["layer"]
    )
    assert "Events and re-basings" in text_of(at)


def test_an_analyst_records_an_event_and_a_rebase_on_the_measure_page(
    app: AppTest, sample_store: Store
) -> None:
    app.query_params["measure"] = "domestic-burglary"
    at = app.run()
    no_errors(at)
    next(t for t in at.text_input if t.label == "Event").input("Operation Nightjar began")
    next(d for d in at.date_input if d.label == "Date of the event").set_value(dt.date(2025, 2, 1))
    next(b for b in at.button if b.label == "Record the event").click()
    at.run()
    no_errors(at)
    found = sample_store.events()
    assert found[["date", "title", "plan_id", "measure_id", "area_code"]].to_dict("records") == [
        {
            "date": "2025-02-01",
            "title": "Operation Nightjar began",
            "plan_id": PLAN,
            "measure_id": "domestic-burglary",
            "area_code": NORTHMOOR,
        }
    ]
    assert found.iloc[0]["author"] == local_user().name
    at = fresh(sample_store, measure="domestic-burglary")
    _spec, rows = chart_rows(at)
    assert "Operation Nightjar began" in {r.get("label") for r in rows}

    # re-base from the event, offered as the reason
    reason = next(s for s in at.selectbox if s.label == "Because of the event")
    reason.set_value(int(found.iloc[0]["thing_id"]))
    next(d for d in at.date_input if d.label == "Re-base from").set_value(dt.date(2025, 2, 1))
    next(b for b in at.button if b.label == "Re-base the limits").click()
    at.run()
    no_errors(at)
    at = fresh(sample_store, measure="domestic-burglary")
    rebases = sample_store.rebases(PLAN)
    assert rebases[["measure_id", "date", "reason", "event_id"]].to_dict("records") == [
        {
            "measure_id": "domestic-burglary",
            "date": "2025-02-01",
            "reason": "Operation Nightjar began",
            "event_id": int(found.iloc[0]["thing_id"]),
        }
    ]
    assert "SPC limits re-based from **1 February 2025**: Operation Nightjar began" in text_of(at)
    # the page's own judgement applies it: the limits start afresh there and say why
    assert "SPC limits re-based from February 2025" in text_of(at)
    assert [a for a in sample_store.audit()["action"]][:2] == ["rebase", "event"]


def test_the_commissioners_office_records_an_action_on_the_question_page(
    app: AppTest, sample_store: Store
) -> None:
    app.query_params["kpq"] = "kpq-crime"
    at = app.run()
    no_errors(at)
    assert not at.text_input, "no free-text names: the identity is recorded"
    assert "No action is recorded for this question." in text_of(at)
    next(t for t in at.text_area if t.label == "The action").input(
        "Explain the burglary figures to the Panel"
    )
    next(s for s in at.selectbox if s.label == "Owner").set_value("Chief Constable")
    next(d for d in at.date_input if d.label == "Due").set_value(dt.date(2020, 1, 31))
    next(b for b in at.button if b.label == "Record the action").click()
    at.run()
    no_errors(at)
    at = fresh(sample_store, kpq="kpq-crime")
    text = text_of(at)
    assert "Overdue**: Explain the burglary figures to the Panel" in text
    assert "owner: Chief Constable" in text and "due 31 January 2020" in text
    action = sample_store.actions(PLAN, "kpq-crime").iloc[0]
    assert (action["author"], action["status"]) == (local_user().name, "open")

    next(r for r in at.radio if r.label == "Change to").set_value("done")
    next(b for b in at.button if b.label == "Save the change").click()
    at.run()
    no_errors(at)
    at = fresh(sample_store, kpq="kpq-crime")
    assert "Done**: Explain the burglary figures" in text_of(at)
    assert list(sample_store.actions(PLAN, history=True)["status"]) == ["done", "open"]


SCRIPT = """
from ui import access, downloads, shared

access.current()
ctx = shared.sidebar()
downloads.pack_buttons(ctx, key="test")
"""


def test_the_pack_buttons_make_the_pack_only_when_asked_then_download_three_formats(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PCP_DATABASE_URL", sample_store.url)
    sample_store.save_event(
        date="2024-04-01", title="New crime recording standard", by="Ann Analyst"
    )
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.secrets["pcp_tests"] = "sign-in off"
    at.run()
    no_errors(at)
    assert [b.label for b in at.button] == ["Prepare the briefing pack"]
    assert not at.get("download_button")
    at.button(key="test-prepare").click()
    at.run()
    no_errors(at)
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["PowerPoint", "PDF", "Excel"]
    # a run after a download keeps the buttons (the pack is not made again)
    at.run()
    assert [b.proto.label for b in at.get("download_button")] == ["PowerPoint", "PDF", "Excel"]
    from ui.downloads import pack_files

    files = pack_files(
        f"{sample_store.url}#{sample_store.revision()}",
        PLAN,
        NORTHMOOR,
        None,
        tuple(at.session_state["pack-ready-test"][4]),
        True,
        _plan=__import__("pcp_data.plan", fromlist=["load_shipped"]).load_shipped(PLAN),
    )
    name, deck = files["pptx"]
    assert name.startswith(f"{PLAN}-") and name.endswith("-pack.pptx")
    texts = " ".join(
        s.text_frame.text
        for slide in Presentation(io.BytesIO(deck)).slides
        for s in slide.shapes
        if s.has_text_frame
    )
    assert "New crime recording standard" in texts
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"][1]))
    assert "Notes" in book.sheetnames
    assert files["pdf"][1][:4] == b"%PDF"
    assert shown("ok") == "ok"
