"""The audit log: who published, withdrew or re-published which upload, who wrote which
commentary, who loaded, replaced or removed which plan, and when; with the state before and
after. For analysts and the Commissioner's office. Read only: nothing changes the log."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from pcp_data.access import Right
from pcp_data.audit import audit_records
from pcp_data.store import AUDIT_ACTIONS
from ui import access, shared

me = access.me()
st.title("Audit log")
if not me.can(Right.READ_AUDIT):
    st.info("The audit log is for analysts and the Commissioner's office.", icon=":material/lock:")
    st.stop()
st.caption(
    "Every publish, withdrawal, re-publication, commentary and plan change, newest first. "
    "The log is only ever added to: nobody, not even the product, can change or remove an "
    "entry."
)
actions = st.multiselect("Show", AUDIT_ACTIONS, default=list(AUDIT_ACTIONS))
records = [r for r in audit_records(shared.store().audit()) if r["action"] in actions]
if not records:
    st.caption("Nothing has been recorded yet.")
    st.stop()
table = pd.DataFrame(
    {
        "Entry": [r["id"] for r in records],
        "When (UTC)": [r["at"] for r in records],
        "Who": [r["who"] for r in records],
        "What": [r["action"] for r in records],
        "Which": [f"{r['target_kind']} {r['target_id']}" for r in records],
        "Change": [r["change"] for r in records],
    }
)
st.dataframe(
    table, hide_index=True, column_config={"Change": st.column_config.TextColumn(width="large")}
)
by_id = {r["id"]: r for r in records}
chosen = st.selectbox(
    "Before and after of entry",
    list(by_id),
    format_func=lambda i: (
        f"{i}: {by_id[i]['action']} {by_id[i]['target_kind']} {by_id[i]['target_id']}"
    ),
)
entry = by_id[chosen]
before, after = st.columns(2)
for col, label, value in ((before, "Before", entry["before"]), (after, "After", entry["after"])):
    col.markdown(f"**{label}**")
    if value is None:
        col.caption("nothing (it did not exist)" if label == "Before" else "nothing (removed)")
    elif isinstance(value, str):
        col.code(value, language=None, wrap_lines=True)  # a plan's YAML, as text
    else:
        # plain and wrapped: highlighted tokens fall under 4.5:1 contrast, and a block that
        # scrolls sideways cannot be reached by keyboard (axe-core)
        col.code(json.dumps(value, indent=2, ensure_ascii=False), language=None, wrap_lines=True)
