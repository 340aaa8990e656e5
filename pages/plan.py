"""Choose a shipped plan or load your own, and see it in its own words."""

from __future__ import annotations

import streamlit as st

from pcp_data.errors import PCPError
from pcp_data.plan import validate_plan_text
from ui import shared

ctx = shared.ctx_or_stop()
plan = ctx.plan
st.title("The Police and Crime Plan")
st.caption("Choose the plan in the sidebar. Load your own below (YAML, as in the README).")

uploaded = st.file_uploader("Load a plan file (.yaml)", type=["yaml", "yml"])
if uploaded is not None:
    text = uploaded.getvalue().decode("utf-8", errors="replace")
    try:
        new = validate_plan_text(text, uploaded.name)
    except PCPError as exc:
        st.error(exc.message)
    else:
        if st.button(f"Use “{new.title}” ({new.force})", type="primary"):
            shared.store().set_setting(f"plan:{new.id}", text)
            st.session_state.plan_id = new.id
            st.query_params["plan"] = new.id
            st.rerun()

st.header(f"{plan.force}: {plan.title}")
st.markdown(f"**{plan.period.label}** · source: {plan.source.document} ({plan.source.date:%B %Y})")
st.markdown(f"> {plan.vision}")
labels = plan.labels
if plan.top_level and labels.top is not None:
    st.subheader(labels.top.plural)
    for i, item in enumerate(plan.top_level, start=1):
        st.markdown(f"**{labels.top.singular} {i}: {item.title}**")
        for p in plan.priorities_for(item.id):
            st.markdown(f"- {p.title}")
else:
    st.subheader(labels.priority.plural)
    for i, p in enumerate(plan.priorities, start=1):
        st.markdown(f"{i}. {p.title}")
if plan.kpqs:
    st.subheader(labels.kpq.plural)
    for i, k in enumerate(plan.kpqs, start=1):
        st.markdown(f"{i}. {k.question}")
st.subheader("Measures")
rows = [
    {
        "Measure": m.title,
        "Data": f"{m.data.dataset}: "
        + " + ".join("/".join(x for x in sel if x) or "all" for sel in m.data.selections()),
        "Frequency": m.frequency.replace("_", " "),
        "Better when": {"higher_is_better": "higher", "lower_is_better": "lower"}.get(
            m.polarity, "neither"
        ),
        "Expectation": m.tier or "",
        "Baseline": m.baseline.label if m.baseline else "",
        "Target": m.target.label if m.target else "",
        "Chosen by the product": "yes: " + (m.note or "") if m.chosen_by_product else "no",
    }
    for m in plan.measures
]
st.dataframe(rows, hide_index=True)
if plan.settings.peer_group:
    st.caption(
        "Most Similar Group: "
        + ", ".join(plan.settings.peer_group)
        + (" (chosen by the product)" if plan.settings.peer_group_chosen_by_product else "")
    )
for note in plan.notes:
    st.caption(f"Note: {note}")
