"""The words of a plan's measures (pcp_data.vocabulary): units, frequencies, polarities,
tiers and targets, each defined once."""

from __future__ import annotations

import math

import pytest

from pcp_data import vocabulary
from pcp_data.vocabulary import (
    FREQUENCIES,
    TARGET_OPS,
    Target,
    figures_words,
    period_label,
    unit_of,
)


@pytest.mark.parametrize(
    ("frequency", "label"),
    [
        ("month", "March 2019"),
        ("quarter", "the quarter to March 2019"),
        ("financial_year", "2018/19"),
        ("rolling_12_months", "12 months to March 2019"),
        ("snapshot", "31 March 2019"),
    ],
)
def test_period_label(frequency: str, label: str) -> None:
    assert period_label("2019-03-31", frequency) == label


def test_a_financial_year_starts_in_april() -> None:
    assert period_label("2019-04-30", "financial_year") == "2019/20"


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("month", "monthly"),
        ("quarter", "quarterly"),
        ("financial_year", "financial-year"),
        ("rolling_12_months", "rolling 12-month"),
        ("snapshot", "snapshot"),
        ("rolling_year", "rolling-year"),  # period types the store holds
        ("year", "yearly"),
        ("fortnight", "fortnight"),
    ],
)
def test_figures_words(kind: str, words: str) -> None:
    assert figures_words(kind) == words


@pytest.mark.parametrize(
    ("frequency", "step_months", "seasons"),
    [
        ("month", 1, 12),
        ("quarter", 3, 4),
        ("financial_year", 12, None),
        ("rolling_12_months", None, None),
        ("snapshot", None, None),
    ],
)
def test_frequency_steps_and_seasons(
    frequency: str, step_months: int | None, seasons: int | None
) -> None:
    assert FREQUENCIES[frequency].step_months == step_months
    assert FREQUENCIES[frequency].seasons == seasons


@pytest.mark.parametrize(
    ("unit", "figure", "change", "axis"),
    [
        ("count", "12,346", "+1,234", "Number"),
        ("rate_per_1000", "12,345.7 per 1,000", "+1,234.50 per 1,000", "Per 1,000 people"),
        ("percent", "12345.7%", "+1234.5 points", "Per cent"),
        ("fte", "12,345.7 FTE", "+1,234.5", "Full-time equivalent"),
        ("headcount", "12,346", "+1,234", "Headcount"),
        ("number", "12,345.7", "+1,234.5", "Value"),
        ("widgets", "12,346", "+1,234", "widgets"),  # unknown: written as a count
    ],
)
def test_units_write_figures_and_changes(unit: str, figure: str, change: str, axis: str) -> None:
    u = unit_of(unit)
    assert u.format(12345.67) == figure
    assert u.change.format(1234.5) == change
    assert u.axis == axis


def test_every_worker_type_has_its_own_name_among_the_names_files_give() -> None:
    assert set(vocabulary.WORKER_TYPE_NAMES.values()) == set(vocabulary.WORKER_TYPES)
    assert all(name.lower() in vocabulary.WORKER_TYPE_NAMES for name in vocabulary.WORKER_TYPES)


@pytest.mark.parametrize(
    ("op", "met", "missed"),
    [
        (">=", 3000, 2999),
        (">", 3001, 3000),
        ("<=", 3000, 3001),
        ("<", 2999, 3000),
        ("==", 3000, 3001),
    ],
)
def test_target_met_by(op: str, met: float, missed: float) -> None:
    target = Target(op, 3000.0)
    assert target.met_by(met) and not target.met_by(missed)
    assert target.label is None
    assert op in TARGET_OPS


@pytest.mark.parametrize(
    ("op", "value", "message"),
    [
        ("=>", 1.0, "target op must be one of >=, >, <=, <, ==, not '=>'"),
        (">=", math.inf, "target value must be a finite number, not inf"),
        (">=", math.nan, "target value must be a finite number, not nan"),
    ],
)
def test_target_refused(op: str, value: float, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        Target(op, value)


@pytest.mark.parametrize(
    "given",
    [(">=", 75), [">=", 75], {"op": ">=", "value": 75}, Target(">=", 75.0, "75 or more")],
    ids=["tuple", "list", "mapping", "Target"],
)
def test_a_target_to_judge_against(given: object) -> None:
    target = Target.judged_from(given)  # type: ignore[arg-type]
    assert (target.op, target.value, target.judged) == (">=", 75.0, True)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (("==", 75), "target op must be one of >=, >, <=, <, not '=='"),
        (">=", r"a target is \(op, value\), e.g. \('>=', 75\); not '>='"),
    ],
)
def test_a_target_that_cannot_be_judged_against(given: object, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        Target.judged_from(given)  # type: ignore[arg-type]
