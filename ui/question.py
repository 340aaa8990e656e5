"""One Key Performance Question (or priority) at a time: its measures, charts and commentary."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pcp_data.errors import PCPError
from ui import shared, views


def page_for(question_id: str) -> Callable[[], None]:
    def page() -> None:
        render(question_id)

    page.__name__ = f"question_{question_id.replace('-', '_').replace('.', '_')}"
    return page


def render(question_id: str) -> None:
    ctx = shared.ctx_or_stop()
    pa = ctx.assessment()
    qa = next((q for q in pa.questions if q.question.id == question_id), None)
    if qa is None:
        st.error(f"The plan has no question {question_id!r}.")
        return
    q = qa.question
    kind = (
        ctx.plan.labels.priority.singular
        if q.derived_from_priority
        else ctx.plan.labels.kpq.singular
    )
    st.caption(f"{ctx.plan.force} · {ctx.plan.title} · {kind} · {ctx.area_name}")
    st.title(q.title)
    shared.synthetic_banner(ctx)
    r = qa.rollup
    st.markdown(f"{shared.status_badge(r.icon, r.words, r.colour)} &nbsp; {shared.rollup_words(r)}")
    st.caption(
        "A question takes the worst judgement of its measures (never an average); the "
        "counts show how many measures are in each."
    )
    if q.derived_from_priority:
        st.caption(
            f"This plan has no Key Performance Questions: this page shows its "
            f"{kind.lower()} \u201c{q.title}\u201d."
        )
    commentary_block(ctx, question_id)
    if not qa.measures:
        note = q.priority.note if q.priority is not None else None
        st.info(
            note
            or "No measure the product holds answers this question; see the "
            "commentary for the qualitative update."
        )
    for a in qa.measures:
        with st.container(border=True):
            views.measure_block(a)


def commentary_block(ctx: shared.Context, question_id: str) -> None:
    """The quarterly narrative for this question and month: shown as text, never as HTML."""
    months = ctx.months()
    period = (ctx.as_at or (months[0] if months else "2000-01-31"))[:7]
    versions = shared.store().commentary(ctx.plan_id, question_id, period)
    with st.container(border=True):
        st.markdown(f"**Commentary for {shared.month_words(period + '-01')}**")
        if versions.empty:
            st.caption("No commentary has been written for this period yet.")
        else:
            latest = versions.iloc[0]
            st.text(latest["text"])
            st.caption(
                f"Written by {latest['author']} at {latest['written_at']} "
                f"({len(versions)} version{'s' if len(versions) != 1 else ''})"
            )
        with st.expander("Write or edit the commentary"), st.form(f"commentary-{question_id}"):
            text = st.text_area(
                "Commentary",
                value=versions.iloc[0]["text"] if not versions.empty else "",
                height=160,
            )
            author = st.text_input("Your name")
            if st.form_submit_button("Save commentary"):
                try:
                    shared.store().save_commentary(
                        ctx.plan_id, question_id, period, text, author=author
                    )
                except PCPError as exc:
                    st.error(exc.message)
                else:
                    st.success("Commentary saved.")
                    st.rerun()
