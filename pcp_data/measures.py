"""Measure series: from a plan's measure and the store, the numbers a chart and a judgement use.

`measure_series` reads the current facts for one area and turns them into a series at the
measure's frequency:

* month: monthly figures as stored;
* quarter: three months added (a quarter lacking a month is missing), or stored quarters;
* financial_year: April-March totals (twelve months or four quarters, else missing);
* rolling_12_months: each month's sum of the 12 months to it (or 4 quarters), or rolling
  years as published (ONS);
* snapshot: workforce or other snapshots as stored.

Percentages (survey measures) are pooled: satisfied / respondents over the period, never an
average of percentages; the base (respondents) travels with the series. Rates per 1,000 use
the population of the latest mid-year estimate not after the period's end (or the earliest
held), and the series says which population years were used. Missing periods stay missing:
the series is re-indexed to every period between its first and last, with NaN where the
store has nothing.

When the store holds the same figures from several publications (e.g. the template and the
Home Office open data), one source is shown: the one whose data reaches latest (then the one
with most periods); the others are named in ``other_sources``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from pcp_data.plan import Measure
from pcp_data.store import Store

TOTAL_CATEGORY = "Total recorded crime"
"""Category of published all-crime totals (ONS tables); preferred over adding up groups."""

# Period types that can feed each frequency, best first.
_FEEDS: dict[str, tuple[str, ...]] = {
    "month": ("month",),
    "quarter": ("quarter", "month"),
    # a published rolling year ending in March is a financial year (ONS year ending March)
    "financial_year": ("financial_year", "quarter", "month", "rolling_year"),
    "rolling_12_months": ("month", "quarter", "rolling_year"),
    "snapshot": ("snapshot", "month", "quarter", "year"),
}


_PERIOD_WORDS: dict[str, str] = {
    "month": "monthly",
    "quarter": "quarterly",
    "financial_year": "financial-year",
    "rolling_12_months": "rolling 12-month",
    "rolling_year": "rolling-year",
    "snapshot": "snapshot",
    "year": "yearly",
}


@dataclass
class MeasureSeries:
    """A measure's figures for one area.

    ``values`` is indexed by period end (Timestamp), ascending, NaN for a missing period.
    ``base`` holds respondents (percentages) or denominators where there are any.
    """

    measure: Measure
    area_code: str
    values: pd.Series
    base: pd.Series | None
    frequency: str
    source: str | None
    other_sources: tuple[str, ...] = ()
    population_years: tuple[int, ...] = ()
    upload_ids: tuple[int, ...] = ()
    notes: list[str] = field(default_factory=list)
    counts: pd.Series | None = None
    """For pooled percentages: the numerators (e.g. number satisfied) behind ``values``."""

    @property
    def empty(self) -> bool:
        return bool(self.values.dropna().empty)

    @property
    def latest(self) -> tuple[pd.Timestamp, float] | None:
        v = self.values.dropna()
        if v.empty:
            return None
        return v.index[-1], float(v.iloc[-1])

    def table(self) -> pd.DataFrame:
        """The series as a table (period end, value, base): the table behind every chart."""
        out = pd.DataFrame({"period_end": self.values.index, "value": self.values.to_numpy()})
        if self.base is not None:
            out["base"] = self.base.reindex(self.values.index).to_numpy()
        return out


def _select(frame: pd.DataFrame, category: str | None, subcategory: str | None) -> pd.DataFrame:
    if category is None:
        totals = frame[frame["category"] == TOTAL_CATEGORY]
        if not totals.empty:
            return totals
        return frame[frame["category"] != TOTAL_CATEGORY]
    rows = frame[frame["category"] == category]
    if subcategory is None:
        group_totals = rows[rows["subcategory"] == ""]
        if not group_totals.empty and (rows["subcategory"] != "").any():
            return group_totals
        return rows
    return rows[rows["subcategory"] == subcategory]


def _choose_source(frame: pd.DataFrame, frequency: str) -> tuple[str | None, tuple[str, ...]]:
    if frame.empty:
        return None, ()
    usable = frame[frame["period_type"].isin(_FEEDS[frequency])]
    if usable.empty:
        usable = frame
    stats = usable.groupby("source").agg(last=("period_end", "max"), n=("period_end", "nunique"))
    stats = stats.sort_values(["last", "n"], ascending=False)
    chosen = str(stats.index[0])
    return chosen, tuple(str(s) for s in stats.index[1:])


def _month_index(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="ME")


def _aggregate(frame: pd.DataFrame, frequency: str) -> tuple[pd.Series, pd.Series | None]:
    """Values (and bases) at ``frequency`` from one source's facts of one selection."""
    for ptype in _FEEDS[frequency]:
        rows = frame[frame["period_type"] == ptype]
        if ptype == "rolling_year" and frequency == "financial_year":
            rows = rows[rows["period_end"].str.endswith("-03-31")
                        & rows["period_start"].str.endswith("-04-01")]
        if not rows.empty:
            break
    else:
        return pd.Series(dtype=float), None
    ends = pd.to_datetime(rows["period_end"])
    by_end = rows.assign(period_end=ends).groupby("period_end")
    values = by_end["value"].sum()
    base = by_end["base"].sum(min_count=1) if rows["base"].notna().any() else None
    if ptype == "snapshot" or ptype == frequency or (ptype == "rolling_year"):
        index = values.index
        if ptype in ("month", "quarter") and frequency == ptype:
            step = "ME" if ptype == "month" else "QE"
            index = pd.date_range(values.index.min(), values.index.max(), freq=step)
        return values.reindex(index), base.reindex(index) if base is not None else None
    # aggregate finer periods into coarser ones
    if ptype == "month":
        full = _month_index(values.index.min(), values.index.max())
        values, base = values.reindex(full), base.reindex(full) if base is not None else None
        per = {"quarter": 3, "financial_year": 12, "rolling_12_months": 12, "snapshot": 1}[
            frequency
        ]
    else:  # quarters
        full = pd.date_range(values.index.min(), values.index.max(), freq="QE")
        values, base = values.reindex(full), base.reindex(full) if base is not None else None
        per = {"financial_year": 4, "rolling_12_months": 4, "snapshot": 1}[frequency]
    if frequency == "snapshot":
        return values, base
    if frequency == "rolling_12_months":
        rolled = values.rolling(per, min_periods=per).sum()
        rbase = base.rolling(per, min_periods=per).sum() if base is not None else None
        return rolled, rbase
    # calendar groups: quarters end Jun/Sep/Dec/Mar; financial years end in March
    if frequency == "quarter":
        keys = values.index.to_period("Q").to_timestamp(how="end").normalize()
    else:
        keys = pd.DatetimeIndex(
            [pd.Timestamp(d.year + (d.month >= 4), 3, 31) for d in values.index]
        )
    counts = values.groupby(keys).count()
    summed = values.groupby(keys).sum(min_count=1)
    summed[counts < per] = np.nan
    sbase = None
    if base is not None:
        sbase = base.groupby(keys).sum(min_count=1)
        sbase[counts < per] = np.nan
    return summed, sbase


