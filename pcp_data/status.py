"""One status per measure from its evidence, a judgement against its expectation, and roll-ups.

Status (what the evidence says)
-------------------------------
========================  ===================================================================
``improving``             SPC: special cause improvement at the latest point. Survey: a
                          statistically significant change in the good direction.
``stable``                SPC: common cause variation at the latest point. Survey: no
                          statistically significant change.
``deteriorating``         SPC: special cause concern. Survey: a significant change in the bad
                          direction.
``changed``               A special cause (or significant change) on a measure with no
                          polarity: something changed, neither better nor worse.
``not enough data``       No data, fewer than 2 observed points (no limits), SPC refused
                          (rolling 12-month figures), or a survey base below the minimum.
========================  ===================================================================

Limits resting on fewer than 12 points are provisional: the status stands but is marked
provisional and its sentence says so (the SPC sentence already does).

Judgement (status against the expectation tier)
-----------------------------------------------
====================  ==============  =================  =================  ================
status                maintain        improve            transform          (no tier)
====================  ==============  =================  =================  ================
improving             on track        on track           on track           on track
stable                on track        needs attention    needs attention    on track
changed               needs attention needs attention    needs attention    needs attention
deteriorating         of concern      of concern         of concern         of concern
not enough data       not judged      not judged         not judged         not judged
====================  ==============  =================  =================  ================

A *maintain* measure that is stable is on track; an *improve* measure that is stable is not yet
improving ("needs attention"); a *transform* measure needs special cause improvement. A measure
with no tier is read as *maintain*.

The target assurance, when there is one, then moves the judgement by one step at most:
*consistently fail* turns "on track" into "needs attention" (the target will not be met unless
something changes); *consistently pass* turns "needs attention" into "on track" (the target is
met every time) and "of concern" into "needs attention". *Hit and miss* changes nothing.
Where no XmR chart judges (`pcp_data.judging`), the latest figure alone says whether the
target is met: *target missed* turns "on track" into "needs attention"; *target met* changes
nothing (one figure is not evidence that it will go on being met).

Roll-up to a KPQ or priority
----------------------------
Never an average. A roll-up counts its measures in each judgement and takes the **worst**
judgement among the measures that were judged, in the order of concern > needs attention >
on track. "Not judged" is reported only when no measure was judged; otherwise the count of
measures not judged is shown beside the worst. A priority rolls up its KPQs by adding their
counts, so the same rule applies to all of its measures.

Presentation
------------
Status and judgement are never conveyed by colour alone: each has an icon character, words and
a colour from the Government Analysis Function colour-blind-safe palette (#12436D dark blue,
#28A197 turquoise, #801650 dark pink, #F46A25 orange, #3D3D3D dark grey, #A285D1 light purple).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from pcp_data.counts import CountTest
from pcp_data.spc import SPCResult
from pcp_data.surveys import ProportionChange
from pcp_data.vocabulary import TIERS

STATUSES: tuple[str, ...] = ("improving", "stable", "changed", "deteriorating", "not enough data")
JUDGEMENTS: tuple[str, ...] = ("on track", "needs attention", "of concern", "not judged")
"""Judgements from best to worst, then "not judged"."""
ASSURANCES: tuple[str, ...] = (
    "consistently_pass",
    "consistently_fail",
    "hit_and_miss",
    "target_met",
    "target_missed",
)
"""Target assurance: from an XmR chart's limits (the first three), or from the latest figure
alone where no chart judges (``target_met`` / ``target_missed``)."""

SIGNALS: tuple[str, ...] = ("improving", "deteriorating", "changed")
"""Statuses that say the evidence found a change."""
STATUS_OF_VARIATION: dict[str, str] = {
    "common_cause": "stable",
    "special_cause_improvement": "improving",
    "special_cause_concern": "deteriorating",
    "special_cause_neutral_high": "changed",
    "special_cause_neutral_low": "changed",
}
"""The status an XmR chart's or a p-chart's variation at the latest point gives."""

STATUS_STYLE: dict[str, tuple[str, str]] = {
    # name: (icon, colour)
    "improving": ("+", "#28A197"),
    "stable": ("=", "#12436D"),
    "changed": ("~", "#A285D1"),
    "deteriorating": ("−", "#801650"),
    "not enough data": ("?", "#3D3D3D"),
}
JUDGEMENT_STYLE: dict[str, tuple[str, str]] = {
    "on track": ("✔", "#28A197"),
    "needs attention": ("⚠", "#F46A25"),
    "of concern": ("✖", "#801650"),
    "not judged": ("–", "#3D3D3D"),
}

_TABLE: dict[str, dict[str, str]] = {
    "maintain": {
        "improving": "on track",
        "stable": "on track",
        "changed": "needs attention",
        "deteriorating": "of concern",
    },
    "improve": {
        "improving": "on track",
        "stable": "needs attention",
        "changed": "needs attention",
        "deteriorating": "of concern",
    },
    "transform": {
        "improving": "on track",
        "stable": "needs attention",
        "changed": "needs attention",
        "deteriorating": "of concern",
    },
}
_RANK = {"on track": 0, "needs attention": 1, "of concern": 2}
_NO_TIER_WORDS = "the plan sets no expectation, so it is read as maintain"


@dataclass(frozen=True)
class Status:
    """What the evidence says about one measure.

    Attributes
    ----------
    name : str
        One of :data:`STATUSES`.
    sentence : str
        The sentence that produced it (shown on screen).
    provisional : bool
        The evidence rests on fewer than 12 points.
    source : str
        ``"spc"``, ``"survey"`` or ``"none"``.
    """

    name: str
    sentence: str
    provisional: bool = False
    source: str = "none"

    @property
    def icon(self) -> str:
        return STATUS_STYLE[self.name][0]

    @property
    def colour(self) -> str:
        return STATUS_STYLE[self.name][1]

    @property
    def words(self) -> str:
        return self.name + (" (provisional)" if self.provisional else "")

    @property
    def signal(self) -> bool:
        """Whether the evidence found a change (see `SIGNALS`)."""
        return self.name in SIGNALS


@dataclass(frozen=True)
class Judgement:
    """A measure's status judged against its expectation tier (and target assurance).

    Attributes
    ----------
    name : str
        One of :data:`JUDGEMENTS`.
    status : Status
    tier : str or None
    assurance : str or None
        A key of :data:`ASSURANCES` or None.
    sentence : str
        Why: the status, the expectation, any assurance step, then the evidence sentence.
    method : str
        How it was judged: a key of `pcp_data.judging.METHODS` ("" when judged directly).
    points : int
        How many periods the judgement rests on.
    period_end : pandas.Timestamp or None
        The period judged.
    stale : bool
        The newest figure is more than one period older than the plan's "as at".
    """

    name: str
    status: Status
    tier: str | None
    assurance: str | None
    sentence: str
    method: str = ""
    points: int = 0
    period_end: pd.Timestamp | None = None
    stale: bool = False

    @property
    def icon(self) -> str:
        return JUDGEMENT_STYLE[self.name][0]

    @property
    def colour(self) -> str:
        return JUDGEMENT_STYLE[self.name][1]

    @property
    def words(self) -> str:
        return self.name


@dataclass(frozen=True)
class RollUp:
    """A KPQ's or priority's judgement: counts of each judgement and the worst.

    Attributes
    ----------
    name : str
        The KPQ or priority.
    counts : dict
        Number of measures per judgement (every key of :data:`JUDGEMENTS` present).
    worst : str
        The worst judgement among the judged measures, "not judged" if none was judged.
    sentence : str
    """

    name: str
    counts: dict[str, int] = field(hash=False)
    worst: str
    sentence: str

    @property
    def icon(self) -> str:
        return JUDGEMENT_STYLE[self.worst][0]

    @property
    def colour(self) -> str:
        return JUDGEMENT_STYLE[self.worst][1]

    @property
    def words(self) -> str:
        return self.worst


# --------------------------------------------------------------------------- status


def status_from_spc(result: SPCResult) -> Status:
    """Status from an XmR chart's variation at the latest observed point."""
    segment = result.segments[-1] if result.segments else None
    no_limits = segment is None or math.isnan(segment.upper)
    if result.variation == "not_available" or no_limits:
        return Status("not enough data", result.sentence, True, "spc")
    return Status(STATUS_OF_VARIATION[result.variation], result.sentence, result.provisional, "spc")


