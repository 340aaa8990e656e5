"""Peers, checked by hand: rank by polarity (1 = best), the simple peer average leaves the home
force out, England and Wales shown where held."""

from __future__ import annotations

import pandas as pd
import pytest

from pcp_data.importer import import_files
from pcp_data.peers import ENGLAND_AND_WALES, PeerComparison
from pcp_data.peers import peer_comparison as compare_with_peers
from pcp_data.plan import DataRef, Measure
from pcp_data.plan_facts import PlanFacts
from pcp_data.store import Store
from tests.template_helpers import crime_rows, workbook

DURHAM, CLEVELAND, NORTHUMBRIA, CUMBRIA = "E23000008", "E23000013", "E23000007", "E23000002"
PEERS = (CLEVELAND, NORTHUMBRIA, CUMBRIA)
APRIL = pd.Timestamp(2019, 4, 30)
MAY = pd.Timestamp(2019, 5, 31)


def peer_comparison(
    store: Store, measure: Measure, home: str, peers: tuple[str, ...], date: pd.Timestamp
) -> PeerComparison | None:
    """Read the facts once for the home force and its peers, as a page does, then compare."""
    facts = PlanFacts.read(store, [measure], (home, *peers))
    return compare_with_peers(facts, measure, home, peers, date)


def robbery(polarity: str) -> Measure:
    data = DataRef("recorded_crime", "offences", "Robbery", "Robbery of personal property")
    return Measure("robbery", "Robbery", data, "count", "month", polarity)


def publish(store: Store, figures: dict[str, dict[str, int]]) -> None:
    rows = [
        [month, area, "Robbery", "Robbery of personal property", n]
        for month, by_area in figures.items()
        for area, n in by_area.items()
    ]
    import_files(
        [("x.xlsx", workbook({"Recorded crime": crime_rows(*rows)}))], store, uploaded_by="tests"
    )


@pytest.fixture
def four_forces(store: Store) -> Store:
    # April 2019: Durham 30, Cleveland 50, Northumbria 20, Cumbria 40; England and Wales 1,000
    publish(
        store,
        {
            "2019-04": {
                "Durham": 30,
                "Cleveland": 50,
                "Northumbria": 20,
                "Cumbria": 40,
                "England and Wales": 1000,
            }
        },
    )
    return store


@pytest.mark.parametrize(
    ("polarity", "order", "rank", "words"),
    [
        # lowest first: Northumbria 20, Durham 30, Cumbria 40, Cleveland 50
        ("lower_is_better", [NORTHUMBRIA, DURHAM, CUMBRIA, CLEVELAND], 2, "1 = best"),
        # highest first: Cleveland 50, Cumbria 40, Durham 30, Northumbria 20
        ("higher_is_better", [CLEVELAND, CUMBRIA, DURHAM, NORTHUMBRIA], 3, "1 = best"),
        # no polarity: by size, largest first
        ("neutral", [CLEVELAND, CUMBRIA, DURHAM, NORTHUMBRIA], 3, "1 = largest"),
    ],
)
def test_rank_by_polarity(
    four_forces: Store, polarity: str, order: list[str], rank: int, words: str
) -> None:
    p = peer_comparison(four_forces, robbery(polarity), DURHAM, PEERS, APRIL)
    assert p is not None
    assert p.table["area_code"].tolist() == order
    assert p.table["rank"].tolist() == [1, 2, 3, 4]
    assert (p.rank, p.of) == (rank, 4)
    assert p.table.loc[p.table["is_home"], "area_code"].tolist() == [DURHAM]
    assert f"ranks {rank} of 4 ({words})" in p.sentence


def test_peer_average_is_simple_and_leaves_the_home_force_out(four_forces: Store) -> None:
    p = peer_comparison(four_forces, robbery("lower_is_better"), DURHAM, PEERS, APRIL)
    assert p is not None
    # (50 + 20 + 40) / 3 = 36.67; with Durham it would be (30 + 50 + 20 + 40) / 4 = 35
    assert p.peer_average == pytest.approx(110 / 3)
    assert "simple average of 3 peers" in p.sentence


def test_england_and_wales_figure_when_held(four_forces: Store) -> None:
    p = peer_comparison(four_forces, robbery("lower_is_better"), DURHAM, PEERS, APRIL)
    assert p is not None and p.england_and_wales == 1000.0
    # England and Wales (or a region) is never ranked or averaged as a peer, even when named
    p2 = peer_comparison(
        four_forces, robbery("lower_is_better"), DURHAM, (*PEERS, ENGLAND_AND_WALES), APRIL
    )
    assert p2 is not None and ENGLAND_AND_WALES not in p2.table["area_code"].tolist()
    assert (p2.rank, p2.of) == (2, 4) and p2.peer_average == pytest.approx(110 / 3)


def test_no_england_and_wales_figure_when_absent(store: Store) -> None:
    publish(store, {"2019-04": {"Durham": 30, "Cleveland": 50}})
    p = peer_comparison(store, robbery("lower_is_better"), DURHAM, (CLEVELAND,), APRIL)
    assert p is not None and p.england_and_wales is None
    assert p.peer_average == 50.0 and (p.rank, p.of) == (1, 2)


def test_ties_share_the_better_rank(store: Store) -> None:
    # Durham and Cleveland both 30, Cumbria 10: lower is better -> Cumbria 1, both others 2
    publish(store, {"2019-04": {"Durham": 30, "Cleveland": 30, "Cumbria": 10}})
    p = peer_comparison(store, robbery("lower_is_better"), DURHAM, (CLEVELAND, CUMBRIA), APRIL)
    assert p is not None
    assert sorted(p.table["rank"].tolist()) == [1, 2, 2]
    assert (p.rank, p.of) == (2, 3)


def test_peers_without_a_figure_at_the_date_are_left_out(store: Store) -> None:
    # May 2019: only Durham and Northumbria have a figure; Cleveland's is April only
    publish(
        store,
        {
            "2019-04": {"Durham": 30, "Cleveland": 50, "Northumbria": 20},
            "2019-05": {"Durham": 35, "Northumbria": 25},
        },
    )
    p = peer_comparison(store, robbery("lower_is_better"), DURHAM, PEERS, MAY)
    assert p is not None
    assert p.table["area_code"].tolist() == [NORTHUMBRIA, DURHAM]
    # Cumbria is named as a peer but the store holds nothing for it
    assert p.peer_average == 25.0 and (p.rank, p.of) == (2, 2)


def test_home_force_named_among_its_peers_counts_once(four_forces: Store) -> None:
    p = peer_comparison(four_forces, robbery("lower_is_better"), DURHAM, (DURHAM, *PEERS), APRIL)
    assert p is not None and p.of == 4
    assert p.peer_average == pytest.approx(110 / 3)


def test_no_peer_figures_gives_none(store: Store) -> None:
    publish(store, {"2019-04": {"Durham": 30}})
    assert peer_comparison(store, robbery("lower_is_better"), DURHAM, PEERS, APRIL) is None