def _population(store: Store, area_code: str) -> pd.Series:
    pop = store.facts(dataset="population", area_codes=[area_code], measure="persons")
    if pop.empty:
        return pd.Series(dtype=float)
    pop = pop.assign(period_end=pd.to_datetime(pop["period_end"]))
    source, _ = _choose_source(pop, "snapshot")
    pop = pop[pop["source"] == source]
    return pop.groupby("period_end")["value"].sum().sort_index()


# When the store holds nothing at a measure's own frequency (published tables are often
# quarterly or rolling years while a plan asks for months), the next of these that it does
# hold is shown instead, and the series says so.
FALLBACK_FREQUENCIES: dict[str, tuple[str, ...]] = {
    "month": ("quarter", "rolling_12_months", "financial_year"),
    "quarter": ("rolling_12_months", "financial_year"),
    "rolling_12_months": ("financial_year",),
    "financial_year": (),
    "snapshot": (),
}


def measure_series(store: Store, measure: Measure, area_code: str) -> MeasureSeries:
    """The series for ``measure`` in ``area_code`` from the store's current facts.

    ``result.frequency`` is the frequency shown: the measure's own, or the first of
    `FALLBACK_FREQUENCIES` the store can serve (with a note saying so).
    """
    result = _series_at(store, measure, area_code, measure.frequency)
    if not result.empty:
        return result
    for frequency in FALLBACK_FREQUENCIES.get(measure.frequency, ()):
        fallback = _series_at(store, measure, area_code, frequency)
        if not fallback.empty:
            fallback.notes.insert(0, (
                f"Shown as {_PERIOD_WORDS.get(frequency, frequency)} figures: the store holds "
                f"no {_PERIOD_WORDS.get(measure.frequency, measure.frequency)} figures for "
                "this measure in this area."))
            return fallback
    return result


