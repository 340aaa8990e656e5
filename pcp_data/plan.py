"""The plan model: a Police and Crime Plan as the force wrote it, and the measures behind it.

Every force structures its plan differently (see the seeds): Durham 2018-21 has a vision, four
*outcomes*, twelve *priorities* and eight Key Performance Questions; Durham 2015-17 has four
*objectives* and fourteen *key areas of focus*; Cambridgeshire 2017-20 has four *themes* with
their *priorities for action*; Devon and Cornwall 2014-17 and Dorset 2013-17 have six
priorities and no level above them. A plan file keeps the plan's own structure and words, and
names its levels in ``labels`` so that pages say "Outcome", "Objective" or "Theme" as the plan
does.

Public API
----------
`load_plan`            read a plan from a YAML file (path) or YAML text
`validate_plan_text`   read a plan from YAML text, naming it ``name`` in messages
`shipped_plans`        ``{plan id: path}`` of the plans in ``pcp_data/plans/``
`load_shipped`         load one shipped plan by id
`Plan`                 the plan, with lookups and `Plan.questions`

Any invalid plan is refused with `~pcp_data.errors.PlanError`, whose message names the plan,
the key path and what was expected, e.g.::

    plan 'durham.yaml': measures[3].data.dataset: 'crimes' is not a dataset; expected one of
    recorded_crime, victim_satisfaction, workforce, population, indicator

Every problem found is listed (one per line) when there are several.

The YAML format
---------------
Keys marked * are required. Ids are short slugs (letters, digits, ``-``, ``_``, ``.``) and are
unique across the whole plan: top-level items, priorities, KPQs and measures share one
namespace. Months are written ``2018-04``; days ``2018-06-29``. A period's ``start`` month
means its first day and its ``end`` month its last day (periods are inclusive). Unknown keys
are refused, so a misspelt key never goes unnoticed.

.. code-block:: yaml

    id: durham-2018-21                       # * the plan's id (shipped plans: the file name)
    force: Durham                            # * the force as the plan names it
    force_code: E23000008                    # * ONS code (E23/W15), or LOCAL:<slug> (sample)
    title: Police, Crime and Victims' Plan 2018-21            # *
    period: {start: 2018-04, end: 2021-03, label: 2018-21}   # * label optional
    vision: >-                               # *
      County Durham and Darlington are areas where all communities are safe, ...
    source:                                  # * where the plan's words come from
      document: Refreshed Police, Crime and Victims' Plan, report to the Police and Crime Panel
      date: 2018-06-29                       # * day or month
      file: 000_0c8ec8ad6aadf3e2.txt         # optional: the seed document
    notes:                                   # optional: decisions the file's author made
      - Which outcome each priority serves is the product's choice.
    labels:                                  # * the plan's own names for its levels
      top: {singular: Outcome, plural: Outcomes}          # required when top_level is given
      priority: {singular: Priority, plural: Priorities}  # *
      kpq: {singular: Key Performance Question, plural: Key Performance Questions}  # optional
      measure_group: {singular: Outcome, plural: Outcomes}  # optional, see measure `group`
    top_level:                               # optional; leave out when priorities are the top
      - id: safe                             # *
        title: Communities are safe and crime is reduced   # *
        description: ...                     # optional
    priorities:                              # * at least one
      - id: victims                          # *
        title: Ensure that victims are supported at all stages of the criminal justice system
        top: safe                            # * when top_level is given: the item it is under
        description: ...                     # optional
        note: ...                            # optional, e.g. why no measure can serve it
    kpqs:                                    # optional; most plans have none: never invent them
      - id: kpq1                             # *
        question: How safe are our communities?            # *
        top: safe                            # optional: the top-level item it belongs to
        note: ...                            # optional
    measures:
      - id: crime-rate                       # *
        title: Domestic burglary per 1,000 population      # *
        data:                                # * what the store holds (pcp_data.vocabulary)
          dataset: recorded_crime            # * one of vocabulary.DATASETS
          category: Theft offences           # offence group / question / worker type / indicator
          subcategory: Domestic burglary     # offence subgroup (or respondent group)
          measure: offences                  # * one of vocabulary.MEASURES[dataset]
          per_1000_population: true          # optional: divide by population, times 1,000
          # instead of category/subcategory, a sum of several selections:
          # sum_of: [{category: Robbery}, {category: Theft offences, subcategory: ...}]
        unit: rate_per_1000                  # * count, rate_per_1000, percent, fte, headcount,
                                             #   number
        frequency: month                     # * month, quarter, financial_year,
                                             #   rolling_12_months, snapshot
        polarity: lower_is_better            # * higher_is_better, lower_is_better, neutral
        tier: improve                        # optional: maintain, improve, transform
        group: To reduce overall crime       # optional: the seed's heading for the measure
        baseline:                            # optional
          start: 2013-04                     # *
          end: 2014-03                       # *
          label: 2013/14                     # optional
          chosen_by_product: true            # optional
          note: ...                          # optional
        target: {op: "<=", value: 5, label: "5 or fewer"}   # optional; op one of >=, >,
                                             #   <=, <, == (e.g. officers > 3000)
        kpqs: [kpq1]                         # ids of the KPQs it answers
        priorities: [victims]                # ids of the priorities it answers (at least one
                                             #   KPQ or priority in all)
        chosen_by_product: true              # when the seed names no such measure ...
        note: ...                            # ... say why it was chosen (required then)
        seed_text: Number of crimes per 1000 popn          # optional: the seed's own words
    settings:                                # optional
      minimum_base: 50                       # fewest respondents a percentage is shown for
      peer_group: [E23000013, E23000012]     # Most Similar Group: up to 7 force codes
      peer_group_chosen_by_product: true     # optional
      peer_group_note: ...                   # optional
      rebase:                                # dates after which comparisons start afresh
        - {date: 2018-04-01, reason: Refreshed plan 2018-21 begins}

`Plan.questions` always gives something to show "one question at a time": the plan's KPQs
when it has any, otherwise one `Question` per priority (``derived_from_priority=True``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml

from pcp_data import forces, vocabulary
from pcp_data.config import limits, megabytes
from pcp_data.errors import PlanError
from pcp_data.periods import month_end
from pcp_data.vocabulary import FREQUENCIES, POLARITIES, TARGET_OPS, TIERS, UNITS, Target

__all__ = [
    "KPQ",
    "Baseline",
    "DataRef",
    "Label",
    "Labels",
    "Measure",
    "Period",
    "Plan",
    "PlanSource",
    "Priority",
    "Question",
    "Rebase",
    "Settings",
    "TopItem",
    "load_plan",
    "load_shipped",
    "shipped_plans",
    "validate_plan_text",
]

PLANS_DIR = Path(__file__).resolve().parent / "plans"

# Units that fit each (dataset, measure) when the figure is not divided by population.
_UNITS_FOR: dict[tuple[str, str], tuple[str, ...]] = {
    ("recorded_crime", "offences"): ("count",),
    ("recorded_crime", "rate_per_1000"): ("rate_per_1000",),
    ("victim_satisfaction", "satisfied"): ("percent", "count"),
    ("workforce", "fte"): ("fte",),
    ("workforce", "headcount"): ("headcount",),
    ("population", "persons"): ("count", "number"),
    ("indicator", "value"): ("percent", "number", "count", "rate_per_1000"),
}
# Datasets whose figures may be divided by population.
_PER_1000_DATASETS: tuple[str, ...] = ("recorded_crime", "workforce")
# Datasets whose measures must say which category they mean.
_CATEGORY_REQUIRED: tuple[str, ...] = ("victim_satisfaction", "workforce", "indicator")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_LOCAL_CODE = re.compile(r"^LOCAL:[a-z0-9][a-z0-9\-]*$")
_FORCE_CODES: frozenset[str] = frozenset(code for code, _ in forces.FORCES)
_MAX_PEERS = 7


# --------------------------------------------------------------------------------------------
# the model


@dataclass(frozen=True)
class Period:
    """An inclusive span of days, with the label the plan uses.

    Attributes
    ----------
    start, end : datetime.date
        First and last day (inclusive).
    label : str
        How the plan writes it, e.g. ``"2018-21"`` or ``"2013/14"``.
    """

    start: dt.date
    end: dt.date
    label: str

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls within the period (inclusive)."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class PlanSource:
    """The document the plan's words were taken from.

    Attributes
    ----------
    document : str
        Title of the report or plan.
    date : datetime.date
        Its date (the first of the month when only a month is known).
    file : str or None
        The seed file name, when the plan comes from one.
    note : str or None
        Anything else worth saying about the source.
    """

    document: str
    date: dt.date
    file: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Label:
    """A level's name in singular and plural, e.g. ``Label("Outcome", "Outcomes")``."""

    singular: str
    plural: str


