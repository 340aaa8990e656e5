"""Charts as images for the pack: the screen's Altair specs rendered by vl-convert."""

from __future__ import annotations

import functools

import altair as alt
import vl_convert as vlc

from pcp_data import charts

SCALE = 2
"""Pixels per chart pixel: crisp on a projector and in print."""


def png(chart: alt.TopLevelMixin, *, scale: int = SCALE) -> bytes:
    """The chart as PNG bytes, in the project theme."""
    spec = chart.to_json()
    return bytes(vlc.vegalite_to_png(spec, scale=scale))


@functools.cache
def _theme_enabled() -> bool:
    """Make sure the project theme is the active one (it is, once `charts` is imported)."""
    alt.theme.enable(charts.THEME_NAME)
    return True


def chart_png(chart: alt.TopLevelMixin | None) -> bytes | None:
    """PNG bytes of a measure's chart, or None when it has none."""
    if chart is None:
        return None
    _theme_enabled()
    return png(chart)
