"""Blocks several pages draw: a measure with its chart and sentence, a question's summary."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcp_data import charts
from pcp_data.assess import (
    Assessment,
    QuestionAssessment,
    axis_title,
    format_value,
    period_axis_title,
    rate_note,
)
from pcp_data.surveys import interval_frame
from pcp_data.vocabulary import POLARITY_SIGNS, unit_of
from ui.shared import md, status_badge


def chart_for(a: Assessment, *, height: int = 320, legend: bool = True) -> object | None:
    """The measure's chart: XmR for counts and rates, a 95% interval band for survey
    percentages. None when there is nothing to draw."""
    m = a.measure
    values = a.series.values
    if a.as_at is not None:
        values = values[values.index <= pd.Timestamp(a.as_at)]
    if values.dropna().empty:
        return None
    fmt = unit_of(m.unit).tick
    y_title = axis_title(m, a.series)
    x_title = period_axis_title(m)
    if a.series.counts is not None and a.series.base is not None:
        index = values.dropna().index
        rows = interval_frame(a.series.counts.reindex(index), a.series.base.reindex(index))
        return charts.interval_chart(rows, y_title=y_title, height=height, x_title=x_title)
    raw = None
    if a.spc is not None and m.frequency != "rolling_12_months":
        data = a.spc.data
        if a.verdict.adjustment is not None and a.verdict.method == "seasonal_spc":
            # judged on the seasonally adjusted figures: chart those, the raw ones beside
            raw = pd.DataFrame({"date": values.index, "value": values.to_numpy()})
            y_title = f"{y_title} (seasonally adjusted)"
    else:
        data = pd.DataFrame({"date": values.index, "value": values.to_numpy()})
    baseline = None
    if m.baseline is not None:
        baseline = (pd.Timestamp(m.baseline.start), pd.Timestamp(m.baseline.end), m.baseline.label)
    target = m.target.value if m.target else None
    return charts.spc_chart(
        data,
        y_title=y_title,
        target=target,
        target_label=m.target.label if m.target else None,
        baseline=baseline,
        height=height,
        value_format=fmt,
        x_title=x_title,
        legend=legend,
        raw=raw,
        provisional=a.spc is not None and a.spc.provisional,
    )


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


def measure_block(a: Assessment, *, show_details: bool = True, height: int = 320) -> None:
    """A measure: status in icon and words, the sentence, figures, chart, table, peers."""
    m = a.measure
    j = a.judgement
    st.markdown(f"#### {md(m.title)}")
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
    """``"Judged by: XmR chart ... (78 periods; latest September 2026)."``"""
    v = a.verdict
    points = f"{v.points} period{'s' if v.points != 1 else ''}"
    stale = " The newest figure is older than the plan's date: stale." if v.stale else ""
    return f"Judged by: {v.method_words} ({points}; latest {a.period_words}).{stale}"


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