@dataclass(frozen=True)
class Labels:
    """The plan's own names for its levels.

    Attributes
    ----------
    top : Label or None
        The level above priorities ("Outcome", "Objective", "Theme"); None when the plan's
        priorities are its top level.
    priority : Label
        "Priority", "Key area of focus", "Priority for action", ...
    kpq : Label
        "Key Performance Question" unless the plan says otherwise.
    measure_group : Label or None
        The plan's name for its headings above measures (Devon and Cornwall's Figure 1 calls
        them "Outcome"), when it has such headings.
    """

    priority: Label
    top: Label | None = None
    kpq: Label = Label("Key Performance Question", "Key Performance Questions")
    measure_group: Label | None = None


@dataclass(frozen=True)
class TopItem:
    """An item of the plan's top level: an outcome, objective or theme.

    Attributes
    ----------
    id, title : str
        Its id and the plan's words for it.
    description : str or None
        Any further words the plan gives it.
    priority_ids : tuple of str
        Ids of the priorities under it, in the plan's order.
    """

    id: str
    title: str
    description: str | None = None
    priority_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Priority:
    """A priority (or key area of focus, priority for action...).

    Attributes
    ----------
    id, title : str
        Its id and the plan's words for it.
    top_id : str or None
        The top-level item it sits under; None when the plan has no top level.
    description : str or None
        Further words from the plan.
    note : str or None
        The file author's note, e.g. why no measure the product holds can serve it.
    """

    id: str
    title: str
    top_id: str | None = None
    description: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class KPQ:
    """A Key Performance Question, worded exactly as the plan words it.

    Attributes
    ----------
    id, question : str
        Its id and the question.
    top_id : str or None
        The top-level item it belongs to, when the file says.
    note : str or None
        The file author's note.
    """

    id: str
    question: str
    top_id: str | None = None
    note: str | None = None

    @property
    def title(self) -> str:
        """The question (so KPQs, priorities and measures all have a ``title``)."""
        return self.question


@dataclass(frozen=True)
class DataRef:
    """Which figures in the store a measure reads.

    Attributes
    ----------
    dataset : str
        One of `pcp_data.vocabulary.DATASETS`.
    measure : str
        One of ``vocabulary.MEASURES[dataset]``.
    category, subcategory : str or None
        Filter on the facts' category and subcategory; None means "all" (e.g. all recorded
        crime).
    sum_of : tuple of (category, subcategory) pairs
        When given (category and subcategory are then None) the measure is the sum of these
        selections, e.g. serious acquisitive crime.
    per_1000_population : bool
        Divide by the area's population and multiply by 1,000.
    """

    dataset: str
    measure: str
    category: str | None = None
    subcategory: str | None = None
    sum_of: tuple[tuple[str | None, str | None], ...] = ()
    per_1000_population: bool = False

    def selections(self) -> tuple[tuple[str | None, str | None], ...]:
        """The (category, subcategory) selections to add up: one unless `sum_of` is given.

        Consumers should read the data through this rather than `category`/`subcategory`.
        """
        return self.sum_of or ((self.category, self.subcategory),)


