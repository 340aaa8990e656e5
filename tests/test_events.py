"""Events, actions and re-basings: kept in versions in a real store (SQLite, and PostgreSQL
where one is configured), audited, drawn on the charts, applied to the SPC limits with their
reason, and carried into the briefing pack."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pdfplumber
import pytest
from pptx import Presentation

from pcp_data.assess import assess_plan
from pcp_data.audit import audit_records
from pcp_data.errors import StoreError
from pcp_data.events import (
    action_status,
    action_words,
    events_for_measure,
    force_events,
    rebase_label,
    rebases_by_measure,
)
from pcp_data.measure_charts import measure_chart
from pcp_data.pack import pack_from_store, render
from pcp_data.plan import load_shipped
from pcp_data.store import Store

NORTHMOOR = "LOCAL:northmoor-constabulary"
PLAN = "durham-2018-21"


# --------------------------------------------------------------------------- the store


def test_an_event_is_kept_in_versions_with_its_author_and_audited(any_store: Store) -> None:
    first = any_store.save_event(
        date="2024-04-01", title="New recording standard", area_code=NORTHMOOR, by="Ann Analyst"
    )
    other = any_store.save_event(
        date=dt.date(2023, 1, 15),
        title="Operation Nightjar began",
        plan_id=PLAN,
        measure_id="domestic-burglary",
        by="Ann Analyst",
    )
    assert (first, other) == (1, 2)
    revision = any_store.revisions()["revision:events"]
    any_store.save_event(
        date="2024-04-02",
        title="Home Office Counting Rules changed",
        note="violence recorded differently",
        area_code=NORTHMOOR,
        by="Bob Analyst",
        event_id=first,
    )
    assert any_store.revisions()["revision:events"] == revision + 1

    current = any_store.events()
    assert list(current["thing_id"]) == [2, 1]  # oldest date first
    assert current.set_index("thing_id").loc[1, "title"] == "Home Office Counting Rules changed"
    assert current.set_index("thing_id").loc[1, "author"] == "Bob Analyst"
    history = any_store.events(history=True)
    assert list(history[history["thing_id"] == 1]["author"]) == ["Bob Analyst", "Ann Analyst"]
    # an event for one area is not shown for another; one for every plan shows in every plan
    assert list(any_store.events(PLAN, "LOCAL:other")["thing_id"]) == [2]
    assert list(any_store.events("dorset-2013-17", NORTHMOOR)["thing_id"]) == [1]

    any_store.remove("event", first, by="Bob Analyst")
    assert list(any_store.events()["thing_id"]) == [2]
    assert list(any_store.events(include_removed=True)["thing_id"]) == [2, 1]
    with pytest.raises(StoreError, match="event 1 was removed"):
        any_store.remove("event", first, by="Bob Analyst")
    with pytest.raises(StoreError, match="there is no event 9"):
        any_store.save_event(date="2024-01-01", title="x", by="Bob", event_id=9)

    log = audit_records(any_store.audit(target_kind="event", target_id=1).iloc[::-1])
    assert [(r["who"], r["action"]) for r in log] == [
        ("Ann Analyst", "event"),
        ("Bob Analyst", "event"),
        ("Bob Analyst", "remove event"),
    ]
    assert log[0]["before"] is None and log[0]["after"]["title"] == "New recording standard"
    assert log[1]["before"]["title"] == "New recording standard"
    assert log[1]["before"]["author"] == "Ann Analyst"
    assert log[2]["after"] is None
    assert log[1]["change"] == (
        "changed: 2024-04-02 Home Office Counting Rules changed (on the whole force)"
    )
    assert log[2]["change"].startswith("removed: 2024-04-02 Home Office Counting Rules")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": "2024-13-01", "title": "x"}, "the event's date '2024-13-01' is not a date"),
        ({"date": "2024-01-01", "title": "   "}, "the event's title is empty"),
        (
            {"date": "2024-01-01", "title": "x", "measure_id": "all-crime"},
            "an event against a measure needs the plan",
        ),
    ],
)
def test_a_bad_event_is_refused_in_words_and_nothing_is_stored(
    store: Store, values: dict[str, str], message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        store.save_event(**values, by="Ann")  # type: ignore[arg-type]
    assert store.events().empty and store.audit().empty


def test_an_action_has_an_owner_a_due_date_and_a_status_kept_in_versions(
    any_store: Store,
) -> None:
    action = any_store.save_action(
        plan_id=PLAN,
        kpq_id="kpq-crime",
        title="Report on the rise in burglary to the next Panel",
        owner="Chief Constable",
        due="2026-10-01",
        meeting="2026-09-14",
        by="PCC office",
    )
    with pytest.raises(StoreError, match="status is open or done"):
        any_store.save_action(
            plan_id=PLAN, kpq_id="kpq-crime", title="x", owner="y", status="late", by="PCC"
        )
    with pytest.raises(StoreError, match="the action's owner is empty"):
        any_store.save_action(plan_id=PLAN, kpq_id="kpq-crime", title="x", owner=" ", by="PCC")
    row = any_store.actions(PLAN, "kpq-crime").iloc[0]
    assert (row["owner"], row["due"], row["meeting"], row["status"]) == (
        "Chief Constable",
        "2026-10-01",
        "2026-09-14",
        "open",
    )
    # open and past its due date: overdue, worked out from the date, never stored
    assert action_status("open", row["due"], dt.date(2026, 10, 1)) == "open"
    assert action_status("open", row["due"], dt.date(2026, 10, 2)) == "overdue"
    assert action_words(row.to_dict(), dt.date(2026, 10, 2)) == (
        "owner: Chief Constable · due 1 October 2026 · ⚠ overdue"
    )
    any_store.save_action(
        plan_id=PLAN,
        kpq_id="kpq-crime",
        title=row["title"],
        owner=row["owner"],
        due=row["due"],
        status="done",
        by="PCC deputy",
        action_id=action,
    )
    done = any_store.actions(PLAN, "kpq-crime").iloc[0]
    assert (done["status"], done["author"]) == ("done", "PCC deputy")
    assert action_status(done["status"], done["due"], dt.date(2027, 1, 1)) == "done"
    assert len(any_store.actions(history=True)) == 2
    assert any_store.actions(PLAN, "kpq-safe").empty
    log = audit_records(any_store.audit(target_kind="action").iloc[::-1])
    assert [r["change"] for r in log] == [
        "recorded: Report on the rise in burglary to the next Panel (owner Chief Constable, "
        "due 2026-10-01; open)",
        "changed: Report on the rise in burglary to the next Panel (owner Chief Constable, "
        "due 2026-10-01; done)",
    ]


def test_a_rebase_is_stored_with_its_reason_and_the_event_behind_it(any_store: Store) -> None:
    event = any_store.save_event(date="2024-04-01", title="New recording standard", by="Ann")
    with pytest.raises(StoreError, match="there is no event 7 to give as the reason"):
        any_store.save_rebase(
            plan_id=PLAN, measure_id="all-crime", date="2024-04-01", reason="x", event_id=7, by="A"
        )
    with pytest.raises(StoreError, match="the reason for re-basing is empty"):
        any_store.save_rebase(
            plan_id=PLAN, measure_id="all-crime", date="2024-04-01", reason="", by="Ann"
        )
    rebase = any_store.save_rebase(
        plan_id=PLAN,
        measure_id="all-crime",
        date="2024-04-01",
        reason="New recording standard",
        event_id=event,
        area_code=NORTHMOOR,
        by="Ann",
    )
    found = any_store.rebases(PLAN, NORTHMOOR)
    assert found[["thing_id", "measure_id", "date", "reason", "event_id", "author"]].to_dict(
        "records"
    ) == [
        {
            "thing_id": rebase,
            "measure_id": "all-crime",
            "date": "2024-04-01",
            "reason": "New recording standard",
            "event_id": event,
            "author": "Ann",
        }
    ]
    assert any_store.rebases(PLAN, "LOCAL:elsewhere").empty
    assert rebases_by_measure(found, plan_id=PLAN) == {
        "all-crime": ((dt.date(2024, 4, 1), "New recording standard"),)
    }
    entry = any_store.audit(target_kind="rebase").iloc[0]
    assert entry["action"] == "rebase" and json.loads(entry["after"])["reason"] == (
        "New recording standard"
    )


# --------------------------------------------------------------------------- pure selection


def test_a_measures_chart_gets_its_own_events_and_the_whole_forces() -> None:
    frame = pd.DataFrame(
        [
            (1, None, None, None, "2021-04-01", "Force-wide", ""),
            (2, PLAN, "all-crime", NORTHMOOR, "2022-06-01", "Mine", "a note"),
            (3, PLAN, "domestic-burglary", NORTHMOOR, "2022-07-01", "Another measure's", ""),
            (4, None, None, "LOCAL:other", "2022-08-01", "Another force's", ""),
            (5, "other-plan", "all-crime", None, "2022-09-01", "Another plan's", ""),
        ],
        columns=["thing_id", "plan_id", "measure_id", "area_code", "date", "title", "note"],
    )
    shown = events_for_measure(frame, "all-crime", plan_id=PLAN, area_code=NORTHMOOR)
    assert list(shown.columns) == ["date", "label", "note"]
    assert list(shown["label"]) == ["Force-wide", "Mine"]
    assert shown["date"].tolist() == [pd.Timestamp("2021-04-01"), pd.Timestamp("2022-06-01")]
    assert list(force_events(frame)["title"]) == ["Force-wide", "Another force's"]
    assert events_for_measure(None, "all-crime").empty
    assert rebase_label("New recording standard") == "Limits re-based: New recording standard"
    assert len(rebase_label("a very long reason " * 5)) <= 48


# --------------------------------------------------------------------------- the judgement


@pytest.fixture
def rebased(sample_store: Store) -> Store:
    event = sample_store.save_event(
        date="2024-04-01",
        title="New crime recording standard",
        note="Counting rules changed",
        area_code=NORTHMOOR,
        by="Ann Analyst",
    )
    sample_store.save_rebase(
        plan_id=PLAN,
        measure_id="all-crime",
        date="2024-04-01",
        reason="New crime recording standard",
        event_id=event,
        area_code=NORTHMOOR,
        by="Ann Analyst",
    )
    return sample_store


def test_a_recorded_rebase_recomputes_the_limits_from_the_new_base(rebased: Store) -> None:
    a = assess_plan(rebased, load_shipped(PLAN), NORTHMOOR).by_measure["all-crime"]
    assert a.spc is not None and len(a.spc.segments) == 2
    segment = a.spc.segments[1]
    assert segment.start == pd.Timestamp("2024-04-30")  # the first month ending on or after
    assert segment.reason == "New crime recording standard"
    # the limits rest on the months from April 2024 only, worked out by hand:
    # centre = mean of those (seasonally adjusted) months; mR = |x_i - x_(i-1)| within them;
    # moving ranges at or above 3.267 x their mean are screened out; limits = centre +/- 2.66 mR
    data = a.spc.data
    x = data.loc[data["date"] >= pd.Timestamp("2024-04-30"), "value"].to_numpy(dtype=float)
    moving = np.abs(np.diff(x))
    kept = moving[~((moving >= 3.267 * moving.mean()) & (moving > 0))]
    centre, mean_mr = x.mean(), kept.mean()
    assert segment.centre == pytest.approx(centre)
    assert segment.upper == pytest.approx(centre + 2.66 * mean_mr)
    assert segment.lower == pytest.approx(centre - 2.66 * mean_mr)
    latest = data.iloc[-1]
    assert (latest["centre"], latest["upper"]) == pytest.approx((centre, centre + 2.66 * mean_mr))
    # before the re-basing the limits are those of the months before it, a different centre
    first = a.spc.segments[0]
    y = data.loc[data["date"] < pd.Timestamp("2024-04-30"), "value"].to_numpy(dtype=float)
    assert first.centre == pytest.approx(y.mean()) and first.centre != pytest.approx(centre)
    # the judgement says so, with the reason
    assert a.verdict.rebase_words == (
        "SPC limits re-based from April 2024 (New crime recording standard)"
    )
    # and the chart draws it as a labelled rule, on the event given as its reason
    chart = measure_chart(a, events=events_for_measure(rebased.events(), "all-crime"))
    assert chart is not None
    spec = json.dumps(chart.to_dict())
    assert "New crime recording standard (limits re-based)" in spec
    alone = measure_chart(a)
    assert alone is not None
    assert "Limits re-based: New crime recording standard" in json.dumps(alone.to_dict())


# --------------------------------------------------------------------------- the pack


@pytest.mark.slow
def test_the_pack_carries_events_actions_and_the_rebase(rebased: Store) -> None:
    rebased.save_event(
        date="2025-01-10",
        title="Operation Nightjar began",
        plan_id=PLAN,
        measure_id="domestic-burglary",
        by="Ann Analyst",
    )
    rebased.save_action(
        plan_id=PLAN,
        kpq_id="kpq-crime",
        title="Explain the burglary figures to the Panel",
        owner="Chief Constable",
        due="2026-01-31",
        by="PCC office",
    )
    pack = pack_from_store(
        rebased, load_shipped(PLAN), NORTHMOOR, made_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    assert pack.as_at == "September 2026"
    assert [n.title for n in pack.notes] == ["New crime recording standard"]
    crime = next(q for q in pack.questions if q.id == "kpq-crime")
    assert [(n.kind, n.title) for n in crime.notes] == [
        ("event", "Operation Nightjar began"),
        ("action", "Explain the burglary figures to the Panel"),
    ]
    assert crime.notes[1].extra == "owner: Chief Constable · due 31 January 2026 · ⚠ overdue"
    all_crime = next(m for m in crime.measures if m.id == "all-crime")
    assert "SPC limits re-based from April 2024 (New crime recording standard)" in all_crime.method
    burglary = next(m for m in crime.measures if m.id == "domestic-burglary")
    assert burglary.chart is not None
    spec = json.dumps(burglary.chart.to_dict())
    assert "Operation Nightjar began" in spec and "New crime recording standard" in spec
    assert '"strokeDash": [4, 3]' in spec  # the events' rule

    deck = Presentation(io.BytesIO(render(pack, "pptx")))
    slides = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for slide in deck.slides
    ]
    assert any(t.startswith("Events for the whole force") for t in slides)
    crime_slide = next(t for t in slides if t.startswith("2. How well are we preventing"))
    assert "Event: Operation Nightjar began" in crime_slide
    assert "Action: Explain the burglary figures to the Panel" in crime_slide

    with pdfplumber.open(io.BytesIO(render(pack, "pdf"))) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    text = " ".join(text.split())
    assert "Events for the whole force" in text and "New crime recording standard" in text
    assert "Explain the burglary figures to the Panel" in text
    assert "limits re-based from April 2024" in text

    book = openpyxl.load_workbook(io.BytesIO(render(pack, "xlsx")))
    notes = [[c.value for c in row] for row in book["Notes"].iter_rows(min_row=2)]
    assert notes[0][:4] == [None, None, "event", "New crime recording standard"]
    assert [
        notes[-1][0],
        notes[-1][1],
        notes[-1][2],
    ] == [2, "How well are we preventing and reducing crime?", "action"]


def test_internal_commentary_stays_out_of_a_pack_for_the_public(sample_store: Store) -> None:
    for text, internal in (("Public words", False), ("Internal words", True)):
        sample_store.save_commentary(
            PLAN, "kpq-safe", "2026-09", text, author="PCC office", internal=internal
        )
    plan = load_shipped(PLAN)
    public = pack_from_store(sample_store, plan, NORTHMOOR)
    safe = next(q for q in public.questions if q.id == "kpq-safe")
    assert [n.text for n in safe.notes if n.kind == "commentary"] == ["Public words"]
    inside = pack_from_store(sample_store, plan, NORTHMOOR, viewer_can_read_internal=True)
    safe = next(q for q in inside.questions if q.id == "kpq-safe")
    assert [n.text for n in safe.notes if n.kind == "commentary"] == ["Internal words"]