def status_from_test(
    test: CountTest | ProportionChange, polarity: str, about: str = "", *, source: str = "count"
) -> Status:
    """Status from a test of a change: a count test, or a two-proportion test of a survey
    percentage (``source="survey"``).

    Parameters
    ----------
    test : CountTest or ProportionChange
    polarity : {"higher_is_better", "lower_is_better", "neutral"}
    about : str
        Words to put before the test's sentence ("Against the baseline").
    """
    sentence = (
        test.sentence if not about else f"{about}: {test.sentence[0].lower()}{test.sentence[1:]}"
    )
    if not test.judged:
        return Status("not enough data", sentence, False, source)
    if not test.significant or test.direction == "none":
        return Status("stable", sentence, False, source)
    if polarity == "neutral":
        return Status("changed", sentence, False, source)
    good = (test.direction == "up") == (polarity == "higher_is_better")
    return Status("improving" if good else "deteriorating", sentence, False, source)


def status_from_survey(change: ProportionChange, polarity: str) -> Status:
    """Status from a two-proportion test of the change in a survey percentage."""
    return status_from_test(change, polarity, source="survey")


def status_from_evidence(
    evidence: SPCResult | ProportionChange | None,
    *,
    polarity: str | None = None,
    reason: str | None = None,
) -> Status:
    """Status from an SPC result (counts, rates) or a proportion change (survey percentages).

    With no evidence the status is "not enough data" and ``reason`` is its sentence (e.g. why
    SPC was refused).
    """
    if isinstance(evidence, SPCResult):
        return status_from_spc(evidence)
    if isinstance(evidence, ProportionChange):
        if polarity is None:
            raise ValueError("a survey status needs the measure's polarity")
        return status_from_survey(evidence, polarity)
    if evidence is None:
        return Status("not enough data", reason or "There is no evidence to judge.")
    raise TypeError(f"no status can be taken from {type(evidence).__name__}")


