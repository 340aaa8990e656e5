"""Measure series: one series per measure and area, assembled from every source that holds it.

`measure_series` reads the current facts for one area (`series_from_facts` is the same as a
pure function of frames) and turns them into one series at the measure's frequency. Each point
keeps its provenance (`MeasureSeries.provenance`: source, edition, uploads, how it was made).

Rules, in the order they apply (also on the app's "How the figures are judged" page):

1. **Publications.** Every upload read by the force template is one publication, the force's
   own ("PCP template"), whatever its About sheet calls the source: a one-month upload with the
   same area and categories extends the series it continues. Any other source is a
   publication of its own. Within a publication, the newest edition's figure for each period
   is used (then the latest upload's): ONS tables revise the year before in each edition.
2. **Incomplete periods.** A month or quarter in which a publication holds fewer categories
   than in each of the months or quarters before it (up to three) is incomplete when it is the
   latest period or its missing categories come back later (a category that stops for good,
   such as an indicator published with a lag, does not make the periods after it incomplete):
   it is kept out of the series (and out of any total built from it) and named in the notes.
3. **Authority.** Where several publications give a period, the most authoritative is used
   (`AUTHORITY`: the force's own template over the Home Office tables over the ONS tables over
   data.police.uk); where two overlap and differ, the notes say by how much.
4. **Frequencies chain.**
   * month: monthly figures only (a rolling year is never mixed into a monthly series);
   * quarter: stored quarters, three months added, and quarters from rolling years by
     differencing, Q(t) = R(t) - R(t-1) + Q(t-4), checked against the quarters held where both
     exist;
   * financial_year: stored years, four quarters or twelve months added, or a rolling year
     ending in March;
   * rolling_12_months: twelve months or four quarters added, or rolling years as published;
   * snapshot: snapshots as stored (workforce).
   When nothing is held at the measure's frequency, or another frequency reaches a later
   period, the series is shown at the frequency in `FALLBACK_FREQUENCIES` that reaches latest,
   and says so.
5. **Composites.** A ``sum_of`` measure has a value for a period only when every part has one;
   otherwise the period is missing and the notes name the missing part. A part the plan names
   in one classification is read under its other name where the vocabulary maps a
   classification change (`pcp_data.vocabulary.CLASSIFICATION_CHANGES`: in the publication it
   names, for periods from its date), where that publication gives nothing under the plan's
   name, as one series with it (quarters chain across the change), and the notes say so.
6. **Percentages** (surveys, and indicators given with their numerator and denominator) are
   pooled: satisfied / respondents over the period, never an average of percentages; the base
   travels with the series (``base``, ``counts``).
7. **Rates per 1,000**: the rate a table publishes where there is one; otherwise the count
   divided by the population of the latest mid-year estimate not after the period's end (or
   the earliest held), with the population years named. The counts and populations behind
   the rate travel with the series (``rate_counts``, ``population``) so rates can be tested
   as counts.

Missing periods stay missing: monthly and quarterly series are re-indexed to every period
between their first and last, with NaN where nothing is held.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from pcp_data import vocabulary
from pcp_data.periods import edition_date
from pcp_data.plan import DataRef, Measure
from pcp_data.store import Store
from pcp_data.vocabulary import FREQUENCIES, figures_words

TOTAL_CATEGORY = "Total recorded crime"
"""Category of published all-crime totals (ONS tables); preferred over adding up groups."""

TEMPLATE_FORMAT = "pcp_template"
TEMPLATE_PUBLICATION = "PCP template"
"""Every template upload is this one publication (see rule 1 in the module docstring)."""

AUTHORITY: dict[str, int] = {
    # the reader's format -> rank, 0 = most authoritative for the area's own figures
    TEMPLATE_FORMAT: 0,
    "home_office_prc": 1,
    "home_office_workforce_tables": 1,
    "survey_proportions": 1,
    "population_by_force": 1,
    "ons_pfa": 2,
    "home_office_workforce_open_data": 2,
    "police_uk": 3,
}
_UNRANKED = 4

# How a point was made, best first at equal authority.
HOW: tuple[str, ...] = (
    "as published",
    "rate as published",
    "12 months added",
    "3 months added",
    "4 quarters added",
    "rolling year ending March",
    "chained from rolling years",
)

# When the store holds nothing at a measure's own frequency (published tables are often
# quarterly or rolling years while a plan asks for months), or another frequency reaches a
# later period, the one of these reaching latest is shown instead, and the series says so.
FALLBACK_FREQUENCIES: dict[str, tuple[str, ...]] = {
    "month": ("quarter", "rolling_12_months", "financial_year"),
    "quarter": ("rolling_12_months", "financial_year"),
    "rolling_12_months": ("financial_year",),
    "financial_year": ("rolling_12_months",),
    "snapshot": (),
}

_DISAGREE = 0.005
"""Relative difference above which overlapping publications are said to disagree."""


@dataclass(frozen=True)
class Point:
    """One period's figure and where it came from."""

    end: pd.Timestamp
    value: float
    base: float | None
    rank: int
    how: str
    sources: frozenset[str]
    editions: frozenset[str]
    uploads: frozenset[int]

    @property
    def missing(self) -> bool:
        """A period the series spans but cannot fill (an incomplete window)."""
        return bool(np.isnan(self.value))

    @property
    def order(self) -> tuple[bool, int, int]:
        return self.missing, self.rank, HOW.index(self.how) if self.how in HOW else len(HOW)