@dataclass(frozen=True)
class Baseline:
    """The period a measure is judged against.

    Attributes
    ----------
    period : Period
        The baseline period (inclusive).
    chosen_by_product : bool
        True when the seed gives none (e.g. "TBA") and the product chose it.
    note : str or None
        Why, when chosen.
    """

    period: Period
    chosen_by_product: bool = False
    note: str | None = None

    @property
    def start(self) -> dt.date:
        """First day of the baseline."""
        return self.period.start

    @property
    def end(self) -> dt.date:
        """Last day of the baseline."""
        return self.period.end

    @property
    def label(self) -> str:
        """How the baseline is written, e.g. ``"2013/14"``."""
        return self.period.label


@dataclass(frozen=True)
class Measure:
    """A quantitative measure the plan is judged by.

    Attributes
    ----------
    id, title : str
        Its id and title (the seed's words where the seed names it).
    data : DataRef
        The figures it reads.
    unit : str
        One of `pcp_data.vocabulary.UNITS`.
    frequency : str
        One of `pcp_data.vocabulary.FREQUENCIES`: how the measure is reported.
    polarity : str
        One of `pcp_data.vocabulary.POLARITIES`.
    tier : str or None
        One of `pcp_data.vocabulary.TIERS`, when the plan sets an expectation.
    group : str or None
        The seed's heading above the measure (its `Labels.measure_group`).
    baseline : Baseline or None
        The period it is judged against.
    target : Target or None
        A pledge, e.g. officers above 3,000 (`pcp_data.vocabulary.Target`, with its label).
    kpq_ids, priority_ids : tuple of str
        The KPQs and priorities it answers.
    chosen_by_product : bool
        True when the seed names no such measure and the product chose it from the data it
        holds; `note` then says why.
    note : str or None
        The file author's note.
    seed_text : str or None
        The seed's own words for the measure.
    """

    id: str
    title: str
    data: DataRef
    unit: str
    frequency: str
    polarity: str
    tier: str | None = None
    group: str | None = None
    baseline: Baseline | None = None
    target: Target | None = None
    kpq_ids: tuple[str, ...] = ()
    priority_ids: tuple[str, ...] = ()
    chosen_by_product: bool = False
    note: str | None = None
    seed_text: str | None = None

    @property
    def tier_text(self) -> str | None:
        """The framework's words for the tier, e.g. "Improvement in performance is expected"."""
        return TIERS[self.tier].text if self.tier else None


@dataclass(frozen=True)
class Rebase:
    """A date after which comparisons start afresh (a new plan, a recording-standard change)."""

    date: dt.date
    reason: str


