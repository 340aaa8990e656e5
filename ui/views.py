"""Blocks several pages draw: a measure with its chart and sentence, a question's summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from pcp_data import charts
from pcp_data.access import Right
from pcp_data.assess import (
    Assessment,
    QuestionAssessment,
    axis_title,
    format_value,
    rate_note,
)
from pcp_data.errors import PCPError
from pcp_data.events import date_words, events_for_measure
from pcp_data.measure_charts import measure_chart
from pcp_data.vocabulary import POLARITY_SIGNS, unit_of
from ui import access
from ui.shared import Context, md, status_badge, store


def chart_for(
    a: Assessment,
    *,
    height: int = 320,
    legend: bool = True,
    events: pd.DataFrame | None = None,
) -> alt.LayerChart | None:
    """The measure's chart, drawn by the same rule as the briefing pack's
    (`pcp_data.measure_charts.measure_chart`): XmR for counts and rates, a 95% interval band
    for survey percentages, with the events recorded (``date, label, note``; by default
    those for this measure, plan and area, `events_on_chart`) and each re-basing of the
    limits as labelled rules. None when there is nothing to draw."""
    shown = events if events is not None else events_on_chart(a)
    return measure_chart(a, height=height, legend=legend, events=shown)


@st.cache_data(show_spinner=False, max_entries=8)
def recorded_events(key: str) -> pd.DataFrame:
    """Every event recorded (newest version of each), read once per change to the events
    (``key``: their revision), for every chart on the page."""
    return store().events()


@st.cache_data(show_spinner=False, max_entries=8)
def recorded_rebases(key: str) -> pd.DataFrame:
    """Every re-basing recorded, read once per change to them (``key``: their revision)."""
    return store().rebases()


def events_on_chart(a: Assessment) -> pd.DataFrame | None:
    """The events to draw on this measure's chart for the plan and area the sidebar chose
    (None outside a page run with a choice)."""
    ctx = st.session_state.get("ctx")
    if ctx is None or not getattr(ctx, "area_code", ""):
        return None
    frame = recorded_events(ctx.revs.key("events"))
    return events_for_measure(frame, a.measure.id, plan_id=ctx.plan_id, area_code=ctx.area_code)


def chart_table(a: Assessment) -> pd.DataFrame:
    """The table behind the chart, in words, for those who cannot see it."""
    t = a.series.table()
    if a.as_at is not None:
        t = t[t["period_end"] <= pd.Timestamp(a.as_at)]
    t = t.dropna(subset=["value"]).copy()
    out = pd.DataFrame(
        {
            "Period ending": t["period_end"].dt.strftime("%d %B %Y"),
            axis_title(a.measure, a.series): t["value"].map(
                lambda v: format_value(v, a.measure.unit)
            ),
        }
    )
    if "base" in t and t["base"].notna().any():
        out["Respondents / base"] = t["base"].map(lambda v: f"{v:,.0f}" if pd.notna(v) else "")
    if a.spc is not None and a.measure.frequency != "rolling_12_months":
        spc = a.spc.data.set_index("date")
        if a.verdict.method == "seasonal_spc":
            adjusted = spc["value"].reindex(t["period_end"]).to_numpy()
            out["Seasonally adjusted"] = [format_value(v, a.measure.unit) for v in adjusted]
        signal = spc["signal"].reindex(t["period_end"]).fillna("none").to_numpy()
        out["SPC signal"] = signal
    return out.iloc[::-1].reset_index(drop=True)


def measure_block(
    a: Assessment, *, show_details: bool = True, height: int = 320, show_title: bool = True
) -> None:
    """A measure: status in icon and words, the sentence, figures, chart, table, peers.
    ``show_title=False`` where the page's own title already names the measure."""
    m = a.measure
    j = a.judgement
    if show_title:
        st.markdown(f"## {md(m.title)}")
    if show_details and not st.query_params.get("measure"):
        st.page_link(
            "pages/measure.py",
            label="Open this measure",
            icon=":material/open_in_full:",
            query_params={"measure": m.id},
        )
    st.markdown(f"{status_badge(j.icon, j.words, j.colour)} &nbsp; {md(j.sentence)}")
    if a.verdict.method != "none":
        st.caption(md(judged_by(a)))
    cols = st.columns(3)
    cols[0].metric(f"Latest ({md(a.period_words)})", a.latest_text)
    yb = a.year_before
    if yb is not None and yb.available and yb.change is not None:
        # coloured good or bad only when the measure's own method finds a change
        cols[1].metric(
            f"A year before ({md(yb.previous_period_words)})",
            format_value(yb.previous, m.unit),
            delta=change_words(a),
            delta_color=_delta_colour(m.polarity) if a.verdict.significant else "off",
        )
    else:
        cols[1].metric("A year before", "no figure")
    if m.target is not None:
        met = a.latest_value is not None and m.target.met_by(a.latest_value)
        cols[2].metric(f"Target: {md(m.target.label)}", "met" if met else "not met")
    elif a.peers is not None:
        cols[2].metric(f"Rank among {a.peers.of} peers", f"{a.peers.rank} of {a.peers.of}")
    elif m.tier:
        cols[2].metric("Expectation", m.tier.capitalize(), help=md(m.tier_text))
    chart = chart_for(a, height=height)
    if chart is None:
        st.info("The store holds no figures for this measure in this area yet.")
    else:
        st.altair_chart(chart, width="stretch", theme=None)
        if a.verdict.method == "seasonal_spc":
            st.caption(
                "Dark line: the figures with the season taken out, as judged; thin grey "
                "line: the figures as recorded."
            )
    if not show_details:
        return
    facts_line = [f"Source: {a.series.source or 'none'}"]
    note = rate_note(a.series)
    if note:
        facts_line.append(note)
    if a.series.other_sources:
        facts_line.append("also held: " + ", ".join(a.series.other_sources))
    if a.series.upload_ids:
        facts_line.append("uploads " + ", ".join(map(str, a.series.upload_ids)))
    if m.chosen_by_product:
        facts_line.append(f"measure chosen by the product: {m.note}")
    st.caption(" · ".join(md(x) for x in facts_line))
    with st.expander("The table behind the chart, and the comparisons"):
        for c in a.comparisons:
            st.markdown(f"- {md(c.sentence)}")
        if a.survey is not None:
            st.markdown(
                f"- Latest survey figure: {md(a.survey.words)}"
                + (f" — {md(a.survey.warning)}" if a.survey.warning else "")
            )
        for note in a.notes:
            st.markdown(f"- {md(note)}")
        st.dataframe(chart_table(a), hide_index=True)
    if a.peers is not None:
        with st.expander(f"Peers: {md(a.peers.sentence)}"):
            table = a.peers.table.assign(
                label=lambda d: d["area_name"] + d["is_home"].map({True: " (this area)", False: ""})
            )
            st.altair_chart(
                charts.bar_chart(
                    table,
                    category="label",
                    value="value",
                    x_title=axis_title(m, a.series),
                    highlight=table.loc[table["is_home"], "label"].iloc[0],
                    value_format=unit_of(m.unit).tick,
                ),
                width="stretch",
                theme=None,
            )
            avg = format_value(a.peers.peer_average, m.unit)
            st.dataframe(
                table.assign(value=table["value"].map(lambda v: format_value(v, m.unit)))[
                    ["rank", "label", "value"]
                ].rename(columns={"rank": "Rank", "label": "Area", "value": "Figure"}),
                hide_index=True,
            )
            text = f"Simple average of the peers: **{avg}**."
            if a.peers.england_and_wales is not None:
                ew = format_value(a.peers.england_and_wales, m.unit)
                text += f" England and Wales: **{ew}**."
            st.markdown(text)