# --------------------------------------------------------------------------- judgement


def judge_table() -> dict[str, dict[str, str]]:
    """Status -> tier -> judgement, as the module docstring's table gives it."""
    return {
        status: {tier: _TABLE[tier][status] for tier in TIERS}
        for status in STATUSES
        if status != "not enough data"
    }


def judge(status: Status, tier: str | None, assurance: str | None = None) -> Judgement:
    """Judge a status against the expectation tier and, optionally, the target assurance.

    See the module docstring for the table and the assurance step.
    """
    if tier is not None and tier not in TIERS:
        raise ValueError(f"expectation tier must be one of {', '.join(TIERS)} or None: {tier!r}")
    if status.name not in STATUS_STYLE:
        raise ValueError(f"unknown status {status.name!r}")
    if status.name == "not enough data":
        return Judgement(
            "not judged",
            status,
            tier,
            assurance,
            status.sentence
            if status.sentence.startswith("Not judged")
            else f"Not judged: not enough data. {status.sentence}",
        )
    name = _TABLE[tier or "maintain"][status.name]
    why = f"{status.words}, and {TIERS[tier].expectation if tier else _NO_TIER_WORDS}"
    step = ""
    if assurance == "consistently_fail" and name == "on track":
        name = "needs attention"
        step = "; but it will consistently fail its target"
    elif assurance == "target_missed" and name == "on track":
        name = "needs attention"
        step = "; but its latest figure misses the target"
    elif assurance == "consistently_pass" and name in ("needs attention", "of concern"):
        name = "on track" if name == "needs attention" else "needs attention"
        step = "; but it consistently passes its target"
    elif assurance is not None and assurance not in ASSURANCES:
        raise ValueError(f"unknown assurance {assurance!r}")
    sentence = f"{name[0].upper()}{name[1:]}: {why}{step}. {status.sentence}"
    return Judgement(name, status, tier, assurance, sentence)


def judge_measure(
    evidence: SPCResult | ProportionChange | None,
    tier: str | None,
    *,
    polarity: str | None = None,
    assurance: str | None = None,
    reason: str | None = None,
) -> Judgement:
    """Status from the evidence, then judged against the tier.

    The assurance defaults to the SPC result's own (when it was given a target).
    """
    status = status_from_evidence(evidence, polarity=polarity, reason=reason)
    if assurance is None and isinstance(evidence, SPCResult):
        assurance = evidence.assurance
    return judge(status, tier, assurance)


# --------------------------------------------------------------------------- roll-up


def roll_up(name: str, items: Iterable[Judgement | RollUp]) -> RollUp:
    """Roll measures (or KPQs) up by counting each judgement and taking the worst.

    Never averages. The worst is taken among judged measures (of concern > needs attention >
    on track); "not judged" only when no measure was judged.
    """
    counts = dict.fromkeys(JUDGEMENTS, 0)
    for item in items:
        if isinstance(item, RollUp):
            for key, value in item.counts.items():
                counts[key] += value
        elif isinstance(item, Judgement):
            counts[item.name] += 1
        else:
            raise TypeError(f"cannot roll up {type(item).__name__}")
    judged = [j for j in _RANK if counts[j]]
    worst = max(judged, key=_RANK.__getitem__) if judged else "not judged"
    total = sum(counts.values())
    parts = [f"{counts[j]} {j}" for j in JUDGEMENTS if counts[j]]
    if total == 0:
        sentence = f"{name}: no measures to judge."
    elif worst == "not judged":
        sentence = f"{name}: not judged: none of its {total} measures could be judged."
    else:
        sentence = (
            f"{name}: {worst}, the worst of its {total} measure{'s' if total != 1 else ''} "
            f"({', '.join(parts)})."
        )
    return RollUp(name, counts, worst, sentence)
