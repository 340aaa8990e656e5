"""One measure's chart and the data behind it, the same on screen and in the briefing pack.

`measure_chart` draws what the judgement was made on: the XmR chart of the seasonally
adjusted figures (with the figures as recorded beside them) where the method is
``seasonal_spc``; the XmR chart of the figures where SPC judged or drew provisional limits;
the figures alone where no limits apply (rolling sums, a season not yet allowed for); and a
95% interval band for survey percentages. `chart_data` is the table behind it, with each
point's source and edition.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pcp_data import charts
from pcp_data.assess import Assessment, axis_title, period_axis_title
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
    (``date, label, note``) are drawn as labelled rules where they fall inside the chart."""
    m = a.measure
    values = _values(a)
    if values.dropna().empty:
        return None
    fmt = unit_of(m.unit).tick
    y_title = axis_title(m, a.series)
    x_title = period_axis_title(m)
    if a.series.counts is not None and a.series.base is not None:
        index = values.dropna().index
        rows = interval_frame(a.series.counts.reindex(index), a.series.base.reindex(index))
        chart = charts.interval_chart(
            rows, y_title=y_title, height=height, x_title=x_title, events=_within(events, values)
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
        events=_within(events, values),
    )
    return chart.properties(width=width) if width else chart


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
