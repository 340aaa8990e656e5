"""The briefing pack: the Panel report to take to the meeting, as PowerPoint, PDF or Excel.

`pack_from_store` reads the plan's figures, commentary, events, actions, re-basings and
uploads once and `build_pack` (pure) makes the content; `render` turns it into the bytes of
one format. The command line (`python -m pcp_data pack`) and the app's download buttons both
go through `pack_from_store`; `make_pack` adds the command line's way of naming the plan,
area and month (as ``python -m pcp_data report`` does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from pcp_data.assess import assess_plan
from pcp_data.errors import PCPError
from pcp_data.events import action_words, date_words, force_events
from pcp_data.pack.content import SYNTHETIC_WARNING, Pack, PackNote, build_pack
from pcp_data.pack.pdf import render_pdf
from pcp_data.pack.pptx import render_pptx
from pcp_data.pack.xlsx import render_xlsx
from pcp_data.plan import Plan
from pcp_data.store import Store

RENDERERS: dict[str, Callable[[Pack], bytes]] = {
    "pptx": render_pptx,
    "pdf": render_pdf,
    "xlsx": render_xlsx,
}
MIME_TYPES: dict[str, str] = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)

__all__ = [
    "FORMATS",
    "MIME_TYPES",
    "SYNTHETIC_WARNING",
    "Pack",
    "PackNote",
    "build_pack",
    "file_name",
    "make_pack",
    "pack_from_store",
    "render",
]
SYNTHETIC_WORD = "synthetic"


def render(pack: Pack, fmt: str) -> bytes:
    """The pack in one format (``pptx``, ``pdf`` or ``xlsx``).

    Raises
    ------
    PCPError
        For any other format (a message naming the three, never a traceback).
    """
    if fmt not in RENDERERS:
        raise PCPError(f"the pack's format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return RENDERERS[fmt](pack)


def commentary_month(store: Store, area_code: str, as_at: dt.date | None) -> str:
    """The month (``YYYY-MM``) whose commentary goes with the figures: the month judged, or
    the area's newest month held (population aside), as the question pages choose it."""
    if as_at is not None:
        return as_at.isoformat()[:7]
    cov = store.coverage(area_code)
    cov = cov[cov["dataset"] != "population"]
    if cov.empty:
        return dt.date.today().isoformat()[:7]
    return str(cov["last_end"].max())[:7]


def pack_from_store(
    store: Store,
    plan: Plan,
    area_code: str,
    *,
    as_at: dt.date | None = None,
    peers: tuple[str, ...] = (),
    viewer_can_read_internal: bool = False,
    made_at: dt.datetime | None = None,
) -> Pack:
    """The pack for a plan and area as at a month, from what the store holds: the figures
    assessed (with the re-basings recorded), the month's commentary for each question (the
    internal versions only for a viewer who may read them), the events (on the charts, with
    their question, and those for the whole force on their own), the actions from meetings,
    and the uploads behind the figures. Reads the store once; `build_pack` does the rest."""
    pa = assess_plan(store, plan, area_code, as_at=as_at, peer_codes=peers)
    cov = store.coverage(area_code)
    names = dict(zip(cov["area_code"], cov["area_name"], strict=False))
    synthetic = any(SYNTHETIC_WORD in str(src).lower() for found in cov["sources"] for src in found)
    when = made_at or dt.datetime.now(dt.UTC)
    cut = pd.Timestamp(as_at) if as_at is not None else None
    events = store.events(plan.id, area_code)
    if cut is not None and not events.empty:
        events = events[pd.to_datetime(events["date"]) <= cut]
    actions = store.actions(plan.id)
    month = commentary_month(store, area_code, as_at)
    notes: dict[str, list[PackNote]] = {}
    for qa in pa.questions:
        q = qa.question
        found: list[PackNote] = []
        versions = store.commentary(plan.id, q.id, month, include_internal=viewer_can_read_internal)
        if not versions.empty:
            latest = versions.iloc[0]
            found.append(
                PackNote(
                    "commentary",
                    f"{pd.Timestamp(month + '-01'):%B %Y}"
                    + (" (internal: not for the public)" if latest["internal"] else ""),
                    str(latest["text"]),
                    str(latest["author"]),
                    str(latest["written_at"])[:10],
                )
            )
        measure_ids = {a.measure.id for a in qa.measures}
        for e in events.to_dict("records"):
            if e["measure_id"] in measure_ids:
                found.append(_event_note(e, plan.measure(str(e["measure_id"])).title))
        for record in actions[actions["kpq_id"] == q.id].to_dict("records"):
            found.append(
                PackNote(
                    "action",
                    str(record["title"]),
                    str(record["note"] or ""),
                    str(record["author"]),
                    str(record["written_at"])[:10],
                    extra=action_words(record, when.date()),
                )
            )
        notes[q.id] = found
    uploads = store.uploads()
    return build_pack(
        pa,
        area_name=names.get(area_code, area_code),
        synthetic=synthetic,
        notes=notes,
        force_notes=[_event_note(e, None) for e in force_events(events).to_dict("records")],
        uploads=dict(zip(uploads["id"].astype(int), uploads["file_name"], strict=True)),
        made_at=when,
        events=events,
    )


def _event_note(record: dict[str, object], measure_title: str | None) -> PackNote:
    return PackNote(
        "event",
        str(record["title"]),
        str(record.get("note") or ""),
        str(record["author"]),
        str(record["written_at"])[:10],
        measure_id=None if record.get("measure_id") is None else str(record["measure_id"]),
        extra=date_words(record["date"]) + (f"; {measure_title}" if measure_title else ""),
    )


def make_pack(
    store: Store,
    plan_name: str,
    fmt: str,
    *,
    area: str | None = None,
    period: str | None = None,
    viewer_can_read_internal: bool = False,
    made_at: dt.datetime | None = None,
) -> tuple[Pack, bytes]:
    """The pack and its bytes in ``fmt`` for a plan named as the command line names it (a
    shipped or loaded plan id, or a YAML file), an area name or code (default: the one the
    pages open on) and a month ``YYYY-MM`` (default: the latest figures).

    Raises
    ------
    PCPError
        For an unknown format, plan or area, or a month not written YYYY-MM; each message
        lists the valid choices.
    """
    from pcp_data.report import parse_period, resolve_peers, resolve_plan, resolve_report_area

    if fmt not in RENDERERS:
        raise PCPError(f"the pack's format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    plan = resolve_plan(store, plan_name)
    as_at = parse_period(period)
    area_code, _name, _why = resolve_report_area(store, plan, area)
    peers = tuple(resolve_peers(store, plan, area_code)["codes"])
    pack = pack_from_store(
        store,
        plan,
        area_code,
        as_at=as_at,
        peers=peers,
        viewer_can_read_internal=viewer_can_read_internal,
        made_at=made_at,
    )
    return pack, render(pack, fmt)


def file_name(pack: Pack, fmt: str, when: dt.date | None = None) -> str:
    """``durham-2018-21-2026-09-pack.pptx``-style name for a download."""
    stamp = (when or dt.date.today()).isoformat()
    return f"{pack.plan_id}-{stamp}-pack.{fmt}"
