"""The plan on a page: one compact tile per question (or priority), whatever the plan's size.

Each tile says the question's status in icon and words, the one sentence that produced it and
its measures on one line, each with its status icon; the reasons, measure by measure, are one
click away in the tile and on the question's page. Text wraps: nothing is cut. No tables: a
plan of 40 priorities stays a page a Commissioner can read (and print: `ui.shared.APP_CSS`).
"""

from __future__ import annotations

import streamlit as st

from pcp_data.assess import Change, QuestionAssessment
from pcp_data.assess import changes_since as assess_changes
from pcp_data.status import JUDGEMENT_STYLE
from ui import downloads, shared, views
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

if not ctx.area_code:
    st.info("There are no figures yet. Upload a workbook to begin.")
    st.page_link("pages/upload.py", label="Upload data", icon=":material/upload_file:")
    st.stop()

pa = ctx.assessment()
JUDGEMENTS = ("of concern", "needs attention", "on track", "not judged")
KEY = " · ".join(f"{JUDGEMENT_STYLE[name][0]} {name}" for name in JUDGEMENTS)

# at a glance: how many questions are in each judgement (the worst of their measures)
kind = plan.labels.kpq.plural if plan.has_kpqs else plan.labels.priority.plural
singular = plan.labels.kpq.singular if plan.has_kpqs else plan.labels.priority.singular
*glance, pack_column = st.columns([1, 1, 1, 1, 1.1], vertical_alignment="center")
for col, name in zip(glance, JUDGEMENTS, strict=True):
    n = sum(1 for qa in pa.questions if qa.rollup.worst == name)
    col.metric(
        f"{JUDGEMENT_STYLE[name][0]} {name}",
        f"{n} of {len(pa.questions)}",
        help=f"{kind} whose worst measure is {name}",
    )
with pack_column.popover("Briefing pack", icon=":material/download:", width="stretch"):
    st.caption(
        "The Panel report for the plan, area and month chosen: PowerPoint for the meeting, "
        "PDF for the papers, Excel with the data behind every chart."
    )
    downloads.pack_buttons(ctx, key="overview")


def _then_now(c: Change) -> str:
    before, after = c.before.judgement, c.after.judgement
    if before.name == after.name:
        return f"{after.icon} {after.words}"
    return f"{before.icon} {before.words} → {after.icon} {after.words}"


# status counts across the plan
counts: dict[str, int] = {}
for a in pa.by_measure.values():
    counts[a.judgement.words] = counts.get(a.judgement.words, 0) + 1
summary = " · ".join(f"{n} {words}" for words, n in sorted(counts.items()))
st.subheader(f"{md(kind)}: how each is doing")
st.caption(
    f"{len(pa.by_measure)} measures: {summary}. Each question takes the worst judgement "
    f"of its measures; the sentence says why. Key: {KEY}."
)


def tile(n: int, qa: QuestionAssessment) -> None:
    """One question: status, its sentence, its measures on a line; the reasons on demand."""
    r = qa.rollup
    with st.container(border=True, key=f"tile-{n}"):
        # one element for the heading, the status and the measures: a plan of 40 stays light
        st.markdown(
            f"### {n}. {md(qa.question.title)}\n\n"
            f"{shared.status_badge(r.icon, r.words, r.colour)} &nbsp; "
            f"{shared.rollup_words(r)}\n\n"
            + " · ".join(f"{a.judgement.icon}\u00a0{md(a.measure.title)}" for a in qa.measures)
        )
        with st.expander(f"Why, measure by measure ({len(qa.measures)})"):
            st.markdown(
                "\n".join(
                    f"- **{md(a.measure.title)}**: {a.judgement.icon} {a.judgement.words}"
                    f" · {md(a.latest_text)} ({md(a.period_words)}) · "
                    f"{md(views.change_words(a) or 'no figure a year before')}. "
                    f"{md(a.judgement.sentence)}"
                    for a in qa.measures
                )
            )
            st.page_link(
                st.session_state.question_pages[qa.question.id],
                label=f"Open this {md(singular.lower())}: charts and commentary",
                icon=":material/arrow_forward:",
            )


numbered = list(enumerate(pa.questions, start=1))
judged = [(n, qa) for n, qa in numbered if qa.measures]
unmeasured = [(n, qa) for n, qa in numbered if not qa.measures]
per_row = 2 if len(judged) <= 8 else 3
for start in range(0, len(judged), per_row):
    row = st.columns(per_row)
    for col, (n, qa) in zip(row, judged[start : start + per_row], strict=False):
        with col:
            tile(n, qa)
if unmeasured:
    # no measure the product holds answers these: one line each, the commentary one click away
    with st.container(border=True, key="tile-unmeasured"):
        st.markdown(
            f"### {JUDGEMENT_STYLE['not judged'][0]} {len(unmeasured)} "
            f"{md(kind.lower() if len(unmeasured) != 1 else singular.lower())} with no "
            "measure the product holds"
        )
        st.caption("Not judged here: their pages hold the commentary, the qualitative update.")
        cols = st.columns(per_row)
        for i, (n, qa) in enumerate(unmeasured):
            cols[i % per_row].page_link(
                st.session_state.question_pages[qa.question.id],
                label=f"{n}. {md(qa.question.title)}",
            )

# what changed since the last Panel: the months this area has figures for
with st.container(border=True):
    st.subheader("What changed since the last Panel")
    month_list = ctx.months()
    current = ctx.as_at or (month_list[0] if month_list else None)
    earlier = [m for m in month_list if current is None or m < current]
    if earlier:
        previous = st.selectbox(
            "Figures at the last Panel meeting (as at the end of)",
            earlier,
            index=min(2, len(earlier) - 1),
            format_func=shared.month_words,
            # one choice per area: another area's months are not this one's
            key=f"previous_panel-{ctx.plan_id}-{ctx.area_code}",
        )
        before = shared.Context(**{**ctx.__dict__, "as_at": previous}).assessment()
        changes = assess_changes(before, pa)
        moved = [c for c in changes if c.kind != "no significant change"]
        still = [c for c in changes if c.kind == "no significant change"]
        st.caption(
            f"{len(moved)} of {len(changes)} measures changed status or moved "
            f"significantly since {shared.month_words(previous)}; they are listed first."
        )
        if moved:
            st.markdown(
                "\n".join(
                    f"- **{md(c.measure.title)}** ({c.kind}): {_then_now(c)}. {md(c.sentence)}"
                    for c in moved
                )
            )
        if still:
            with st.expander(f"{len(still)} measures with no significant change"):
                st.markdown(
                    "\n".join(
                        f"- **{md(c.measure.title)}**: {_then_now(c)}. {md(c.sentence)}"
                        for c in still
                    )
                )
    else:
        st.caption("There is no earlier month to compare with.")

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
    st.caption(f"Vision: {md(plan.vision)}")
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