Points = dict[pd.Timestamp, Point]


@dataclass
class MeasureSeries:
    """A measure's figures for one area.

    ``values`` is indexed by period end (Timestamp), ascending, NaN for a missing period.
    ``base`` holds respondents (percentages) or denominators where there are any.
    ``provenance`` has one row per figure: period_end, value, source, edition, uploads, how.
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
    provenance: pd.DataFrame | None = None
    incomplete: tuple[pd.Timestamp, ...] = ()
    """Periods held but incomplete (fewer categories than the periods before): not in values."""
    missing_parts: dict[pd.Timestamp, tuple[str, ...]] = field(default_factory=dict)
    """For a ``sum_of`` measure: the parts missing in each period that has no value."""
    rate_counts: pd.Series | None = None
    """For rates per 1,000: the counts behind each rate (NaN where only a rate is published)."""
    population: pd.Series | None = None
    """For rates per 1,000: the population each rate is per (published or estimated)."""
    gaps: list[str] = field(default_factory=list)
    """Sentences naming the parts a composite lacks where it has no figure (also in notes)."""

    @property
    def empty(self) -> bool:
        return bool(self.values.dropna().empty)

    @property
    def latest(self) -> tuple[pd.Timestamp, float] | None:
        v = self.values.dropna()
        if v.empty:
            return None
        return v.index[-1], float(v.iloc[-1])

    def until(self, as_at: dt.date | pd.Timestamp | None) -> MeasureSeries:
        """The series as it stood at the end of ``as_at``'s month (None: as it is)."""
        if as_at is None:
            return self
        cut = pd.Timestamp(as_at) + pd.offsets.MonthEnd(0)

        def upto(s: pd.Series | None) -> pd.Series | None:
            return None if s is None else s[s.index <= cut]

        values = upto(self.values)
        assert values is not None
        return replace(
            self,
            values=values,
            base=upto(self.base),
            counts=upto(self.counts),
            rate_counts=upto(self.rate_counts),
            population=upto(self.population),
            notes=list(self.notes),
            gaps=list(self.gaps),
        )

    def table(self) -> pd.DataFrame:
        """The series as a table (period end, value, base): the table behind every chart."""
        out = pd.DataFrame({"period_end": self.values.index, "value": self.values.to_numpy()})
        if self.base is not None:
            out["base"] = self.base.reindex(self.values.index).to_numpy()
        return out


# --------------------------------------------------------------------------- publications