@dataclass(frozen=True)
class Settings:
    """How the plan's figures are judged.

    Attributes
    ----------
    minimum_base : int
        Fewest respondents for which a survey percentage is shown (default 50).
    peer_group : tuple of str
        Force codes of the Most Similar Group (up to 7), the plan's force excluded.
    peer_group_chosen_by_product : bool
        True when the product chose the peers.
    peer_group_note : str or None
        Why those peers.
    rebase : tuple of Rebase
        In date order.
    """

    minimum_base: int = 50
    peer_group: tuple[str, ...] = ()
    peer_group_chosen_by_product: bool = False
    peer_group_note: str | None = None
    rebase: tuple[Rebase, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question a page shows at a time: a KPQ, or a priority when the plan has no KPQs.

    Attributes
    ----------
    id : str
        The KPQ's or priority's id.
    title : str
        The KPQ's question, or the priority's title.
    measures : tuple of Measure
        The measures that answer it, in plan order (may be empty).
    derived_from_priority : bool
        True when the plan has no KPQs and the question stands for a priority.
    kpq : KPQ or None
        The KPQ, when not derived.
    priority : Priority or None
        The priority, when derived.
    """

    id: str
    title: str
    measures: tuple[Measure, ...]
    derived_from_priority: bool = False
    kpq: KPQ | None = None
    priority: Priority | None = None


@dataclass(frozen=True)
class Plan:
    """A Police and Crime Plan: its structure in its own words, and its measures.

    Build one with `load_plan`; the constructor does not validate.

    Attributes
    ----------
    id, force, force_code, title, vision : str
        As in the file.
    period : Period
        The plan's span.
    source : PlanSource
        Where its words come from.
    labels : Labels
        The plan's names for its levels.
    top_level : tuple of TopItem
        Outcomes / objectives / themes; empty when priorities are the top level.
    priorities, kpqs, measures : tuples
        In the plan's order.
    settings : Settings
        Minimum base, peer group, rebase dates.
    notes : tuple of str
        Decisions the file's author made.
    """

    id: str
    force: str
    force_code: str
    title: str
    period: Period
    vision: str
    source: PlanSource
    labels: Labels
    priorities: tuple[Priority, ...]
    measures: tuple[Measure, ...]
    top_level: tuple[TopItem, ...] = ()
    kpqs: tuple[KPQ, ...] = ()
    settings: Settings = field(default_factory=Settings)
    notes: tuple[str, ...] = ()

    # lookups -------------------------------------------------------------------------------

    def measure(self, measure_id: str) -> Measure:
        """The measure with ``measure_id``; KeyError when there is none."""
        return _find(self.measures, measure_id, "measure", self.id)

    def kpq(self, kpq_id: str) -> KPQ:
        """The KPQ with ``kpq_id``; KeyError when there is none."""
        return _find(self.kpqs, kpq_id, "KPQ", self.id)

    def priority(self, priority_id: str) -> Priority:
        """The priority with ``priority_id``; KeyError when there is none."""
        return _find(self.priorities, priority_id, "priority", self.id)

    def top_item(self, top_id: str) -> TopItem:
        """The top-level item with ``top_id``; KeyError when there is none."""
        return _find(self.top_level, top_id, "top-level item", self.id)

    def measures_for_kpq(self, kpq_id: str) -> tuple[Measure, ...]:
        """Measures that answer the KPQ, in plan order; KeyError for an unknown KPQ."""
        self.kpq(kpq_id)
        return tuple(m for m in self.measures if kpq_id in m.kpq_ids)

    def measures_for_priority(self, priority_id: str) -> tuple[Measure, ...]:
        """Measures that answer the priority, in plan order; KeyError for an unknown one."""
        self.priority(priority_id)
        return tuple(m for m in self.measures if priority_id in m.priority_ids)

    def priorities_for(self, top_id: str) -> tuple[Priority, ...]:
        """Priorities under a top-level item, in plan order; KeyError for an unknown item."""
        self.top_item(top_id)
        return tuple(p for p in self.priorities if p.top_id == top_id)

    def kpqs_for(self, top_id: str) -> tuple[KPQ, ...]:
        """KPQs the file places under a top-level item; KeyError for an unknown item."""
        self.top_item(top_id)
        return tuple(k for k in self.kpqs if k.top_id == top_id)

    @property
    def has_kpqs(self) -> bool:
        """Whether the plan has Key Performance Questions of its own."""
        return bool(self.kpqs)

    def questions(self) -> tuple[Question, ...]:
        """The questions to show one at a time.

        Returns
        -------
        tuple of Question
            One per KPQ, in plan order, when the plan has KPQs. A plan without KPQs (most
            plans) gets one question per priority instead, titled with the priority's own
            words and marked ``derived_from_priority=True``: no KPQ is invented.
        """
        if self.kpqs:
            return tuple(
                Question(k.id, k.question, self.measures_for_kpq(k.id), kpq=k) for k in self.kpqs
            )
        return tuple(
            Question(
                p.id,
                p.title,
                self.measures_for_priority(p.id),
                derived_from_priority=True,
                priority=p,
            )
            for p in self.priorities
        )


_T = TypeVar("_T")


def _find(items: tuple[_T, ...], item_id: str, what: str, plan_id: str) -> _T:
    for item in items:
        if item.id == item_id:  # type: ignore[attr-defined]
            return item
    raise KeyError(f"plan {plan_id!r} has no {what} {item_id!r}")


# --------------------------------------------------------------------------------------------
# loading


def shipped_plans() -> dict[str, Path]:
    """The plans shipped in ``pcp_data/plans/``.

    Returns
    -------
    dict of str to Path
        Plan id (the file name without ``.yaml``) to its file, sorted by id.
    """
    return {p.stem: p for p in sorted(PLANS_DIR.glob("*.yaml"))}


def load_shipped(plan_id: str) -> Plan:
    """Load the shipped plan ``plan_id``.

    Raises
    ------
    PlanError
        When no shipped plan has that id, or the file is invalid.
    """
    plans = shipped_plans()
    if plan_id not in plans:
        raise PlanError(
            f"no shipped plan is called {plan_id!r}; expected one of {', '.join(plans)}"
        )
    return load_plan(plans[plan_id])


def load_plan(source: str | Path, *, name: str | None = None) -> Plan:
    """Load and validate a plan.

    Parameters
    ----------
    source : str or Path
        A path to a YAML file, or YAML text (a string with a newline, or one that names no
        ``.yaml``/``.yml`` file).
    name : str, optional
        The name used in messages; defaults to the file name, or ``"<text>"``.

    Returns
    -------
    Plan

    Raises
    ------
    PlanError
        When the file cannot be read or the plan is invalid; the message names the key path
        and what was expected.
    """
    is_path = isinstance(source, Path) or (
        "\n" not in source and source.strip().lower().endswith((".yaml", ".yml"))
    )
    if is_path:
        path = Path(source)
        label = name or path.name
        try:
            _check_size(label, path.stat().st_size)
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise PlanError(f"plan '{label}': no such file {str(path)!r}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PlanError(f"plan '{label}': cannot read {str(path)!r}: {exc}") from None
        return validate_plan_text(text, label)
    return validate_plan_text(str(source), name or "<text>")


def validate_plan_text(text: str, name: str) -> Plan:
    """Parse and validate YAML text as a plan.

    Parameters
    ----------
    text : str
        The YAML.
    name : str
        What to call the plan in messages (usually the file name).

    Returns
    -------
    Plan

    Raises
    ------
    PlanError
        Listing every problem found, each with its key path and what was expected; or one
        saying the plan is bigger or nests deeper than the limits
        (`pcp_data.config.limits`: ``plan_kb``, ``plan_depth``).
    """
    # a long text is too big whatever its encoding: no need to copy it to count its bytes
    _check_size(name, len(text) if len(text) > limits().plan_kb * 1024 else len(text.encode()))
    try:
        _check_shape(text, name)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanError(f"plan '{name}': not valid YAML{where}: {problem}") from None
    builder = _Builder(name)
    plan = builder.build(raw)
    if builder.problems:
        if len(builder.problems) == 1:
            raise PlanError(f"plan '{name}': {builder.problems[0]}")
        listed = "\n".join(f"- {p}" for p in builder.problems)
        raise PlanError(f"plan '{name}' has {len(builder.problems)} problems:\n{listed}")
    assert plan is not None
    return plan


def _check_size(name: str, size: int) -> None:
    cap = limits().plan_kb
    if size > cap * 1024:
        raise PlanError(
            f"plan '{name}' is {megabytes(size)}; a plan file may be at most {cap:g} KB "
            f"(the shipped plans are under 20 KB)"
        )


# What aliases may expand a plan to: a plan of the largest size has fewer values than this,
# so only aliases of aliases (a "billion laughs") reach it.
_MAX_PLAN_VALUES = 200_000


def _check_shape(text: str, name: str) -> None:
    """Refuse YAML nesting deeper than the limit (the YAML library recurses once per level,
    so a deep enough file would end in RecursionError) or expanding, through aliases, to more
    values than any plan has. Reads the YAML's events only; syntax errors are left for
    `yaml.safe_load` to report."""
    cap = limits().plan_depth
    heights: dict[str, int] = {}
    counts: dict[str, int] = {}
    # one entry per open mapping or list: [anchor, values in it, height of what is in it]
    stack: list[list[Any]] = [[None, 0, 0]]
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 0, 0])
            if len(stack) - 1 > cap:
                _too_deep(name, cap, event)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, count, height = stack.pop()
            count, height = count + 1, height + 1
            if anchor:
                counts[anchor], heights[anchor] = count, height
        elif isinstance(event, yaml.ScalarEvent):
            count, height = 1, 0
            if event.anchor:
                counts[event.anchor], heights[event.anchor] = 1, 0
        elif isinstance(event, yaml.AliasEvent):
            anchor = event.anchor or ""
            count, height = counts.get(anchor, 1), heights.get(anchor, 0)
            if len(stack) - 1 + height > cap:
                _too_deep(name, cap, event)
        else:
            continue
        stack[-1][1] += count
        stack[-1][2] = max(stack[-1][2], height)
        if stack[0][1] + sum(entry[1] for entry in stack[1:]) > _MAX_PLAN_VALUES:
            raise PlanError(
                f"plan '{name}': its aliases (*name) expand it to more than "
                f"{_MAX_PLAN_VALUES:,} values{_line(event)}; no plan has so many"
            )


def _too_deep(name: str, cap: int, event: yaml.Event) -> None:
    raise PlanError(
        f"plan '{name}' nests mappings and lists more than {cap} levels deep{_line(event)}; "
        f"a plan is at most {cap} levels deep (the shipped plans: 6)"
    )


def _line(event: yaml.Event) -> str:
    mark = event.start_mark
    return f" (at line {mark.line + 1}, column {mark.column + 1})" if mark else ""


# --------------------------------------------------------------------------------------------
# validation


class _Invalid(Exception):
    """One problem at one key path (collected by `_Builder`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.text = f"{path}: {message}"


def _one_of(values: Any) -> str:
    return "one of " + ", ".join(str(v) for v in values)


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _mapping(
    value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(
            path,
            f"is {_type_name(value)}; expected a mapping with keys "
            f"{', '.join(required + optional)}",
        )
    allowed = required + optional
    for key in value:
        if key not in allowed:
            raise _Invalid(
                _join(path, str(key)), f"is not a known key; expected {_one_of(allowed)}"
            )
    for key in required:
        if key not in value or value[key] is None:
            raise _Invalid(_join(path, key), "is missing; it is required")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _text(value: Any, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        raise _Invalid(path, f"is {_type_name(value)}; expected text")
    text = str(value).strip()
    if not text:
        raise _Invalid(path, "is empty; expected text")
    return text


def _opt_text(d: dict[str, Any], key: str, path: str) -> str | None:
    value = d.get(key)
    return None if value is None else _text(value, _join(path, key))


def _bool(d: dict[str, Any], key: str, path: str) -> bool:
    value = d.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _Invalid(_join(path, key), f"is {value!r}; expected true or false")
    return value


def _choice(value: Any, path: str, choices: Collection[str], what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _Invalid(path, f"{value!r} is not {what}; expected {_one_of(choices)}")
    return value


def _ident(value: Any, path: str) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not _ID.match(str(value)):
        raise _Invalid(
            path,
            f"{value!r} is not a valid id; expected letters, digits, '-', "
            "'_' or '.', starting with a letter or digit",
        )
    return str(value)


def _ids(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _Invalid(path, f"is {_type_name(value)}; expected a list of ids")
    return tuple(_ident(v, f"{path}[{i}]") for i, v in enumerate(value))


def _list(value: Any, path: str, *, required: bool) -> list[Any]:
    if value is None:
        if required:
            raise _Invalid(path, "is missing; expected a list with at least one item")
        return []
    if not isinstance(value, list):
        raise _Invalid(path, f"is {_type_name(value)}; expected a list")
    if required and not value:
        raise _Invalid(path, "is empty; expected at least one item")
    return value


_DATE_EXPECTED = "expected a month YYYY-MM or a day YYYY-MM-DD"


def _date(value: Any, path: str, *, end: bool = False) -> dt.date:
    """A day; a month means its first day (its last when ``end``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = _MONTH.match(text)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                first = dt.date(year, month, 1)
                return month_end(first) if end else first
        else:
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
    raise _Invalid(path, f"{value!r} is not a date; {_DATE_EXPECTED}")


def _period(value: Any, path: str, *, label_required: bool = False) -> Period:
    d = _mapping(
        value,
        path,
        ("start", "end", *(("label",) if label_required else ())),
        () if label_required else ("label",),
    )
    start = _date(d["start"], _join(path, "start"))
    end = _date(d["end"], _join(path, "end"), end=True)
    if end < start:
        raise _Invalid(
            _join(path, "end"),
            f"{end.isoformat()} is before the start "
            f"{start.isoformat()}; expected a date on or after it",
        )
    label = _opt_text(d, "label", path)
    if label is None:
        label = f"{start.year}-{end.year % 100:02d}" if end.year != start.year else str(start.year)
    return Period(start, end, label)


def _label(value: Any, path: str) -> Label:
    d = _mapping(value, path, ("singular", "plural"), ())
    return Label(
        _text(d["singular"], _join(path, "singular")), _text(d["plural"], _join(path, "plural"))
    )


def _force_code(value: Any, path: str) -> str:
    code = value.strip() if isinstance(value, str) else value
    if not isinstance(code, str) or not (code in _FORCE_CODES or _LOCAL_CODE.match(code)):
        raise _Invalid(
            path,
            f"{value!r} is not a police force area code; expected an ONS "
            "E23/W15 code such as E23000008 (Durham), or LOCAL:<slug>",
        )
    return code


class _Builder:
    """Builds a `Plan` from parsed YAML, collecting every problem it finds."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.seen_ids: dict[str, str] = {}

    def attempt(self, fn: Callable[[], _T]) -> _T | None:
        try:
            return fn()
        except _Invalid as exc:
            self.problems.append(exc.text)
            return None

    def claim(self, item_id: str, path: str) -> None:
        if item_id in self.seen_ids:
            raise _Invalid(
                path,
                f"duplicate id {item_id!r} (already used at "
                f"{self.seen_ids[item_id]}); expected ids unique across the plan",
            )
        self.seen_ids[item_id] = path

    def items(self, values: list[Any], path: str, build: Callable[[Any, str], _T]) -> list[_T]:
        out: list[_T] = []
        for i, value in enumerate(values):
            item = self.attempt(partial(build, value, f"{path}[{i}]"))
            if item is not None:
                out.append(item)
        return out

    # the whole plan ----------------------------------------------------------------------

    _REQUIRED = (
        "id",
        "force",
        "force_code",
        "title",
        "period",
        "vision",
        "source",
        "labels",
        "priorities",
        "measures",
    )
    _OPTIONAL = ("top_level", "kpqs", "settings", "notes")

    def build(self, raw: Any) -> Plan | None:
        if not isinstance(raw, dict):
            self.problems.append(
                f"the file holds {_type_name(raw)}; expected a mapping with "
                f"keys {', '.join(self._REQUIRED)}"
            )
            return None
        unknown = [k for k in raw if k not in self._REQUIRED + self._OPTIONAL]
        for key in unknown:
            self.problems.append(
                f"{key}: is not a known key; expected {_one_of(self._REQUIRED + self._OPTIONAL)}"
            )
        for key in self._REQUIRED:
            if raw.get(key) is None:
                self.problems.append(f"{key}: is missing; it is required")
        if self.problems:
            return None

        head = self.attempt(
            lambda: (
                _ident(raw["id"], "id"),
                _text(raw["force"], "force"),
                _force_code(raw["force_code"], "force_code"),
                _text(raw["title"], "title"),
                _text(raw["vision"], "vision"),
            )
        )
        period = self.attempt(lambda: _period(raw["period"], "period"))
        source = self.attempt(lambda: self.source(raw["source"]))
        notes = self.attempt(lambda: self.notes(raw.get("notes")))
        labels = self.attempt(lambda: self.labels(raw["labels"]))

        top_raw = self.attempt(lambda: _list(raw.get("top_level"), "top_level", required=False))
        top = self.items(top_raw or [], "top_level", self.top_item)
        if labels is not None and top_raw and labels.top is None:
            self.problems.append(
                "labels.top: is missing; it is required when top_level is "
                "given (e.g. {singular: Outcome, plural: Outcomes})"
            )
        top_ids = {t.id for t in top}
        has_top = bool(top_raw)

        pr_raw = self.attempt(lambda: _list(raw["priorities"], "priorities", required=True))
        priorities = self.items(
            pr_raw or [], "priorities", lambda v, p: self.priority(v, p, top_ids, has_top)
        )
        top = [
            TopItem(
                t.id, t.title, t.description, tuple(p.id for p in priorities if p.top_id == t.id)
            )
            for t in top
        ]

        kq_raw = self.attempt(lambda: _list(raw.get("kpqs"), "kpqs", required=False))
        kpqs = self.items(kq_raw or [], "kpqs", lambda v, p: self.kpq(v, p, top_ids, has_top))

        ms_raw = self.attempt(lambda: _list(raw["measures"], "measures", required=False))
        kpq_ids = {k.id for k in kpqs}
        priority_ids = {p.id for p in priorities}
        measures = self.items(
            ms_raw or [], "measures", lambda v, p: self.measure(v, p, kpq_ids, priority_ids)
        )

        force_code = head[2] if head else None
        settings = self.attempt(lambda: self.settings(raw.get("settings"), force_code))

        if self.problems:
            return None
        assert head and period and source and labels and settings is not None
        plan_id, force, code, title, vision = head
        return Plan(
            id=plan_id,
            force=force,
            force_code=code,
            title=title,
            period=period,
            vision=vision,
            source=source,
            labels=labels,
            top_level=tuple(top),
            priorities=tuple(priorities),
            kpqs=tuple(kpqs),
            measures=tuple(measures),
            settings=settings,
            notes=notes or (),
        )

    # parts -------------------------------------------------------------------------------

    def source(self, value: Any) -> PlanSource:
        d = _mapping(value, "source", ("document", "date"), ("file", "note"))
        return PlanSource(
            document=_text(d["document"], "source.document"),
            date=_date(d["date"], "source.date"),
            file=_opt_text(d, "file", "source"),
            note=_opt_text(d, "note", "source"),
        )

    def notes(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            return (_text(value, "notes"),)
        return tuple(
            _text(v, f"notes[{i}]") for i, v in enumerate(_list(value, "notes", required=False))
        )

    def labels(self, value: Any) -> Labels:
        d = _mapping(value, "labels", ("priority",), ("top", "kpq", "measure_group"))
        return Labels(
            priority=_label(d["priority"], "labels.priority"),
            top=_label(d["top"], "labels.top") if d.get("top") is not None else None,
            kpq=(
                _label(d["kpq"], "labels.kpq")
                if d.get("kpq") is not None
                else Label("Key Performance Question", "Key Performance Questions")
            ),
            measure_group=(
                _label(d["measure_group"], "labels.measure_group")
                if d.get("measure_group") is not None
                else None
            ),
        )

    def top_item(self, value: Any, path: str) -> TopItem:
        d = _mapping(value, path, ("id", "title"), ("description",))
        item_id = _ident(d["id"], _join(path, "id"))
        self.claim(item_id, _join(path, "id"))
        return TopItem(
            item_id, _text(d["title"], _join(path, "title")), _opt_text(d, "description", path)
        )

    def _top_ref(
        self, d: dict[str, Any], path: str, top_ids: set[str], *, required: bool
    ) -> str | None:
        if d.get("top") is None:
            if required:
                raise _Invalid(
                    _join(path, "top"),
                    "is missing; it is required when top_level "
                    f"is given; expected {_one_of(sorted(top_ids))}",
                )
            return None
        ref = _ident(d["top"], _join(path, "top"))
        if ref not in top_ids:
            expected = (
                _one_of(sorted(top_ids))
                if top_ids
                else "no top reference, since the plan has no top_level"
            )
            raise _Invalid(
                _join(path, "top"), f"{ref!r} is not a top-level item; expected {expected}"
            )
        return ref

    def priority(self, value: Any, path: str, top_ids: set[str], has_top: bool) -> Priority:
        d = _mapping(value, path, ("id", "title"), ("top", "description", "note"))
        item_id = _ident(d["id"], _join(path, "id"))
        self.claim(item_id, _join(path, "id"))
        return Priority(
            id=item_id,
            title=_text(d["title"], _join(path, "title")),
            top_id=self._top_ref(d, path, top_ids, required=has_top),
            description=_opt_text(d, "description", path),
            note=_opt_text(d, "note", path),
        )

    def kpq(self, value: Any, path: str, top_ids: set[str], has_top: bool) -> KPQ:
        d = _mapping(value, path, ("id", "question"), ("top", "note"))
        item_id = _ident(d["id"], _join(path, "id"))
        self.claim(item_id, _join(path, "id"))
        return KPQ(
            id=item_id,
            question=_text(d["question"], _join(path, "question")),
            top_id=self._top_ref(d, path, top_ids, required=False),
            note=_opt_text(d, "note", path),
        )

    _MEASURE_REQUIRED = ("id", "title", "data", "unit", "frequency", "polarity")
    _MEASURE_OPTIONAL = (
        "tier",
        "group",
        "baseline",
        "target",
        "kpqs",
        "priorities",
        "chosen_by_product",
        "note",
        "seed_text",
    )

    def measure(self, value: Any, path: str, kpq_ids: set[str], priority_ids: set[str]) -> Measure:
        d = _mapping(value, path, self._MEASURE_REQUIRED, self._MEASURE_OPTIONAL)
        item_id = _ident(d["id"], _join(path, "id"))
        self.claim(item_id, _join(path, "id"))
        data = self.data(d["data"], _join(path, "data"))
        unit = _choice(d["unit"], _join(path, "unit"), UNITS, "a unit")
        allowed = (
            ("rate_per_1000",)
            if data.per_1000_population
            else _UNITS_FOR[(data.dataset, data.measure)]
        )
        if unit not in allowed:
            raise _Invalid(
                _join(path, "unit"),
                f"{unit!r} does not fit {data.dataset} "
                f"{data.measure}{' per 1,000 population' if data.per_1000_population else ''}; "
                f"expected {_one_of(allowed)}",
            )
        tier = d.get("tier")
        if tier is not None:
            tier = _choice(tier, _join(path, "tier"), TIERS, "a tier")
        kpqs = _ids(d.get("kpqs"), _join(path, "kpqs"))
        for i, ref in enumerate(kpqs):
            if ref not in kpq_ids:
                expected = (
                    _one_of(sorted(kpq_ids)) if kpq_ids else "none, since the plan has no KPQs"
                )
                raise _Invalid(
                    f"{path}.kpqs[{i}]", f"{ref!r} is not a KPQ of this plan; expected {expected}"
                )
        priorities = _ids(d.get("priorities"), _join(path, "priorities"))
        for i, ref in enumerate(priorities):
            if ref not in priority_ids:
                raise _Invalid(
                    f"{path}.priorities[{i}]",
                    f"{ref!r} is not a priority of this "
                    f"plan; expected {_one_of(sorted(priority_ids))}",
                )
        if not kpqs and not priorities:
            raise _Invalid(
                path, "answers no KPQ or priority; expected at least one id in kpqs or priorities"
            )
        chosen = _bool(d, "chosen_by_product", path)
        note = _opt_text(d, "note", path)
        if chosen and note is None:
            raise _Invalid(
                _join(path, "note"),
                "is missing; it is required when "
                "chosen_by_product is true (say why the measure was chosen)",
            )
        return Measure(
            id=item_id,
            title=_text(d["title"], _join(path, "title")),
            data=data,
            unit=unit,
            frequency=_choice(d["frequency"], _join(path, "frequency"), FREQUENCIES, "a frequency"),
            polarity=_choice(d["polarity"], _join(path, "polarity"), POLARITIES, "a polarity"),
            tier=tier,
            group=_opt_text(d, "group", path),
            baseline=(
                self.baseline(d["baseline"], _join(path, "baseline"))
                if d.get("baseline") is not None
                else None
            ),
            target=(
                self.target(d["target"], _join(path, "target"))
                if d.get("target") is not None
                else None
            ),
            kpq_ids=kpqs,
            priority_ids=priorities,
            chosen_by_product=chosen,
            note=note,
            seed_text=_opt_text(d, "seed_text", path),
        )

    def data(self, value: Any, path: str) -> DataRef:
        d = _mapping(
            value,
            path,
            ("dataset", "measure"),
            ("category", "subcategory", "sum_of", "per_1000_population"),
        )
        dataset = _choice(
            d["dataset"], _join(path, "dataset"), tuple(vocabulary.DATASETS), "a dataset"
        )
        measure = _choice(
            d["measure"],
            _join(path, "measure"),
            vocabulary.MEASURES[dataset],
            f"a measure of {dataset}",
        )
        per_1000 = _bool(d, "per_1000_population", path)
        if per_1000 and dataset not in _PER_1000_DATASETS:
            raise _Invalid(
                _join(path, "per_1000_population"),
                f"cannot apply to {dataset}; expected it only for {', '.join(_PER_1000_DATASETS)}",
            )
        if per_1000 and measure == "rate_per_1000":
            raise _Invalid(
                _join(path, "per_1000_population"),
                "cannot apply to a measure that is already a rate; expected measure offences",
            )
        if d.get("sum_of") is not None:
            for key in ("category", "subcategory"):
                if d.get(key) is not None:
                    raise _Invalid(
                        _join(path, key),
                        "cannot be given with sum_of; expected the category in each sum_of item",
                    )
            parts = _list(d["sum_of"], _join(path, "sum_of"), required=True)
            selections = []
            for i, part in enumerate(parts):
                p = f"{path}.sum_of[{i}]"
                pd_ = _mapping(part, p, ("category",), ("subcategory",))
                selections.append(self.selection(dataset, pd_, p))
            if len(selections) < 2:
                raise _Invalid(
                    _join(path, "sum_of"),
                    "has one item; expected two or more (use category/subcategory for one)",
                )
            return DataRef(dataset, measure, sum_of=tuple(selections), per_1000_population=per_1000)
        category, subcategory = self.selection(dataset, d, path)
        return DataRef(dataset, measure, category, subcategory, per_1000_population=per_1000)

    def selection(
        self, dataset: str, d: dict[str, Any], path: str
    ) -> tuple[str | None, str | None]:
        category = _opt_text(d, "category", path)
        subcategory = _opt_text(d, "subcategory", path)
        cpath, spath = _join(path, "category"), _join(path, "subcategory")
        if category is None:
            if dataset in _CATEGORY_REQUIRED:
                raise _Invalid(
                    cpath,
                    f"is missing; it is required for {dataset}; expected "
                    f"{_one_of(self._categories(dataset))}",
                )
            if subcategory is not None:
                raise _Invalid(cpath, "is missing; it is required when a subcategory is given")
            return None, None
        if dataset == "recorded_crime":
            if category == vocabulary.ANTI_SOCIAL_BEHAVIOUR:
                raise _Invalid(
                    cpath,
                    f"{category!r} is not recorded crime: the store holds it as an indicator; "
                    f"expected dataset indicator, category {category!r}, measure value",
                )
            groups = tuple(vocabulary.OFFENCE_GROUPS)
            if category not in groups:
                raise _Invalid(
                    cpath, f"{category!r} is not an offence group; expected {_one_of(groups)}"
                )
            if subcategory is not None:
                subs = vocabulary.OFFENCE_GROUPS[category]
                if subcategory not in subs:
                    expected = _one_of(subs)
                    raise _Invalid(
                        spath,
                        f"{subcategory!r} is not an offence subgroup of "
                        f"{category}; expected {expected}",
                    )
        elif dataset == "victim_satisfaction":
            if category not in vocabulary.SATISFACTION_QUESTIONS:
                raise _Invalid(
                    cpath,
                    f"{category!r} is not a survey question; expected "
                    f"{_one_of(vocabulary.SATISFACTION_QUESTIONS)}",
                )
        elif dataset == "workforce" and category not in vocabulary.WORKER_TYPES:
            raise _Invalid(
                cpath,
                f"{category!r} is not a worker type; expected {_one_of(vocabulary.WORKER_TYPES)}",
            )
        # population categories and indicator names are open: files may bring others
        return category, subcategory

    @staticmethod
    def _categories(dataset: str) -> tuple[str, ...]:
        return {
            "victim_satisfaction": vocabulary.SATISFACTION_QUESTIONS,
            "workforce": vocabulary.WORKER_TYPES,
            "indicator": (*vocabulary.SAMPLE_INDICATORS, "any other indicator name"),
        }[dataset]

    def baseline(self, value: Any, path: str) -> Baseline:
        d = _mapping(value, path, ("start", "end"), ("label", "chosen_by_product", "note"))
        period = _period({k: d[k] for k in ("start", "end", "label") if k in d}, path)
        chosen = _bool(d, "chosen_by_product", path)
        note = _opt_text(d, "note", path)
        if chosen and note is None:
            raise _Invalid(
                _join(path, "note"),
                "is missing; it is required when chosen_by_product is true (say why this baseline)",
            )
        return Baseline(period, chosen, note)

    def target(self, value: Any, path: str) -> Target:
        d = _mapping(value, path, ("op", "value"), ("label",))
        op = _choice(d["op"], _join(path, "op"), TARGET_OPS, "a comparison")
        number = d["value"]
        if (
            isinstance(number, bool)
            or not isinstance(number, (int, float))
            or not math.isfinite(number)
        ):
            raise _Invalid(
                _join(path, "value"), f"{number!r} is not a number; expected a number such as 3000"
            )
        label = _opt_text(d, "label", path) or f"{op} {number:,}"
        return Target(op, float(number), label)

    def settings(self, value: Any, force_code: str | None) -> Settings:
        if value is None:
            return Settings()
        d = _mapping(
            value,
            "settings",
            (),
            (
                "minimum_base",
                "peer_group",
                "peer_group_chosen_by_product",
                "peer_group_note",
                "rebase",
            ),
        )
        base = d.get("minimum_base", 50)
        if isinstance(base, bool) or not isinstance(base, int) or base < 1:
            raise _Invalid(
                "settings.minimum_base",
                f"{base!r} is not a whole number of "
                "respondents; expected a whole number of 1 or more, e.g. 50",
            )
        peers_raw = _list(d.get("peer_group"), "settings.peer_group", required=False)
        if len(peers_raw) > _MAX_PEERS:
            raise _Invalid(
                "settings.peer_group",
                f"has {len(peers_raw)} forces; expected at "
                f"most {_MAX_PEERS} (a Most Similar Group)",
            )
        peers: list[str] = []
        for i, code in enumerate(peers_raw):
            p = f"settings.peer_group[{i}]"
            code = _force_code(code, p)
            if code == force_code:
                raise _Invalid(p, f"{code!r} is the plan's own force; expected other forces")
            if code in peers:
                raise _Invalid(p, f"duplicate force {code!r}; expected each force once")
            peers.append(code)
        rebases = []
        for i, item in enumerate(_list(d.get("rebase"), "settings.rebase", required=False)):
            p = f"settings.rebase[{i}]"
            r = _mapping(item, p, ("date", "reason"), ())
            rebases.append(
                Rebase(_date(r["date"], _join(p, "date")), _text(r["reason"], _join(p, "reason")))
            )
        return Settings(
            minimum_base=base,
            peer_group=tuple(peers),
            peer_group_chosen_by_product=_bool(d, "peer_group_chosen_by_product", "settings"),
            peer_group_note=_opt_text(d, "peer_group_note", "settings"),
            rebase=tuple(sorted(rebases, key=lambda r: r.date)),
        )