def judged_by(a: Assessment) -> str:
    """``"Judged by: XmR chart ... (78 periods; latest September 2026)."``, then where the
    SPC limits were re-based and why."""
    v = a.verdict
    points = f"{v.points} period{'s' if v.points != 1 else ''}"
    stale = " The newest figure is older than the plan's date: stale." if v.stale else ""
    rebased = f" {v.rebase_words}." if v.rebase_words else ""
    return f"Judged by: {v.method_words} ({points}; latest {a.period_words}).{rebased}{stale}"


def change_words(a: Assessment) -> str | None:
    """The change on a year before in the measure's unit: ``+78 (+1.4%)``, ``+1.8 points``,
    ``+0.1 per 1,000 (+0.1%)``; None without a figure a year before."""
    yb = a.year_before
    if yb is None or not yb.available or yb.change is None:
        return None
    unit = a.measure.unit
    words = unit_of(unit).change.format(yb.change)
    if unit == "percent":  # a change in percentage points has no percentage change
        return words
    return words + (f" ({yb.pct_change:+.1f}%)" if yb.pct_change is not None else "")


def _delta_colour(polarity: str) -> str:
    return {1: "normal", -1: "inverse"}.get(POLARITY_SIGNS.get(polarity, 0), "off")


def question_summary(qa: QuestionAssessment) -> pd.DataFrame:
    """One row per measure: latest, change on a year before, status in icon and words."""
    rows = []
    for a in qa.measures:
        change = change_words(a) or "no figure a year before"
        rows.append(
            {
                "Measure": a.measure.title,
                "Latest": f"{a.latest_text} ({a.period_words})",
                "Change on a year before": change,
                "Status": f"{a.judgement.icon} {a.judgement.words}",
                "Why": a.judgement.sentence,
            }
        )
    return pd.DataFrame(rows)


