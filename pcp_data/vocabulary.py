"""The words the store uses: datasets, measures and the categories each dataset holds; and the
words of a plan's measures: units, frequencies, polarities, expectation tiers and targets.

Readers translate what a file says into these words; plans refer to them; pages show them.
Offence groups and subgroups follow the Home Office police recorded crime open data tables
(2017/18 edition), which is what analysts download.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from pcp_data.periods import financial_year_label

DATASETS: dict[str, str] = {
    "recorded_crime": "Police recorded crime",
    "victim_satisfaction": "Victim satisfaction",
    "workforce": "Police workforce",
    "population": "Population",
    "indicator": "Other indicators",
}

# measure names that may appear in the `measure` column of facts, per dataset
MEASURES: dict[str, tuple[str, ...]] = {
    "recorded_crime": ("offences", "rate_per_1000"),
    "victim_satisfaction": ("satisfied",),
    "workforce": ("fte", "headcount"),
    "population": ("persons",),
    "indicator": ("value",),
}

OFFENCE_GROUPS: dict[str, tuple[str, ...]] = {
    "Violence against the person": (
        "Homicide",
        "Violence with injury",
        "Violence without injury",
        "Stalking and harassment",
    ),
    "Sexual offences": ("Rape offences", "Other sexual offences"),
    "Robbery": ("Robbery of business property", "Robbery of personal property"),
    "Theft offences": (
        "Domestic burglary",
        "Non-domestic burglary",
        "Theft from a vehicle",
        "Theft of a motor vehicle",
        "Vehicle interference",
        "Theft from the person",
        "Bicycle theft",
        "Shoplifting",
        "Other theft offences",
    ),
    "Criminal damage and arson": ("Criminal damage", "Arson"),
    "Drug offences": ("Trafficking of drugs", "Possession of drugs"),
    "Possession of weapons offences": ("Possession of weapons offences",),
    "Public order offences": ("Public order offences",),
    "Miscellaneous crimes": ("Miscellaneous crimes",),
}

# Categories outside police recorded crime that data.police.uk reports alongside it.
ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"

SATISFACTION_QUESTIONS: tuple[str, ...] = (
    "Ease of contact",
    "Actions taken",
    "Kept informed",
    "Treatment",
    "Whole experience",
)

WORKER_TYPES: tuple[str, ...] = (
    "Police officers",
    "Police staff",
    "PCSOs",
    "Designated officers",
    "Special constables",
)
# names files give worker types, in lower case, with the vocabulary's name of each
WORKER_TYPE_NAMES: dict[str, str] = {
    "police officer": "Police officers",
    "police officers": "Police officers",
    "officers": "Police officers",
    "police staff": "Police staff",
    "staff": "Police staff",
    "pcso": "PCSOs",
    "pcsos": "PCSOs",
    "police community support officer": "PCSOs",
    "police community support officers": "PCSOs",
    "designated officer": "Designated officers",
    "designated officers": "Designated officers",
    "special constable": "Special constables",
    "special constables": "Special constables",
    "specials": "Special constables",
}

# Indicators the sample data carries; real indicator files may bring others.
SAMPLE_INDICATORS: tuple[str, ...] = (
    "Public confidence in the police",
    "Proven re-offending rate",
    "101 calls answered within 30 seconds",
)

# area kinds kept apart in the store so that regions and nations never mix with forces
AREA_KINDS: tuple[str, ...] = ("force", "region", "nation", "other")


# --------------------------------------------------------------------------- measures
# A plan's measure has a unit, a frequency, a polarity, perhaps an expectation tier and a
# target (`pcp_data.plan`); these are their names and the words and rules that go with them.


@dataclass(frozen=True)
class Unit:
    """What a measure's figures count, and how they are written.

    ``axis`` titles the value axis; ``figure`` and ``change`` are format strings for a figure
    and a change in it (``"{:,.1f} per 1,000"``); ``tick`` is the chart's d3 number format;
    ``adds_up`` says whether figures of several periods are added (counts) or averaged.
    """

    name: str
    axis: str
    figure: str
    change: str
    tick: str
    adds_up: bool

    def format(self, value: float) -> str:
        """``12,345``, ``78.4%``, ``55.1 per 1,000``."""
        return self.figure.format(value)


UNITS: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("count", "Number", "{:,.0f}", "{:+,.0f}", ",.0f", True),
        Unit(
            "rate_per_1000",
            "Per 1,000 people",
            "{:,.1f} per 1,000",
            "{:+,.2f} per 1,000",
            ",.2f",
            False,
        ),
        Unit("percent", "Per cent", "{:.1f}%", "{:+.1f} points", ".1f", False),
        Unit("fte", "Full-time equivalent", "{:,.1f} FTE", "{:+,.1f}", ",.1f", True),
        Unit("headcount", "Headcount", "{:,.0f}", "{:+,.0f}", ",.0f", True),
        Unit("number", "Value", "{:,.1f}", "{:+,.1f}", ",.1f", False),
    )
}


def unit_of(name: str) -> Unit:
    """The unit called ``name``; a name the vocabulary does not know is written as a count,
    under its own name."""
    return UNITS.get(name) or Unit(name, name, "{:,.0f}", "{:+,.0f}", ",.0f", True)


@dataclass(frozen=True)
class Frequency:
    """How often a measure's figures come, and the words for it.

    ``words`` names it (``"rolling 12 months"``), ``figures`` goes before "figures"
    (``"rolling 12-month figures"``), ``axis`` titles the time axis; ``period`` and
    ``periods`` count a chart's points (``"7 months in a row"``); ``step_months`` is the
    months from one period's end to the next, None where it varies (rolling years come
    monthly or quarterly, snapshots at any date).
    """

    name: str
    words: str
    figures: str
    axis: str
    period: str
    periods: str
    step_months: int | None

    @property
    def seasons(self) -> int | None:
        """Periods in a year that can differ by season: 12 months, 4 quarters; else None."""
        step = self.step_months
        return 12 // step if step is not None and step < 12 else None


FREQUENCIES: dict[str, Frequency] = {
    f.name: f
    for f in (
        Frequency("month", "monthly", "monthly", "Month ending", "month", "months", 1),
        Frequency("quarter", "quarterly", "quarterly", "Quarter ending", "quarter", "quarters", 3),
        Frequency(
            "financial_year",
            "financial year",
            "financial-year",
            "Financial year ending",
            "year",
            "years",
            12,
        ),
        Frequency(
            "rolling_12_months",
            "rolling 12 months",
            "rolling 12-month",
            "12 months ending",
            "period",
            "periods",
            None,
        ),
        Frequency("snapshot", "snapshot", "snapshot", "As at", "point", "points", None),
    )
}
FREQUENCY_WORDS: dict[str, str] = {f.name: f.words for f in FREQUENCIES.values()}

# period types the store holds that are no measure's frequency (`pcp_data.facts.PERIOD_TYPES`)
_OTHER_PERIOD_TYPE_FIGURES = {"rolling_year": "rolling-year", "year": "yearly"}


def figures_words(kind: str) -> str:
    """A frequency, or a period type the store holds, as written before "figures".

    >>> figures_words("financial_year"), figures_words("rolling_year")
    ('financial-year', 'rolling-year')
    """
    if kind in FREQUENCIES:
        return FREQUENCIES[kind].figures
    return _OTHER_PERIOD_TYPE_FIGURES.get(kind, kind)


def period_label(date: object, frequency: str) -> str:
    """Words for one period given its end date: ``"March 2019"``, ``"the quarter to March 2019"``,
    ``"2018/19"`` (financial year), ``"31 March 2019"`` (snapshot),
    ``"12 months to March 2019"`` (rolling)."""
    ts = pd.Timestamp(date)
    month: str = ts.strftime("%B %Y")
    if frequency == "quarter":
        return f"the quarter to {month}"
    if frequency == "financial_year":
        return financial_year_label(ts)
    if frequency == "snapshot":
        return f"{ts.day} {month}"
    if frequency == "rolling_12_months":
        return f"12 months to {month}"
    return month


POLARITY_SIGNS: dict[str, int] = {"higher_is_better": 1, "lower_is_better": -1, "neutral": 0}
"""Each polarity with the sign of a change for the better (0: no change is better or worse)."""
POLARITIES: tuple[str, ...] = tuple(POLARITY_SIGNS)


@dataclass(frozen=True)
class Tier:
    """An expectation tier: ``text`` in the words of the Devon and Cornwall 2014 framework,
    ``expectation`` as a judgement's sentence gives it."""

    name: str
    text: str
    expectation: str


