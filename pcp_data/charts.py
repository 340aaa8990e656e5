"""Chart builders with one project theme, used on screen and in exports alike.

Colours are the UK Government Analysis Function's colour-blind-safe palette. A point's
status is never shown by colour alone: each signal has its own shape and its words in the
tooltip and legend. Every chart has axis titles in words, and a table behind it (see
`MeasureSeries.table`). Charts are drawn from aggregated frames only (a few hundred rows).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = PALETTE

# signal -> (words, colour, shape); shape carries the meaning, colour repeats it
SIGNAL_STYLE: dict[str, tuple[str, str, str]] = {
    "improvement": ("Special cause: improvement", DARK_BLUE, "triangle-up"),
    "concern": ("Special cause: concern", ORANGE, "diamond"),
    "neutral": ("Special cause: neither better nor worse", LIGHT_PURPLE, "square"),
    "common": ("Common cause variation", DARK_GREY, "circle"),
}

THEME_NAME = "pcp"
FONT = "Source Sans Pro, Arial, sans-serif"


def theme(scale: float = 1.0) -> dict[str, Any]:
    """The project's Altair theme; ``scale`` enlarges text for presentation mode."""
    size = round(14 * scale)
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 600, "continuousHeight": 320},
            "range": {"category": list(PALETTE)},
            "axis": {
                "labelFontSize": size,
                "titleFontSize": size,
                "titleFontWeight": "bold",
                "labelColor": "#0B0C0C",
                "titleColor": "#0B0C0C",
                "gridColor": "#E5E5E5",
                "domainColor": "#6F777B",
                "tickColor": "#6F777B",
            },
            "legend": {
                "labelFontSize": size,
                "titleFontSize": size,
                "orient": "bottom",
                "labelLimit": 400,
            },
            "title": {"fontSize": round(18 * scale), "anchor": "start", "color": "#0B0C0C"},
            "line": {"strokeWidth": 2.5, "color": DARK_BLUE},
            "point": {"size": 70 * scale, "filled": True},
            "bar": {"color": DARK_BLUE},
        }
    }


@alt.theme.register(THEME_NAME, enable=True)
def _pcp_theme() -> alt.theme.ThemeConfig:
    return theme()  # type: ignore[return-value]


