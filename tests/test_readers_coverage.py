"""What each reader declares it gives (`Produces`), the sentence a measure with no figures
shows (`where_to_get`), and the vocabulary's classification tables checked against the real
publications that use the other names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pcp_data import vocabulary
from pcp_data.plan import load_shipped, shipped_plans
from pcp_data.readers import READERS, _load_readers, read_file
from pcp_data.readers.coverage import sources_for, where_to_get
from pcp_data.readers.home_office_prc import SOURCE as HO_SOURCE
from pcp_data.readers.ons_pfa import SOURCE as ONS_SOURCE
from pcp_data.readers.police_uk import STREET_SOURCE

_load_readers()

HO = "the Home Office police recorded crime open data tables"
ONS_CRIME = "the ONS Police Force Area data tables (Tables P1 and P3)"
ONS_ASB = (
    "the ONS Police Force Area data tables for a year ending March (Table P7, "
    "anti-social behaviour incidents)"
)
POLICE_UK = "data.police.uk street-level crime files (one a month)"
WORKFORCE_OPEN = "the Home Office police workforce open data tables"
WORKFORCE_TABLES = "the Home Office Police workforce, England and Wales tables"


@pytest.mark.parametrize(
    ("dataset", "measure", "category", "subcategory", "sentence"),
    [
        (
            "recorded_crime",
            "offences",
            None,
            None,
            f"The Home Office police recorded crime open data tables, {ONS_CRIME}, {POLICE_UK} "
            "or the template's Recorded crime sheet would give this measure figures.",
        ),
        (
            "recorded_crime",
            "rate_per_1000",
            "Violence against the person",
            None,
            "The ONS Police Force Area data tables (Tables P1 and P3) would give this measure "
            "figures.",
        ),
        (
            "recorded_crime",
            "offences",
            "Theft offences",
            "Domestic burglary",
            f"The Home Office police recorded crime open data tables, {ONS_CRIME} or the "
            "template's Recorded crime sheet would give this measure figures.",
        ),
        (
            "recorded_crime",
            "offences",
            "Theft offences",
            "Theft of a motor vehicle",
            "The Home Office police recorded crime open data tables or the template's Recorded "
            "crime sheet would give this measure figures. The ONS tables give theft from a "
            "vehicle, theft of a motor vehicle and vehicle interference only together, as "
            "Vehicle offences: none of them can be read from those tables alone.",
        ),
        (
            "indicator",
            "value",
            "Anti-social behaviour",
            None,
            f"The ONS Police Force Area data tables for a year ending March (Table P7, anti-social"
            f" behaviour incidents), {POLICE_UK} or the template's Indicators sheet would give "
            "this measure figures.",
        ),
        (
            "indicator",
            "value",
            "Proven re-offending rate",
            None,
            "No public file the product reads holds this measure: the template's Indicators "
            "sheet would give it figures.",
        ),
        # no edition of the ONS tables held has a crime survey table of confidence in the
        # police (the only survey table is Table P6, experiences of anti-social behaviour)
        (
            "indicator",
            "value",
            "Public confidence in the police",
            None,
            "No public file the product reads holds this measure: the template's Indicators "
            "sheet would give it figures.",
        ),
        (
            "victim_satisfaction",
            "satisfied",
            "Whole experience",
            None,
            "No public file the product reads holds this measure: the template's Victim "
            "satisfaction sheet would give it figures.",
        ),
        # the September editions of the workforce tables give officers, staff, PCSOs and
        # designated officers in FTE only: their headcount comes from the open data tables
        (
            "workforce",
            "headcount",
            "Police staff",
            None,
            "The Home Office police workforce open data tables or the template's Workforce "
            "sheet would give this measure figures.",
        ),
        (
            "workforce",
            "headcount",
            "Police officers",
            None,
            "The Home Office police workforce open data tables or the template's Workforce "
            "sheet would give this measure figures.",
        ),
        (
            "workforce",
            "fte",
            "PCSOs",
            None,
            f"{WORKFORCE_TABLES[0].upper()}{WORKFORCE_TABLES[1:]}, {WORKFORCE_OPEN} or the "
            "template's Workforce sheet would give this measure figures.",
        ),
        (
            "workforce",
            "headcount",
            "Special constables",
            None,
            f"{WORKFORCE_TABLES[0].upper()}{WORKFORCE_TABLES[1:]}, {WORKFORCE_OPEN} or the "
            "template's Workforce sheet would give this measure figures.",
        ),
    ],
)
def test_where_to_get(dataset, measure, category, subcategory, sentence) -> None:
    assert where_to_get(dataset, measure, category, subcategory) == sentence


def test_every_reader_declares_what_it_gives() -> None:
    assert READERS
    for reader in READERS:
        for p in reader.produces:
            assert p.dataset in vocabulary.DATASETS, (reader.format, p)
            assert set(p.measures) <= set(vocabulary.MEASURES[p.dataset]), (reader.format, p)
            assert (p.where and p.where[0].islower()) or p.where.startswith("data.police.uk")


def test_every_plan_measure_has_somewhere_to_get_it() -> None:
    """Every shipped plan's every measure (each part of a composite) is given by some file
    or template sheet, and the sentence names it."""
    for plan_id in shipped_plans():
        for m in load_shipped(plan_id).measures:
            for category, subcategory in m.data.selections():
                found = sources_for(m.data.dataset, m.data.measure, category, subcategory)
                assert found, (plan_id, m.id)
                assert found[-1].template  # the template is always the last resort
                assert found[-1].where in where_to_get(
                    m.data.dataset, m.data.measure, category, subcategory
                )


# --- the classification tables --------------------------------------------------------------


def test_classification_changes_name_vocabulary_categories_and_known_publications() -> None:
    for c in vocabulary.CLASSIFICATION_CHANGES:
        if c.category is None:
            assert c.name in vocabulary.OFFENCE_GROUPS
        else:
            assert c.name in vocabulary.OFFENCE_GROUPS[c.category]
        assert c.publication in {ONS_SOURCE, STREET_SOURCE, HO_SOURCE}
        assert c.words.strip() and not c.words.endswith(".")  # a clause: callers add the stop
    for h in vocabulary.CLASSIFICATION_COMBINED:
        assert len(h.parts) >= 2
        for group, sub in h.parts:
            assert sub is None or sub in vocabulary.OFFENCE_GROUPS[group]


@pytest.mark.parametrize(
    ("category", "subcategory", "names"),
    [
        ("Theft offences", "Theft from a vehicle", ["Vehicle offences", "Vehicle crime"]),
        ("Theft offences", "Domestic burglary", ["Burglary", "Burglary"]),
        ("Sexual offences", None, ["Violence and sexual offences"]),
        ("Robbery", None, []),
    ],
)
def test_combined_headings(category, subcategory, names) -> None:
    assert [h.name for h in vocabulary.combined_headings(category, subcategory)] == names


def _selection(facts, category, subcategory):
    rows = facts[facts["category"] == category]
    return rows[rows["subcategory"] == (subcategory or "")]


@pytest.mark.realdata
def test_each_other_name_is_what_its_publication_stores(realdata_dir: Path) -> None:
    """Every mapped name is one the real publication's reader actually stores."""
    files = {
        ONS_SOURCE: realdata_dir / "recorded_crime/ons_pfa_tables/"
        "policeforceareatablesyearendingjune2019.xlsx",
        STREET_SOURCE: realdata_dir / "recorded_crime/police_uk/2021-02-dorset-street.csv",
    }
    facts = {s: read_file(p.name, p.read_bytes()).facts for s, p in files.items()}
    for c in vocabulary.CLASSIFICATION_CHANGES:
        f = facts[c.publication]
        assert not _selection(f, c.other_category, c.other_name).empty, c
    for h in vocabulary.CLASSIFICATION_COMBINED:
        assert not _selection(
            facts[h.publication], h.category, None if h.category == h.name else h.name
        ).empty, h