TIERS: dict[str, Tier] = {
    t.name: t
    for t in (
        Tier(
            "maintain",
            "Current good performance should be maintained",
            "the plan expects it to be maintained",
        ),
        Tier("improve", "Improvement in performance is expected", "the plan expects it to improve"),
        Tier(
            "transform",
            "Transformation of performance is required",
            "the plan expects it to be transformed (special cause improvement)",
        ),
    )
}

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
TARGET_OPS: tuple[str, ...] = tuple(_COMPARISONS)
JUDGED_TARGET_OPS: tuple[str, ...] = (">=", ">", "<=", "<")
"""Targets figures are judged against; an ``==`` target is shown, never judged."""


@dataclass(frozen=True)
class Target:
    """A target or pledge such as ``Target(">", 3000, "above 3,000")``: a figure meets it
    when ``figure op value``. ``label`` is how the plan words it."""

    op: str
    value: float
    label: str | None = None

    def __post_init__(self) -> None:
        if self.op not in TARGET_OPS:
            raise ValueError(f"target op must be one of {', '.join(TARGET_OPS)}, not {self.op!r}")
        if self.value is None or not math.isfinite(float(self.value)):
            raise ValueError(f"target value must be a finite number, not {self.value!r}")

    @property
    def judged(self) -> bool:
        """Whether figures are judged against it (see `JUDGED_TARGET_OPS`)."""
        return self.op in JUDGED_TARGET_OPS

    def met_by(self, figure: float) -> bool:
        """Whether ``figure`` meets the target."""
        return _COMPARISONS[self.op](figure, self.value)

    @classmethod
    def judged_from(cls, target: Target | tuple[str, float] | Mapping[str, object]) -> Target:
        """A target to judge figures against, from a Target, ``(op, value)`` or
        ``{"op": ..., "value": ...}``; ValueError for an ``==`` target or anything else."""
        if isinstance(target, Mapping):
            target = cls(str(target.get("op")), float(target.get("value")))  # type: ignore[arg-type]
        elif isinstance(target, Sequence) and not isinstance(target, str) and len(target) == 2:
            target = cls(str(target[0]), float(target[1]))
        if not isinstance(target, Target):
            raise ValueError(f"a target is (op, value), e.g. ('>=', 75); not {target!r}")
        if not target.judged:
            raise ValueError(
                f"target op must be one of {', '.join(JUDGED_TARGET_OPS)}, not {target.op!r}"
            )
        return target


