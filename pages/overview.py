"""The plan on a page: vision, the plan's own levels, each question's status and measures."""

from __future__ import annotations

import streamlit as st

from pcp_data.assess import changes_since as assess_changes
from pcp_data.status import JUDGEMENT_STYLE
from ui import shared, views
from ui.shared import md

ctx = shared.ctx_or_stop()
plan = ctx.plan
st.caption(
    f"{md(plan.force)} · {md(plan.period.label)} · figures for "
    f"{md(ctx.area_name or 'no area')}"
    + (f" as at {shared.month_words(ctx.as_at)}" if ctx.as_at else "")
)
st.title(md(plan.title))
shared.synthetic_banner(ctx)
st.caption(f"Vision: {md(plan.vision)}")

if not ctx.area_code:
    st.info("There are no figures yet. Upload a workbook to begin.")
    st.page_link("pages/upload.py", label="Upload data", icon=":material/upload_file:")
    st.stop()

pa = ctx.assessment()

# at a glance: how many questions are in each judgement (the worst of their measures)
kind = plan.labels.kpq.plural if plan.has_kpqs else plan.labels.priority.plural
glance = st.columns(4)
for col, name in zip(
    glance, ("of concern", "needs attention", "on track", "not judged"), strict=True
):
    n = sum(1 for qa in pa.questions if qa.rollup.worst == name)
    icon = JUDGEMENT_STYLE[name][0]
    col.metric(
        f"{icon} {name}",
        f"{n} of {len(pa.questions)}",
        help=f"{kind} whose worst measure is {name}",
    )

# the plan's own structure, in its own words
labels = plan.labels
with st.expander(
    md(
        f"The plan's structure: {len(plan.top_level) or ''} "
        f"{labels.top.plural if labels.top and plan.top_level else ''} "
        f"{len(plan.priorities)} {labels.priority.plural}"
    ),
    expanded=False,
):
    if plan.top_level and labels.top is not None:
        cols = st.columns(min(4, len(plan.top_level)))
        for i, item in enumerate(plan.top_level):
            with cols[i % len(cols)]:
                st.markdown(f"**{md(labels.top.singular)} {i + 1}: {md(item.title)}**")
                for p in plan.priorities_for(item.id):
                    roll = pa.priority_rollup(p.id)
                    st.markdown(f"- {md(p.title)} — {roll.icon} {roll.words}")
    else:
        for i, p in enumerate(plan.priorities, start=1):
            roll = pa.priority_rollup(p.id)
            st.markdown(f"{i}. {md(p.title)} — {roll.icon} {roll.words}")

# what changed since the last Panel
with st.container(border=True):
    st.subheader("What changed since the last Panel")
    month_list = ctx.months()
    current = ctx.as_at or (month_list[0] if month_list else None)
    earlier = [m for m in month_list if current is None or m < current]
    if earlier:
        default = min(2, len(earlier) - 1)
        previous = st.selectbox(
            "Figures at the last Panel meeting (as at the end of)",
            earlier,
            index=default,
            format_func=shared.month_words,
            key="previous_panel",
        )
        before = shared.Context(**{**ctx.__dict__, "as_at": previous}).assessment()
        changes = assess_changes(before, pa)
        moved = [c for c in changes if c.kind != "no significant change"]
        st.caption(
            f"{len(moved)} of {len(changes)} measures changed status or moved "
            f"significantly since {shared.month_words(previous)}; they are listed first."
        )
        st.dataframe(
            [
                {
                    "What": c.kind,
                    "Measure": c.measure.title,
                    "Then": f"{c.before.judgement.icon} {c.before.judgement.words}",
                    "Now": f"{c.after.judgement.icon} {c.after.judgement.words}",
                    "Why": c.sentence,
                }
                for c in changes
            ],
            hide_index=True,
            column_config={"Why": st.column_config.TextColumn(width="large")},
        )
    else:
        st.caption("There is no earlier month to compare with.")

# status counts across the plan
counts: dict[str, int] = {}
for a in pa.by_measure.values():
    counts[a.judgement.words] = counts.get(a.judgement.words, 0) + 1
summary = " · ".join(f"{n} {words}" for words, n in sorted(counts.items()))
st.subheader(f"{md(kind)}: how each is doing")
st.caption(
    f"{len(pa.by_measure)} measures: {summary}. Each question takes the worst judgement "
    "of its measures; the sentence says why."
)

for n, qa in enumerate(pa.questions, start=1):
    r = qa.rollup
    with st.container(border=True):
        head, link = st.columns([5, 1])
        head.markdown(f"### {n}. {md(qa.question.title)}")
        head.markdown(
            f"{shared.status_badge(r.icon, r.words, r.colour)} &nbsp; {shared.rollup_words(r)}"
        )
        link.page_link(
            st.session_state.question_pages[qa.question.id],
            label="Open",
            icon=":material/arrow_forward:",
        )
        if qa.measures:
            st.dataframe(
                views.question_summary(qa),
                hide_index=True,
                column_config={"Why": st.column_config.TextColumn(width="large")},
            )
        else:
            st.caption("No measure the product holds answers this; see its commentary.")