@pytest.mark.realdata
def test_residential_burglary_and_vehicle_offences_against_the_home_office(
    realdata_dir: Path,
) -> None:
    """Durham, 2017/18. ONS Table P1 (year ending March 2018), row 'Durham': O 'Residential
    burglary6,7' = 3292, P 'Non-residential  burglary6,7' = 1419, Q 'Vehicle offences' = 3702.
    The Home Office open data, four quarters of 2017/18 added: Domestic burglary 3289,
    Non-domestic burglary 1419, and Theft from a vehicle 2279 + Theft of a motor vehicle 838 +
    Vehicle interference 584 = 3701. The same offences under other names (the ONS table was
    published later, with revisions): within 0.5%."""
    ons = read_file(
        "m.xlsx",
        (
            realdata_dir / "recorded_crime/ons_pfa_tables/"
            "policeforceareatablesyearendingmarch2018v2.xlsx"
        ).read_bytes(),
    ).facts
    ho = read_file(
        "ho.csv",
        (
            realdata_dir / "recorded_crime/home_office_prc/prc-pfa-mar2013-onwards-tables201718.csv"
        ).read_bytes(),
    ).facts
    ons = ons[(ons["area_code"] == "E23000008") & (ons["measure"] == "offences")]
    ho = ho[
        (ho["area_code"] == "E23000008")
        & (ho["period_start"] >= "2017-04-01")
        & (ho["period_end"] <= "2018-03-31")
    ]

    def total(frame, category, sub):
        return _selection(frame, category, sub)["value"].sum()

    for c in vocabulary.CLASSIFICATION_CHANGES:
        if c.publication == ONS_SOURCE:
            a, b = total(ons, c.other_category, c.other_name), total(ho, c.category, c.name)
            assert a == pytest.approx(b, rel=0.005), c
    assert total(ons, "Theft offences", "Residential burglary") == 3292
    assert total(ho, "Theft offences", "Domestic burglary") == 3289
    vehicle = next(h for h in vocabulary.CLASSIFICATION_COMBINED if h.name == "Vehicle offences")
    assert total(ons, "Theft offences", "Vehicle offences") == 3702
    assert sum(total(ho, g, s) for g, s in vehicle.parts) == 3701
