"""Events, actions and re-basings as the charts, the judgement and the pack use them.

The store keeps them in versions (`pcp_data.store.Store.events`, ``actions``, ``rebases``);
these pure functions pick out what belongs to one measure or question, so the page and the
pack read the store once and the statistics stay functions of frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

EVENT_CHART_COLUMNS: tuple[str, ...] = ("date", "label", "note")
REBASE_LABEL_LIMIT = 48


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value == ""


def events_for_measure(
    events: pd.DataFrame | None,
    measure_id: str,
    *,
    plan_id: str | None = None,
    area_code: str | None = None,
) -> pd.DataFrame:
    """The events to draw on a measure's chart, as `pcp_data.measure_charts.measure_chart`
    takes them (``date, label, note``): those recorded for the whole force or every measure,
    and those recorded against this measure of this plan; with ``area_code``, only those for
    that area or every area."""
    empty = pd.DataFrame(columns=list(EVENT_CHART_COLUMNS))
    if events is None or events.empty:
        return empty
    rows = events
    if "removed" in rows:
        rows = rows[~rows["removed"].astype(bool)]
    mine = rows["measure_id"].map(_blank) | (rows["measure_id"] == measure_id)
    if plan_id is not None:
        mine &= rows["plan_id"].map(_blank) | (rows["plan_id"] == plan_id)
    if area_code is not None and "area_code" in rows:
        mine &= rows["area_code"].map(_blank) | (rows["area_code"] == area_code)
    chosen = rows[mine]
    if chosen.empty:
        return empty
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(chosen["date"]).to_numpy(),
            "label": chosen["title"].astype(str).to_numpy(),
            "note": chosen["note"].fillna("").astype(str).to_numpy(),
        }
    )
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def force_events(events: pd.DataFrame | None) -> pd.DataFrame:
    """The events recorded for the whole force (no measure), oldest first."""
    if events is None or events.empty:
        return pd.DataFrame(columns=[] if events is None else events.columns)
    rows = events[events["measure_id"].map(_blank)]
    return rows.sort_values("date", kind="stable").reset_index(drop=True)


def rebases_by_measure(
    rebases: pd.DataFrame | None, *, plan_id: str | None = None, area_code: str | None = None
) -> dict[str, tuple[tuple[dt.date, str], ...]]:
    """{measure id: ((date, reason), ...)}: the re-basings recorded for each measure (of
    ``plan_id``; for ``area_code`` or every area), oldest first, for `pcp_data.assess`."""
    out: dict[str, list[tuple[dt.date, str]]] = {}
    if rebases is None or rebases.empty:
        return {}
    rows = rebases
    if "removed" in rows:
        rows = rows[~rows["removed"].astype(bool)]
    if plan_id is not None:
        rows = rows[rows["plan_id"] == plan_id]
    if area_code is not None:
        rows = rows[rows["area_code"].map(_blank) | (rows["area_code"] == area_code)]
    for record in rows.sort_values("date", kind="stable").to_dict("records"):
        when = dt.date.fromisoformat(str(record["date"]))
        out.setdefault(str(record["measure_id"]), []).append((when, str(record["reason"])))
    return {k: tuple(v) for k, v in out.items()}


def rebase_label(reason: str | None) -> str:
    """The words on a re-basing's rule: ``Limits re-based: new recording standard``, short
    enough to sit on a chart (the reason in full is in the judgement's method)."""
    text = f"Limits re-based: {reason}" if reason else "Limits re-based"
    if len(text) <= REBASE_LABEL_LIMIT:
        return text
    return text[: REBASE_LABEL_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def action_status(status: str, due: object, today: dt.date) -> str:
    """``done``, ``overdue`` (open and its due date passed before ``today``) or ``open``."""
    if status == "done":
        return "done"
    if not _blank(due) and dt.date.fromisoformat(str(due)) < today:
        return "overdue"
    return "open"


ACTION_ICONS: dict[str, str] = {"done": "✔", "overdue": "⚠", "open": "○"}


def action_words(record: dict[str, object], today: dt.date) -> str:
    """``"owner: Chief Constable · due 1 June 2024 · ⚠ overdue"``: an action's particulars."""
    state = action_status(str(record.get("status")), record.get("due"), today)
    parts = [f"owner: {record.get('owner')}"]
    due = record.get("due")
    if not _blank(due):
        parts.append(f"due {dt.date.fromisoformat(str(due)):%d %B %Y}".replace(" 0", " "))
    parts.append(f"{ACTION_ICONS[state]} {state}")
    return " · ".join(parts)


def date_words(value: object) -> str:
    """``1 April 2024`` from ``2024-04-01``."""
    return f"{dt.date.fromisoformat(str(value)[:10]):%d %B %Y}".lstrip("0")


def event_choices(events: pd.DataFrame, measure_ids: Iterable[str] = ()) -> dict[int, str]:
    """{event id: ``1 April 2024: new recording standard``}: the events an analyst may give
    as the reason for re-basing (those for the whole force and for ``measure_ids``)."""
    if events is None or events.empty:
        return {}
    wanted = set(measure_ids)
    rows = events[events["measure_id"].map(_blank) | events["measure_id"].isin(wanted)]
    return {
        int(r["thing_id"]): f"{date_words(r['date'])}: {r['title']}"
        for r in rows.to_dict("records")
    }
