"""One measure's chart and the data behind it, the same on screen and in the briefing pack.

`measure_chart` draws what the judgement was made on: the XmR chart of the seasonally
adjusted figures (with the figures as recorded beside them) where the method is
``seasonal_spc``; the XmR chart of the figures where SPC judged or drew provisional limits;
the figures alone where no limits apply (rolling sums, a season not yet allowed for); and a
95% interval band for survey percentages. Recorded events are drawn as labelled rules, and so
is each re-basing of the SPC limits, with its reason (an event in the same period as a
re-basing shares its rule). `chart_data` is the table behind it, with each point's source and
edition.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pcp_data import charts
from pcp_data.assess import Assessment, axis_title, period_axis_title
from pcp_data.events import rebase_label
from pcp_data.surveys import interval_frame
from pcp_data.vocabulary import unit_of


def _values(a: Assessment) -> pd.Series:
    values = a.series.values
    if a.as_at is not None:
        values = values[values.index <= pd.Timestamp(a.as_at)]
    return values


def adjusted(a: Assessment) -> bool:
    """Whether the chart shows seasonally adjusted figures (as judged)."""
    return a.verdict.adjustment is not None and a.verdict.method == "seasonal_spc"


def measure_chart(
    a: Assessment,
    *,
    height: int = 320,
    legend: bool = True,
    width: int | None = None,
    events: pd.DataFrame | None = None,
) -> alt.LayerChart | None:
    """The measure's chart; None when there is nothing to draw. ``width`` fixes the width
    in pixels (for images); by default the chart fills its container. ``events``
    (``date, label, note``: `pcp_data.events.events_for_measure`) are drawn as labelled
    rules where they fall inside the chart, with the re-basings of its SPC limits."""
    m = a.measure
    values = _values(a)
    if values.dropna().empty:
        return None
    fmt = unit_of(m.unit).tick
    y_title = axis_title(m, a.series)
    x_title = period_axis_title(m)
    description = charts.chart_description(
        m.title,
        values.dropna().index.to_series(),
        frequency=m.frequency,
        latest=a.latest_text if a.latest_value is not None else None,
        judgement=a.judgement.words,
    )
    if a.series.counts is not None and a.series.base is not None:
        index = values.dropna().index
        rows = interval_frame(a.series.counts.reindex(index), a.series.base.reindex(index))
        chart = charts.interval_chart(
            rows,
            y_title=y_title,
            height=height,
            x_title=x_title,
            events=_within(events, values),
            frequency=m.frequency,
            description=description,
        )
        return chart.properties(width=width) if width else chart
    raw = None
    if a.spc is not None and m.frequency != "rolling_12_months":
        data = a.spc.data
        if adjusted(a):
            raw = pd.DataFrame({"date": values.index, "value": values.to_numpy()})
            y_title = f"{y_title} (seasonally adjusted)"
    else:
        data = pd.DataFrame({"date": values.index, "value": values.to_numpy()})
    baseline = None
    if m.baseline is not None:
        baseline = (pd.Timestamp(m.baseline.start), pd.Timestamp(m.baseline.end), m.baseline.label)
    chart = charts.spc_chart(
        data,
        y_title=y_title,
        target=m.target.value if m.target else None,
        target_label=m.target.label if m.target else None,
        baseline=baseline,
        height=height,
        value_format=fmt,
        x_title=x_title,
        legend=legend,
        raw=raw,
        provisional=a.spc is not None and a.spc.provisional,
        events=_within(with_rebases(events, a), values),
        frequency=m.frequency,
        description=description,
    )
    return chart.properties(width=width) if width else chart


def with_rebases(events: pd.DataFrame | None, a: Assessment) -> pd.DataFrame | None:
    """The events plus a rule at each re-basing of the SPC limits drawn (labelled with its
    reason); an event within a month of a re-basing carries it in its label instead."""
    segments = (
        a.spc.segments[1:]
        if a.spc is not None and a.measure.frequency != "rolling_12_months"
        else []
    )
    if not segments:
        return events
    frame = (
        pd.DataFrame(columns=["date", "label", "note"])
        if events is None or events.empty
        else events[["date", "label", "note"]].assign(date=pd.to_datetime(events["date"]))
    )
    frame = frame.reset_index(drop=True)
    added = []
    for segment in segments:
        if len(frame):
            close = (frame["date"] - segment.start).abs() <= pd.Timedelta(days=45)
            if bool(close.any()):
                first = frame.index[close][0]
                frame.loc[first, "label"] = f"{frame.loc[first, 'label']} (limits re-based)"
                continue
        reason = segment.reason or ""
        added.append({"date": segment.start, "label": rebase_label(reason), "note": reason})
    if added:
        parts = [f for f in (frame, pd.DataFrame(added)) if len(f)]
        frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def _within(events: pd.DataFrame | None, values: pd.Series) -> pd.DataFrame | None:
    """The events that fall between the chart's first and last period."""
    if events is None or events.empty:
        return None
    shown = values.dropna().index
    dates = pd.to_datetime(events["date"])
    inside = events[(dates >= shown.min() - pd.offsets.MonthBegin(1)) & (dates <= shown.max())]
    return inside if not inside.empty else None


def chart_data(a: Assessment) -> pd.DataFrame:
    """The data behind the chart, one row per period with a figure: ``period_end, value``,
    ``adjusted`` (seasonally adjusted, where judged so), ``base``, ``centre, lower, upper``,
    ``signal`` (improvement / concern / neutral, or empty), ``source, edition, uploads``."""
    values = _values(a).dropna()
    out = pd.DataFrame({"period_end": values.index, "value": values.to_numpy(dtype=float)})
    if a.series.base is not None:
        out["base"] = a.series.base.reindex(values.index).to_numpy(dtype=float)
    spc_result = a.spc if a.measure.frequency != "rolling_12_months" else None
    if spc_result is not None:
        spc = spc_result.data.set_index("date")
        if adjusted(a):
            out["adjusted"] = spc["value"].reindex(values.index).to_numpy(dtype=float)
        for column in ("centre", "lower", "upper"):
            out[column] = spc[column].reindex(values.index).to_numpy(dtype=float)
        out["signal"] = spc["signal"].reindex(values.index).fillna("").to_numpy(dtype=object)
    provenance = a.series.provenance
    if provenance is not None and not provenance.empty:
        found = provenance.set_index("period_end")
        for column in ("source", "edition", "uploads"):
            out[column] = found[column].reindex(values.index).fillna("").to_numpy(dtype=object)
    return out
