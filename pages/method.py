"""How the figures are judged: the rules behind every series and every judgement, in words."""

from __future__ import annotations

import streamlit as st

from pcp_data.judging import how_judged
from ui import access

access.me()  # every page runs as someone (see ui.access.me)

st.title("How the figures are judged")
st.markdown(
    "Every judgement on these pages names the method that produced it, the number of periods "
    "it rests on and the period it is for. This page says how each measure's figures are put "
    "together from the files uploaded, and how each kind of figure is judged."
)
st.markdown(how_judged())
