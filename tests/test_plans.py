"""The plan model: every shipped plan loads with its own structure, and bad plans are refused."""

from __future__ import annotations

import copy
import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from pcp_data import plan as plan_module
from pcp_data import vocabulary
from pcp_data.errors import PlanError
from pcp_data.plan import (
    Plan,
    Question,
    load_plan,
    load_shipped,
    shipped_plans,
    validate_plan_text,
)

SHIPPED = sorted(shipped_plans())

# plan id -> (top-level label, count, priority label, count, KPQ count)
EXPECTED: dict[str, tuple[str | None, int, str, int, int]] = {
    "durham-2018-21": ("Outcome", 4, "Priority", 12, 8),
    "devon-cornwall-2014-17": (None, 0, "Priority", 6, 0),
    "durham-2015-17": ("Objective", 4, "Key area of focus", 14, 0),
    "dorset-2013-17": (None, 0, "Priority", 6, 0),
    "cambridgeshire-2017-20": ("Theme", 4, "Priority for action", 40, 0),
}

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _seed_text(plan: Plan) -> str | None:
    if plan.source.file is None or not (SEEDS / plan.source.file).exists():
        return None
    return (SEEDS / plan.source.file).read_text(encoding="utf-8")


def _squash(text: str) -> str:
    """Lower-case words only, so line breaks, bold marks and dashes do not matter."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))


# --------------------------------------------------------------------------------------------
# shipped plans


def test_all_five_seeds_are_shipped() -> None:
    assert set(SHIPPED) == set(EXPECTED)


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_shipped_plan_loads(plan_id: str) -> None:
    plan = load_shipped(plan_id)
    assert plan.id == plan_id
    assert plan.title and plan.vision and plan.force
    assert plan.period.start < plan.period.end
    assert plan.source.file is not None
    assert plan.measures
    # same result from the path, from text, and through validate_plan_text
    path = shipped_plans()[plan_id]
    assert load_plan(path) == plan
    assert load_plan(str(path)) == plan
    assert load_plan(path.read_text(encoding="utf-8"), name=path.name) == plan
    assert validate_plan_text(path.read_text(encoding="utf-8"), path.name) == plan


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_shipped_plan_has_its_own_structure(plan_id: str) -> None:
    plan = load_shipped(plan_id)
    top_label, n_top, priority_label, n_priorities, n_kpqs = EXPECTED[plan_id]
    assert (plan.labels.top.singular if plan.labels.top else None) == top_label
    assert len(plan.top_level) == n_top
    assert plan.labels.priority.singular == priority_label
    assert len(plan.priorities) == n_priorities
    assert len(plan.kpqs) == n_kpqs
    # every priority sits under a known top-level item when there is a top level
    for top in plan.top_level:
        assert plan.priorities_for(top.id)
        assert tuple(p.id for p in plan.priorities_for(top.id)) == top.priority_ids
    if plan.top_level:
        assert sum(len(t.priority_ids) for t in plan.top_level) == len(plan.priorities)


def test_durham_2018_words() -> None:
    plan = load_shipped("durham-2018-21")
    assert [t.title for t in plan.top_level] == [
        "Communities are safe and crime is reduced",
        "Victims and the vulnerable feel supported",
        "Re-offending is reduced and rehabilitation is improved",
        "People have confidence in the Police and the Criminal Justice System",
    ]
    assert [k.question for k in plan.kpqs] == [
        "How safe are our communities?",
        "How well are we preventing and reducing crime?",
        "How well are victims supported to cope and recover, and engage in criminal justice "
        "processes?",
        "How well are vulnerable people supported?",
        "How well are we reducing re-offending?",
        "How well are we rehabilitating people who have offended?",
        "How confident are people in the Criminal Justice System?",
        "How confident are people in the Police?",
    ]
    assert plan.labels.top.plural == "Outcomes"
    assert plan.force_code == "E23000008"
    assert plan.period.label == "2018-21"


def test_cambridgeshire_themes() -> None:
    plan = load_shipped("cambridgeshire-2017-20")
    assert [t.title for t in plan.top_level] == [
        "Victims",
        "Offenders",
        "Communities",
        "Transformation",
    ]
    assert [len(t.priority_ids) for t in plan.top_level] == [9, 11, 10, 10]
    assert plan.labels.priority.plural == "Priorities for action"


def test_devon_cornwall_figure_1() -> None:
    plan = load_shipped("devon-cornwall-2014-17")
    figure_1 = [m for m in plan.measures if m.group]
    assert [(m.group, m.title, m.tier) for m in figure_1] == [
        ("To reduce overall crime", "Number of crimes per 1000 popn", "improve"),
        ("To reduce overall crime", "Number of serious acquisitive offences", "maintain"),
        ("To reduce overall crime", "Number of violence offences", "transform"),
        ("To maintain frontline policing", "Number of officers", "maintain"),
        ("To maintain frontline policing", "Number of special constables", "improve"),
        (
            "To maintain frontline policing",
            "Proportion of the workforce in frontline roles",
            "maintain",
        ),
    ]
    for m in figure_1:
        assert not m.chosen_by_product
        # the seed's baselines are "TBA": the product's choice is marked as such
        assert m.baseline is not None and m.baseline.chosen_by_product and m.baseline.note
        assert m.baseline.start == dt.date(2013, 4, 1)
        assert m.baseline.end == dt.date(2014, 3, 31)
    assert plan.measure("crimes-per-1000").tier_text == "Improvement in performance is expected"
    officers = plan.measure("officers")
    assert officers.target is not None
    assert officers.target.met_by(3001) and not officers.target.met_by(3000)
    assert plan.labels.measure_group is not None
    assert plan.labels.measure_group.singular == "Outcome"
    sac = plan.measure("serious-acquisitive").data
    assert len(sac.selections()) == 4


def test_durham_2015_workforce_figures() -> None:
    plan = load_shipped("durham-2015-17")
    workforce = {m.data.category: m for m in plan.measures if m.data.dataset == "workforce"}
    assert set(workforce) == {"Police officers", "Police staff", "Special constables"}
    assert "1176" in (workforce["Police officers"].seed_text or "")
    assert "visible-accessible" in workforce["Police officers"].priority_ids


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_titles_are_the_seeds_words(plan_id: str) -> None:
    plan = load_shipped(plan_id)
    seed = _seed_text(plan)
    if seed is None:
        pytest.skip("seed documents are not next to this checkout")
    words = _squash(seed)
    for item in (*plan.top_level, *plan.priorities):
        title = item.title
        if plan_id == "durham-2018-21" and title.startswith("Tackle and prevent "):
            title = title.removeprefix("Tackle and prevent ")
        assert _squash(title) in words, title
    for kpq in plan.kpqs:
        assert _squash(kpq.question) in words, kpq.question
    for m in plan.measures:
        if m.seed_text:
            assert _squash(m.seed_text) in words, m.seed_text


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_measures_use_the_store_vocabulary(plan_id: str) -> None:
    plan = load_shipped(plan_id)
    for m in plan.measures:
        assert m.data.dataset in vocabulary.DATASETS
        assert m.data.measure in vocabulary.MEASURES[m.data.dataset]
        for category, subcategory in m.data.selections():
            if m.data.dataset == "recorded_crime":
                if category is not None:
                    assert category in vocabulary.OFFENCE_GROUPS
                if subcategory is not None:
                    assert subcategory in vocabulary.OFFENCE_GROUPS[category]
            elif m.data.dataset == "victim_satisfaction":
                assert category in vocabulary.SATISFACTION_QUESTIONS
            elif m.data.dataset == "workforce":
                assert category in vocabulary.WORKER_TYPES
            elif m.data.dataset == "indicator":
                assert category
        assert m.unit in vocabulary.UNITS
        assert m.frequency in vocabulary.FREQUENCIES
        assert m.polarity in vocabulary.POLARITIES
        assert m.tier in (None, *vocabulary.TIERS)
        assert m.kpq_ids or m.priority_ids
        if m.chosen_by_product:
            assert m.note


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_every_question_and_priority_is_measured_or_says_why(plan_id: str) -> None:
    plan = load_shipped(plan_id)
    for kpq in plan.kpqs:
        assert plan.measures_for_kpq(kpq.id), kpq.question
    for priority in plan.priorities:
        assert plan.measures_for_priority(priority.id) or priority.note, priority.title
    # most priorities can be served from the product's data
    served = [p for p in plan.priorities if plan.measures_for_priority(p.id)]
    assert len(served) >= len(plan.priorities) / 2


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_settings(plan_id: str) -> None:
    plan = load_shipped(plan_id)
    s = plan.settings
    assert s.minimum_base == 50
    assert 1 <= len(s.peer_group) <= 7
    assert plan.force_code not in s.peer_group
    assert s.peer_group_chosen_by_product and s.peer_group_note
    assert s.rebase and all(r.reason for r in s.rebase)
    assert plan.period.contains(s.rebase[0].date)


# --------------------------------------------------------------------------------------------
# questions


def test_questions_are_the_kpqs_when_the_plan_has_them() -> None:
    plan = load_shipped("durham-2018-21")
    questions = plan.questions()
    assert [q.title for q in questions] == [k.question for k in plan.kpqs]
    assert all(isinstance(q, Question) and not q.derived_from_priority for q in questions)
    assert all(q.kpq is not None and q.priority is None for q in questions)
    assert all(q.measures == plan.measures_for_kpq(q.id) for q in questions)
    assert plan.has_kpqs


@pytest.mark.parametrize("plan_id", [p for p in SHIPPED if not EXPECTED[p][4]])
def test_questions_come_from_priorities_when_the_plan_has_no_kpqs(plan_id: str) -> None:
    plan = load_shipped(plan_id)
    assert not plan.has_kpqs
    questions = plan.questions()
    assert [q.title for q in questions] == [p.title for p in plan.priorities]
    assert all(q.derived_from_priority and q.priority is not None for q in questions)
    assert all(q.measures == plan.measures_for_priority(q.id) for q in questions)


def test_lookups() -> None:
    plan = load_shipped("durham-2018-21")
    assert plan.measure("crime-rate").data.per_1000_population
    assert plan.kpq("kpq-safe").title == "How safe are our communities?"
    assert plan.priority("asb").top_id == "confidence"
    assert plan.top_item("safe").title == "Communities are safe and crime is reduced"
    assert [k.id for k in plan.kpqs_for("reoffending")] == ["kpq-reoffending", "kpq-rehabilitating"]
    for lookup in (
        plan.measure,
        plan.kpq,
        plan.priority,
        plan.priorities_for,
        plan.measures_for_kpq,
        plan.measures_for_priority,
    ):
        with pytest.raises(KeyError, match="nope"):
            lookup("nope")


def test_load_shipped_unknown() -> None:
    with pytest.raises(PlanError, match="no shipped plan is called 'nope'; expected one of"):
        load_shipped("nope")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"plan 'gone\.yaml': no such file"):
        load_plan(tmp_path / "gone.yaml")


def test_documented_example_is_valid() -> None:
    doc = plan_module.__doc__ or ""
    block = doc.split(".. code-block:: yaml", 1)[1].split("\n\n`Plan.questions`", 1)[0]
    plan = validate_plan_text(textwrap.dedent(block), "docstring")
    assert plan.labels.top is not None and plan.labels.top.singular == "Outcome"
    assert plan.period.end == dt.date(2021, 3, 31)
    assert plan.questions()[0].measures == (plan.measure("crime-rate"),)


# --------------------------------------------------------------------------------------------
# bad plans


def _good() -> dict[str, Any]:
    return {
        "id": "test",
        "force": "Durham",
        "force_code": "E23000008",
        "title": "Test plan",
        "period": {"start": "2018-04", "end": "2021-03", "label": "2018-21"},
        "vision": "Safe communities",
        "source": {"document": "A report", "date": "2018-06-29"},
        "labels": {
            "top": {"singular": "Outcome", "plural": "Outcomes"},
            "priority": {"singular": "Priority", "plural": "Priorities"},
        },
        "top_level": [{"id": "safe", "title": "Communities are safe"}],
        "priorities": [
            {"id": "p1", "title": "Reduce crime", "top": "safe"},
            {"id": "p2", "title": "Support victims", "top": "safe"},
        ],
        "kpqs": [{"id": "k1", "question": "How safe are we?"}],
        "measures": [
            {
                "id": "m1",
                "title": "Crime",
                "data": {"dataset": "recorded_crime", "measure": "offences"},
                "unit": "count",
                "frequency": "month",
                "polarity": "lower_is_better",
                "kpqs": ["k1"],
                "priorities": ["p1"],
            },
            {
                "id": "m2",
                "title": "Burglary",
                "data": {
                    "dataset": "recorded_crime",
                    "category": "Theft offences",
                    "subcategory": "Domestic burglary",
                    "measure": "offences",
                },
                "unit": "count",
                "frequency": "month",
                "polarity": "lower_is_better",
                "priorities": ["p1"],
            },
            {
                "id": "m3",
                "title": "Satisfaction",
                "data": {
                    "dataset": "victim_satisfaction",
                    "category": "Whole experience",
                    "measure": "satisfied",
                },
                "unit": "percent",
                "frequency": "rolling_12_months",
                "polarity": "higher_is_better",
                "priorities": ["p2"],
                "baseline": {"start": "2017-04", "end": "2018-03", "label": "2017/18"},
            },
            {
                "id": "m4",
                "title": "Officers",
                "data": {"dataset": "workforce", "category": "Police officers", "measure": "fte"},
                "unit": "fte",
                "frequency": "snapshot",
                "polarity": "higher_is_better",
                "tier": "maintain",
                "target": {"op": ">=", "value": 1000},
                "priorities": ["p1"],
            },
        ],
        "settings": {
            "minimum_base": 50,
            "peer_group": ["E23000013"],
            "rebase": [{"date": "2018-04-01", "reason": "New plan"}],
        },
    }


def _dump(d: dict[str, Any]) -> str:
    return yaml.safe_dump(d, sort_keys=False, allow_unicode=True)


def test_good_base_plan_loads() -> None:
    plan = load_plan(_dump(_good()), name="good.yaml")
    assert len(plan.measures) == 4
    assert plan.measure("m4").target is not None
    assert plan.measure("m4").target.label == ">= 1,000"
    assert plan.measure("m3").baseline is not None
    assert plan.measure("m3").baseline.end == dt.date(2018, 3, 31)
    assert plan.settings.rebase[0].date == dt.date(2018, 4, 1)


def _set(path: str, value: Any) -> Any:
    """A mutation setting ``path`` (dots and [i]) to ``value``; ``DELETE`` removes the key."""

    def mutate(d: dict[str, Any]) -> None:
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
        node: Any = d
        for part in parts[:-1]:
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        last = parts[-1]
        key: Any = int(last[1:-1]) if last.startswith("[") else last
        if value is DELETE:
            del node[key]
        else:
            node[key] = value

    return mutate


DELETE = object()


def _append(path: str, item: Any) -> Any:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        node.append(copy.deepcopy(item))

    return mutate


BAD: list[tuple[str, Any, str]] = [
    # missing required keys
    ("missing id", _set("id", DELETE), r"^plan 'bad\.yaml': id: is missing; it is required$"),
    ("missing vision", _set("vision", DELETE), r"vision: is missing"),
    ("missing labels", _set("labels", DELETE), r"labels: is missing"),
    ("missing measures", _set("measures", DELETE), r"measures: is missing"),
    ("missing priorities", _set("priorities", DELETE), r"priorities: is missing"),
    ("empty priorities", _set("priorities", []), r"priorities: is empty; expected at least one"),
    ("missing period end", _set("period.end", DELETE), r"period\.end: is missing"),
    ("missing source date", _set("source.date", DELETE), r"source\.date: is missing"),
    ("missing measure unit", _set("measures[1].unit", DELETE), r"measures\[1\]\.unit: is missing"),
    ("missing measure data", _set("measures[0].data", DELETE), r"measures\[0\]\.data: is missing"),
    (
        "missing data.dataset",
        _set("measures[0].data.dataset", DELETE),
        r"measures\[0\]\.data\.dataset: is missing",
    ),
    ("missing kpq question", _set("kpqs[0].question", DELETE), r"kpqs\[0\]\.question: is missing"),
    (
        "missing priority title",
        _set("priorities[1].title", DELETE),
        r"priorities\[1\]\.title: is missing",
    ),
    (
        "missing priority top",
        _set("priorities[0].top", DELETE),
        r"priorities\[0\]\.top: is missing; it is required when top_level is given; expected one "
        r"of safe",
    ),
    (
        "missing labels.top",
        _set("labels.top", DELETE),
        r"labels\.top: is missing; it is required "
        r"when top_level is given",
    ),
    ("missing labels.priority", _set("labels.priority", DELETE), r"labels\.priority: is missing"),
    (
        "missing label plural",
        _set("labels.priority.plural", DELETE),
        r"labels\.priority\.plural: is missing",
    ),
    (
        "missing rebase reason",
        _set("settings.rebase[0].reason", DELETE),
        r"settings\.rebase\[0\]\.reason: is missing",
    ),
    # unknown keys
    (
        "unknown top key",
        _set("colour", "blue"),
        r"colour: is not a known key; expected one of id, "
        r"force",
    ),
    (
        "misspelt measure key",
        _set("measures[0].polarty", "neutral"),
        r"measures\[0\]\.polarty: is not a known key; expected one of id, title, data, unit",
    ),
    (
        "unknown data key",
        _set("measures[0].data.filter", "x"),
        r"measures\[0\]\.data\.filter: is not a known key",
    ),
    # wrong types
    ("empty plan", lambda d: d.clear(), r"bad\.yaml' has 10 problems:\n- id: is missing"),
    (
        "measures not a list",
        _set("measures", {"id": "m1"}),
        r"measures: is a mapping; expected a "
        r"list",
    ),
    (
        "period not a mapping",
        _set("period", "2018-21"),
        r"period: is text; expected a mapping with "
        r"keys start, end",
    ),
    ("title is a list", _set("title", ["a"]), r"title: is a list; expected text"),
    (
        "empty title",
        _set("measures[0].title", "  "),
        r"measures\[0\]\.title: is empty; expected "
        r"text",
    ),
    (
        "per_1000 not bool",
        _set("measures[0].data.per_1000_population", "yes please"),
        r"measures\[0\]\.data\.per_1000_population: is 'yes please'; expected true or false",
    ),
    (
        "chosen not bool",
        _set("measures[0].chosen_by_product", "maybe"),
        r"measures\[0\]\.chosen_by_product: is 'maybe'; expected true or false",
    ),
    (
        "target value text",
        _set("measures[3].target.value", "lots"),
        r"measures\[3\]\.target\.value: 'lots' is not a number; expected a number",
    ),
    (
        "target value infinite",
        _set("measures[3].target.value", float("inf")),
        r"measures\[3\]\.target\.value: inf is not a number; expected a number",
    ),
    (
        "minimum_base negative",
        _set("settings.minimum_base", -5),
        r"settings\.minimum_base: -5 is not a whole number of respondents; expected a whole number",
    ),
    ("minimum_base float", _set("settings.minimum_base", 50.5), r"settings\.minimum_base: 50\.5"),
    (
        "kpqs of measure not list",
        _set("measures[0].kpqs", {"a": 1}),
        r"measures\[0\]\.kpqs: is a mapping; expected a list of ids",
    ),
    # vocabulary
    (
        "unknown dataset",
        _set("measures[3].data.dataset", "crimes"),
        r"^plan 'bad\.yaml': measures\[3\]\.data\.dataset: 'crimes' is not a dataset; expected one "
        r"of recorded_crime, victim_satisfaction, workforce, population, indicator$",
    ),
    (
        "unknown measure for dataset",
        _set("measures[0].data.measure", "fte"),
        r"measures\[0\]\.data\.measure: 'fte' is not a measure of recorded_crime; expected one of "
        r"offences, rate_per_1000",
    ),
    (
        "satisfied for workforce",
        _set("measures[3].data.measure", "satisfied"),
        r"measures\[3\]\.data\.measure: 'satisfied' is not a measure of workforce; expected one of "
        r"fte, headcount",
    ),
    (
        "unknown offence group",
        _set("measures[1].data.category", "Burglary"),
        r"measures\[1\]\.data\.category: 'Burglary' is not an offence group; expected one of "
        r"Violence against the person, Sexual offences",
    ),
    (
        "subgroup of another group",
        _set("measures[1].data.category", "Robbery"),
        r"measures\[1\]\.data\.subcategory: 'Domestic burglary' is not an offence subgroup of "
        r"Robbery; expected one of Robbery of business property, Robbery of personal property",
    ),
    (
        "unknown subgroup",
        _set("measures[1].data.subcategory", "Burglary"),
        r"measures\[1\]\.data\.subcategory: 'Burglary' is not an offence subgroup of Theft "
        r"offences",
    ),
    (
        "ASB is not recorded crime",
        _set("measures[0].data.category", "Anti-social behaviour"),
        r"measures\[0\]\.data\.category: 'Anti-social behaviour' is not recorded crime: the "
        r"store holds it as an indicator; expected dataset indicator",
    ),
    (
        "subcategory without category",
        _set("measures[0].data.subcategory", "Domestic burglary"),
        r"measures\[0\]\.data\.category: is missing; it is required when a subcategory is given",
    ),
    (
        "unknown survey question",
        _set("measures[2].data.category", "Overall"),
        r"measures\[2\]\.data\.category: 'Overall' is not a survey question; expected one of Ease "
        r"of contact, Actions taken, Kept informed, Treatment, Whole experience",
    ),
    (
        "survey without question",
        _set("measures[2].data.category", DELETE),
        r"measures\[2\]\.data\.category: is missing; it is required for victim_satisfaction; "
        r"expected one of Ease of contact",
    ),
    (
        "unknown worker type",
        _set("measures[3].data.category", "Officers"),
        r"measures\[3\]\.data\.category: 'Officers' is not a worker type; expected one of Police "
        r"officers, Police staff, PCSOs",
    ),
    (
        "indicator without name",
        _set("measures[0].data", {"dataset": "indicator", "measure": "value"}),
        r"measures\[0\]\.data\.category: is missing; it is required for indicator; expected one of "
        r"Public confidence in the police",
    ),
    (
        "sum_of with category",
        _set("measures[1].data.sum_of", [{"category": "Robbery"}, {"category": "Drug offences"}]),
        r"measures\[1\]\.data\.category: cannot be given with sum_of",
    ),
    (
        "sum_of bad item",
        _set("measures[0].data.sum_of", [{"category": "Robbery"}, {"category": "Fraud"}]),
        r"measures\[0\]\.data\.sum_of\[1\]\.category: 'Fraud' is not an offence group",
    ),
    (
        "sum_of one item",
        _set("measures[0].data.sum_of", [{"category": "Robbery"}]),
        r"measures\[0\]\.data\.sum_of: has one item; expected two or more",
    ),
    (
        "per_1000 on survey",
        _set("measures[2].data.per_1000_population", True),
        r"measures\[2\]\.data\.per_1000_population: cannot apply to victim_satisfaction",
    ),
    # enumerations
    (
        "bad unit",
        _set("measures[0].unit", "offences"),
        r"measures\[0\]\.unit: 'offences' is not a unit; expected one of count, rate_per_1000, "
        r"percent, fte, headcount, number",
    ),
    (
        "unit does not fit",
        _set("measures[3].unit", "headcount"),
        r"measures\[3\]\.unit: 'headcount' does not fit workforce fte; expected one of fte",
    ),
    (
        "rate without population",
        _set("measures[0].unit", "rate_per_1000"),
        r"measures\[0\]\.unit: 'rate_per_1000' does not fit recorded_crime offences; expected one "
        r"of count",
    ),
    (
        "count for a per-1000 rate",
        _set("measures[0].data.per_1000_population", True),
        r"measures\[0\]\.unit: 'count' does not fit recorded_crime offences per 1,000 population; "
        r"expected one of rate_per_1000",
    ),
    (
        "bad polarity",
        _set("measures[0].polarity", "up"),
        r"measures\[0\]\.polarity: 'up' is not a polarity; expected one of higher_is_better, "
        r"lower_is_better, neutral",
    ),
    (
        "bad tier",
        _set("measures[3].tier", "improvement"),
        r"measures\[3\]\.tier: 'improvement' is not a tier; expected one of maintain, improve, "
        r"transform",
    ),
    (
        "bad frequency",
        _set("measures[0].frequency", "monthly"),
        r"measures\[0\]\.frequency: 'monthly' is not a frequency; expected one of month, quarter, "
        r"financial_year, rolling_12_months, snapshot",
    ),
    (
        "bad target op",
        _set("measures[3].target.op", "=>"),
        r"measures\[3\]\.target\.op: '=>' is not a comparison; expected one of >=, >, <=, <, ==",
    ),
    # ids and references
    (
        "duplicate measure id",
        _set("measures[1].id", "m1"),
        r"measures\[1\]\.id: duplicate id 'm1' \(already used at measures\[0\]\.id\); expected ids "
        r"unique across the plan",
    ),
    (
        "id shared by priority and measure",
        _set("measures[1].id", "p1"),
        r"measures\[1\]\.id: duplicate id 'p1' \(already used at priorities\[0\]\.id\)",
    ),
    (
        "id shared by kpq and top",
        _set("kpqs[0].id", "safe"),
        r"kpqs\[0\]\.id: duplicate id 'safe' \(already used at top_level\[0\]\.id\)",
    ),
    (
        "bad id",
        _set("measures[0].id", "crime rate!"),
        r"measures\[0\]\.id: 'crime rate!' is not a valid id; expected letters, digits",
    ),
    (
        "unknown kpq",
        _set("measures[0].kpqs", ["k9"]),
        r"measures\[0\]\.kpqs\[0\]: 'k9' is not a KPQ of this plan; expected one of k1",
    ),
    (
        "kpq in plan without kpqs",
        _set("kpqs", DELETE),
        r"measures\[0\]\.kpqs\[0\]: 'k1' is not a KPQ of this plan; expected none, since the plan "
        r"has no KPQs",
    ),
    (
        "unknown priority",
        _set("measures[2].priorities", ["p2", "p7"]),
        r"measures\[2\]\.priorities\[1\]: 'p7' is not a priority of this plan; expected one of p1, "
        r"p2",
    ),
    (
        "measure answers nothing",
        _set("measures[1].priorities", []),
        r"measures\[1\]: answers no KPQ or priority; expected at least one id in kpqs or "
        r"priorities",
    ),
    (
        "priority under unknown top",
        _set("priorities[1].top", "victims"),
        r"priorities\[1\]\.top: 'victims' is not a top-level item; expected one of safe",
    ),
    (
        "kpq under unknown top",
        _set("kpqs[0].top", "nowhere"),
        r"kpqs\[0\]\.top: 'nowhere' is not a top-level item; expected one of safe",
    ),
    (
        "chosen without note",
        _set("measures[0].chosen_by_product", True),
        r"measures\[0\]\.note: is missing; it is required when chosen_by_product is true",
    ),
    (
        "chosen baseline without note",
        _set("measures[2].baseline.chosen_by_product", True),
        r"measures\[2\]\.baseline\.note: is missing",
    ),
    # dates
    (
        "bad month",
        _set("period.start", "2018-13"),
        r"period\.start: '2018-13' is not a date; expected a month YYYY-MM or a day YYYY-MM-DD",
    ),
    (
        "words for a date",
        _set("period.end", "March 2021"),
        r"period\.end: 'March 2021' is not a date; expected a month YYYY-MM",
    ),
    (
        "end before start",
        _set("period.end", "2017-03"),
        r"period\.end: 2017-03-31 is before the start 2018-04-01; expected a date on or after it",
    ),
    (
        "bad baseline date",
        _set("measures[2].baseline.start", "TBA"),
        r"measures\[2\]\.baseline\.start: 'TBA' is not a date",
    ),
    (
        "bad rebase date",
        _set("settings.rebase[0].date", "2018-02-30"),
        r"settings\.rebase\[0\]\.date: '2018-02-30' is not a date",
    ),
    (
        "bad source date",
        _set("source.date", "June 2018"),
        r"source\.date: 'June 2018' is not a "
        r"date",
    ),
    # forces
    (
        "bad force code",
        _set("force_code", "E23000099"),
        r"force_code: 'E23000099' is not a police force area code; expected an ONS E23/W15 code",
    ),
    (
        "region for force",
        _set("force_code", "E12000001"),
        r"force_code: 'E12000001' is not a "
        r"police force",
    ),
    (
        "bad peer code",
        _set("settings.peer_group", ["E23000013", "Cleveland"]),
        r"settings\.peer_group\[1\]: 'Cleveland' is not a police force area code",
    ),
    (
        "own force as peer",
        _set("settings.peer_group", ["E23000008"]),
        r"settings\.peer_group\[0\]: 'E23000008' is the plan's own force; expected other forces",
    ),
    (
        "duplicate peer",
        _set("settings.peer_group", ["E23000013", "E23000013"]),
        r"settings\.peer_group\[1\]: duplicate force 'E23000013'",
    ),
    (
        "too many peers",
        _set("settings.peer_group", [f"E230000{n:02d}" for n in range(10, 18)]),
        r"settings\.peer_group: has 8 forces; expected at most 7 \(a Most Similar Group\)",
    ),
    (
        "unknown settings key",
        _set("settings.peers", []),
        r"settings\.peers: is not a known key; "
        r"expected one of minimum_base, peer_group",
    ),
    # several problems are all listed
    (
        "two problems",
        lambda d: (_set("measures[0].unit", "x")(d), _set("title", [])(d)),
        r"has 2 problems:\n- title: is a list; expected text\n- measures\[0\]\.unit: 'x' is not a "
        r"unit",
    ),
    (
        "duplicate appended measure",
        _append(
            "measures",
            {
                "id": "m2",
                "title": "Again",
                "data": {"dataset": "population", "measure": "persons"},
                "unit": "count",
                "frequency": "financial_year",
                "polarity": "neutral",
                "priorities": ["p1"],
            },
        ),
        r"measures\[4\]\.id: duplicate id 'm2' \(already used at measures\[1\]\.id\)",
    ),
]


@pytest.mark.parametrize(("mutate", "pattern"), [pytest.param(m, p, id=i) for i, m, p in BAD])
def test_bad_plan_is_refused(mutate: Any, pattern: str) -> None:
    d = _good()
    mutate(d)
    with pytest.raises(PlanError, match=pattern):
        load_plan(_dump(d), name="bad.yaml")


def test_file_that_is_not_a_mapping() -> None:
    with pytest.raises(PlanError, match=r"plan 'x': the file holds a list; expected a mapping"):
        validate_plan_text("- a\n- b\n", "x")


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(PlanError, match=r"plan 'x': not valid YAML at line 2, column"):
        validate_plan_text("id: a\ntitle: x: y\n", "x")


def test_text_name_defaults() -> None:
    with pytest.raises(PlanError, match=r"^plan '<text>' has 9 problems:\n- force: is missing"):
        load_plan("id: a\n")


def test_yaml_dates_and_months_both_accepted() -> None:
    text = _dump(_good()).replace("start: 2018-04", "start: 2018-04-01")
    text = text.replace("date: '2018-06-29'", "date: 2018-06-29")
    plan = load_plan(text)
    assert plan.period.start == dt.date(2018, 4, 1)
    assert plan.source.date == dt.date(2018, 6, 29)


def test_plan_without_top_level() -> None:
    d = _good()
    del d["top_level"]
    del d["labels"]["top"]
    for p in d["priorities"]:
        del p["top"]
    plan = load_plan(_dump(d))
    assert plan.top_level == () and plan.labels.top is None
    assert all(p.top_id is None for p in plan.priorities)
    d["priorities"][0]["top"] = "safe"
    with pytest.raises(
        PlanError,
        match=r"priorities\[0\]\.top: 'safe' is not a top-level item; "
        r"expected no top reference, since the plan has no top_level",
    ):
        load_plan(_dump(d))


def test_plan_is_frozen() -> None:
    plan = load_shipped("dorset-2013-17")
    with pytest.raises(AttributeError):
        plan.title = "changed"  # type: ignore[misc]
    assert isinstance(plan.priorities, tuple) and isinstance(plan.measures, tuple)


# --- limits: a plan file's size and nesting (issue 11, item 3) -----------------------------------


def test_a_50_mb_plan_is_refused_with_its_size(tmp_path: Path) -> None:
    text = "id: big\nnote: " + "x" * (50 * 1024 * 1024) + "\n"
    with pytest.raises(
        PlanError, match=r"^plan 'big\.yaml' is 50\.0 MB; a plan file may be at most 512 KB"
    ):
        validate_plan_text(text, "big.yaml")
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # refused from its size: never read
    with pytest.raises(PlanError, match=r"^plan 'big\.yaml' is 50\.0 MB"):
        load_plan(path)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # RecursionError in the YAML library, unchecked
        "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x",
        "a: &a " + "[" * 15 + "x" + "]" * 15 + "\nb: " + "[" * 10 + "*a" + "]" * 10 + "\n",
    ],
    ids=["flow", "block", "through an alias"],
)
def test_a_deeply_nested_plan_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(
        PlanError,
        match=r"^plan 'deep\.yaml' nests mappings and lists more than 20 levels deep \(at line \d+",
    ):
        validate_plan_text(text, "deep.yaml")


def test_aliases_that_expand_a_plan_beyond_any_plan_are_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefg"):
        previous = "abcdefg"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    with pytest.raises(PlanError, match=r"its aliases .* expand it to more than 200,000 values"):
        validate_plan_text("\n".join(lines), "laughs.yaml")


def test_the_plan_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    text = shipped_plans()["durham-2018-21"].read_text(encoding="utf-8")
    monkeypatch.setenv("PCP_MAX_PLAN_DEPTH", "3")
    with pytest.raises(PlanError, match="more than 3 levels deep"):
        validate_plan_text(text, "durham.yaml")
    monkeypatch.setenv("PCP_MAX_PLAN_DEPTH", "20")
    monkeypatch.setenv("PCP_MAX_PLAN_KB", "5")
    with pytest.raises(PlanError, match="at most 5 KB"):
        validate_plan_text(text, "durham.yaml")
