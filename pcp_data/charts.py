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

from pcp_data.vocabulary import FREQUENCIES, period_label

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

# A target further from the figures than this many times their own range is not drawn as a
# line (it would squash the series flat): it is written as a note at the chart's edge.
FAR_TARGET = 1.0

# Vega expression: the financial year (April-March) a date falls in, as ``2013/14``
FY_LABEL_EXPR = (
    "(month(datum.value) >= 3 ? year(datum.value) : year(datum.value) - 1)"
    " + '/' + slice('' + ((month(datum.value) >= 3 ? year(datum.value) : year(datum.value) - 1)"
    " + 1), 2)"
)


def frequency_of(x_title: str, frequency: str | None = None) -> str | None:
    """The frequency a chart's time axis shows: ``frequency`` when given, else the one whose
    axis title (`pcp_data.vocabulary.FREQUENCIES`) is ``x_title``; None when neither says."""
    if frequency is not None:
        return frequency
    for f in FREQUENCIES.values():
        if f.axis == x_title:
            return f.name
    return None


def time_axis(dates: pd.Series, frequency: str | None) -> alt.Axis:
    """The time axis: ``Jan 2014`` ticks, except for financial years, which are labelled
    ``2013/14`` at each year's end (a tick at January would name the wrong year)."""
    if frequency == "financial_year":
        ends = sorted(pd.to_datetime(dates).dropna().unique())
        values = [
            alt.DateTime(year=int(d.year), month=int(d.month), date=int(d.day))
            for d in map(pd.Timestamp, ends)
        ]
        return alt.Axis(values=values, labelExpr=FY_LABEL_EXPR, labelAngle=0)
    return alt.Axis(format="%b %Y", labelAngle=0)


def period_words(date: object, frequency: str | None) -> str:
    """One period in words for tooltips and descriptions: ``2013/14``, ``September 2026``."""
    if frequency is not None and frequency in FREQUENCIES:
        return period_label(date, frequency)
    return pd.Timestamp(date).strftime("%B %Y")  # type: ignore[no-any-return]


