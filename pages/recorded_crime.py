"""Recorded crime for the chosen area: totals by offence group, and the monthly trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcp_data import charts
from pcp_data.measures import group_totals
from ui import shared
from ui.shared import md

ctx = shared.ctx_or_stop()
st.title("Recorded crime")
shared.synthetic_banner(ctx)
frame = ctx.facts("recorded_crime")
frame = frame[frame["measure"] == "offences"] if not frame.empty else frame
if frame.empty:
    st.info(f"The store holds no recorded crime for {md(ctx.area_name or 'any area')}.")
    st.stop()
sources = sorted(frame["source"].unique())
source = (
    st.selectbox("Publication", sources, help="Each figure is shown from one source.")
    if len(sources) > 1
    else sources[0]
)
frame = frame[frame["source"] == source]
period_types = sorted(frame["period_type"].unique())
ptype = "month" if "month" in period_types else period_types[0]
frame = frame[frame["period_type"] == ptype].copy()
frame["period_end"] = pd.to_datetime(frame["period_end"])
if ctx.as_at:
    frame = frame[frame["period_end"] <= pd.Timestamp(ctx.as_at)]
last = frame["period_end"].max()
period_words = {"month": "monthly", "quarter": "quarterly"}.get(ptype, ptype.replace("_", " "))
st.caption(f"{md(ctx.area_name)} · source: {md(source)} · {period_words} figures to {last:%B %Y}")

totals = group_totals(frame)
now = totals.table.set_index("category")["latest"]
table = totals.table.rename(
    columns={
        "category": "Offence group",
        "latest": "Latest 12 months",
        "before": "12 months before",
        "change": "Change",
        "change_pct": "Change (%)",
    }
)
total_now, total_before = totals.total_now, totals.total_before
by_group = frame.groupby(["category", "period_end"])["value"].sum().reset_index()
c1, c2 = st.columns(2)
c1.metric(
    f"Recorded crime, 12 months to {last:%B %Y}",
    f"{total_now:,.0f}",
    delta=(
        f"{total_now - total_before:+,.0f} on the 12 months before"
        if total_before is not None
        else None
    ),
    delta_color="inverse",
)
c2.metric("Offence groups", f"{len(now)}")
st.subheader("Offences by group, latest 12 months")
st.altair_chart(
    charts.bar_chart(
        table,
        category="Offence group",
        value="Latest 12 months",
        x_title="Offences in the latest 12 months (number)",
    ),
    width="stretch",
    theme=None,
)
with st.expander("The table behind the chart"):
    st.dataframe(
        table.sort_values("Latest 12 months", ascending=False),
        hide_index=True,
        column_config={
            "Change (%)": st.column_config.NumberColumn(format="%.1f%%"),
            "Latest 12 months": st.column_config.NumberColumn(format="%d"),
        },
    )

st.subheader("Monthly trend by offence group")
groups = list(now.sort_values(ascending=False).index)
chosen = st.multiselect("Offence groups", groups, default=groups[:4])
trend = by_group[by_group["category"].isin(chosen)].rename(
    columns={"category": "Offence group", "period_end": "date", "value": "Offences"}
)
if not trend.empty:
    st.altair_chart(
        charts.lines_chart(
            trend,
            x="date",
            y="Offences",
            colour="Offence group",
            y_title=f"Offences ({period_words} number)",
            colour_title="Offence group",
        ),
        width="stretch",
        theme=None,
    )
    with st.expander("The table behind the chart"):
        wide = trend.pivot_table(index="date", columns="Offence group", values="Offences")
        wide.index = wide.index.strftime("%B %Y")
        st.dataframe(wide.iloc[::-1])