def spc_chart(
    data: pd.DataFrame,
    *,
    y_title: str,
    target: float | None = None,
    target_label: str | None = None,
    baseline: tuple[pd.Timestamp, pd.Timestamp, str] | None = None,
    height: int = 320,
    value_format: str = ",.0f",
    x_title: str = "Period ending",
    legend: bool = True,
    raw: pd.DataFrame | None = None,
    provisional: bool = False,
    events: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """An XmR chart: the series, centre line and limits, signals by shape, target, baseline,
    and recorded events (``date, label, note``) as labelled vertical rules.

    ``data`` needs ``date`` and ``value``; with SPC it also has ``centre``, ``lower``,
    ``upper`` and ``signal`` (improvement / concern / neutral / None). ``raw`` (``date``,
    ``value``) is the series as recorded, drawn as a thin line behind ``data`` when ``data``
    holds seasonally adjusted values. ``provisional`` limits (fewer than 12 points) are
    labelled so in their tooltips: they are drawn, never used to judge.
    """
    frame = data.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    if "signal" not in frame:
        frame["signal"] = None
    frame["status"] = frame["signal"].fillna("common").map(lambda s: SIGNAL_STYLE[s][0])
    # only what is drawn: a smaller spec, and no object columns whose missing values would
    # be written as NaN (not JSON) when the spec is rendered outside the browser
    keep = [c for c in ("date", "value", "centre", "lower", "upper", "status") if c in frame]
    frame = frame.dropna(subset=["value"])[keep]
    x = alt.X("date:T", title=x_title, axis=alt.Axis(format="%b %Y", labelAngle=0))
    y = alt.Y(
        "value:Q",
        title=y_title,
        scale=alt.Scale(zero=False),
        axis=alt.Axis(format=value_format.replace(".1f", ".0f")),
    )
    tooltip = [
        alt.Tooltip("date:T", title=x_title, format="%B %Y"),
        alt.Tooltip("value:Q", title=y_title, format=value_format),
        alt.Tooltip("status:N", title="Variation"),
    ]
    layers: list[alt.Chart] = []
    if baseline is not None:
        band = pd.DataFrame(
            {"start": [baseline[0]], "end": [baseline[1]], "label": [f"Baseline {baseline[2]}"]}
        )
        layers.append(
            alt.Chart(band)
            .mark_rect(opacity=0.12, color=TURQUOISE)
            .encode(x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title="Baseline")])
        )
    if raw is not None:
        recorded = raw.dropna(subset=["value"]).assign(series="As recorded")
        layers.append(
            alt.Chart(recorded)
            .mark_line(color=DARK_GREY, strokeWidth=1.2, opacity=0.6)
            .encode(
                x=alt.X("date:T"),
                y=alt.Y("value:Q"),
                tooltip=[
                    alt.Tooltip("date:T", title=x_title, format="%B %Y"),
                    alt.Tooltip("value:Q", title="As recorded", format=value_format),
                ],
            )
        )
    layers.append(alt.Chart(frame).mark_line(color=DARK_BLUE).encode(x=x, y=y))
    if "centre" in frame and frame["centre"].notna().any():
        kind = "Provisional " if provisional else ""
        for col, dash, words in (
            ("centre", [1, 0], "Average"),
            ("upper", [6, 4], f"{kind}upper limit".capitalize()),
            ("lower", [6, 4], f"{kind}lower limit".capitalize()),
        ):
            layers.append(
                alt.Chart(frame)
                .mark_line(color=DARK_GREY, strokeDash=dash, strokeWidth=1.5)
                .encode(
                    x=x,
                    y=alt.Y(f"{col}:Q"),
                    tooltip=[alt.Tooltip(f"{col}:Q", title=words, format=value_format)],
                )
            )
    if "centre" not in frame or not frame["centre"].notna().any():
        # no limits (rolling sums, or a season not yet allowed for): points, no variation
        layers.append(
            alt.Chart(frame)
            .mark_point(filled=True, size=60, color=DARK_BLUE, opacity=1)
            .encode(x=x, y=y, tooltip=tooltip[:2])
        )
        return _finish_chart(layers, target, target_label, height, events)
    statuses = [SIGNAL_STYLE[k][0] for k in SIGNAL_STYLE]
    layers.append(
        alt.Chart(frame)
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "status:N",
                title="Variation",
                scale=alt.Scale(domain=statuses, range=[SIGNAL_STYLE[k][2] for k in SIGNAL_STYLE]),
                legend=alt.Legend() if legend else None,
            ),
            color=alt.Color(
                "status:N",
                title="Variation",
                scale=alt.Scale(domain=statuses, range=[SIGNAL_STYLE[k][1] for k in SIGNAL_STYLE]),
                legend=alt.Legend() if legend else None,
            ),
            tooltip=tooltip,
        )
    )
    return _finish_chart(layers, target, target_label, height, events)


def _layer(*charts: alt.Chart) -> alt.LayerChart:
    """``alt.layer(*charts)`` for charts without facet channels (the only ones it would make a
    FacetChart of, hence its ``LayerChart | FacetChart``)."""
    return alt.LayerChart(layer=charts)


def event_layers(events: pd.DataFrame | None) -> list[alt.Chart]:
    """Events (``date, label``, optional ``note``) as dashed vertical rules labelled at the
    top: "new recording standard", "Operation X began"."""
    if events is None or events.empty:
        return []
    frame = events.assign(date=pd.to_datetime(events["date"]))
    if "note" not in frame:
        frame["note"] = ""
    frame = frame[["date", "label", "note"]].fillna("")
    tooltip = [
        alt.Tooltip("date:T", title="Event", format="%d %B %Y"),
        alt.Tooltip("label:N", title="What"),
        alt.Tooltip("note:N", title="Note"),
    ]
    rule = alt.Chart(frame).mark_rule(color=DARK_GREY, strokeDash=[4, 3], strokeWidth=1.5)
    text = alt.Chart(frame).mark_text(
        align="left", baseline="top", dx=3, dy=2, fontSize=12, color=DARK_GREY
    )
    return [
        rule.encode(x="date:T", tooltip=tooltip),
        text.encode(x="date:T", y=alt.value(0), text="label:N", tooltip=tooltip),
    ]


