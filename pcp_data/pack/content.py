"""What goes into the briefing pack, made once from a plan's assessment and rendered three ways.

`build_pack` is a pure function of the assessment and what the store says beside it
(commentary, events, actions, uploads); `pack_from_store` reads those once and calls it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from pcp_data.assess import PlanAssessment, format_value
from pcp_data.events import events_for_measure
from pcp_data.judging import METHODS
from pcp_data.measure_charts import adjusted, chart_data, measure_chart
from pcp_data.status import JUDGEMENT_STYLE

SYNTHETIC_WARNING = (
    "Synthetic sample data, not real figures: the forces are imaginary, made up to "
    "demonstrate the dashboard."
)


@dataclass(frozen=True)
class PackNote:
    """A piece of text shown with a question: commentary, an event or an action."""

    kind: str  # "commentary", "event" or "action"
    title: str
    text: str
    by: str
    when: str
    measure_id: str | None = None
    extra: str = ""  # an action's owner, due date and status; an event's date


@dataclass(frozen=True)
class PackMeasure:
    """One measure as the pack shows it."""

    id: str
    title: str
    judgement: str
    icon: str
    colour: str
    sentence: str
    method: str
    latest: str
    period: str
    target: str | None
    source: str
    adjusted: bool
    chart: alt.LayerChart | None = field(repr=False, compare=False)
    """The Altair chart (the same builder as the screen), or None without figures."""
    data: pd.DataFrame = field(repr=False, compare=False)
    """The data behind the chart (`pcp_data.measure_charts.chart_data`)."""
    unit: str = "count"


@dataclass(frozen=True)
class PackQuestion:
    number: int
    kind: str  # "Key Performance Question" or the plan's word for a priority
    id: str
    title: str
    judgement: str
    icon: str
    colour: str
    sentence: str
    measures: tuple[PackMeasure, ...]
    notes: tuple[PackNote, ...] = ()


@dataclass(frozen=True)
class Pack:
    plan_id: str
    plan_title: str
    force: str
    period: str
    area_name: str
    as_at: str
    made_at: str
    synthetic: bool
    questions: tuple[PackQuestion, ...]
    sources: tuple[tuple[str, str], ...]
    """(publication, editions) behind the figures."""
    uploads: tuple[tuple[int, str], ...]
    """(upload id, file name) of every upload behind the figures."""
    judged_how: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[PackNote, ...] = ()
    """Notes that belong to the whole force rather than one question (events)."""

    @property
    def title(self) -> str:
        return f"{self.plan_title}: performance as at {self.as_at}"


def build_pack(
    pa: PlanAssessment,
    *,
    area_name: str,
    synthetic: bool,
    notes: dict[str, list[PackNote]] | None = None,
    force_notes: list[PackNote] | None = None,
    uploads: dict[int, str] | None = None,
    made_at: dt.datetime | None = None,
    events: pd.DataFrame | None = None,
) -> Pack:
    """The pack's content from a plan's assessment.

    ``notes`` maps a question id to its commentary, events and actions; ``force_notes`` are
    events recorded for the whole force; ``uploads`` names the file of each upload id;
    ``events`` (as `pcp_data.store.Store.events` gives them) are drawn on the charts they
    belong to, as on screen.
    """
    plan = pa.plan
    notes = notes or {}
    questions = []
    sources: dict[str, set[str]] = {}
    used: set[int] = set()
    for n, qa in enumerate(pa.questions, start=1):
        measures = []
        for a in qa.measures:
            data = chart_data(a)
            for src, editions in _sources(data).items():
                sources.setdefault(src, set()).update(editions)
            used.update(a.series.upload_ids)
            m = a.measure
            j = a.judgement
            method = METHODS.get(j.method, "")
            if a.verdict.rebase_words:
                method = f"{method}; {a.verdict.rebase_words}"
            shown = events_for_measure(events, m.id, plan_id=plan.id, area_code=pa.area_code)
            measures.append(
                PackMeasure(
                    id=m.id,
                    title=m.title,
                    judgement=j.name,
                    icon=j.icon,
                    colour=j.colour,
                    sentence=j.sentence,
                    method=method,
                    latest=a.latest_text,
                    period=a.period_words,
                    target=m.target.label if m.target else None,
                    source=a.series.source or "no figures",
                    adjusted=adjusted(a),
                    chart=measure_chart(a, height=300, width=760, legend=True, events=shown),
                    data=data,
                    unit=m.unit,
                )
            )
        kind = (
            plan.labels.priority.singular
            if qa.question.derived_from_priority
            else plan.labels.kpq.singular
        )
        r = qa.rollup
        questions.append(
            PackQuestion(
                number=n,
                kind=kind,
                id=qa.question.id,
                title=qa.question.title,
                judgement=r.worst,
                icon=r.icon,
                colour=r.colour,
                sentence=r.sentence,
                measures=tuple(measures),
                notes=tuple(notes.get(qa.question.id, ())),
            )
        )
    counts = {name: sum(1 for q in questions if q.judgement == name) for name in JUDGEMENT_STYLE}
    when = (made_at or dt.datetime.now(dt.UTC)).strftime("%d %B %Y %H:%M UTC")
    latest = [a.latest_date for a in pa.by_measure.values() if a.latest_date is not None]
    if pa.as_at is not None:
        as_at = pd.Timestamp(pa.as_at).strftime("%B %Y")
    elif latest:  # the newest figure judged: "as at" names a month, never "the latest"
        as_at = pd.Timestamp(max(latest)).strftime("%B %Y")
    else:
        as_at = "the latest figures"
    return Pack(
        plan_id=plan.id,
        plan_title=plan.title,
        force=plan.force,
        period=plan.period.label,
        area_name=area_name,
        as_at=as_at,
        made_at=when,
        synthetic=synthetic,
        questions=tuple(questions),
        sources=tuple(
            (s, ", ".join(sorted(e for e in eds if e)) or "no edition")
            for s, eds in sorted(sources.items())
        ),
        uploads=tuple(sorted((u, (uploads or {}).get(u, "")) for u in used)),
        judged_how=(
            "Each measure is judged by the method that fits its data (named beside it): "
            "XmR charts of seasonally adjusted months and quarters, count tests that allow "
            "for the series' own variation for years and rolling years, p-charts and "
            "two-proportion tests for survey percentages, pledges for workforce snapshots. "
            "A question takes the worst judgement of its measures, never an average."
        ),
        counts=counts,
        notes=tuple(force_notes or ()),
    )


def _sources(data: pd.DataFrame) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    if "source" not in data:
        return out
    for source, edition in zip(data["source"], data.get("edition", ""), strict=False):
        for one in str(source).split(" and "):
            if one:
                out.setdefault(one, set()).update(e.strip() for e in str(edition).split(","))
    return out


def figure(value: float | None, unit: str) -> str:
    """A figure as the product writes it (re-exported for the renderers)."""
    return format_value(value, unit)