def _relevant_events(frame: pd.DataFrame, plan_id: str, measure_id: str, area: str) -> pd.DataFrame:
    """The events recorded (with their ids) that this measure's chart shows."""
    if frame.empty:
        return frame
    blank = frame["measure_id"].isna()
    mine = blank | ((frame["measure_id"] == measure_id) & (frame["plan_id"] == plan_id))
    here = frame["area_code"].isna() | (frame["area_code"] == area)
    return frame[mine & here]


def events_block(ctx: Context, a: Assessment) -> None:
    """The events on this measure's chart and the re-basings of its limits, with who recorded
    them; for analysts, forms to record an event (for this measure or the whole force), to
    re-base the SPC limits from a date with a reason (a recorded event, or words), and to
    remove either. Everything is saved as a new version under the signed-in name, audited."""
    me = access.me()
    m = a.measure
    events = _relevant_events(
        recorded_events(ctx.revs.key("events")), ctx.plan_id, m.id, ctx.area_code
    )
    found = recorded_rebases(ctx.revs.key("rebases"))
    if not found.empty:
        found = found[
            (found["plan_id"] == ctx.plan_id)
            & (found["measure_id"] == m.id)
            & (found["area_code"].isna() | (found["area_code"] == ctx.area_code))
        ]
    with st.container(border=True):
        st.markdown("**Events and re-basings**")
        if events.empty:
            st.caption("No event is recorded for this measure or the whole force.")
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Date": [date_words(d) for d in events["date"]],
                        "Event": events["title"].to_numpy(),
                        "Note": events["note"].fillna("").to_numpy(),
                        "On": [
                            "this measure" if isinstance(x, str) else "the whole force"
                            for x in events["measure_id"]
                        ],
                        "Recorded by": [
                            f"{who}, {when[:10]}"
                            for who, when in zip(
                                events["author"], events["written_at"], strict=True
                            )
                        ],
                    }
                ),
                hide_index=True,
            )
        for r in found.to_dict("records"):
            st.markdown(
                f"- SPC limits re-based from **{md(date_words(r['date']))}**: {md(r['reason'])} "
                f"(by {md(r['author'])}, {md(str(r['written_at'])[:10])})"
            )
        if a.verdict.rebase_words:
            st.caption(md(f"As judged: {a.verdict.rebase_words}."))
        if not me.can(Right.MANAGE_DATA):
            return
        _event_form(ctx, m.id, me.name)
        _rebase_form(ctx, m.id, me.name, events)
        _remove_form(ctx, m.id, me.name, events, found)


