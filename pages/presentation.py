"""Presentation mode for the Panel: one question per screen, large type, next and previous.

Opened at ``?present=1`` (the sidebar, toolbar and navigation are hidden); ``&q=N`` is the
question shown. Body text is at least 24 px; status is shown by icon and words.
"""

from __future__ import annotations

import streamlit as st

from pcp_data import charts
from pcp_data.access import Right
from ui import access, question, shared, views
from ui.shared import md


def _big() -> dict:
    return charts.theme(scale=1.75)["config"]  # axis text about 24 px


ctx = shared.ctx_or_stop()
params = st.query_params
if params.get("present") != "1":
    params["present"] = "1"
    st.rerun()
if not ctx.area_code:
    st.info("There are no figures yet.")
    st.stop()
pa = ctx.assessment()
total = len(pa.questions)
try:
    index = min(max(int(params.get("q", "1")), 1), total) - 1
except ValueError:
    index = 0
qa = pa.questions[index]


def go(to: int) -> None:
    st.query_params["q"] = str(to + 1)


nav = st.columns([1.4, 1.2, 5, 1])
nav[0].button(
    "◀ Previous", on_click=go, args=(index - 1,), disabled=index == 0, key="prev", width="stretch"
)
nav[1].button(
    "Next ▶",
    on_click=go,
    args=(index + 1,),
    disabled=index == total - 1,
    key="next",
    width="stretch",
    type="primary",
)
me = access.me()
synthetic = " · <b>synthetic data</b>" if ctx.synthetic else ""
local = " · local user" if me.local else ""  # sign-in is off: said on every page
nav[2].markdown(
    f"<div style='text-align:center;font-size:24px;color:#3D3D3D'>"
    f"{shared.escape(ctx.area_name)} · question {index + 1} of {total}"
    f"{synthetic}{local}</div>",
    unsafe_allow_html=True,
)
if nav[3].button("Exit", key="exit", width="stretch"):
    st.switch_page("pages/overview.py", query_params={"plan": ctx.plan_id, "area": ctx.area_code})

st.markdown(f"# {md(qa.question.title)}")
r = qa.rollup
counts = " · ".join(
    f"{r.counts.get(k, 0)} {k}" for k in ("on track", "needs attention", "of concern", "not judged")
)
st.markdown(f"{shared.status_text(r.icon, r.words, r.colour)} &nbsp; ({counts})")
shown = qa.measures[:3]
if shown:
    cols = st.columns(len(shown), gap="large")
    for n, (col, a) in enumerate(zip(cols, shown, strict=True)):
        with col:
            j = a.judgement
            st.markdown(f"### {md(a.measure.title)}")
            figure = (
                f"**{md(a.latest_text)}** · {md(a.period_words)}"
                if a.latest_value is not None
                else "no figures yet"
            )
            st.markdown(f"{shared.status_text(j.icon, j.words, j.colour)} · {figure}")
            # one chart for screens about 720 px high, one for 1080 px: CSS shows the one
            # that fits (the server cannot know the screen's size)
            for size, height in (("small", 230), ("large", 420)):
                chart = views.chart_for(a, height=height, legend=False)
                if chart is not None:
                    with st.container(key=f"chart-{size}-{n}"):
                        st.altair_chart(chart.configure(**_big()), width="stretch", theme=None)
    keys = []
    if any(a.series.counts is None and a.latest_value is not None for a in shown):
        keys.append(
            "▲ special cause improvement · ◆ special cause concern · ■ special cause, "
            "neither better nor worse · ● common cause; dashed lines: process limits"
        )
    if any(a.series.counts is not None for a in shown):
        keys.append("Shaded band: 95% interval of a survey percentage")
    if keys:
        st.markdown("Key: " + ". ".join(keys) + ".")
    if len(qa.measures) > 3:
        st.markdown(f"…and {len(qa.measures) - 3} more measures on the question's page.")
else:
    st.markdown("No measure the product holds answers this question.")
notes = shared.store().commentary(
    ctx.plan_id,
    qa.question.id,
    question.commentary_period(ctx),
    include_internal=me.can(Right.READ_INTERNAL),
)
if not notes.empty:
    st.markdown("### Commentary")
    st.text(notes.iloc[0]["text"])
