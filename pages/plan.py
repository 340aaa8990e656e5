"""The plan in its own words; for analysts, load a plan of your own or remove one loaded.

Every word of a plan is shown as written (a loaded plan is user text: never markdown)."""

from __future__ import annotations

import streamlit as st

from pcp_data.access import Right
from pcp_data.errors import PCPError
from pcp_data.plan import shipped_plans, validate_plan_text
from ui import access, shared
from ui.shared import md

me = access.me()
ctx = shared.ctx_or_stop()
plan = ctx.plan
st.title("The Police and Crime Plan")
if me.can(Right.MANAGE_PLANS):
    st.caption("Choose the plan in the sidebar. Load your own below (YAML, as in the README).")
else:
    st.caption("Choose the plan in the sidebar.")


def _manage_plans() -> None:
    """Load a plan file (validated; never under a shipped plan's id) and remove loaded ones;
    both recorded in the audit log as the identity signed in."""
    store = shared.store()
    uploaded = st.file_uploader("Load a plan file (.yaml)", type=["yaml", "yml"])
    if uploaded is not None:
        text = uploaded.getvalue().decode("utf-8", errors="replace")
        try:
            new = validate_plan_text(text, uploaded.name)
        except PCPError as exc:
            st.error(md(exc.message))
        else:
            if new.id in shipped_plans():
                st.error(
                    f"This plan's id {md(new.id)} is the id of a plan shipped with the "
                    "product: give your plan another id (the 'id:' line of the YAML)."
                )
            elif st.button(f"Use “{md(new.title)}” ({md(new.force)})", type="primary"):
                try:
                    store.save_plan(new.id, text, by=me.name)
                except PCPError as exc:
                    st.error(md(exc.message))
                else:
                    st.session_state.plan_id = new.id
                    st.query_params["plan"] = new.id
                    st.rerun()
    loaded = store.custom_plans()
    if not loaded:
        return
    with st.expander(f"Plans loaded into the app ({len(loaded)})"):
        shipped = shipped_plans()
        rows = []
        for plan_id, text in sorted(loaded.items()):
            try:
                found = validate_plan_text(text, f"{plan_id}.yaml")
            except PCPError:
                title, note = "", "invalid"
            else:
                title, note = f"{found.force}: {found.title}", ""
            if plan_id in shipped:
                note = "has a shipped plan's id, so it is not used"
            rows.append({"Id": plan_id, "Plan": title, "Note": note})
        st.dataframe(rows, hide_index=True)
        with st.form("remove-plan"):
            chosen = st.selectbox("Remove a loaded plan", sorted(loaded))
            st.caption(f"Removed as {md(me.name)}; the audit log keeps its text.")
            if st.form_submit_button("Remove"):
                try:
                    store.remove_plan(str(chosen), by=me.name)
                except PCPError as exc:
                    st.error(md(exc.message))
                else:
                    if st.session_state.get("plan_id") == chosen:
                        st.session_state.pop("plan_id", None)
                        st.query_params.pop("plan", None)
                    st.rerun()


if me.can(Right.MANAGE_PLANS):
    _manage_plans()

st.header(f"{md(plan.force)}: {md(plan.title)}")
st.markdown(
    f"**{md(plan.period.label)}** · source: {md(plan.source.document)} ({plan.source.date:%B %Y})"
)
st.markdown(f"> {md(plan.vision)}")
labels = plan.labels
if plan.top_level and labels.top is not None:
    st.subheader(md(labels.top.plural))
    for i, item in enumerate(plan.top_level, start=1):
        st.markdown(f"**{md(labels.top.singular)} {i}: {md(item.title)}**")
        for p in plan.priorities_for(item.id):
            st.markdown(f"- {md(p.title)}")
else:
    st.subheader(md(labels.priority.plural))
    for i, p in enumerate(plan.priorities, start=1):
        st.markdown(f"{i}. {md(p.title)}")
if plan.kpqs:
    st.subheader(md(labels.kpq.plural))
    for i, k in enumerate(plan.kpqs, start=1):
        st.markdown(f"{i}. {md(k.question)}")
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
        + md(", ".join(plan.settings.peer_group))
        + (" (chosen by the product)" if plan.settings.peer_group_chosen_by_product else "")
    )
for note in plan.notes:
    st.caption(f"Note: {md(note)}")