# --------------------------------------------------------------------------- classification
# Publications name some offences differently, and recording rules renamed some over time.
# Readers keep each publication's own names (a figure is stored as published); these tables
# say which names are the same offences, from when, and the words that say so beside the
# figures. They are data for whoever assembles a measure's series, never applied in a reader.


@dataclass(frozen=True)
class ClassificationChange:
    """A vocabulary category that a publication gives under another name (the same offences).

    A plan's selection ``(category, name)`` (``category`` None when ``name`` is an offence
    group) may be read in ``publication`` as the selection ``(other_category, other_name)``
    (``other_name`` None when the other name is a category of its own, as data.police.uk's
    crime types are), for periods from ``since`` (ISO date, None: every period), and
    ``words`` are shown with the figures so read.
    """

    category: str | None
    name: str
    other_category: str | None
    other_name: str | None
    publication: str
    since: str | None
    words: str


@dataclass(frozen=True)
class CombinedHeading:
    """A heading a publication gives for several vocabulary categories together, so that none
    of them can be read from it alone (and it is never a substitute for one of them).

    ``(category, name)`` is the selection as published (``category`` None when ``name`` is a
    category of its own); ``parts`` are the vocabulary's (group, subgroup) selections it adds
    up (subgroup None: the whole group); ``words`` say so where a part is missing.
    """

    category: str | None
    name: str
    publication: str
    parts: tuple[tuple[str, str | None], ...]
    words: str


_ONS = "ONS Crime in England and Wales: Police Force Area data tables"
_POLICE_UK = "data.police.uk street-level crime"