def publications(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts with a ``publication`` and an authority ``rank`` column, one row per key and
    publication: the newest edition's figure, then the latest upload's (rule 1)."""
    if facts.empty:
        return facts.assign(publication=pd.Series(dtype=str), rank=pd.Series(dtype=int))
    fmt = facts["format"] if "format" in facts.columns else pd.Series("", index=facts.index)
    template = fmt == TEMPLATE_FORMAT
    out = facts.assign(
        publication=np.where(template, TEMPLATE_PUBLICATION, facts["source"]),
        rank=fmt.map(AUTHORITY).fillna(_UNRANKED).astype(int),
    )
    dates = {e: edition_date(e) or dt.date.min for e in out["edition"].unique()}
    key = [
        "publication",
        "dataset",
        "area_code",
        "period_start",
        "period_end",
        "period_type",
        "category",
        "subcategory",
        "measure",
    ]
    ranked = out.assign(_edition=out["edition"].map(dates)).sort_values(
        ["_edition", "upload_id"], ascending=False, kind="stable"
    )
    return ranked.drop_duplicates(key).drop(columns="_edition").reset_index(drop=True)


def incomplete_periods(facts: pd.DataFrame) -> dict[tuple[str, str], list[pd.Timestamp]]:
    """Per publication and period type (month, quarter), the periods holding fewer categories
    than each of the (up to three) periods before them (rule 2): the latest period, or one
    whose missing categories come back later. A category that stops for good (an indicator
    published with a lag, an offence no longer counted) leaves the periods after it
    complete."""
    out: dict[tuple[str, str], list[pd.Timestamp]] = {}
    rows = facts[facts["period_type"].isin(("month", "quarter"))]
    for (pub, ptype, _measure), group in rows.groupby(
        ["publication", "period_type", "measure"], sort=False
    ):
        keys = group["category"].astype(str) + "\x1f" + group["subcategory"].astype(str)
        cats = keys.groupby(group["period_end"]).agg(frozenset).sort_index()
        sets = list(cats.to_numpy())
        for i in range(1, len(sets)):
            before = sets[max(0, i - 3) : i]
            if len(sets[i]) >= min(len(b) for b in before):
                continue
            missing = frozenset().union(*before) - sets[i]
            later = frozenset().union(*sets[i + 1 :]) if i + 1 < len(sets) else None
            if later is None or missing & later:
                out.setdefault((str(pub), str(ptype)), []).append(pd.Timestamp(cats.index[i]))
    return out


def _select(frame: pd.DataFrame, category: str | None, subcategory: str | None) -> pd.DataFrame:
    """One publication's rows for a selection (None = all: its published total if any)."""
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


def _selection(rows: pd.DataFrame, category: str | None, subcategory: str | None) -> pd.DataFrame:
    """Every publication's rows for a selection (`_select`)."""
    if rows.empty:
        return rows
    return pd.concat(
        [_select(g, category, subcategory) for _, g in rows.groupby("publication", sort=False)]
    )


def _equivalents(
    category: str | None, subcategory: str | None
) -> list[tuple[str | None, str | None, vocabulary.ClassificationChange | None]]:
    """The selection, then its other names under a mapped classification change, each with
    the change (None for the plan's own name)."""
    out: list[tuple[str | None, str | None, vocabulary.ClassificationChange | None]] = [
        (category, subcategory, None)
    ]
    for change in vocabulary.CLASSIFICATION_CHANGES:
        if (change.category, change.name) == (category, subcategory) or (
            subcategory is None and change.category is None and change.name == category
        ):
            out.append((change.other_category, change.other_name, change))
    return out


def _stand_in(
    own: pd.DataFrame, other: pd.DataFrame, change: vocabulary.ClassificationChange
) -> pd.DataFrame:
    """The plan's own rows with the rows a classification change lets stand in for them:
    from the change's publication, for periods from its date, and only where that
    publication gives no figure under the plan's own name (so quarters chain across the
    change and nothing is counted twice)."""
    other = other[other["publication"] == change.publication]
    if change.since is not None:
        other = other[pd.to_datetime(other["period_start"]) >= pd.Timestamp(change.since)]
    if own.empty or other.empty:
        return other if own.empty else own
    key = ["publication", "period_type", "period_end"]
    other = other[~pd.MultiIndex.from_frame(other[key]).isin(pd.MultiIndex.from_frame(own[key]))]
    return pd.concat([own, other]) if not other.empty else own


# --------------------------------------------------------------------------- points


def _points(rows: pd.DataFrame, how: str = "as published") -> Points:
    """Points from one publication's rows of one period type (added up per period end)."""
    if rows.empty:
        return {}
    ends = rows["period_end"]
    if not ends.duplicated().any():
        # one row a period (a single category): no adding up, no grouping
        ordered = rows.sort_values("period_end", kind="stable")
        return {
            end: Point(
                end,
                float(value),
                None if base != base else float(base),
                int(rank),
                how,
                frozenset((str(source),)),
                frozenset((str(edition),)) if edition else frozenset(),
                frozenset((int(upload),)),
            )
            for end, value, base, rank, source, edition, upload in zip(
                pd.DatetimeIndex(ordered["period_end"]),
                ordered["value"].to_numpy(float),
                ordered["base"].to_numpy(float, na_value=np.nan),
                ordered["rank"].to_numpy(),
                ordered["source"].to_numpy(object),
                ordered["edition"].to_numpy(object),
                ordered["upload_id"].to_numpy(),
                strict=True,
            )
        }
    grouped = rows.groupby("period_end", sort=True)
    value = grouped["value"].sum()
    base = grouped["base"].sum(min_count=1)
    rank = grouped["rank"].max()
    sources, editions, uploads = (
        _sets(rows, "source", str),
        _sets(rows, "edition", str),
        _sets(rows, "upload_id", int),
    )
    return {
        pd.Timestamp(end): Point(
            pd.Timestamp(end),
            float(v),
            None if b != b else float(b),
            int(r),
            how,
            sources[end],
            editions.get(end, frozenset()),
            uploads[end],
        )
        for end, v, b, r in zip(
            value.index,
            value.to_numpy(float),
            base.to_numpy(float, na_value=np.nan),
            rank.to_numpy(),
            strict=True,
        )
    }


_V = TypeVar("_V")


def _sets(
    rows: pd.DataFrame, column: str, kind: Callable[[Any], _V]
) -> dict[object, frozenset[_V]]:
    """Per period end, the distinct values of ``column`` (empty text left out)."""
    pairs = rows[["period_end", column]].drop_duplicates()
    found: dict[object, set[_V]] = {}
    for end, value in zip(pairs["period_end"], pairs[column], strict=True):
        if value != "":
            found.setdefault(end, set()).add(kind(value))
    return {end: frozenset(values) for end, values in found.items()}


def _combine(end: pd.Timestamp, parts: list[Point], how: str) -> Point:
    bases = [p.base for p in parts]
    return Point(
        end,
        float(sum(p.value for p in parts)),
        None if any(b is None for b in bases) else float(sum(b for b in bases if b is not None)),
        max(p.rank for p in parts),
        how,
        frozenset().union(*(p.sources for p in parts)),
        frozenset().union(*(p.editions for p in parts)),
        frozenset().union(*(p.uploads for p in parts)),
    )


@functools.lru_cache(maxsize=4096)
def _month_end(year: int, month: int) -> pd.Timestamp:
    """The last day of a month (``month`` may run past 12 or below 1)."""
    y, m = divmod(year * 12 + month - 1, 12)
    return pd.Timestamp(y, m + 1, calendar.monthrange(y, m + 1)[1])


def _quarter_end(d: pd.Timestamp) -> pd.Timestamp:
    return _month_end(d.year, (d.month + 2) // 3 * 3)


def _fy_end(d: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(d.year + (d.month >= 4), 3, 31)


def _months_before(d: pd.Timestamp, k: int) -> pd.Timestamp:
    return _month_end(d.year, d.month - k)


def _gap(end: pd.Timestamp, how: str) -> Point:
    return Point(end, np.nan, None, _UNRANKED, how, frozenset(), frozenset(), frozenset())


def _group(
    points: Points, key: Callable[[pd.Timestamp], pd.Timestamp], per: int, how: str
) -> Points:
    """Calendar groups (quarters, financial years) of ``per`` finer points; a group lacking
    one is a gap, never a smaller total."""
    groups: dict[pd.Timestamp, list[Point]] = {}
    for end, p in points.items():
        if not p.missing:
            groups.setdefault(key(end), []).append(p)
        else:
            groups.setdefault(key(end), [])
    return {
        k: _combine(k, ps, how) if len(ps) == per else _gap(k, how)
        for k, ps in sorted(groups.items())
    }


def _roll(points: Points, step: int, per: int, how: str) -> Points:
    """Rolling sums of ``per`` consecutive points ``step`` months apart; a window lacking one
    is a gap."""
    real = [e for e, p in points.items() if not p.missing]
    if not real:
        return {}
    out: Points = {}
    first, last = min(real), max(real)
    months = (last.year - first.year) * 12 + last.month - first.month
    for i in range(0, months + 1, step):
        end = _month_end(first.year, first.month + i)
        window = [_months_before(end, step * k) for k in range(per)]
        if all(w in points and not points[w].missing for w in window):
            out[end] = _combine(end, [points[w] for w in window], how)
        else:
            out[end] = _gap(end, how)
    return out


def _merge(candidates: Iterable[Points]) -> tuple[Points, list[str]]:
    """Per period the most authoritative point; words for overlaps that disagree."""
    chosen: Points = {}
    rivals: dict[pd.Timestamp, list[Point]] = {}
    for cand in candidates:
        for end, p in cand.items():
            rivals.setdefault(end, []).append(p)
    for end, ps in rivals.items():
        chosen[end] = min(ps, key=lambda p: p.order)
    pairs: dict[tuple[str, str], list[float]] = {}
    for end, ps in rivals.items():
        best = chosen[end]
        for p in ps:
            if p.missing or best.missing:
                continue
            if p.sources != best.sources and best.value:
                key = (" and ".join(sorted(best.sources)), " and ".join(sorted(p.sources)))
                pairs.setdefault(key, []).append((p.value - best.value) / abs(best.value))
    notes = []
    for (used, other), diffs in pairs.items():
        worst = max(diffs, key=abs)
        if abs(worst) > _DISAGREE:
            notes.append(
                f"Where {used} and {other} both give a figure ({len(diffs)} period"
                f"{'s' if len(diffs) != 1 else ''}), they differ by up to {100 * worst:+.1f}%; "
                f"{used} is used, being the more authoritative."
            )
    return dict(sorted(chosen.items())), notes


def _chain_quarters(quarters: Points, rolling: Points) -> tuple[Points, list[str]]:
    """Quarters from rolling years: Q(t) = R(t) - R(t-1) + Q(t-4), checked on the overlap."""
    known = dict(quarters)
    derived: Points = {}
    checks: list[float] = []
    for end in sorted(rolling):
        if end != _quarter_end(end):
            continue
        prev, year_ago = _months_before(end, 3), _months_before(end, 12)
        if prev not in rolling or year_ago not in known:
            continue
        r, r1, q4 = rolling[end], rolling[prev], known[year_ago]
        if r.missing or r1.missing or q4.missing:
            continue
        value = r.value - r1.value + q4.value
        if end in known and not known[end].missing:
            if known[end].value:
                checks.append((value - known[end].value) / abs(known[end].value))
            continue
        point = _combine(end, [r, r1, q4], "chained from rolling years")
        point = replace(point, value=value, base=None)
        derived[end] = known[end] = point
    notes = []
    if derived:
        check = (
            f"checked against the {len(checks)} quarter{'s' if len(checks) != 1 else ''} "
            f"held as published: they differ by up to {100 * max(map(abs, checks)):.1f}%"
            if checks
            else "with no published quarter to check them against"
        )
        notes.append(
            f"{len(derived)} quarter{'s' if len(derived) != 1 else ''} "
            f"({_span(list(derived))}) made from rolling years, Q(t) = R(t) − R(t−1) + Q(t−4), "
            f"{check}."
        )
    return derived, notes


def _span(ends: list[pd.Timestamp]) -> str:
    ends = sorted(ends)
    first, last = ends[0].strftime("%b %Y"), ends[-1].strftime("%b %Y")
    return first if first == last else f"to {first}–{last}".removeprefix("to ")


def _at_frequency(rows: pd.DataFrame, frequency: str) -> tuple[Points, list[str]]:
    """One selection's points at ``frequency`` from every publication in ``rows``."""
    notes: list[str] = []
    split: dict[str, list[pd.DataFrame]] = {}
    for (_pub, ptype), g in rows.groupby(["publication", "period_type"], sort=False):
        split.setdefault(str(ptype), []).append(g)

    def of_type(ptype: str) -> list[Points]:
        return [_points(g) for g in split.get(ptype, ())]

    if frequency == "snapshot":
        merged, more = _merge(of_type("snapshot") or [])
        if not merged:
            merged, more = _merge([*of_type("month"), *of_type("quarter"), *of_type("year")])
        return merged, more
    months, n1 = _merge(of_type("month"))
    notes += n1
    if frequency == "month":
        return months, notes
    stored_q, n2 = _merge([*of_type("quarter"), _group(months, _quarter_end, 3, "3 months added")])
    notes += n2
    rolling_pub, n3 = _merge(of_type("rolling_year"))
    notes += n3
    if frequency == "quarter":
        chained, n4 = _chain_quarters(stored_q, rolling_pub)
        merged, _ = _merge([stored_q, chained])
        return merged, notes + n4
    if frequency == "financial_year":
        march = {
            e: replace(p, how="rolling year ending March")
            for e, p in rolling_pub.items()
            if e.month == 3
        }
        merged, n5 = _merge(
            [
                *of_type("financial_year"),
                _group(months, _fy_end, 12, "12 months added"),
                _group(stored_q, _fy_end, 4, "4 quarters added"),
                march,
            ]
        )
        return merged, notes + n5
    if frequency == "rolling_12_months":
        merged, n5 = _merge(
            [
                _roll(months, 1, 12, "12 months added"),
                _roll(stored_q, 3, 4, "4 quarters added"),
                rolling_pub,
            ]
        )
        return merged, notes + n5
    raise ValueError(f"unknown frequency {frequency!r}")


# --------------------------------------------------------------------------- the series


def measure_series(store: Store, measure: Measure, area_code: str) -> MeasureSeries:
    """The series for ``measure`` in ``area_code`` from the store's current facts."""
    data = measure.data
    facts = store.facts(dataset=data.dataset, area_codes=[area_code])
    population = None
    if data.per_1000_population:
        population = store.facts(dataset="population", area_codes=[area_code], measure="persons")
    return series_from_facts(facts, measure, area_code, population=population)


@dataclass
class PreparedFacts:
    """One area's current facts of one dataset, prepared once for every measure read from
    them: the publications (rule 1), the incomplete periods per measure name (rule 2) and
    the population behind rates. Build it with `prepare`."""

    area_code: str
    pubs: pd.DataFrame
    population: Points | None
    _incomplete: dict[str, dict[tuple[str, str], list[pd.Timestamp]]] = field(default_factory=dict)

    def incomplete(self, measure_name: str) -> dict[tuple[str, str], list[pd.Timestamp]]:
        if measure_name not in self._incomplete:
            self._incomplete[measure_name] = incomplete_periods(
                self.pubs[self.pubs["measure"] == measure_name]
            )
        return self._incomplete[measure_name]


def prepare(
    facts: pd.DataFrame, dataset: str, area_code: str, population: pd.DataFrame | None = None
) -> PreparedFacts:
    """Prepare the area's facts of ``dataset`` (and population, for rates) once."""
    facts = facts[(facts["area_code"] == area_code) & (facts["dataset"] == dataset)]
    pop = None
    if population is not None:
        pop = _population(
            population[
                (population["area_code"] == area_code) & (population["measure"] == "persons")
            ]
        )
    pubs = publications(facts)
    # parsed once here rather than in every selection of every series; text columns as
    # plain objects, which small frames filter and group faster than Arrow strings
    pubs = pubs.astype({c: object for c in pubs.columns if pd.api.types.is_string_dtype(pubs[c])})
    pubs["period_end"] = pd.to_datetime(pubs["period_end"])
    return PreparedFacts(area_code, pubs, pop)


def series_from_facts(
    facts: pd.DataFrame | PreparedFacts,
    measure: Measure,
    area_code: str,
    *,
    population: pd.DataFrame | None = None,
) -> MeasureSeries:
    """The series for ``measure`` from current facts (`Store.facts`) of its dataset and area,
    or from the same facts already prepared (`prepare`).

    ``result.frequency`` is the frequency shown: the measure's own, or the first of
    `FALLBACK_FREQUENCIES` reaching a later period (with a note saying so).
    """
    ready = (
        facts
        if isinstance(facts, PreparedFacts)
        else prepare(facts, measure.data.dataset, area_code, population)
    )
    pubs, pop = ready.pubs, ready.population
    incomplete = ready.incomplete(measure.data.measure)
    best = own_series = _series_at(pubs, incomplete, measure, area_code, measure.frequency, pop)
    own = figures_words(measure.frequency)
    lacking: list[MeasureSeries] = []
    for frequency in FALLBACK_FREQUENCIES.get(measure.frequency, ()):
        other = _series_at(pubs, incomplete, measure, area_code, frequency, pop)
        if other.missing_parts:
            lacking.append(other)
        if other.empty or not (best.empty or _later(other, best)):
            continue
        if best is not own_series and best.latest is not None:
            # passing a fallback, whose own note is dropped with it
            passed = f"the {figures_words(best.frequency)} figures (to {best.latest[0]:%B %Y})"
            why = (
                f"they reach a later period than {passed}, and the store holds no {own} "
                "figures for this measure in this area"
                if own_series.latest is None
                else f"they reach a later period than the {own} figures held (to "
                f"{own_series.latest[0]:%B %Y}) and {passed}"
            )
        elif best.empty:
            why = f"the store holds no {own} figures for this measure in this area"
        else:
            latest = best.latest
            assert latest is not None  # not empty
            why = f"they reach a later period than the {own} figures held (to {latest[0]:%B %Y})"
        other.notes.insert(0, f"Shown as {figures_words(frequency)} figures: {why}.")
        best = other
    shown = [*best.values.index, *best.missing_parts]
    for other in lacking:
        # later periods another frequency would give, but for a missing part (rule 5)
        later = sorted(e for e in other.missing_parts if not shown or e > max(shown))
        if other is not best and later:
            parts = sorted(set().union(*(other.missing_parts[e] for e in later)))
            words = figures_words(other.frequency)
            gap = (
                f"The store holds {words} figures to {later[-1]:%B %Y} for some of the parts, "
                f"but not for {' and '.join(parts)}: no total without every part."
            )
            best.notes.append(gap)
            best.gaps.append(gap)
    return best


def series_at_frequency(
    facts: pd.DataFrame | PreparedFacts,
    measure: Measure,
    area_code: str,
    frequency: str,
    *,
    population: pd.DataFrame | None = None,
) -> MeasureSeries:
    """The series at exactly ``frequency`` (no fallback): empty, with a note, when the facts
    cannot serve it. Used for the history behind a rolling or financial-year figure."""
    ready = (
        facts
        if isinstance(facts, PreparedFacts)
        else prepare(facts, measure.data.dataset, area_code, population)
    )
    return _series_at(
        ready.pubs,
        ready.incomplete(measure.data.measure),
        measure,
        area_code,
        frequency,
        ready.population,
    )


def _later(other: MeasureSeries, best: MeasureSeries) -> bool:
    """``other`` reaches more than one of ``best``'s periods beyond it (an incomplete latest
    quarter is no reason to show a quarterly measure as rolling years)."""
    assert other.latest is not None and best.latest is not None
    step = FREQUENCIES[best.frequency].step_months or 1
    return bool(other.latest[0] > _months_before(best.latest[0], -step))


def _series_at(
    pubs: pd.DataFrame,
    incomplete: dict[tuple[str, str], list[pd.Timestamp]],
    measure: Measure,
    area_code: str,
    frequency: str,
    population: Points | None,
) -> MeasureSeries:
    """The series at one frequency (empty, with a note, when the facts cannot serve it)."""
    measure = replace(measure, frequency=frequency)
    data = measure.data
    pooled = _pooled(pubs, measure)
    counts_rows = pubs[
        pubs["measure"] == ("numerator" if pooled and data.dataset == "indicator" else data.measure)
    ]
    # incomplete periods leave the publication's figures of that period type (rule 2), and are
    # named where the measure's selection is held at that type in that publication
    flagged: set[pd.Timestamp] = set()
    if incomplete:
        held_at = {
            (str(pub), str(ptype))
            for category, subcategory in data.selections()
            for cat, sub, _ in _equivalents(category, subcategory)
            for pub, ptype in _selection(counts_rows, cat, sub)[["publication", "period_type"]]
            .drop_duplicates()
            .itertuples(index=False)
        }
        keep = np.ones(len(counts_rows), dtype=bool)
        ends = pd.to_datetime(counts_rows["period_end"])
        for (pub, ptype), periods in incomplete.items():
            keep &= ~(
                (counts_rows["publication"] == pub).to_numpy()
                & (counts_rows["period_type"] == ptype).to_numpy()
                & ends.isin(periods).to_numpy()
            )
            if (pub, ptype) in held_at:
                flagged.update(periods)
        counts_rows = counts_rows[keep]
    empty = pd.Series(dtype=float, index=pd.DatetimeIndex([], name="period_end"))
    result = MeasureSeries(measure, area_code, empty, None, frequency, None)
    notes: list[str] = []
    part_points: list[tuple[str, Points]] = []
    selected: list[pd.DataFrame] = []
    for category, subcategory in data.selections():
        name = subcategory or category or "all recorded crime"
        points: Points = {}
        own = counts_rows.iloc[0:0]
        for cat, sub, change in _equivalents(category, subcategory):
            rows = _selection(counts_rows, cat, sub)
            rows = rows.assign(period_end=pd.to_datetime(rows["period_end"]))
            if change is None:
                own = rows
            else:
                rows = _stand_in(own, rows, change)
            selected.append(rows)
            found, more = _at_frequency(rows, frequency)
            new = {
                e: p
                for e, p in found.items()
                if e not in points or (points[e].missing and not p.missing)
            }
            shown = [e for e, p in new.items() if not p.missing]
            if shown and change is not None:
                notes.append(f"{change.words} ({_span(shown)}).")
            if new:
                notes += [n for n in more if n not in notes]
            points.update(new)
        part_points.append((name, dict(sorted(points.items()))))
    counts = part_points[0][1] if len(part_points) == 1 else _sum_parts(part_points, result)
    # what the store holds of this selection, to say so when nothing serves this frequency
    held = pd.concat(selected) if selected else counts_rows.iloc[0:0]
    if data.per_1000_population:
        rates = _published_rates(pubs, data, frequency)
        return _rate_series(result, counts, rates, population, notes, frequency, held, flagged)
    return _finish(result, counts, notes, frequency, held, flagged, pooled=pooled)


def _pooled(pubs: pd.DataFrame, measure: Measure) -> bool:
    """Whether the measure is a percentage pooled from counts and bases (rule 6): survey
    counts, or an indicator whose every figure comes with its numerator and denominator."""
    data = measure.data
    if measure.unit != "percent":
        return False
    if data.dataset == "victim_satisfaction":
        return True
    if data.dataset != "indicator":
        return False
    cats = {c for c, _ in data.selections()}
    chosen = pubs[pubs["category"].isin(cats)]
    nums = chosen[chosen["measure"] == "numerator"]
    values = chosen[chosen["measure"] == data.measure]
    return (
        not nums.empty
        and bool(nums["base"].notna().all())
        and set(nums["period_end"]) >= set(values["period_end"])
    )


def _sum_parts(parts: list[tuple[str, Points]], result: MeasureSeries) -> Points:
    """A composite's points: only periods every part has (rule 5)."""
    ends = sorted(set().union(*(set(p) for _, p in parts)))
    out: Points = {}
    for end in ends:
        missing = tuple(name for name, p in parts if end not in p or p[end].missing)
        if len(missing) == len(parts):
            out[end] = _gap(end, parts[0][1][end].how if end in parts[0][1] else "as published")
            continue
        if missing:
            result.missing_parts[end] = missing
            out[end] = _gap(end, "as published")
            continue
        out[end] = _combine(end, [p[end] for _, p in parts], _worst_how([p[end] for _, p in parts]))
    return out


def _worst_how(points: list[Point]) -> str:
    return max((p.how for p in points), key=lambda h: HOW.index(h) if h in HOW else len(HOW))


def _published_rates(pubs: pd.DataFrame, data: DataRef, frequency: str) -> Points:
    rows = pubs[pubs["measure"] == "rate_per_1000"]
    if rows.empty or data.sum_of:
        return {}
    rows = pd.concat(
        [
            _select(g, data.category, data.subcategory)
            for _, g in rows.groupby("publication", sort=False)
        ]
    )
    rows = rows.assign(period_end=pd.to_datetime(rows["period_end"]))
    if frequency == "rolling_12_months":
        found, _ = _merge(
            [
                _points(g[g["period_type"] == "rolling_year"], "rate as published")
                for _, g in rows.groupby("publication", sort=False)
            ]
        )
    elif frequency == "financial_year":
        found = {}
        for _, g in rows.groupby("publication", sort=False):
            for e, p in _points(
                g[g["period_type"].isin(("financial_year", "rolling_year"))], "rate as published"
            ).items():
                if e.month == 3:
                    found.setdefault(e, p)
    else:
        return {}
    return found


def _rate_series(
    result: MeasureSeries,
    counts: Points,
    rates: Points,
    population: Points | None,
    notes: list[str],
    frequency: str,
    pubs: pd.DataFrame,
    flagged: set[pd.Timestamp],
) -> MeasureSeries:
    """Rates per 1,000: published where a table gives one, else counts over population."""
    points: Points = {}
    pops: dict[pd.Timestamp, float] = {}
    years: set[int] = set()
    rate_counts: dict[pd.Timestamp, float] = {}
    for end, p in rates.items():
        if p.missing:
            continue
        points[end] = p
        if end in counts and not counts[end].missing and p.value:
            rate_counts[end] = counts[end].value
            pops[end] = 1000.0 * counts[end].value / p.value
            year = _population_year(population, pops[end])
            if year is not None:
                years.add(year)
    computed = 0
    if population:
        for end, p in counts.items():
            if end in points:
                continue
            if p.missing:
                points[end] = p
                continue
            year, persons, pop_point = _population_for(population, end)
            points[end] = replace(
                _combine(end, [p, pop_point], p.how), value=1000.0 * p.value / persons, base=None
            )
            rate_counts[end], pops[end] = p.value, persons
            years.add(year)
            computed += 1
    elif counts and not rates:
        notes.append("No population figures for this area, so no rate per 1,000.")
    if rates and computed:
        notes.append(
            "Rates as the ONS tables publish them where they give one; elsewhere "
            "counts per 1,000 of the mid-year population estimate."
        )
    result.population_years = tuple(sorted(years))
    finished = _finish(
        result, dict(sorted(points.items())), notes, frequency, pubs, flagged, pooled=False
    )
    index = finished.values.index
    finished.rate_counts = pd.Series(rate_counts, dtype=float).reindex(index)
    finished.population = pd.Series(pops, dtype=float).reindex(index)
    return finished


def _finish(
    result: MeasureSeries,
    spanned: Points,
    notes: list[str],
    frequency: str,
    pubs: pd.DataFrame,
    flagged: set[pd.Timestamp],
    *,
    pooled: bool,
) -> MeasureSeries:
    points = {e: p for e, p in spanned.items() if not p.missing}
    if result.missing_parts and points:
        last = max(result.missing_parts)
        if last > max(points):
            result.gaps.append(
                f"Not every part is held for {last:%B %Y}: no figure without "
                f"{' and '.join(result.missing_parts[last])}, so the latest complete sum is "
                f"{max(points):%B %Y}."
            )
    elif result.missing_parts:
        parts = sorted(set().union(*result.missing_parts.values()))
        result.gaps.append(
            f"No figure: this measure adds up parts, and {', '.join(parts)} "
            f"{'is' if len(parts) == 1 else 'are'} not held for any period that the other "
            "parts are."
        )
    notes.extend(result.gaps)
    used_flags = sorted(e for e in flagged if e not in points)
    if used_flags:
        result.incomplete = tuple(used_flags)
        notes.append(
            f"{', '.join(f'{e:%B %Y}' for e in used_flags)}: incomplete (fewer categories than "
            "the periods before), so not shown or judged as a full period."
        )
    if not points:
        held = pubs.groupby("source")["period_type"].agg(lambda s: sorted(set(s)))
        if not result.missing_parts and not notes:
            if held.empty:
                notes.append("The store holds no figures for this measure in this area.")
            else:
                words = " and ".join(
                    f"{', '.join(figures_words(t) for t in types)} figures from {src}"
                    for src, types in held.items()
                )
                notes.append(
                    f"The store holds no {figures_words(frequency)} figures "
                    f"for this measure in this area, only {words}."
                )
        result.notes = notes
        result.other_sources = tuple(sorted(str(s) for s in pubs["source"].unique()))
        return result
    every = pd.DatetimeIndex(sorted(spanned), name="period_end")
    first, last = every.min(), every.max()
    ends = pd.DatetimeIndex(sorted(points), name="period_end")
    values = pd.Series([spanned[e].value for e in every], index=every, dtype=float)
    bases = [spanned[e].base for e in every]
    base = None
    if any(b is not None for b in bases):
        base = pd.Series([np.nan if b is None else b for b in bases], index=every, dtype=float)
    if frequency in ("month", "quarter"):
        full = pd.date_range(
            first, last, freq="ME" if frequency == "month" else "QE", name="period_end"
        )
        values = values.reindex(full)
        base = base.reindex(full) if base is not None else None
    if pooled and base is not None:
        result.counts = values.copy()
        values = 100.0 * values / base
    result.values = values.astype(float)
    result.base = base
    result.provenance = pd.DataFrame(
        {
            "period_end": ends,
            "value": result.values.reindex(ends).to_numpy(),
            "source": [" and ".join(sorted(points[e].sources)) for e in ends],
            "edition": [", ".join(sorted(points[e].editions)) for e in ends],
            "uploads": [", ".join(map(str, sorted(points[e].uploads))) for e in ends],
            "how": [points[e].how for e in ends],
        }
    )
    latest = points[ends[-1]]
    result.source = " and ".join(sorted(latest.sources))
    used = set().union(*(p.sources for p in points.values()))
    held = set(str(s) for s in pubs["source"].unique())
    result.other_sources = tuple(sorted((used | held) - latest.sources))
    result.upload_ids = tuple(sorted(set().union(*(p.uploads for p in points.values()))))
    result.notes = notes
    return result


def _population(facts: pd.DataFrame) -> Points:
    """Mid-year population per year, most authoritative publication first."""
    if facts.empty:
        return {}
    pubs = publications(facts)
    pubs = pubs.assign(period_end=pd.to_datetime(pubs["period_end"]))
    merged, _ = _merge([_points(g) for _, g in pubs.groupby("publication", sort=False)])
    return merged


def _population_for(pop: Points, end: pd.Timestamp) -> tuple[int, float, Point]:
    eligible = [e for e in pop if e <= end]
    chosen = max(eligible) if eligible else min(pop)
    return int(chosen.year), pop[chosen].value, pop[chosen]


def _population_year(pop: Points | None, persons: float) -> int | None:
    """The mid-year estimate a published rate is per: the held population within 0.5% of
    the population the rate implies, else None."""
    if not pop:
        return None
    end, point = min(pop.items(), key=lambda item: abs(item[1].value - persons))
    return int(end.year) if abs(point.value - persons) <= 0.005 * persons else None


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
    window = (FREQUENCIES[ptype].seasons if ptype in FREQUENCIES else None) or 1
    ends = pd.to_datetime(frame["period_end"])
    periods = sorted(ends.unique())
    recent, previous = periods[-window:], periods[-2 * window : -window]
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
    return GroupTotals(
        table,
        pd.Timestamp(periods[-1]),
        float(now.sum()),
        float(before.sum()) if complete else None,
    )