def _saved(action: Callable[[], object], done: str) -> None:
    try:
        action()
    except PCPError as exc:
        st.error(md(exc.message))
    else:
        st.success(done)
        st.rerun()


def _event_form(ctx: Context, measure_id: str, name: str) -> None:
    with st.expander("Record an event"), st.form(f"event-{measure_id}", clear_on_submit=True):
        when = st.date_input("Date of the event", value=dt.date.today(), format="DD/MM/YYYY")
        title = st.text_input("Event", placeholder="New crime recording standard", max_chars=120)
        note = st.text_area("Note (optional)", height=80)
        scope = st.radio(
            "Show it on",
            ("this measure's chart", "every chart of this force"),
            horizontal=True,
        )
        st.caption(f"Saved as recorded by {md(name)}.")
        if st.form_submit_button("Record the event"):
            on_measure = scope == "this measure's chart"
            _saved(
                lambda: store().save_event(
                    date=when,
                    title=title,
                    note=note,
                    plan_id=ctx.plan_id if on_measure else None,
                    measure_id=measure_id if on_measure else None,
                    area_code=ctx.area_code,
                    by=name,
                ),
                "Event recorded.",
            )


def _rebase_form(ctx: Context, measure_id: str, name: str, events: pd.DataFrame) -> None:
    choices = {
        int(r["thing_id"]): f"{date_words(r['date'])}: {r['title']}"
        for r in events.to_dict("records")
    }
    with (
        st.expander("Re-base the SPC limits"),
        st.form(f"rebase-{measure_id}", clear_on_submit=True),
    ):
        st.caption(
            "The limits start afresh from the first period ending on or after this date, "
            "for a known change (a new recording standard, a new counting rule). Give the "
            "reason: a recorded event, or in words."
        )
        when = st.date_input("Re-base from", value=dt.date.today(), format="DD/MM/YYYY")
        event = st.selectbox(
            "Because of the event",
            [None, *choices],
            format_func=lambda k: (
                "(no recorded event: give the reason below)" if k is None else choices[k]
            ),
        )
        reason = st.text_area("Reason in words (optional with an event)", height=80)
        st.caption(f"Saved as recorded by {md(name)}.")
        if st.form_submit_button("Re-base the limits"):
            words = reason.strip() or (choices[event].split(": ", 1)[1] if event else "")
            _saved(
                lambda: store().save_rebase(
                    plan_id=ctx.plan_id,
                    measure_id=measure_id,
                    date=when,
                    reason=words,
                    area_code=ctx.area_code,
                    event_id=event,
                    by=name,
                ),
                "Limits re-based.",
            )


def _remove_form(
    ctx: Context, measure_id: str, name: str, events: pd.DataFrame, rebases: pd.DataFrame
) -> None:
    options: dict[str, tuple[str, int]] = {}
    for r in events.to_dict("records"):
        options[f"Event: {date_words(r['date'])}: {r['title']}"] = ("event", int(r["thing_id"]))
    for r in rebases.to_dict("records"):
        label = f"Re-basing from {date_words(r['date'])}: {r['reason']}"
        options[label] = ("rebase", int(r["thing_id"]))
    if not options:
        return
    with st.expander("Remove an event or a re-basing"), st.form(f"remove-{measure_id}"):
        chosen = st.selectbox("Remove", list(options))
        st.caption("Its versions stay in the history and the audit log.")
        if st.form_submit_button("Remove") and chosen is not None:
            kind, thing = options[chosen]
            _saved(lambda: store().remove(kind, thing, by=name), "Removed.")
