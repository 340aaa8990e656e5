"""The plan report: every question and measure with its figures, comparisons, SPC, status and
judgement, for the command line (``python -m pcp_data report``) and scripts.

`build_report` returns a JSON-ready dict (only str, int, float, bool, None, lists and dicts;
no NaN); `format_report` writes it as plain text for a terminal.

Choices the report makes, each said in the report itself:

* **Plan**: a shipped plan id (``durham-2018-21``), a path to a YAML plan file, or a plan
  loaded into the store through the app.
* **Area**: the one asked for (name or code); else the plan's force if the store holds it;
  else the store's ``home_area`` setting (set from the template's About sheet); else the first
  force in the store by name.
* **As at**: ``period`` (``"YYYY-MM"``) judges with figures up to the end of that month;
  without it, every measure is judged on its latest figure.
* **Peers**: the plan's peer group (``settings.peer_group``) where the store holds any of
  those forces; else the store's ``peer_areas`` setting. The group is the plan's force (or the
  home area) with its peers, less the area being reported on.
* **Roll-up**: `pcp_data.status.roll_up`: counts of each judgement and the worst, never an
  average. A plan with KPQs also gets a roll-up per priority; measures under no question are
  listed after the questions, so every measure of the plan is in the report.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from pcp_data.areas import default_area, peer_group
from pcp_data.assess import (
    Assessment,
    PlanAssessment,
    assess_plan,
    axis_title,
    format_value,
)
from pcp_data.compare import Comparison
from pcp_data.errors import PCPError
from pcp_data.forces import normalise_name, resolve_area
from pcp_data.judging import METHODS
from pcp_data.measures import population_words
from pcp_data.peers import PeerComparison
from pcp_data.periods import month_end
from pcp_data.plan import Plan, load_plan, load_shipped, shipped_plans, validate_plan_text
from pcp_data.status import JUDGEMENT_STYLE, JUDGEMENTS, RollUp
from pcp_data.store import Store
from pcp_data.vocabulary import FREQUENCY_WORDS, period_label

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


# --------------------------------------------------------------------------- choices


def resolve_plan(store: Store, plan_name: str) -> Plan:
    """A shipped plan id, a path to a YAML plan file, or a plan loaded into the store.

    Raises
    ------
    PCPError
        Naming the shipped (and stored) plans when ``plan_name`` is none of them.
    """
    shipped = shipped_plans()
    if plan_name in shipped:
        return load_shipped(plan_name)
    custom = _custom_plans(store)
    if plan_name in custom:
        return validate_plan_text(custom[plan_name], plan_name)
    path = Path(plan_name)
    if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
        return load_plan(path)
    choices = [*shipped, *sorted(custom)]
    raise PCPError(
        f"no plan is called {plan_name!r}; give a path to a YAML plan file or one of: "
        + ", ".join(choices)
    )


def _custom_plans(store: Store) -> dict[str, str]:
    getter = getattr(store, "custom_plans", None)
    return dict(getter()) if callable(getter) else {}


def resolve_report_area(store: Store, plan: Plan, area: str | None) -> tuple[str, str, str]:
    """``(code, name, why)`` of the area to report on: the area asked for, else the one the
    pages open on (`pcp_data.areas.default_area`).

    Raises
    ------
    PCPError
        When the store holds no area of that name or code (the message lists those it holds),
        or holds no data at all.
    """
    areas = store.areas().sort_values("area_name").reset_index(drop=True)
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    if not names:
        raise PCPError(
            "the store holds no figures yet; load files with `python -m pcp_data import FILE` "
            "or the sample data with `python -m pcp_data init`"
        )
    if area is not None:
        text = str(area).strip()
        by_code = {c.upper(): c for c in names}
        if text.upper() in by_code:
            code = by_code[text.upper()]
            return code, names[code], "the area asked for"
        wanted = normalise_name(text)
        for code, name in names.items():
            if name.lower() == text.lower() or normalise_name(name) == wanted:
                return code, name, "the area asked for"
        known = resolve_area(text)
        if known is not None and known.code in names:
            return known.code, names[known.code], "the area asked for"
        listing = "; ".join(f"{n} ({c})" for c, n in names.items())
        raise PCPError(f"the store holds no area called {text!r}; areas held: {listing}")
    choice = default_area(plan, areas, store.setting("home_area"))
    assert choice is not None
    return choice.code, choice.name, choice.why


def resolve_peers(store: Store, plan: Plan, area_code: str) -> dict[str, Any]:
    """The peer group of the area reported on, and where it came from
    (`pcp_data.areas.peer_group`, the rule every page uses too)."""
    group = peer_group(
        plan,
        area_code,
        store.areas(),
        home=store.setting("home_area"),
        peer_setting=store.setting("peer_areas"),
    )
    return {
        "source": group.source,
        "codes": list(group.codes),
        "names": list(group.names),
        "not_held": list(group.not_held),
        "why": group.why,
    }


def parse_period(period: str | None) -> dt.date | None:
    """``"2025-03"`` -> 31 March 2025; None -> None. PCPError for anything else."""
    if period is None:
        return None
    match = _PERIOD.match(str(period).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PCPError(f"period must be a month written YYYY-MM (e.g. 2025-03), not {period!r}")
    return month_end(dt.date(int(match.group(1)), int(match.group(2)), 1))


# --------------------------------------------------------------------------- build


def build_report(
    store: Store, plan_name: str, *, period: str | None = None, area: str | None = None
) -> dict[str, Any]:
    """Assess every measure of a plan for one area and return the report as a JSON-ready dict.

    Parameters
    ----------
    store : Store
    plan_name : str
        A shipped plan id, a path to a YAML plan file, or a plan loaded into the store.
    period : str, optional
        ``"YYYY-MM"``: judge as at the end of that month. Default: the latest figures.
    area : str, optional
        Area name or code. Default: the plan's force if held, else the store's home area,
        else the first force.

    Raises
    ------
    PCPError
        Unknown plan, area or badly written period; the message lists the valid choices.
    """
    plan = resolve_plan(store, plan_name)
    as_at = parse_period(period)
    area_code, area_name, area_why = resolve_report_area(store, plan, area)
    peers = resolve_peers(store, plan, area_code)
    pa = assess_plan(store, plan, area_code, as_at=as_at, peer_codes=tuple(peers["codes"]))
    return _report_dict(plan, pa, area_name, area_why, peers, as_at)


def _report_dict(
    plan: Plan,
    pa: PlanAssessment,
    area_name: str,
    area_why: str,
    peers: dict[str, Any],
    as_at: dt.date | None,
) -> dict[str, Any]:
    latest = [a.latest_date for a in pa.by_measure.values() if a.latest_date is not None]
    latest_words = pd.Timestamp(max(latest)).strftime("%B %Y") if latest else None
    if as_at is not None:
        as_at_words = f"figures up to the end of {as_at.strftime('%B %Y')}"
    elif latest_words:
        as_at_words = f"the latest figures (the latest to {latest_words})"
    else:
        as_at_words = "the latest figures (the store holds none for this plan)"
    measures = {m.id: _measure_dict(pa.by_measure[m.id]) for m in plan.measures}
    questions = []
    in_question: set[str] = set()
    for i, q in enumerate(pa.questions, start=1):
        kind = (
            plan.labels.priority.singular
            if q.question.derived_from_priority
            else plan.labels.kpq.singular
        )
        ids = [a.measure.id for a in q.measures]
        in_question.update(ids)
        questions.append(
            {
                "id": q.question.id,
                "number": i,
                "kind": kind,
                "title": q.question.title,
                "derived_from_priority": q.question.derived_from_priority,
                "note": (
                    q.question.priority.note
                    if q.question.priority is not None
                    else q.question.kpq.note
                    if q.question.kpq is not None
                    else None
                ),
                "rollup": _rollup_dict(q.rollup),
                "measures": [measures[m] for m in ids],
            }
        )
    priorities = []
    if plan.has_kpqs:
        for p in plan.priorities:
            ids = [m.id for m in plan.measures_for_priority(p.id)]
            priorities.append(
                {
                    "id": p.id,
                    "title": p.title,
                    "note": p.note,
                    "measure_ids": ids,
                    "rollup": _rollup_dict(pa.priority_rollup(p.id)),
                }
            )
    others = [measures[m.id] for m in plan.measures if m.id not in in_question]
    counts = dict.fromkeys(JUDGEMENTS, 0)
    for m in measures.values():
        counts[m["judgement"]["name"]] += 1
    return {
        "plan": {
            "id": plan.id,
            "title": plan.title,
            "force": plan.force,
            "force_code": plan.force_code,
            "period": plan.period.label,
            "labels": {"kpq": plan.labels.kpq.singular, "priority": plan.labels.priority.singular},
            "minimum_base": plan.settings.minimum_base,
            "rebase": [
                {"date": r.date.isoformat(), "reason": r.reason} for r in plan.settings.rebase
            ],
        },
        "area": {"code": pa.area_code, "name": area_name, "why": area_why},
        "as_at": as_at.isoformat() if as_at else None,
        "as_at_words": as_at_words,
        "latest_period_words": latest_words,
        "peers": peers,
        "counts": counts,
        "questions": questions,
        "priorities": priorities,
        "other_measures": others,
        "roll_up_rule": (
            "Each question counts its measures' judgements and takes the worst among those "
            "judged (of concern > needs attention > on track), never an average; 'not judged' "
            "only when none could be judged."
        ),
    }


def _rollup_dict(r: RollUp) -> dict[str, Any]:
    return {
        "worst": r.worst,
        "icon": r.icon,
        "colour": r.colour,
        "counts": dict(r.counts),
        "sentence": r.sentence,
    }


def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _date(x: Any) -> str | None:
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return None
    iso: str = pd.Timestamp(x).date().isoformat()
    return iso


def _comparison_dict(c: Comparison) -> dict[str, Any]:
    return {
        "label": c.label,
        "current": _num(c.current),
        "previous": _num(c.previous),
        "change": _num(c.change),
        "pct_change": _num(c.pct_change),
        "current_period_words": c.current_period_words,
        "previous_period_words": c.previous_period_words,
        "available": c.available,
        "reason": c.reason,
        "unit": c.unit,
        "meets_target": c.meets_target,
        "sentence": c.sentence,
    }


def _spc_dict(a: Assessment) -> dict[str, Any] | None:
    r = a.spc
    if r is None:
        return None
    seg = r.segments[-1] if r.segments else None
    adjusted = a.verdict.adjustment is not None and a.verdict.method == "seasonal_spc"
    words = FREQUENCY_WORDS.get(r.frequency, r.frequency)
    return {
        "run_on": (
            f"the seasonally adjusted {words} figures" if adjusted else f"the {words} figures"
        ),
        "decides": a.verdict.method in ("seasonal_spc", "spc"),
        "frequency": r.frequency,
        "variation": r.variation,
        "variation_words": r.variation_words,
        "assurance": r.assurance,
        "assurance_words": r.assurance_words,
        "assurance_sentence": r.assurance_sentence,
        "sentence": r.sentence,
        "provisional": r.provisional,
        "latest_date": _date(r.latest_date),
        "latest_rule": r.latest_rule,
        "latest_signal": r.latest_signal,
        "limits": None
        if seg is None
        else {
            "centre": _num(seg.centre),
            "lower": _num(seg.lower),
            "upper": _num(seg.upper),
            "baseline_points": seg.baseline_points,
            "from": _date(seg.start),
            "rebased_because": seg.reason,
        },
        "notes": list(r.notes),
    }


def _peers_dict(p: PeerComparison | None, a: Assessment) -> dict[str, Any] | None:
    if p is None:
        return None
    unit = a.measure.unit
    when = period_label(p.date, a.measure.frequency)
    home = p.table[p.table["is_home"]].iloc[0]
    order = "best" if a.measure.polarity != "neutral" else "largest"
    n_peers = len(p.table) - 1
    sentence = (
        f"In {when} {home['area_name']} ranks {p.rank} of {p.of} (1 = {order}) with "
        f"{format_value(float(home['value']), unit)}; the simple average of its {n_peers} "
        f"peer{'s' if n_peers != 1 else ''} (each force counted once) is "
        f"{format_value(p.peer_average, unit)}"
    )
    if p.england_and_wales is not None:
        sentence += f"; England and Wales {format_value(p.england_and_wales, unit)}"
    return {
        "date": _date(p.date),
        "period_words": when,
        "rank": p.rank,
        "of": p.of,
        "rank_order": f"1 = {order}",
        "peer_average": _num(p.peer_average),
        "peer_average_kind": "simple",
        "england_and_wales": _num(p.england_and_wales),
        "table": [
            {
                "area_code": str(r.area_code),
                "area_name": str(r.area_name),
                "value": _num(r.value),
                "rank": int(r.rank),
                "is_home": bool(r.is_home),
            }
            for r in p.table.itertuples()
        ],
        "sentence": sentence + ".",
        "short_sentence": p.sentence,
    }


def _measure_dict(a: Assessment) -> dict[str, Any]:
    m = a.measure
    s = a.series
    j = a.judgement
    st = j.status
    survey = None
    if a.survey is not None:
        survey = {
            "words": a.survey.words,
            "respondents": _num(a.survey.n),
            "proportion": _num(a.survey.proportion),
            "low": _num(a.survey.low),
            "high": _num(a.survey.high),
            "judged": a.survey.judged,
            "warning": a.survey.warning,
        }
    change = None
    if a.survey_change is not None:
        c = a.survey_change
        change = {
            "sentence": c.sentence,
            "judged": c.judged,
            "significant": c.significant,
            "p_value": _num(c.p_value),
            "direction": c.direction,
            "diff_points": None if c.diff is None else _num(100 * c.diff),
            "test": "two-proportion z test (pooled), two-sided, 5%",
        }
    return {
        "id": m.id,
        "title": m.title,
        "unit": m.unit,
        "axis_title": axis_title(m, s),
        "frequency": m.frequency,
        "frequency_words": FREQUENCY_WORDS.get(m.frequency, m.frequency),
        "polarity": m.polarity,
        "tier": m.tier,
        "chosen_by_product": m.chosen_by_product,
        "baseline": None if m.baseline is None else m.baseline.label,
        "target": None if m.target is None else m.target.label,
        "source": s.source,
        "other_sources": list(s.other_sources),
        "population": population_words(s.population_years) or None,
        "population_years": list(s.population_years),
        "latest": {
            "value": _num(a.latest_value),
            "text": a.latest_text,
            "period_end": _date(a.latest_date),
            "period_words": a.period_words,
        },
        "year_before": None if a.year_before is None else _comparison_dict(a.year_before),
        "comparisons": [_comparison_dict(c) for c in a.comparisons],
        "spc": _spc_dict(a),
        "survey": survey,
        "survey_change": change,
        "status": {
            "name": st.name,
            "words": st.words,
            "icon": st.icon,
            "colour": st.colour,
            "sentence": st.sentence,
            "provisional": st.provisional,
            "evidence": st.source,
        },
        "judgement": {
            "name": j.name,
            "method": j.method,
            "method_words": METHODS.get(j.method, ""),
            "points": j.points,
            "period_end": _date(j.period_end),
            "stale": j.stale,
            "sentence": j.sentence,
            "words": j.words,
            "icon": j.icon,
            "colour": j.colour,
            "tier": j.tier,
            "assurance": j.assurance,
        },
        "peers": _peers_dict(a.peers, a),
        "notes": list(dict.fromkeys(a.notes)),
    }


# --------------------------------------------------------------------------- text


def format_report(report: dict[str, Any]) -> str:
    """The report as plain text for a terminal: questions, then each measure in full."""
    plan, area = report["plan"], report["area"]
    lines = [
        f"{plan['title']} ({plan['id']}, {plan['period']}): {plan['force']}",
        f"Area: {area['name']} ({area['code']}), {area['why']}",
        f"As at: {report['as_at_words']}",
    ]
    peers = report["peers"]
    if peers["codes"]:
        lines.append(f"Peers: {', '.join(peers['names'])}; {peers['source']}")
        if peers["not_held"]:
            lines.append(
                f"  (the store holds no figures for the plan's peers "
                f"{', '.join(peers['not_held'])})"
            )
    else:
        lines.append(f"Peers: none: {peers['why']}")
    lines.append(
        "Judgements: "
        + ", ".join(f"{JUDGEMENT_STYLE[k][0]} {k} {n}" for k, n in report["counts"].items())
    )
    lines.append(f"Roll-up rule: {report['roll_up_rule']}")
    for q in report["questions"]:
        lines += [
            "",
            "=" * 78,
            f"{q['kind']} {q['number']}: {q['title']}",
            f"{q['rollup']['icon']} {q['rollup']['sentence']}",
        ]
        if q["note"]:
            lines.append(f"Note: {q['note']}")
        if not q["measures"]:
            lines.append("  No measure serves this yet.")
        for m in q["measures"]:
            lines += ["", *_measure_lines(m)]
    if report["priorities"]:
        lines += ["", "=" * 78, f"{plan['labels']['priority']} roll-ups"]
        for p in report["priorities"]:
            lines.append(f"{p['rollup']['icon']} {p['rollup']['sentence']}")
    if report["other_measures"]:
        lines += ["", "=" * 78, f"Measures under no {plan['labels']['kpq']}"]
        for m in report["other_measures"]:
            lines += ["", *_measure_lines(m)]
    return "\n".join(lines) + "\n"


def _years_words(years: list[int]) -> str:
    span = f"mid-{years[0]}" if len(years) == 1 else f"mid-{years[0]} to mid-{years[-1]}"
    return f"population: {span} estimates"


def _measure_lines(m: dict[str, Any]) -> list[str]:
    j, st, latest = m["judgement"], m["status"], m["latest"]
    figure = (
        latest["text"]
        if latest["value"] is None
        else f"{latest['text']} in {latest['period_words']}"
    )
    out = [
        f"  {j['icon']} {m['title']}: {figure}",
        f"    {m['axis_title']}"
        + (f"; {_years_words(m['population_years'])}" if m["population_years"] else "")
        + (f"; source: {m['source']}" if latest["value"] is not None else ""),
        f"    Judgement: {j['sentence']}",
        f"    Status: {st['icon']} {st['words']}",
    ]
    if j["method"] != "none":
        points = f"{j['points']} period{'s' if j['points'] != 1 else ''}"
        out.append(
            f"    Judged by: {j['method_words']} ({points}, to {j['period_end']})"
            + ("; stale" if j["stale"] else "")
        )
    if m["survey"] is not None:
        out.append(
            f"    Survey: {m['survey']['words']}"
            + (f"; {m['survey']['warning']}" if m["survey"]["warning"] else "")
        )
    if m["spc"] is not None:
        sp = m["spc"]
        out.append(f"    SPC ({sp['run_on']}): {sp['variation_words']}. {sp['sentence']}")
        if sp["assurance_sentence"]:
            out.append(f"    Assurance: {sp['assurance_sentence']}")
    shown = list(m["comparisons"])
    if m["year_before"] is not None and not any(
        c["previous_period_words"] == m["year_before"]["previous_period_words"] for c in shown
    ):
        shown.append(m["year_before"])
    for c in shown:
        out.append(f"    - {c['sentence']}")
    if m["peers"] is not None:
        out.append(f"    Peers: {m['peers']['sentence']}")
    for note in m["notes"]:
        out.append(f"    Note: {note}")
    return out