def _finish_chart(
    layers: list[alt.Chart],
    target: float | None,
    target_label: str | None,
    height: int,
    events: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """Events, then the target rule and its label on top, then the size."""
    layers.extend(event_layers(events))
    if target is not None:
        tframe = pd.DataFrame({"value": [target], "label": [target_label or f"Target {target:g}"]})
        layers.append(
            alt.Chart(tframe)
            .mark_rule(color=DARK_PINK, strokeWidth=2, strokeDash=[2, 2])
            .encode(y="value:Q", tooltip=[alt.Tooltip("label:N", title="Target")])
        )
        layers.append(
            alt.Chart(tframe)
            .mark_text(align="left", dx=4, dy=-8, color=DARK_PINK, fontSize=13)
            .encode(y="value:Q", x=alt.value(0), text="label:N")
        )
    return _layer(*layers).properties(height=height, width="container")


def interval_chart(
    frame: pd.DataFrame,
    *,
    y_title: str,
    height: int = 320,
    x_title: str = "Period ending",
    events: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """Percentages with their 95% interval as a band (``date, value, low, high, base``)."""
    frame = frame.dropna(subset=["value"]).copy()
    frame["date"] = pd.to_datetime(frame["date"])
    x = alt.X("date:T", title=x_title, axis=alt.Axis(format="%b %Y", labelAngle=0))
    band = (
        alt.Chart(frame)
        .mark_area(opacity=0.2, color=TURQUOISE)
        .encode(x=x, y=alt.Y("low:Q", title=y_title, scale=alt.Scale(zero=False)), y2="high:Q")
    )
    line = (
        alt.Chart(frame)
        .mark_line(point=True, color=DARK_BLUE)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=y_title),
            tooltip=[
                alt.Tooltip("date:T", title=x_title, format="%B %Y"),
                alt.Tooltip("value:Q", title=y_title, format=".1f"),
                alt.Tooltip("low:Q", title="95% interval from", format=".1f"),
                alt.Tooltip("high:Q", title="95% interval to", format=".1f"),
                alt.Tooltip("base:Q", title="Respondents", format=",.0f"),
            ],
        )
    )
    return _layer(band, line, *event_layers(events)).properties(height=height, width="container")


def lines_chart(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    colour: str,
    y_title: str,
    colour_title: str,
    height: int = 320,
    value_format: str = ",.0f",
) -> alt.Chart:
    """Several series as lines with points, each also distinguished by point shape."""
    points = alt.OverlayMarkDef(size=50, filled=True)
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(point=points)
        .encode(
            x=alt.X(f"{x}:T", title="Period ending", axis=alt.Axis(format="%b %Y", labelAngle=0)),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color(f"{colour}:N", title=colour_title),
            shape=alt.Shape(f"{colour}:N", title=colour_title),
            tooltip=[
                alt.Tooltip(f"{x}:T", title="Period ending", format="%B %Y"),
                alt.Tooltip(f"{colour}:N", title=colour_title),
                alt.Tooltip(f"{y}:Q", title=y_title, format=value_format),
            ],
        )
        .properties(height=height, width="container")
    )
    return chart


def bar_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    x_title: str,
    highlight: str | None = None,
    height: int | None = None,
    value_format: str = ",.0f",
) -> alt.LayerChart:
    """Horizontal bars, largest first, values written at the bar ends; ``highlight`` marks
    one category (e.g. the home force) in a second colour; its label should say so too
    (e.g. "Durham (this area)"), so colour is never the only cue."""
    frame = frame.copy()
    frame["is_highlight"] = (frame[category] == highlight) if highlight else False
    frame["label"] = frame[value].map(lambda v: format(v, value_format))
    order = alt.EncodingSortField(field=value, order="descending")
    y = alt.Y(f"{category}:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=x_title),
            y=y,
            color=alt.condition("datum.is_highlight", alt.value(ORANGE), alt.value(DARK_BLUE)),
            tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=value_format)],
        )
    )
    text = (
        alt.Chart(frame)
        .mark_text(align="left", dx=4, fontSize=13)
        .encode(x=f"{value}:Q", y=y, text="label:N")
    )
    h = height or max(120, 28 * len(frame))
    return _layer(bars, text).properties(height=h, width="container")
