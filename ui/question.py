"""One Key Performance Question (or priority) at a time: its measures, charts, commentary and
the actions from meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from pcp_data.access import Right
from pcp_data.errors import PCPError
from pcp_data.events import ACTION_ICONS, action_status, date_words
from ui import access, shared, views

DEFAULT_OWNERS = ("Chief Constable", "Police and Crime Commissioner", "Chief Executive (OPCC)")


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
        st.error(f"The plan has no question {shared.md(question_id)}.")
        return
    q = qa.question
    kind = (
        ctx.plan.labels.priority.singular
        if q.derived_from_priority
        else ctx.plan.labels.kpq.singular
    )
    st.caption(
        " · ".join(shared.md(x) for x in (ctx.plan.force, ctx.plan.title, kind, ctx.area_name))
    )
    st.title(shared.md(q.title))
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
            f"{shared.md(kind.lower())} \u201c{shared.md(q.title)}\u201d."
        )
    commentary_block(ctx, question_id)
    actions_block(ctx, question_id)
    if not qa.measures:
        note = q.priority.note if q.priority is not None else None
        st.info(
            shared.md(note)
            if note
            else "No measure the product holds answers this question; see the "
            "commentary for the qualitative update."
        )
    for a in qa.measures:
        with st.container(border=True):
            views.measure_block(a)


def commentary_period(ctx: shared.Context) -> str:
    """The month (``YYYY-MM``) whose commentary the pages show: the month judged."""
    months = ctx.months()
    return (ctx.as_at or (months[0] if months else "2000-01-31"))[:7]


def commentary_block(ctx: shared.Context, question_id: str) -> None:
    """The quarterly narrative for this question and month: shown as text, never as HTML or
    markdown. Versions marked internal are shown only to those who may read them; only the
    Commissioner's office (or the local user) writes, as the identity signed in."""
    me = access.me()
    period = commentary_period(ctx)
    versions = shared.store().commentary(
        ctx.plan_id, question_id, period, include_internal=me.can(Right.READ_INTERNAL)
    )
    with st.container(border=True):
        st.markdown(f"**Commentary for {shared.month_words(period + '-01')}**")
        if versions.empty:
            st.caption("No commentary has been written for this period yet.")
        else:
            latest = versions.iloc[0]
            if latest["internal"]:
                st.caption(":material/lock: Internal: not shown to the public.")
            st.text(latest["text"])
            st.caption(
                f"Written by {shared.md(latest['author'])} at {shared.md(latest['written_at'])} "
                f"({len(versions)} version{'s' if len(versions) != 1 else ''})"
            )
        if not me.can(Right.WRITE_COMMENTARY):
            return
        with st.expander("Write or edit the commentary"), st.form(f"commentary-{question_id}"):
            text = st.text_area(
                "Commentary",
                value=versions.iloc[0]["text"] if not versions.empty else "",
                height=160,
            )
            internal = st.checkbox(
                "Internal: for the Commissioner's office and the Panel, not the public",
                value=bool(versions.iloc[0]["internal"]) if not versions.empty else False,
            )
            st.caption(f"Saved as written by {shared.md(me.name)}.")
            if st.form_submit_button("Save commentary"):
                try:
                    shared.store().save_commentary(
                        ctx.plan_id, question_id, period, text, author=me.name, internal=internal
                    )
                except PCPError as exc:
                    st.error(shared.md(exc.message))
                else:
                    st.success("Commentary saved.")
                    st.rerun()


@st.cache_data(show_spinner=False, max_entries=8)
def recorded_actions(key: str, plan_id: str) -> pd.DataFrame:
    """The plan's actions (newest version of each), read once per change to the actions."""
    return shared.store().actions(plan_id)


def actions_block(ctx: shared.Context, question_id: str) -> None:
    """The actions from meetings for this question: what, who owns it, when it is due and
    whether it is open, done or overdue (open past its due date), in icon and words. Only the
    Commissioner's office (or the local user) records or closes one, as the identity signed
    in; every change is a new version, audited."""
    me = access.me()
    found = recorded_actions(ctx.revs.key("actions"), ctx.plan_id)
    mine = found[found["kpq_id"] == question_id] if not found.empty else found
    today = dt.date.today()
    with st.container(border=True):
        st.markdown("**Actions from meetings**")
        if mine.empty:
            st.caption("No action is recorded for this question.")
        for r in mine.to_dict("records"):
            state = action_status(str(r["status"]), r["due"], today)
            due = f" · due {date_words(r['due'])}" if r["due"] else ""
            meeting = f" · from the meeting of {date_words(r['meeting'])}" if r["meeting"] else ""
            st.markdown(
                f"- {ACTION_ICONS[state]} **{state.capitalize()}**: {shared.md(r['title'])} "
                f"· owner: {shared.md(r['owner'])}{shared.md(due)}{shared.md(meeting)}"
                + (f"  \n  {shared.md(r['note'])}" if r["note"] else "")
            )
        if not me.can(Right.WRITE_COMMENTARY):
            return
        owners = list(dict.fromkeys([*DEFAULT_OWNERS, *found.get("owner", [])]))
        with (
            st.expander("Record an action"),
            st.form(f"action-{question_id}", clear_on_submit=True),
        ):
            title = st.text_area("The action", height=80, max_chars=400)
            owner = st.selectbox(
                "Owner", owners, accept_new_options=True, help="Choose, or type another owner."
            )
            due = st.date_input("Due", value=None, format="DD/MM/YYYY")
            meeting = st.date_input("Meeting it arose from", value=None, format="DD/MM/YYYY")
            st.caption(f"Saved as recorded by {shared.md(me.name)}.")
            if st.form_submit_button("Record the action"):
                _saved(
                    lambda: shared.store().save_action(
                        plan_id=ctx.plan_id,
                        kpq_id=question_id,
                        title=title,
                        owner=str(owner or ""),
                        due=due,
                        meeting=meeting,
                        by=me.name,
                    ),
                    "Action recorded.",
                )
        if mine.empty:
            return
        labels = {int(r["thing_id"]): str(r["title"]) for r in mine.to_dict("records")}
        with st.expander("Mark an action done, open or removed"), st.form(f"status-{question_id}"):
            chosen = st.selectbox("Action", list(labels), format_func=lambda k: labels[k])
            change = st.radio("Change to", ("done", "open", "removed"), horizontal=True)
            if st.form_submit_button("Save the change") and chosen is not None:
                row = mine[mine["thing_id"] == chosen].iloc[0]
                if change == "removed":
                    _saved(
                        lambda: shared.store().remove("action", chosen, by=me.name),
                        "Action removed.",
                    )
                else:
                    _saved(
                        lambda: shared.store().save_action(
                            plan_id=ctx.plan_id,
                            kpq_id=question_id,
                            title=str(row["title"]),
                            owner=str(row["owner"]),
                            due=row["due"],
                            status=change,
                            meeting=row["meeting"],
                            note=str(row["note"] or ""),
                            by=me.name,
                            action_id=chosen,
                        ),
                        f"Action marked {change}.",
                    )


def _saved(action: Callable[[], object], done: str) -> None:
    try:
        action()
    except PCPError as exc:
        st.error(shared.md(exc.message))
    else:
        st.success(done)
        st.rerun()
