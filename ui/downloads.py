"""The briefing pack's download buttons: PowerPoint, PDF and Excel for the plan, area and
month the sidebar chose, made by the same function as ``python -m pcp_data pack``
(`pcp_data.pack.pack_from_store`).

Making a pack takes seconds (every chart drawn as an image), so nothing is made until someone
asks: "Prepare the briefing pack" makes all three files once, kept for the store as it is
(keyed on its revision) and for this plan, area, month and viewer; the three buttons then
download them without making them again. Any change to the store (figures, commentary,
events, actions) asks for the pack to be prepared again.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pcp_data.access import Right
from pcp_data.errors import PCPError
from pcp_data.pack import MIME_TYPES, file_name, pack_from_store, render
from pcp_data.plan import Plan
from ui import access, shared

LABELS: dict[str, tuple[str, str]] = {
    "pptx": ("PowerPoint", ":material/slideshow:"),
    "pdf": ("PDF", ":material/picture_as_pdf:"),
    "xlsx": ("Excel", ":material/table_view:"),
}


@st.cache_data(show_spinner=False, max_entries=6)
def pack_files(
    key: str,
    plan_id: str,
    area_code: str,
    as_at: str | None,
    peers: tuple[str, ...],
    internal: bool,
    _plan: Plan,
) -> dict[str, tuple[str, bytes]]:
    """{format: (file name, bytes)} of the pack, made once per store revision (``key``),
    plan, area, month, peers and whether internal commentary may be included."""
    when = dt.date.fromisoformat(as_at) if as_at else None
    pack = pack_from_store(
        shared.store(),
        _plan,
        area_code,
        as_at=when,
        peers=peers,
        viewer_can_read_internal=internal,
    )
    return {fmt: (file_name(pack, fmt), render(pack, fmt)) for fmt in LABELS}


def _store_key(ctx: shared.Context) -> str:
    """Changes with any change to the store: the pack reads figures, commentary, events,
    actions, re-basings and uploads."""
    return f"{ctx.revs.url}#{dict(ctx.revs.values).get('revision', 0)}"


def pack_buttons(ctx: shared.Context, *, key: str) -> None:
    """The three download buttons for the briefing pack (after "Prepare the briefing pack"
    is pressed once for the store as it is). ``key`` tells apart two places on one page.
    Commentary marked internal goes into the pack only for someone who may read it."""
    if not ctx.area_code:
        return
    internal = access.me().can(Right.READ_INTERNAL)
    wanted = (_store_key(ctx), ctx.plan_id, ctx.area_code, ctx.as_at, ctx.peers, internal)
    state = f"pack-ready-{key}"
    ready = st.session_state.get(state) == wanted
    with st.container(key=f"pack-{key}"):
        if not ready:
            if st.button(
                "Prepare the briefing pack",
                key=f"{key}-prepare",
                icon=":material/download:",
                help="PowerPoint for the meeting, PDF for the Panel's papers, Excel with the "
                "data behind every chart, for the plan, area and month chosen.",
            ):
                st.session_state[state] = wanted
            else:
                return
        try:
            with st.spinner("Making the briefing pack: every chart as an image…"):
                files = pack_files(*wanted, _plan=ctx.plan)
        except PCPError as exc:
            st.error(shared.md(exc.message))
            return
        cols = st.columns(len(LABELS))
        for col, (fmt, (label, icon)) in zip(cols, LABELS.items(), strict=True):
            name, content = files[fmt]
            col.download_button(
                label,
                data=content,
                file_name=name,
                mime=MIME_TYPES[fmt],
                key=f"{key}-{fmt}",
                icon=icon,
                on_click="ignore",
                help=f"The briefing pack as {label} ({len(content) / 1_000_000:.1f} MB).",
            )
