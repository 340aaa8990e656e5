"""Which area a plan is shown for, and which areas it is compared with: one rule, used by every
page, the report and the exports.

**The area.** The area asked for; else the plan's own force when the store holds it; else the
store's home area (named by the data's About sheet); else the first force the store holds.
Each choice comes with the words that say why.

**The peers.** A peer group is a home force with its peers: the plan's force with the plan's
Most Similar Group (``settings.peer_group``), used when the store holds any of those peers;
then the store's ``home_area`` with its ``peer_areas`` (the sample's About sheet names them).
An area's peers are the rest of the first group it belongs to, among the areas the store holds;
an area in no group has no peers, and ``why`` says so.

Both are pure functions of the areas held (`pcp_data.store.Store.areas`) and the store's two
settings, so a page and the report can never rank against different peers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcp_data.plan import Plan

PLAN_PEERS = "the plan's peer group (settings.peer_group)"
STORE_PEERS = "the store's peer areas (from the data's About sheet)"


@dataclass(frozen=True)
class AreaChoice:
    """The area shown: its code, name and why it was chosen."""

    code: str
    name: str
    why: str


@dataclass(frozen=True)
class PeerGroup:
    """An area's peers and where the group came from.

    ``codes``/``names``: the peers the store holds (the area itself left out); ``source``: the
    group's origin (None when the area has none); ``not_held``: peers the plan names that the
    store holds no figures for; ``why``: why there are no peers, when there are none.
    """

    source: str | None
    codes: tuple[str, ...]
    names: tuple[str, ...]
    not_held: tuple[str, ...]
    why: str | None


def default_area(plan: Plan, areas: pd.DataFrame, home: str | None) -> AreaChoice | None:
    """The area a plan opens on when none is asked for (None when the store is empty)."""
    if areas.empty:
        return None
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    if plan.force_code in names:
        return AreaChoice(plan.force_code, names[plan.force_code], "the plan's force")
    if home and home in names:
        return AreaChoice(home, names[home], "the store's home area (from the data's About sheet)")
    forces = areas[areas["area_kind"] == "force"]
    pool = forces if not forces.empty else areas
    code = str(pool["area_code"].iloc[0])
    return AreaChoice(
        code,
        names[code],
        (
            f"the first force in the store: it holds no figures for the plan's force "
            f"({plan.force}) and no home area is set"
        ),
    )


def peer_group(
    plan: Plan, area_code: str, areas: pd.DataFrame, *, home: str | None, peer_setting: str | None
) -> PeerGroup:
    """The peers ``area_code`` is compared with (see the module docstring)."""
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    groups: list[tuple[str, list[str], list[str]]] = []
    if any(c in names for c in plan.settings.peer_group):
        planned = [plan.force_code, *plan.settings.peer_group]
        groups.append(
            (PLAN_PEERS, planned, [c for c in plan.settings.peer_group if c not in names])
        )
    setting = [c.strip() for c in (peer_setting or "").split(",") if c.strip()]
    if setting:
        groups.append((STORE_PEERS, ([home] if home else []) + setting, []))
    for source, group, missing in groups:
        if area_code in group:
            peers = tuple(dict.fromkeys(c for c in group if c != area_code and c in names))
            return PeerGroup(source, peers, tuple(names[c] for c in peers), tuple(missing), None)
    if groups:
        why = (
            f"{names.get(area_code, area_code)} is in no peer group the report knows "
            f"({'; '.join(g[0] for g in groups)}), so it is not compared with peers"
        )
    else:
        why = "the plan sets no peer group and the store names no peer areas"
    return PeerGroup(None, (), (), (), why)