def chart_description(
    what: str,
    dates: pd.Series,
    *,
    frequency: str | None = None,
    latest: str | None = None,
    judgement: str | None = None,
) -> str:
    """A chart's accessible name (Vega-embed makes it the ``aria-label``): the measure, the
    period covered and the latest figure and judgement.

    >>> chart_description("Police officers (FTE)", pd.Series(pd.to_datetime(
    ...     ["2015-03-31", "2026-03-31"])), frequency="financial_year", latest="1,143",
    ...     judgement="on track")
    'Chart of Police officers (FTE), 2014/15 to 2025/26. Latest: 1,143. Judgement: on track.'
    """
    shown = pd.to_datetime(dates).dropna()
    text = f"Chart of {what}"
    if not shown.empty:
        first, last = period_words(shown.min(), frequency), period_words(shown.max(), frequency)
        text += f", {first} to {last}" if first != last else f", {first}"
    text += "."
    if latest:
        text += f" Latest: {latest}."
    if judgement:
        text += f" Judgement: {judgement}."
    return text


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
            # below the chart, one entry a line, never cut short: a legend beside a narrow
            # chart was clipped ("Common cause variatic") at 1280 px
            "legend": {
                "labelFontSize": size,
                "titleFontSize": size,
                "orient": "bottom",
                "direction": "vertical",
                "labelLimit": 0,
            },
            "title": {"fontSize": round(18 * scale), "anchor": "start", "color": "#0B0C0C"},
            "line": {"strokeWidth": 2.5, "color": DARK_BLUE},
            "point": {"size": 70 * scale, "filled": True},
            "bar": {"color": DARK_BLUE},
            # labels written on the chart (targets, events, bar ends) grow with the axes
            "text": {"fontSize": size},
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
    frequency: str | None = None,
    description: str | None = None,
) -> alt.LayerChart:
    """An XmR chart: the series, centre line and limits, signals by shape, target, baseline,
    and recorded events (``date, label, note``) as labelled vertical rules.

    ``data`` needs ``date`` and ``value``; with SPC it also has ``centre``, ``lower``,
    ``upper`` and ``signal`` (improvement / concern / neutral / None). ``raw`` (``date``,
    ``value``) is the series as recorded, drawn as a thin line behind ``data`` when ``data``
    holds seasonally adjusted values. ``provisional`` limits (fewer than 12 points) are
    labelled so in their tooltips: they are drawn, never used to judge.

    ``frequency`` (a `pcp_data.vocabulary.FREQUENCIES` name; by default the one whose axis
    title is ``x_title``) labels the periods: financial years as ``2013/14``. A baseline that
    does not overlap the figures is not drawn; a target far outside them is a note at the
    edge, not a line (`FAR_TARGET`). ``description`` is the chart's accessible name; by
    default it names ``y_title``, the periods and the latest point's variation.
    """
    frequency = frequency_of(x_title, frequency)
    frame = data.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    if "signal" not in frame:
        frame["signal"] = None
    frame["status"] = frame["signal"].fillna("common").map(lambda s: SIGNAL_STYLE[s][0])
    # only what is drawn: a smaller spec, and no object columns whose missing values would
    # be written as NaN (not JSON) when the spec is rendered outside the browser
    keep = [c for c in ("date", "value", "centre", "lower", "upper", "status") if c in frame]
    frame = frame.dropna(subset=["value"])[keep]
    frame["period"] = [period_words(d, frequency) for d in frame["date"]]
    x = alt.X("date:T", title=x_title, axis=time_axis(frame["date"], frequency))
    y = alt.Y(
        "value:Q",
        title=y_title,
        scale=alt.Scale(zero=False),
        axis=alt.Axis(format=value_format.replace(".1f", ".0f")),
    )
    tooltip = [
        alt.Tooltip("period:N", title=x_title),
        alt.Tooltip("value:Q", title=y_title, format=value_format),
        alt.Tooltip("status:N", title="Variation"),
    ]
    if description is None:
        latest = None
        if not frame.empty:
            last = frame.iloc[-1]
            latest = f"{format(last['value'], value_format)} ({last['period']})"
            if "centre" in frame and frame["centre"].notna().any():
                latest += f", {str(last['status']).lower()}"
        description = chart_description(y_title, frame["date"], frequency=frequency, latest=latest)
    layers: list[alt.Chart] = []
    band = _baseline_band(baseline, frame["date"])
    if band is not None:
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
        return _finish_chart(
            layers, target, target_label, height, events, _extent(frame, raw), description
        )
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
    return _finish_chart(
        layers, target, target_label, height, events, _extent(frame, raw), description
    )


def _baseline_band(
    baseline: tuple[pd.Timestamp, pd.Timestamp, str] | None, dates: pd.Series
) -> pd.DataFrame | None:
    """The baseline period clipped to the figures' dates; None when it does not overlap them
    (an empty band would only stretch the time axis)."""
    if baseline is None or dates.empty:
        return None
    first, last = pd.Timestamp(dates.min()), pd.Timestamp(dates.max())
    start, end = max(pd.Timestamp(baseline[0]), first), min(pd.Timestamp(baseline[1]), last)
    if start >= end:
        return None
    return pd.DataFrame({"start": [start], "end": [end], "label": [f"Baseline {baseline[2]}"]})


def _extent(frame: pd.DataFrame, raw: pd.DataFrame | None = None) -> tuple[float, float] | None:
    """The lowest and highest figure or limit drawn."""
    columns = [frame[c] for c in ("value", "lower", "upper", "centre") if c in frame]
    if raw is not None and "value" in raw:
        columns.append(raw["value"])
    found = pd.concat(columns).dropna() if columns else pd.Series(dtype=float)
    if found.empty:
        return None
    return float(found.min()), float(found.max())


