"""One measure in full (deep link ``?measure=ID``): chart with SPC, baseline, target, peers,
and the events and re-basings recorded for it (analysts record them here)."""

from __future__ import annotations

import streamlit as st

from ui import shared, views
from ui.shared import md

# the page's title is the measure it shows, chosen below: its place is kept at the top
heading = st.empty()
ctx = shared.ctx_or_stop()
plan = ctx.plan
ids = [m.id for m in plan.measures]
# the address names the measure (deep links, "Open this measure"); else the last one seen
wanted = st.query_params.get("measure")
current = wanted if wanted in ids else st.session_state.get("measure_id")
chosen = st.selectbox(
    "Measure",
    ids,
    index=ids.index(current) if current in ids else 0,
    format_func=lambda mid: plan.measure(mid).title,
)
st.session_state.measure_id = chosen
st.query_params["measure"] = chosen
measure = plan.measure(chosen)
heading.title(md(measure.title))
st.caption(" · ".join(md(x) for x in (plan.force, plan.title, ctx.area_name)))
shared.synthetic_banner(ctx)
if not ctx.area_code:
    st.info("There are no figures yet. Upload a workbook on the Upload page.")
    st.stop()
a = ctx.measure(measure.id)
answers = [plan.kpq(k).question for k in measure.kpq_ids] + [
    plan.priority(p).title for p in measure.priority_ids
]
st.markdown("Answers: " + " · ".join(md(x) for x in answers))
if measure.tier:
    st.markdown(f"Expectation: **{md(measure.tier)}**: {md(measure.tier_text)}.")
if measure.baseline:
    st.markdown(
        f"Baseline: **{md(measure.baseline.label)}**"
        + (
            f" (chosen by the product: {md(measure.baseline.note)})"
            if measure.baseline.chosen_by_product
            else ""
        )
    )
views.measure_block(a, height=420, show_title=False)
views.events_block(ctx, a)
