"""The briefing pack: the Panel report to take to the meeting, as PowerPoint, PDF or Excel.

`pack_from_store` reads the plan's figures, commentary and uploads once and `build_pack`
(pure) makes the content; `render` turns it into the bytes of one format. The command line
(`python -m pcp_data pack`) and the app's download buttons both go through `make_pack`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pcp_data.pack.content import Pack, PackNote, build_pack
from pcp_data.pack.pdf import render_pdf
from pcp_data.pack.pptx import render_pptx
from pcp_data.pack.xlsx import render_xlsx

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

__all__ = ["FORMATS", "MIME_TYPES", "Pack", "PackNote", "build_pack", "render"]


def render(pack: Pack, fmt: str) -> bytes:
    """The pack in one format (``pptx``, ``pdf`` or ``xlsx``)."""
    if fmt not in RENDERERS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return RENDERERS[fmt](pack)


def file_name(pack: Pack, fmt: str, when: dt.date | None = None) -> str:
    """``durham-2018-21-2026-09-pack.pptx``-style name for a download."""
    stamp = (when or dt.date.today()).isoformat()
    return f"{pack.plan_id}-{stamp}-pack.{fmt}"