def _series_at(store: Store, measure: Measure, area_code: str, frequency: str) -> MeasureSeries:
    """The series at one frequency (empty, with a note, when the store cannot serve it)."""
    measure = replace(measure, frequency=frequency)
    data = measure.data
    facts = store.facts(dataset=data.dataset, area_codes=[area_code], measure=data.measure)
    pooled = measure.unit == "percent" and data.dataset == "victim_satisfaction"
    frames = [_select(facts, c, s) for c, s in data.selections()]
    combined = pd.concat(frames) if frames else facts.iloc[0:0]
    source, others = _choose_source(combined, measure.frequency)
    empty = pd.Series(dtype=float, index=pd.DatetimeIndex([], name="period_end"))
    result = MeasureSeries(measure, area_code, empty, None,
                           measure.frequency, source, others)
    if source is None:
        result.notes.append("The store holds no figures for this measure in this area.")
        return result
    parts = [_aggregate(f[f["source"] == source], measure.frequency) for f in frames]
    parts = [p for p in parts if not p[0].empty]
    if not parts:
        held = " and ".join(
            f"{', '.join(sorted(_PERIOD_WORDS.get(t, t) for t in set(rows['period_type'])))} "
            f"figures from {src}" for src, rows in combined.groupby("source"))
        result.notes.append(
            f"The store holds no {_PERIOD_WORDS.get(measure.frequency, measure.frequency)} "
            f"figures for this measure in this area, only {held}.")
        return result
    values = parts[0][0]
    base = parts[0][1]
    for v, b in parts[1:]:
        index = values.index.union(v.index)
        values = values.reindex(index) + v.reindex(index)  # NaN where any part is missing
        if base is not None and b is not None:
            base = base.reindex(index) + b.reindex(index)
    result.upload_ids = tuple(sorted(set(int(u) for u in combined.loc[
        combined["source"] == source, "upload_id"])))
    if pooled and base is not None:
        result.counts = values.astype(float).sort_index()
        values = 100.0 * values / base
    if data.per_1000_population:
        pop = _population(store, area_code)
        if pop.empty:
            result.notes.append("No population figures for this area, so no rate per 1,000.")
            values = values * np.nan
        else:
            used = [_population_for(pop, d) for d in values.index]
            denominators = pd.Series([p[1] for p in used], index=values.index)
            values = 1000.0 * values / denominators
            result.population_years = tuple(sorted({p[0] for p in used}))
    result.values = values.astype(float).sort_index()
    result.base = base.sort_index() if base is not None else None
    return result


def _population_for(pop: pd.Series, end: pd.Timestamp) -> tuple[int, float]:
    eligible = pop[pop.index <= end]
    chosen = eligible if not eligible.empty else pop.iloc[:1]
    return int(chosen.index[-1].year), float(chosen.iloc[-1])


def population_words(years: tuple[int, ...]) -> str:
    """``"per 1,000 population (mid-2019 estimates)"`` style words for a rate's denominator."""
    if not years:
        return ""
    span = f"mid-{years[0]}" if len(years) == 1 else f"mid-{years[0]} to mid-{years[-1]}"
    return f"per 1,000 population ({span} estimates)"


def latest_common_date(series: list[MeasureSeries]) -> dt.date | None:
    """The latest period end any of the series has a figure for."""
    ends = [s.latest[0] for s in series if s.latest is not None]
    return max(ends).date() if ends else None


@dataclass(frozen=True)
class GroupTotals:
    """Totals per category over the latest year of periods and the year before."""

    table: pd.DataFrame  # category, latest, before, change, change_pct
    last: pd.Timestamp
    total_now: float
    total_before: float | None  # None when the year before is not complete


def group_totals(frame: pd.DataFrame) -> GroupTotals:
    """From facts of one source and one period type (month or quarter), each category's
    total over the latest 12 months (or 4 quarters, or 1 year) and over the same span
    before it. The year before is only compared when all of its periods are held."""
    ptype = str(frame["period_type"].iloc[0])
    window = {"month": 12, "quarter": 4}.get(ptype, 1)
    ends = pd.to_datetime(frame["period_end"])
    periods = sorted(ends.unique())
    recent, previous = periods[-window:], periods[-2 * window:-window]
    by_group = frame.assign(period_end=ends).groupby(["category", "period_end"])["value"].sum()
    by_group = by_group.reset_index()
    now = by_group[by_group["period_end"].isin(recent)].groupby("category")["value"].sum()
    before = by_group[by_group["period_end"].isin(previous)].groupby("category")["value"].sum()
    table = pd.DataFrame({"category": now.index, "latest": now.to_numpy()})
    complete = len(previous) == window
    table["before"] = table["category"].map(before) if complete else np.nan
    table["change"] = table["latest"] - table["before"]
    table["change_pct"] = 100 * table["change"] / table["before"]
    table = table.sort_values("latest", ascending=False).reset_index(drop=True)
    return GroupTotals(table, pd.Timestamp(periods[-1]), float(now.sum()),
                       float(before.sum()) if complete else None)
