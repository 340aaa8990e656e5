"""The facts one question reads, read from the store once, and the series made from them.

A page run, a report or a pack asks one question: "how is this plan doing in this area, as at
this month?". `PlanFacts.read` answers the store's part of it in one query: the current facts
of every dataset the measures read (and population, for rates), for the area, its peers and
England and Wales. Everything after that (series, comparisons, SPC, tests, peers) is a pure
function of these frames; `PlanFacts.series` memoises each series so a measure shown on a
page, ranked among peers and charted is assembled once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from pcp_data.measures import (
    MeasureSeries,
    PreparedFacts,
    prepare,
    series_at_frequency,
    series_from_facts,
)
from pcp_data.plan import Measure
from pcp_data.store import Store

ENGLAND_AND_WALES = "K04000001"
"""ONS code of England and Wales, read beside the peers wherever the store holds it."""

HISTORY_FREQUENCIES: tuple[str, ...] = ("month", "quarter")
"""Non-overlapping periods behind a rolling or yearly figure, finest first."""


class PlanFacts:
    """Current facts for a set of areas and datasets, and the measure series made from them.

    Parameters
    ----------
    facts : pandas.DataFrame
        Current facts (`Store.facts`) of the datasets the measures read, every area wanted.
    """

    def __init__(self, facts: pd.DataFrame) -> None:
        self.facts = facts
        self._by_area: dict[str, pd.DataFrame] = (
            {str(code): frame for code, frame in facts.groupby("area_code", sort=False)}
            if not facts.empty
            else {}
        )
        self._series: dict[tuple[Measure, str, str | None], MeasureSeries] = {}
        self._prepared: dict[tuple[str, str, bool], PreparedFacts] = {}

    @classmethod
    def read(
        cls, store: Store, measures: Iterable[Measure], area_codes: Iterable[str]
    ) -> PlanFacts:
        """One query: every dataset ``measures`` read (and population where one is a rate),
        for ``area_codes`` and England and Wales."""
        wanted = list(measures)
        datasets = {m.data.dataset for m in wanted}
        if any(m.data.per_1000_population for m in wanted):
            datasets.add("population")
        codes = sorted({*area_codes, ENGLAND_AND_WALES})
        if not datasets:
            return cls(store.facts(datasets=[], area_codes=[]))
        return cls(store.facts(datasets=sorted(datasets), area_codes=codes))

    # -- areas ----------------------------------------------------------------------------
    def names(self) -> dict[str, str]:
        """Area code -> name, for the areas held."""
        return {code: str(f["area_name"].iloc[0]) for code, f in self._by_area.items()}

    def kinds(self) -> dict[str, str]:
        """Area code -> kind (force, region, nation, other)."""
        return {code: str(f["area_kind"].iloc[0]) for code, f in self._by_area.items()}

    def has(self, area_code: str) -> bool:
        return area_code in self._by_area

    def latest(self, area_code: str) -> dict[str, str]:
        """Dataset -> the area's newest period end (ISO), as `Store.coverage` gives it."""
        area = self._area(area_code)
        if area.empty:
            return {}
        return {str(d): str(v) for d, v in area.groupby("dataset")["period_end"].max().items()}

    # -- series ---------------------------------------------------------------------------
    def _area(self, area_code: str) -> pd.DataFrame:
        return self._by_area.get(area_code, self.facts.iloc[0:0])

    def _ready(self, measure: Measure, area_code: str) -> PreparedFacts:
        """The area's facts of the measure's dataset, prepared once for all its measures."""
        rate = measure.data.per_1000_population
        key = (area_code, measure.data.dataset, rate)
        if key not in self._prepared:
            area = self._area(area_code)
            population = area[area["dataset"] == "population"] if rate else None
            self._prepared[key] = prepare(area, measure.data.dataset, area_code, population)
        return self._prepared[key]

    def series(self, measure: Measure, area_code: str) -> MeasureSeries:
        """The measure's series in the area at its own frequency, or the fallback frequency
        that reaches latest (see `pcp_data.measures`)."""
        key = (measure, area_code, None)
        if key not in self._series:
            self._series[key] = series_from_facts(
                self._ready(measure, area_code), measure, area_code
            )
        return self._series[key]

    def series_at(self, measure: Measure, area_code: str, frequency: str) -> MeasureSeries:
        """The measure's series at exactly ``frequency`` (empty when not held)."""
        key = (measure, area_code, frequency)
        if key not in self._series:
            self._series[key] = series_at_frequency(
                self._ready(measure, area_code), measure, area_code, frequency
            )
        return self._series[key]

    def history(self, measure: Measure, area_code: str) -> MeasureSeries | None:
        """The months (else quarters) behind a measure: non-overlapping periods, for the
        dispersion of a rolling figure's test and a survey's p-chart. None when neither is
        held."""
        for frequency in HISTORY_FREQUENCIES:
            found = self.series_at(replace(measure, frequency=frequency), area_code, frequency)
            if not found.empty:
                return found
        return None