CLASSIFICATION_CHANGES: tuple[ClassificationChange, ...] = (
    ClassificationChange(
        "Theft offences",
        "Domestic burglary",
        "Theft offences",
        "Residential burglary",
        _ONS,
        "2017-04-01",
        "From April 2017 domestic burglary is recorded as residential burglary (which also "
        "takes in sheds and garages within a home's grounds); the ONS tables call it "
        "Residential burglary, the Home Office tables keep the name Domestic burglary for the "
        "same offences (codes 28E-28H): ONS Residential burglary figures are shown for "
        "Domestic burglary",
    ),
    ClassificationChange(
        "Theft offences",
        "Non-domestic burglary",
        "Theft offences",
        "Non-residential burglary",
        _ONS,
        "2017-04-01",
        "From April 2017 non-domestic burglary is recorded as business and community burglary "
        "(sheds and garages within a home's grounds moved to residential burglary); the ONS "
        "tables call it Non-residential burglary, the Home Office tables keep the name "
        "Non-domestic burglary for the same offences (codes 30C-30D): ONS Non-residential "
        "burglary figures are shown for Non-domestic burglary",
    ),
    ClassificationChange(
        None,
        "Drug offences",
        "Drugs",
        None,
        _POLICE_UK,
        None,
        "data.police.uk calls drug offences Drugs: its Drugs figures are shown",
    ),
    ClassificationChange(
        None,
        "Possession of weapons offences",
        "Possession of weapons",
        None,
        _POLICE_UK,
        None,
        "data.police.uk calls possession of weapons offences Possession of weapons: its "
        "figures are shown",
    ),
    ClassificationChange(
        None,
        "Public order offences",
        "Public order",
        None,
        _POLICE_UK,
        None,
        "data.police.uk calls public order offences Public order: its figures are shown",
    ),
    ClassificationChange(
        "Theft offences",
        "Shoplifting",
        "Shoplifting",
        None,
        _POLICE_UK,
        None,
        "data.police.uk gives shoplifting as a crime type of its own: its figures are shown",
    ),
    ClassificationChange(
        "Theft offences",
        "Bicycle theft",
        "Bicycle theft",
        None,
        _POLICE_UK,
        None,
        "data.police.uk gives bicycle theft as a crime type of its own: its figures are shown",
    ),
    ClassificationChange(
        "Theft offences",
        "Theft from the person",
        "Theft from the person",
        None,
        _POLICE_UK,
        None,
        "data.police.uk gives theft from the person as a crime type of its own: its figures "
        "are shown",
    ),
    ClassificationChange(
        "Theft offences",
        "Other theft offences",
        "Other theft",
        None,
        _POLICE_UK,
        None,
        "data.police.uk calls other theft offences Other theft: its figures are shown",
    ),
)

CLASSIFICATION_COMBINED: tuple[CombinedHeading, ...] = (
    CombinedHeading(
        "Theft offences",
        "Vehicle offences",
        _ONS,
        (
            ("Theft offences", "Theft from a vehicle"),
            ("Theft offences", "Theft of a motor vehicle"),
            ("Theft offences", "Vehicle interference"),
        ),
        "The ONS tables give theft from a vehicle, theft of a motor vehicle and vehicle "
        "interference only together, as Vehicle offences: none of them can be read from "
        "those tables alone",
    ),
    CombinedHeading(
        "Theft offences",
        "Burglary",
        _ONS,
        (("Theft offences", "Domestic burglary"), ("Theft offences", "Non-domestic burglary")),
        "The ONS tables' Burglary is residential and non-residential burglary together",
    ),
    CombinedHeading(
        "Vehicle crime",
        "Vehicle crime",
        _POLICE_UK,
        (
            ("Theft offences", "Theft from a vehicle"),
            ("Theft offences", "Theft of a motor vehicle"),
            ("Theft offences", "Vehicle interference"),
        ),
        "data.police.uk gives theft from a vehicle, theft of a motor vehicle and vehicle "
        "interference only together, as Vehicle crime: none of them can be read from it alone",
    ),
    CombinedHeading(
        "Burglary",
        "Burglary",
        _POLICE_UK,
        (("Theft offences", "Domestic burglary"), ("Theft offences", "Non-domestic burglary")),
        "data.police.uk gives domestic and non-domestic burglary only together, as Burglary: "
        "neither can be read from it alone",
    ),
    CombinedHeading(
        "Violence and sexual offences",
        "Violence and sexual offences",
        _POLICE_UK,
        (("Violence against the person", None), ("Sexual offences", None)),
        "data.police.uk gives violence against the person and sexual offences only together, "
        "as Violence and sexual offences: neither can be read from it alone",
    ),
)


def combined_headings(category: str | None, subcategory: str | None) -> tuple[CombinedHeading, ...]:
    """The published headings that hold the vocabulary selection only inside a larger one.

    >>> [h.name for h in combined_headings("Theft offences", "Theft from a vehicle")]
    ['Vehicle offences', 'Vehicle crime']
    """
    return tuple(
        h
        for h in CLASSIFICATION_COMBINED
        if (category, subcategory) in h.parts
        or (subcategory is None and (category, None) in h.parts)
    )