def target_is_far(target: float, extent: tuple[float, float] | None) -> bool:
    """Whether a target line would squash the figures: further outside their range than
    `FAR_TARGET` times that range (or 10% of the level, for a flat series).

    >>> target_is_far(3000, (1100.0, 1160.0)), target_is_far(1200, (1100.0, 1160.0))
    (True, False)
    """
    if extent is None:
        return False
    low, high = extent
    span = max(high - low, 0.1 * max(abs(low), abs(high)), 1e-9)
    return target > high + FAR_TARGET * span or target < low - FAR_TARGET * span


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
    text = alt.Chart(frame).mark_text(align="left", baseline="top", dx=3, dy=2, color=DARK_GREY)
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
    extent: tuple[float, float] | None = None,
    description: str | None = None,
) -> alt.LayerChart:
    """Events, then the target rule and its label on top, then the size and the accessible
    name. A target far outside the figures is a note at the top or bottom edge instead."""
    layers.extend(event_layers(events))
    if target is not None and target_is_far(target, extent):
        above = extent is not None and target > extent[1]
        label = target_label or f"Target {target:,g}"
        words = f"{'▲' if above else '▼'} {label} ({target:,g}): {'above' if above else 'below'}"
        words += " the chart's range"
        tframe = pd.DataFrame({"label": [words], "value": [target]})
        layers.append(
            alt.Chart(tframe)
            .mark_text(
                align="left",
                # above: just over the plot's top edge, clear of the figures
                baseline="bottom",
                dx=4,
                dy=-4 if above else -2,
                color=DARK_PINK,
                fontWeight="bold",
            )
            .encode(
                x=alt.value(0),
                y=alt.value(0) if above else alt.value(height),
                text="label:N",
                tooltip=[alt.Tooltip("value:Q", title="Target", format=",g")],
            )
        )
    elif target is not None:
        tframe = pd.DataFrame({"value": [target], "label": [target_label or f"Target {target:g}"]})
        layers.append(
            alt.Chart(tframe)
            .mark_rule(color=DARK_PINK, strokeWidth=2, strokeDash=[2, 2])
            .encode(y="value:Q", tooltip=[alt.Tooltip("label:N", title="Target")])
        )
        layers.append(
            alt.Chart(tframe)
            .mark_text(align="left", dx=4, dy=-8, color=DARK_PINK)
            .encode(y="value:Q", x=alt.value(0), text="label:N")
        )
    chart = _layer(*layers).properties(height=height, width="container")
    return chart.properties(description=description) if description else chart


def interval_chart(
    frame: pd.DataFrame,
    *,
    y_title: str,
    height: int = 320,
    x_title: str = "Period ending",
    events: pd.DataFrame | None = None,
    frequency: str | None = None,
    description: str | None = None,
) -> alt.LayerChart:
    """Percentages with their 95% interval as a band (``date, value, low, high, base``).
    ``frequency`` and ``description`` as for `spc_chart`."""
    frequency = frequency_of(x_title, frequency)
    frame = frame.dropna(subset=["value"]).copy()
    frame["date"] = pd.to_datetime(frame["date"])
    frame["period"] = [period_words(d, frequency) for d in frame["date"]]
    x = alt.X("date:T", title=x_title, axis=time_axis(frame["date"], frequency))
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
                alt.Tooltip("period:N", title=x_title),
                alt.Tooltip("value:Q", title=y_title, format=".1f"),
                alt.Tooltip("low:Q", title="95% interval from", format=".1f"),
                alt.Tooltip("high:Q", title="95% interval to", format=".1f"),
                alt.Tooltip("base:Q", title="Respondents", format=",.0f"),
            ],
        )
    )
    if description is None:
        latest = None
        if not frame.empty:
            last = frame.iloc[-1]
            latest = f"{last['value']:.1f}% ({last['period']})"
            if pd.notna(last.get("low")) and pd.notna(last.get("high")):
                latest += f", 95% interval {last['low']:.1f}% to {last['high']:.1f}%"
        description = chart_description(y_title, frame["date"], frequency=frequency, latest=latest)
    return _layer(band, line, *event_layers(events)).properties(
        height=height, width="container", description=description
    )


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
    description: str | None = None,
) -> alt.Chart:
    """Several series as lines with points, each also distinguished by point shape."""
    if description is None:
        names = ", ".join(map(str, pd.unique(frame[colour])[:6])) if colour in frame else ""
        description = chart_description(
            f"{y_title} by {colour_title.lower()}" + (f" ({names})" if names else ""),
            frame[x] if x in frame else pd.Series(dtype="datetime64[ns]"),
        )
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
        .properties(height=height, width="container", description=description)
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
    description: str | None = None,
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
        alt.Chart(frame).mark_text(align="left", dx=4).encode(x=f"{value}:Q", y=y, text="label:N")
    )
    h = height or max(120, 28 * len(frame))
    if description is None:
        description = f"Bar chart of {x_title}, {len(frame)} bars" + (
            f"; {highlight} is {frame.loc[frame['is_highlight'], 'label'].iloc[0]}"
            if highlight and frame["is_highlight"].any()
            else ""
        )
        description += "."
    return _layer(bars, text).properties(height=h, width="container", description=description)
