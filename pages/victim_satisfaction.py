"""Victim satisfaction per question: percentages with their respondents and 95% intervals."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcp_data import charts
from pcp_data.surveys import interval_frame, pooled_windows, survey_figure
from ui import shared
from ui.shared import md

ctx = shared.ctx_or_stop()
st.title("Victim satisfaction")
shared.synthetic_banner(ctx)
frame = ctx.facts("victim_satisfaction")
if frame.empty:
    st.info(
        f"The store holds no victim satisfaction figures for {md(ctx.area_name or 'any area')}."
    )
    st.stop()
frame = frame.copy()
frame["period_end"] = pd.to_datetime(frame["period_end"])
if ctx.as_at:
    frame = frame[frame["period_end"] <= pd.Timestamp(ctx.as_at)]
minimum = ctx.plan.settings.minimum_base
questions = sorted(frame["category"].unique())
groups = sorted(frame["subcategory"].unique())
group = st.selectbox("Respondent group", groups) if len(groups) > 1 else groups[0]
pool = st.radio(
    "Pool respondents over",
    ["1 month", "3 months", "12 months"],
    index=1,
    horizontal=True,
    help="Percentages are pooled: satisfied ÷ respondents over "
    "the window, never an average of monthly percentages.",
)
months = int(pool.split()[0])
st.caption(f"{md(ctx.area_name)} · figures below {minimum} respondents are shown but not judged")

latest_rows = []
for q in questions:
    rows = frame[(frame["category"] == q) & (frame["subcategory"] == group)]
    pooled = pooled_windows(rows.groupby("period_end")[["value", "base"]].sum(), months)
    if pooled.empty:
        continue
    data = interval_frame(pooled["value"], pooled["base"])
    last = pooled.iloc[-1]
    fig = survey_figure(last["value"], last["base"], minimum_base=minimum)
    latest_rows.append(
        {
            "Question": q,
            "Satisfied": fig.words,
            "Judged": "yes" if fig.judged else f"no: {fig.warning}",
        }
    )
    with st.container(border=True):
        st.markdown(f"#### {md(q)}")
        period = f"{months} month{'s' if months > 1 else ''} to {pooled.index[-1]:%B %Y}"
        st.markdown(
            f"**{md(fig.words)}** in the {period}"
            + ("" if fig.judged else f" — *{md(fig.warning)}*")
        )
        st.altair_chart(
            charts.interval_chart(
                data, y_title=f"Satisfied (per cent, pooled over {pool})", height=260
            ),
            width="stretch",
            theme=None,
        )
        with st.expander("The table behind the chart"):
            shown = data.assign(date=data["date"].dt.strftime("%B %Y")).rename(
                columns={
                    "date": "Period ending",
                    "value": "Satisfied (%)",
                    "low": "95% interval from",
                    "high": "95% interval to",
                    "base": "Respondents",
                }
            )
            st.dataframe(shown.iloc[::-1], hide_index=True)
if latest_rows:
    st.subheader("Latest figures")
    st.dataframe(pd.DataFrame(latest_rows), hide_index=True)
