"""Peers: where the store holds a measure for several forces, rank and peer average.

The peer group is the plan's Most Similar Group (``settings.peer_group``) or, for data that
names its own peers (the sample's About sheet), the store's ``peer_areas`` setting. The peer
average is the **simple** average of the peers' figures (each force counts once, the home
force left out), so it is not pulled by the largest force. Rank 1 is the best figure by the
measure's polarity (the lowest for lower-is-better); with a neutral polarity the rank is by
size, largest first. The England and Wales figure is shown where the store holds it.

`peer_comparison` is a pure function of the facts already read (`pcp_data.plan_facts`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcp_data.plan import Measure
from pcp_data.plan_facts import ENGLAND_AND_WALES, PlanFacts

__all__ = ["ENGLAND_AND_WALES", "PeerComparison", "peer_comparison"]


@dataclass(frozen=True)
class PeerComparison:
    """A measure across the home area and its peers at one period."""

    date: pd.Timestamp
    table: pd.DataFrame  # area_code, area_name, value, is_home, rank
    rank: int | None
    of: int
    peer_average: float | None
    england_and_wales: float | None
    sentence: str


def peer_comparison(
    facts: PlanFacts,
    measure: Measure,
    area_code: str,
    peer_codes: tuple[str, ...],
    date: pd.Timestamp,
) -> PeerComparison | None:
    """Compare the home area with its peers at ``date``, at the frequency the home area's
    figure is shown at (``measure.frequency``); None when no peer has a figure."""
    names, kinds = facts.names(), facts.kinds()
    rows = []
    for code in (area_code, *[c for c in peer_codes if c != area_code]):
        if code not in names or (code != area_code and kinds[code] != "force"):
            continue  # only forces are peers: a nation or region is never ranked with them
        values = facts.series_at(measure, code, measure.frequency).values
        if date in values.index and pd.notna(values[date]):
            rows.append(
                {
                    "area_code": code,
                    "area_name": names[code],
                    "value": float(values[date]),
                    "is_home": code == area_code,
                }
            )
    table = pd.DataFrame(rows, columns=["area_code", "area_name", "value", "is_home"])
    peers = table[~table["is_home"]]
    if peers.empty or not table["is_home"].any():
        return None
    ascending = measure.polarity == "lower_is_better"
    table = table.sort_values("value", ascending=ascending).reset_index(drop=True)
    table["rank"] = table["value"].rank(ascending=ascending, method="min").astype(int)
    home = table[table["is_home"]].iloc[0]
    average = float(peers["value"].mean())
    ew = None
    if facts.has(ENGLAND_AND_WALES):
        ev = facts.series_at(measure, ENGLAND_AND_WALES, measure.frequency).values
        if date in ev.index and pd.notna(ev[date]):
            ew = float(ev[date])
    order = "best" if measure.polarity != "neutral" else "largest"
    sentence = (
        f"{home['area_name']} ranks {int(home['rank'])} of {len(table)} "
        f"(1 = {order}) against the simple average of {len(peers)} peers"
    )
    return PeerComparison(date, table, int(home["rank"]), len(table), average, ew, sentence)
