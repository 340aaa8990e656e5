"""Workforce: officers, staff, PCSOs, designated officers and specials, FTE and headcount."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcp_data import charts
from ui import shared
from ui.shared import md

ctx = shared.ctx_or_stop()
st.title("Workforce")
shared.synthetic_banner(ctx)
frame = ctx.facts("workforce")
if frame.empty:
    st.info(f"The store holds no workforce figures for {md(ctx.area_name or 'any area')}.")
    st.stop()
frame = frame.copy()
frame["period_end"] = pd.to_datetime(frame["period_end"])
if ctx.as_at:
    frame = frame[frame["period_end"] <= pd.Timestamp(ctx.as_at)]
sources = sorted(frame["source"].unique())
source = st.selectbox("Publication", sources) if len(sources) > 1 else sources[0]
frame = frame[frame["source"] == source]
measure = st.radio(
    "Count",
    ["fte", "headcount"],
    horizontal=True,
    format_func={"fte": "Full-time equivalent (FTE)", "headcount": "Headcount"}.get,
)
frame = frame[frame["measure"] == measure]
if frame.empty:
    st.info(f"{md(source)} holds no {measure} figures for this area.")
    st.stop()
last = frame["period_end"].max()
latest = frame[frame["period_end"] == last].set_index("category")["value"]
st.caption(f"{md(ctx.area_name)} · source: {md(source)} · as at {last:%d %B %Y}")
cols = st.columns(max(1, len(latest)))
for col, (worker, value) in zip(cols, latest.sort_values(ascending=False).items(), strict=False):
    year_before = frame[
        (frame["category"] == worker) & (frame["period_end"] == last - pd.DateOffset(years=1))
    ]["value"]
    delta = (
        f"{value - year_before.iloc[0]:+,.1f} on a year before" if not year_before.empty else None
    )
    # no colour on the change: more or fewer staff is not by itself better or worse
    col.metric(
        md(worker),
        f"{value:,.1f}" if measure == "fte" else f"{value:,.0f}",
        delta=delta,
        delta_color="off",
    )
words = "FTE" if measure == "fte" else "headcount"
trend = frame.rename(columns={"category": "Worker type", "period_end": "date", "value": "Workers"})
st.altair_chart(
    charts.lines_chart(
        trend,
        x="date",
        y="Workers",
        colour="Worker type",
        y_title=f"Workers ({words}, snapshot)",
        colour_title="Worker type",
        value_format=",.1f",
    ),
    width="stretch",
    theme=None,
)
with st.expander("The table behind the chart"):
    wide = trend.pivot_table(index="date", columns="Worker type", values="Workers")
    wide.index = wide.index.strftime("%d %B %Y")
    st.dataframe(wide.iloc[::-1])
