"""The baseline the page benchmark compares with: a plain Streamlit app that reads the same
facts as the Overview once (the plan's datasets for the area, its peers and England and Wales)
and draws one table and one chart from them, with no statistics.

    streamlit run benchmarks/baseline_app.py      (PCP_DATABASE_URL names the store)
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pcp_data.areas import default_area, peer_group  # noqa: E402
from pcp_data.config import database_url  # noqa: E402
from pcp_data.plan import load_shipped  # noqa: E402
from pcp_data.plan_facts import PlanFacts  # noqa: E402
from pcp_data.store import Store  # noqa: E402

store = Store(database_url())
plan = load_shipped(st.query_params.get("plan", "durham-2018-21"))
areas = store.areas()
settings = store.settings()
choice = default_area(plan, areas, settings.get("home_area"))
assert choice is not None
peers = peer_group(
    plan,
    choice.code,
    areas,
    home=settings.get("home_area"),
    peer_setting=settings.get("peer_areas"),
)
facts = PlanFacts.read(store, plan.measures, (choice.code, *peers.codes)).facts
st.title(plan.title)
table = facts.pivot_table(index="period_end", columns="dataset", values="value", aggfunc="sum")
st.dataframe(table)
st.line_chart(table)
