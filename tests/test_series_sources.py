"""One series from several publications: each rule of `pcp_data.measures`' docstring, checked
on small hand-made facts frames (shaped like `Store.facts()` output) with the arithmetic
written out, and on the real published files for Devon and Cornwall."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from pcp_data.facts import FACT_COLUMNS
from pcp_data.importer import import_files
from pcp_data.measures import (
    AUTHORITY,
    FALLBACK_FREQUENCIES,
    incomplete_periods,
    measure_series,
    publications,
    series_at_frequency,
    series_from_facts,
)
from pcp_data.plan import DataRef, Measure, load_shipped
from pcp_data.store import Store
from pcp_data.vocabulary import CLASSIFICATION_CHANGES
from tests.template_helpers import crime_rows, workbook

AREA = "E23000008"
GROUP, SUB = "Theft offences", "Domestic burglary"
TEMPLATE = "PCP template"
SAMPLE = "Synthetic sample data (not real figures)"
HOME_OFFICE = "Home Office police recorded crime open data"
ONS = "ONS Crime in England and Wales: Police Force Area data tables"
POLICE_UK = "data.police.uk street-level crime"
FORMATS = {HOME_OFFICE: "home_office_prc", ONS: "ons_pfa", POLICE_UK: "police_uk"}
SPAN_MONTHS = {"month": 1, "quarter": 3, "rolling_year": 12, "financial_year": 12}


def end(month: str) -> pd.Timestamp:
    """``"2018-06"`` -> 30 June 2018."""
    return pd.Period(month, "M").to_timestamp(how="end").normalize()


def month_label(i: int, start: tuple[int, int] = (2018, 1)) -> str:
    """The i-th month (0 = start) as ``YYYY-MM``."""
    y, m = start
    k = (m - 1) + i
    return f"{y + k // 12}-{k % 12 + 1:02d}"


def fact(
    period_type: str,
    month: str,
    value: float,
    *,
    category: str = GROUP,
    subcategory: str = SUB,
    source: str = TEMPLATE,
    fmt: str | None = None,
    edition: str = "",
    upload: int = 1,
    measure: str = "offences",
    base: float | None = None,
    dataset: str = "recorded_crime",
) -> dict:
    """One current fact, as `Store.facts` gives it: a period of ``period_type`` ending in
    ``month``, read by ``fmt`` (the source's own reader unless given)."""
    last = end(month)
    first = last - pd.offsets.MonthBegin(SPAN_MONTHS[period_type])
    return {
        "dataset": dataset,
        "area_code": AREA,
        "area_name": "Durham",
        "area_kind": "force",
        "period_start": f"{first:%Y-%m-%d}",
        "period_end": f"{last:%Y-%m-%d}",
        "period_type": period_type,
        "category": category,
        "subcategory": subcategory,
        "measure": measure,
        "value": float(value),
        "base": math.nan if base is None else float(base),
        "source": source,
        "sheet": "Sheet",
        "edition": edition,
        "upload_id": upload,
        "format": fmt or FORMATS.get(source, "pcp_template"),
    }


def facts(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*FACT_COLUMNS, "upload_id", "format"])


def measure(
    frequency: str,
    category: str | None = GROUP,
    subcategory: str | None = SUB,
    *,
    sum_of: tuple[tuple[str | None, str | None], ...] = (),
    dataset: str = "recorded_crime",
    data_measure: str = "offences",
    unit: str = "count",
) -> Measure:
    if sum_of:
        category = subcategory = None
    data = DataRef(dataset, data_measure, category, subcategory, sum_of=sum_of)
    return Measure("m", "A measure", data, unit, frequency, "lower_is_better")


def values(series: pd.Series) -> dict[pd.Timestamp, float]:
    return series.dropna().to_dict()


# --------------------------------------------------------------------------- 1. editions


@pytest.mark.parametrize("newer_upload", [1, 2])
def test_newest_edition_of_a_publication_wins_whatever_the_upload_order(newer_upload: int) -> None:
    # the year ending March 2018 edition says 90 for the year to March 2018; the year ending
    # June 2018 edition revises it to 100 and adds the year to June 2018 (120)
    older_upload = 3 - newer_upload
    rows = [
        fact(
            "rolling_year",
            "2018-03",
            90,
            source=ONS,
            edition="year ending March 2018",
            upload=older_upload,
        ),
        fact(
            "rolling_year",
            "2018-03",
            100,
            source=ONS,
            edition="year ending June 2018",
            upload=newer_upload,
        ),
        fact(
            "rolling_year",
            "2018-06",
            120,
            source=ONS,
            edition="year ending June 2018",
            upload=newer_upload,
        ),
    ]
    s = series_from_facts(facts(rows), measure("rolling_12_months"), AREA)
    assert values(s.values) == {end("2018-03"): 100.0, end("2018-06"): 120.0}
    assert s.provenance is not None
    assert s.provenance["edition"].tolist() == ["year ending June 2018"] * 2
    assert s.provenance["uploads"].tolist() == [str(newer_upload)] * 2
    assert s.notes == []  # one publication: its editions are revisions, not disagreements


def test_within_one_edition_the_latest_upload_wins() -> None:
    rows = [
        fact("quarter", "2018-03", 10, source=HOME_OFFICE, upload=1),
        fact("quarter", "2018-03", 11, source=HOME_OFFICE, upload=2),
    ]
    pubs = publications(facts(rows))
    assert pubs["value"].tolist() == [11.0] and pubs["upload_id"].tolist() == [2]
    s = series_from_facts(facts(rows), measure("quarter"), AREA)
    assert values(s.values) == {end("2018-03"): 11.0}


# --------------------------------------------------------------------------- 2. authority


def test_authority_order_is_template_home_office_ons_police_uk() -> None:
    ranks = [AUTHORITY[f] for f in ("pcp_template", "home_office_prc", "ons_pfa", "police_uk")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4


def test_the_most_authoritative_publication_gives_each_period_and_disagreements_are_said() -> None:
    # quarter      template  Home Office  ONS   data.police.uk   used
    # Mar 2018        -         100        -         80         Home Office 100
    # Jun 2018        -         110       120        90         Home Office 110
    # Sep 2018        -          -        130        95         ONS 130
    # Dec 2018       50          60        -          -         template 50
    # Mar 2019        -         200      200.5        -         Home Office 200 (+0.25%: agree)
    table = {
        "2018-03": (None, 100, None, 80),
        "2018-06": (None, 110, 120, 90),
        "2018-09": (None, None, 130, 95),
        "2018-12": (50, 60, None, None),
        "2019-03": (None, 200, 200.5, None),
    }
    rows = []
    for month, given in table.items():
        for source, value, upload in zip(
            (TEMPLATE, HOME_OFFICE, ONS, POLICE_UK), given, (4, 1, 2, 3), strict=True
        ):
            if value is not None:
                rows.append(fact("quarter", month, value, source=source, upload=upload))
    s = series_from_facts(facts(rows), measure("quarter"), AREA)
    assert values(s.values) == {
        end("2018-03"): 100.0,
        end("2018-06"): 110.0,
        end("2018-09"): 130.0,
        end("2018-12"): 50.0,
        end("2019-03"): 200.0,
    }
    assert s.provenance is not None
    assert s.provenance["source"].tolist() == [HOME_OFFICE, HOME_OFFICE, ONS, TEMPLATE, HOME_OFFICE]
    assert s.source == HOME_OFFICE
    assert s.other_sources == (ONS, TEMPLATE, POLICE_UK)
    # template against Home Office, Dec 2018: (60 - 50) / 50 = +20.0%
    # Home Office against data.police.uk, Mar and Jun 2018: (80 - 100) / 100 = -20.0%,
    #   (90 - 110) / 110 = -18.2%: up to -20.0%
    # Home Office against ONS, Jun 2018: (120 - 110) / 110 = +9.1%; Mar 2019:
    #   (200.5 - 200) / 200 = +0.25%: up to +9.1% over 2 periods
    # ONS against data.police.uk, Sep 2018: (95 - 130) / 130 = -26.9%
    assert set(s.notes) == {
        f"Where {TEMPLATE} and {HOME_OFFICE} both give a figure (1 period), they differ by up "
        f"to +20.0%; {TEMPLATE} is used, being the more authoritative.",
        f"Where {HOME_OFFICE} and {POLICE_UK} both give a figure (2 periods), they differ by "
        f"up to -20.0%; {HOME_OFFICE} is used, being the more authoritative.",
        f"Where {HOME_OFFICE} and {ONS} both give a figure (2 periods), they differ by up to "
        f"+9.1%; {HOME_OFFICE} is used, being the more authoritative.",
        f"Where {ONS} and {POLICE_UK} both give a figure (1 period), they differ by up to "
        f"-26.9%; {ONS} is used, being the more authoritative.",
    }


def test_overlapping_publications_within_half_a_percent_are_not_said_to_differ() -> None:
    # Home Office 1000 against ONS 1004: (1004 - 1000) / 1000 = +0.4%, within 0.5%
    rows = [
        fact("quarter", "2018-03", 1000, source=HOME_OFFICE, upload=1),
        fact("quarter", "2018-03", 1004, source=ONS, upload=2),
    ]
    s = series_from_facts(facts(rows), measure("quarter"), AREA)
    assert values(s.values) == {end("2018-03"): 1000.0}
    assert s.notes == []


# --------------------------------------------------------------------------- 3. chaining


def test_quarters_chain_from_rolling_years_checked_against_the_published_quarters() -> None:
    # Home Office quarters for 2017 and 2018; ONS rolling years from December 2017 to one
    # quarter beyond the quarters (March 2019)
    quarters = {
        "2017-03": 10,
        "2017-06": 20,
        "2017-09": 30,
        "2017-12": 40,
        "2018-03": 12,
        "2018-06": 22,
        "2018-09": 33,
        "2018-12": 44,
    }
    rolling = {
        "2017-12": 100,
        "2018-03": 102,
        "2018-06": 105,
        "2018-09": 107,
        "2018-12": 111,
        "2019-03": 115,
    }
    rows = [fact("quarter", q, v, source=HOME_OFFICE, upload=1) for q, v in quarters.items()]
    rows += [
        fact("rolling_year", r, v, source=ONS, upload=2, edition=f"year ending {end(r):%B %Y}")
        for r, v in rolling.items()
    ]
    s = series_from_facts(facts(rows), measure("quarter"), AREA)
    assert s.frequency == "quarter"
    # Q(Mar 2019) = R(Mar 2019) - R(Dec 2018) + Q(Mar 2018) = 115 - 111 + 12 = 16
    assert values(s.values) == {
        **{end(q): float(v) for q, v in quarters.items()},
        end("2019-03"): 16.0,
    }
    assert s.provenance is not None
    last = s.provenance.iloc[-1]
    assert last["how"] == "chained from rolling years"
    assert last["source"] == f"{HOME_OFFICE} and {ONS}"
    assert last["edition"] == "year ending December 2018, year ending March 2019"
    # the overlap, where a published quarter is held, checks the rule (4 quarters):
    # Mar 2018: 102 - 100 + 10 = 12 against 12 (0%); Jun 2018: 105 - 102 + 20 = 23 against 22
    # (+4.5%); Sep 2018: 107 - 105 + 30 = 32 against 33 (-3.0%); Dec 2018: 111 - 107 + 40 = 44
    # against 44 (0%): up to 4.5%
    assert s.notes == [
        "1 quarter (Mar 2019) made from rolling years, Q(t) = R(t) − R(t−1) + Q(t−4), "
        "checked against the 4 quarters held as published: they differ by up to 4.5%."
    ]


def test_chained_quarters_chain_on() -> None:
    # quarters of 2017 (10, 20, 30, 40); rolling years to December 2017 (100), March 2018
    # (104) and June 2018 (110): Q(Mar 2018) = 104 - 100 + 10 = 14, then
    # Q(Jun 2018) = 110 - 104 + 20 = 26
    rows = [
        fact("quarter", q, v, source=HOME_OFFICE)
        for q, v in {"2017-03": 10, "2017-06": 20, "2017-09": 30, "2017-12": 40}.items()
    ]
    rows += [
        fact("rolling_year", r, v, source=ONS, upload=2)
        for r, v in {"2017-12": 100, "2018-03": 104, "2018-06": 110}.items()
    ]
    s = series_at_frequency(facts(rows), measure("quarter"), AREA, "quarter")
    assert s.values.loc[end("2018-03") :].tolist() == [14.0, 26.0]
    # Dec 2017: 100 - (no rolling year to Sep 2017) cannot be checked, so nothing is checked
    assert s.notes == [
        "2 quarters (Mar 2018–Jun 2018) made from rolling years, Q(t) = R(t) − R(t−1) + "
        "Q(t−4), with no published quarter to check them against."
    ]


# --------------------------------------------------------------------------- 4. months


def test_a_rolling_year_is_never_mixed_into_a_monthly_series() -> None:
    # data.police.uk months January - June 2018 (1..6); ONS, more authoritative, gives the
    # rolling years to June 2018 (500) and September 2018 (600)
    rows = [fact("month", month_label(i), i + 1, source=POLICE_UK) for i in range(6)]
    rows += [
        fact("rolling_year", "2018-06", 500, source=ONS, upload=2),
        fact("rolling_year", "2018-09", 600, source=ONS, upload=3),
    ]
    monthly = series_at_frequency(facts(rows), measure("month"), AREA, "month")
    assert monthly.values.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert monthly.values.index[-1] == end("2018-06")
    assert monthly.source == POLICE_UK and monthly.notes == []
    # shown with the rolling years, which reach later, it says it is not monthly
    s = series_from_facts(facts(rows), measure("month"), AREA)
    assert s.frequency == "rolling_12_months"
    assert values(s.values) == {end("2018-06"): 500.0, end("2018-09"): 600.0}
    assert s.notes[0] == (
        "Shown as rolling 12-month figures: they reach a later period than "
        "the monthly figures held (to June 2018)."
    )


# --------------------------------------------------------------------------- 5. roll-ups


def test_months_roll_up_to_quarters_and_financial_years_and_a_short_one_is_missing() -> None:
    # April 2018 - March 2019: 1..12; then April and May 2019 (100 each), no June 2019
    rows = [fact("month", month_label(i, (2018, 4)), i + 1) for i in range(12)]
    rows += [fact("month", "2019-04", 100), fact("month", "2019-05", 100)]
    quarterly = series_at_frequency(facts(rows), measure("quarter"), AREA, "quarter")
    # 1+2+3 = 6, 4+5+6 = 15, 7+8+9 = 24, 10+11+12 = 33; April-June 2019 lacks June: missing,
    # never 100 + 100 = 200
    assert quarterly.values.index.tolist() == [
        end(m) for m in ("2018-06", "2018-09", "2018-12", "2019-03", "2019-06")
    ]
    assert quarterly.values.iloc[:4].tolist() == [6.0, 15.0, 24.0, 33.0]
    assert math.isnan(quarterly.values.iloc[4])
    assert set(quarterly.provenance["how"]) == {"3 months added"}
    yearly = series_from_facts(facts(rows), measure("financial_year"), AREA)
    # 2018/19: 1 + ... + 12 = 78; 2019/20: two months only: missing, not 200
    assert yearly.frequency == "financial_year"
    assert yearly.values.index.tolist() == [end("2019-03"), end("2020-03")]
    assert yearly.values.iloc[0] == 78.0 and math.isnan(yearly.values.iloc[1])
    assert yearly.provenance["how"].tolist() == ["12 months added"]


# --------------------------------------------------------------------------- 6. composites

ROBBERY, TFV = "Robbery", "Theft from a vehicle"
PARTS: tuple[tuple[str | None, str | None], ...] = ((ROBBERY, None), (GROUP, SUB), (GROUP, TFV))


def composite_rows() -> list[dict]:
    # template quarters: robbery (business 1 + personal 10 each quarter), domestic burglary
    # 100, 200, 300, 400, 500, 600 and theft from a vehicle 1000, 2000, 3000, 4000 (it stops
    # after March 2018, for good)
    months = ("2017-06", "2017-09", "2017-12", "2018-03", "2018-06", "2018-09")
    rows = []
    for i, q in enumerate(months):
        rows += [
            fact("quarter", q, 1, category=ROBBERY, subcategory="Robbery of business property"),
            fact("quarter", q, 10, category=ROBBERY, subcategory="Robbery of personal property"),
            fact("quarter", q, 100 * (i + 1)),
        ]
        if i < 4:
            rows.append(fact("quarter", q, 1000 * (i + 1), subcategory=TFV))
    return rows


def test_a_composite_is_the_full_sum_and_missing_where_a_part_is() -> None:
    s = series_from_facts(facts(composite_rows()), measure("quarter", sum_of=PARTS), AREA)
    assert s.frequency == "quarter"
    # Jun 2017: 11 + 100 + 1000 = 1111; Sep 2017: 11 + 200 + 2000 = 2211; Dec 2017: 3311;
    # Mar 2018: 4411; Jun and Sep 2018 lack theft from a vehicle: missing, never 11 + 500
    assert s.values.index.tolist() == [
        end(m) for m in ("2017-06", "2017-09", "2017-12", "2018-03", "2018-06", "2018-09")
    ]
    assert s.values.iloc[:4].tolist() == [1111.0, 2211.0, 3311.0, 4411.0]
    assert s.values.iloc[4:].isna().all()
    assert s.missing_parts == {end("2018-06"): (TFV,), end("2018-09"): (TFV,)}
    gap = (
        "Not every part is held for September 2018: no figure without Theft from a "
        "vehicle, so the latest complete sum is March 2018."
    )
    assert s.gaps == [gap] and gap in s.notes
    # a part that stops for good leaves the later quarters complete (rule 2): they are
    # missing for the part, not incomplete
    assert s.incomplete == ()
    # the financial year 2017/18 adds every part's four quarters:
    # 4 × 11 + (100 + 200 + 300 + 400) + (1000 + 2000 + 3000 + 4000) = 44 + 1000 + 10000
    yearly = series_at_frequency(
        facts(composite_rows()), measure("financial_year", sum_of=PARTS), AREA, "financial_year"
    )
    assert values(yearly.values) == {end("2018-03"): 11044.0}


def test_a_composite_whose_part_is_never_held_has_no_figure_and_names_the_part() -> None:
    rows = [r for r in composite_rows() if r["subcategory"] != TFV]
    s = series_from_facts(facts(rows), measure("quarter", sum_of=PARTS), AREA)
    assert s.empty
    assert set(s.missing_parts.values()) == {(TFV,)}
    assert s.gaps == [
        "No figure: this measure adds up parts, and Theft from a vehicle is not "
        "held for any period that the other parts are."
    ]


# --------------------------------------------------------------------------- 7. classifications

RESIDENTIAL = next(
    c
    for c in CLASSIFICATION_CHANGES
    if (c.category, c.name) == (GROUP, SUB) and c.publication == ONS
)


def test_ons_residential_burglary_is_read_for_domestic_burglary_from_april_2017() -> None:
    assert (RESIDENTIAL.other_name, RESIDENTIAL.since) == ("Residential burglary", "2017-04-01")
    # Home Office domestic burglary quarters of 2017/18: 100 + 110 + 120 + 130 = 460 for the
    # year to March 2018; the ONS tables' Residential burglary gives the years to March 2018
    # (470) and June 2018 (480), and, under the old classification's dates, the year to
    # March 2017 (April 2016 - March 2017: 999), which is not domestic burglary as recorded then
    rows = [
        fact("quarter", q, v, source=HOME_OFFICE)
        for q, v in {"2017-06": 100, "2017-09": 110, "2017-12": 120, "2018-03": 130}.items()
    ]
    rows += [
        fact(
            "rolling_year",
            r,
            v,
            subcategory="Residential burglary",
            source=ONS,
            upload=2,
            edition=f"year ending {end(r):%B %Y}",
        )
        for r, v in {"2017-03": 999, "2018-03": 470, "2018-06": 480}.items()
    ]
    s = series_at_frequency(facts(rows), measure("rolling_12_months"), AREA, "rolling_12_months")
    # the plan's own name first (Home Office, 460 to March 2018), then ONS residential
    # burglary for June 2018 (480); never the year to March 2017
    assert values(s.values) == {end("2018-03"): 460.0, end("2018-06"): 480.0}
    assert f"{RESIDENTIAL.words} (Jun 2018)." in s.notes
    # Residential burglary from a publication the vocabulary does not map is not read
    other = [
        {**r, "source": POLICE_UK, "format": "police_uk"} if r["source"] == ONS else r for r in rows
    ]
    s = series_at_frequency(facts(other), measure("rolling_12_months"), AREA, "rolling_12_months")
    assert values(s.values) == {end("2018-03"): 460.0}
    assert not any(RESIDENTIAL.words in n for n in s.notes)


def test_quarters_chain_across_a_classification_change() -> None:
    # Home Office domestic burglary quarters of 2017/18 (100, 110, 120, 130); ONS residential
    # burglary for the years to March 2018 (460) and June 2018 (470):
    # Q(Jun 2018) = R(Jun 2018) - R(Mar 2018) + Q(Jun 2017) = 470 - 460 + 100 = 110
    rows = [
        fact("quarter", q, v, source=HOME_OFFICE)
        for q, v in {"2017-06": 100, "2017-09": 110, "2017-12": 120, "2018-03": 130}.items()
    ]
    rows += [
        fact(
            "rolling_year",
            r,
            v,
            subcategory="Residential burglary",
            source=ONS,
            upload=2,
            edition=f"year ending {end(r):%B %Y}",
        )
        for r, v in {"2018-03": 460, "2018-06": 470}.items()
    ]
    s = series_at_frequency(facts(rows), measure("quarter"), AREA, "quarter")
    assert s.values.tolist() == [100.0, 110.0, 120.0, 130.0, 110.0]
    assert f"{RESIDENTIAL.words} (Jun 2018)." in s.notes
    assert s.provenance is not None and s.provenance["how"].iloc[-1] == "chained from rolling years"


# --------------------------------------------------------------------------- 8. template


def test_a_one_month_template_upload_extends_the_series_it_continues() -> None:
    # 75 months (January 2018 - March 2024) of two categories from a template upload whose
    # About sheet names the sample data, then one month (April 2024) from a later upload
    # with no About sheet ("PCP template")
    rows = []
    for i in range(75):
        rows += [
            fact("month", month_label(i), i + 1, source=SAMPLE),
            fact("month", month_label(i), 7, subcategory="Shoplifting", source=SAMPLE),
        ]
    assert month_label(74) == "2024-03"
    rows += [
        fact("month", "2024-04", 500, upload=2),
        fact("month", "2024-04", 7, subcategory="Shoplifting", upload=2),
    ]
    pubs = publications(facts(rows))
    assert set(pubs["publication"]) == {TEMPLATE}
    assert incomplete_periods(pubs) == {}
    s = series_from_facts(facts(rows), measure("month"), AREA)
    assert len(s.values) == 76 and s.values.notna().all()
    assert s.latest == (end("2024-04"), 500.0)
    assert s.values.iloc[:75].tolist() == [float(i + 1) for i in range(75)]
    assert s.source == TEMPLATE and s.other_sources == (SAMPLE,)
    assert s.upload_ids == (1, 2)
    # one publication: the two source names are not two publications that disagree
    assert s.notes == []


def template_upload(months: dict[str, int], *, about: str | None) -> bytes:
    rows = [
        [m, "Durham", GROUP, sub, n if sub == SUB else 7]
        for m, n in months.items()
        for sub in (SUB, "Shoplifting")
    ]
    sheets: dict = {"Recorded crime": crime_rows(*rows)}
    if about is not None:
        sheets = {"About": [["Key", "Value"], ["Source", about]], **sheets}
    return workbook(sheets)


def test_a_one_month_template_upload_extends_the_series_in_the_store(store: Store) -> None:
    earlier = template_upload({month_label(i): i + 1 for i in range(75)}, about=SAMPLE)
    later = template_upload({"2024-04": 500}, about=None)
    import_files([("sample.xlsx", earlier)], store, uploaded_by="tests")
    import_files([("april.xlsx", later)], store, uploaded_by="tests")
    held = store.facts(dataset="recorded_crime", area_codes=[AREA])
    assert set(held["source"]) == {SAMPLE, TEMPLATE}
    s = measure_series(store, measure("month"), AREA)
    assert len(s.values) == 76 and s.values.notna().all()
    assert s.latest == (end("2024-04"), 500.0)
    assert s.source == TEMPLATE and s.incomplete == ()


# --------------------------------------------------------------------------- 9. incomplete


def three_categories(months: range, *, without: dict[str, str] | None = None) -> list[dict]:
    """Template months of burglary (10 each), robbery (20) and shoplifting (30), less the
    category ``without`` names for a month."""
    without = without or {}
    rows = []
    for i in months:
        m = month_label(i)
        for cat, sub, v in ((GROUP, SUB, 10), (ROBBERY, "", 20), (GROUP, "Shoplifting", 30)):
            if without.get(m) != (sub or cat):
                rows.append(fact("month", m, v, category=cat, subcategory=sub))
    return rows


def test_a_partial_latest_month_is_incomplete_and_left_out() -> None:
    # January - July 2018; July holds burglary and robbery but no shoplifting yet
    rows = three_categories(range(7), without={"2018-07": "Shoplifting"})
    assert incomplete_periods(publications(facts(rows))) == {(TEMPLATE, "month"): [end("2018-07")]}
    s = series_from_facts(facts(rows), measure("month"), AREA)
    assert s.values.index[-1] == end("2018-06") and s.values.tolist() == [10.0] * 6
    assert s.incomplete == (end("2018-07"),)
    assert (
        "July 2018: incomplete (fewer categories than the periods before), so not shown "
        "or judged as a full period."
    ) in s.notes
    # nor in a total built from it: the quarter July - September 2018 is not made of it
    quarterly = series_at_frequency(facts(rows), measure("quarter"), AREA, "quarter")
    assert values(quarterly.values) == {end("2018-03"): 30.0, end("2018-06"): 30.0}


def test_a_month_whose_missing_category_comes_back_is_incomplete() -> None:
    # shoplifting missing from April 2018 only: April is incomplete (a gap), May and June not
    rows = three_categories(range(6), without={"2018-04": "Shoplifting"})
    s = series_from_facts(facts(rows), measure("month"), AREA)
    assert s.incomplete == (end("2018-04"),)
    assert math.isnan(s.values.loc[end("2018-04")])
    assert values(s.values) == {
        end(m): 10.0 for m in ("2018-01", "2018-02", "2018-03", "2018-05", "2018-06")
    }


def test_an_indicator_that_stops_leaves_the_later_months_complete() -> None:
    # two indicators; "Calls answered" is published to June 2018, "Positive outcomes" (with a
    # lag) only to March 2018: April - June are not incomplete for either
    rows = [
        fact(
            "month",
            month_label(i),
            50 + i,
            category="Calls answered",
            subcategory="",
            measure="value",
            dataset="indicator",
        )
        for i in range(6)
    ]
    rows += [
        fact(
            "month",
            month_label(i),
            5,
            category="Positive outcomes",
            subcategory="",
            measure="value",
            dataset="indicator",
        )
        for i in range(3)
    ]
    assert incomplete_periods(publications(facts(rows))) == {}
    calls = measure("month", "Calls answered", None, dataset="indicator", data_measure="value")
    s = series_from_facts(facts(rows), calls, AREA)
    assert s.values.tolist() == [50.0, 51.0, 52.0, 53.0, 54.0, 55.0]
    assert s.incomplete == ()
    outcomes = measure(
        "month", "Positive outcomes", None, dataset="indicator", data_measure="value"
    )
    assert series_from_facts(facts(rows), outcomes, AREA).values.tolist() == [5.0] * 3


def test_an_incomplete_month_leaves_the_quarters_of_the_same_publication_alone() -> None:
    # template indicators: two monthly (January - June 2018), "Calls abandoned" missing from
    # June, the latest month; one quarterly ("Confidence", March and June 2018: 70, 72)
    rows = []
    for i in range(6):
        rows.append(
            fact(
                "month",
                month_label(i),
                50,
                category="Calls answered",
                subcategory="",
                measure="value",
                dataset="indicator",
            )
        )
        if i < 5:
            rows.append(
                fact(
                    "month",
                    month_label(i),
                    5,
                    category="Calls abandoned",
                    subcategory="",
                    measure="value",
                    dataset="indicator",
                )
            )
    rows += [
        fact(
            "quarter",
            q,
            v,
            category="Confidence",
            subcategory="",
            measure="value",
            dataset="indicator",
        )
        for q, v in (("2018-03", 70), ("2018-06", 72))
    ]
    assert incomplete_periods(publications(facts(rows))) == {(TEMPLATE, "month"): [end("2018-06")]}
    calls = measure("month", "Calls answered", None, dataset="indicator", data_measure="value")
    s = series_from_facts(facts(rows), calls, AREA)
    assert s.incomplete == (end("2018-06"),) and s.values.index[-1] == end("2018-05")
    # June 2018 is incomplete as a month, not as a quarter: the quarterly indicator keeps it
    confidence = measure("quarter", "Confidence", None, dataset="indicator", data_measure="value")
    s = series_from_facts(facts(rows), confidence, AREA)
    assert values(s.values) == {end("2018-03"): 70.0, end("2018-06"): 72.0}
    assert s.incomplete == () and s.notes == []


# --------------------------------------------------------------------------- 10. fallback


def test_a_financial_year_measure_falls_back_to_rolling_years_reaching_later() -> None:
    assert FALLBACK_FREQUENCIES["financial_year"] == ("rolling_12_months",)
    # Home Office quarters of 2016/17 (10 each) and 2017/18 (20 each); ONS rolling years to
    # June 2018 (85), December 2018 (90) and June 2019 (95)
    quarters = {
        "2016-06": 10,
        "2016-09": 10,
        "2016-12": 10,
        "2017-03": 10,
        "2017-06": 20,
        "2017-09": 20,
        "2017-12": 20,
        "2018-03": 20,
    }
    rows = [fact("quarter", q, v, source=HOME_OFFICE) for q, v in quarters.items()]
    rows += [
        fact("rolling_year", r, v, source=ONS, upload=2, edition=f"year ending {end(r):%B %Y}")
        for r, v in {"2018-06": 85, "2018-12": 90, "2019-06": 95}.items()
    ]
    yearly = series_at_frequency(facts(rows), measure("financial_year"), AREA, "financial_year")
    # 2016/17: 4 × 10 = 40; 2017/18: 4 × 20 = 80
    assert values(yearly.values) == {end("2017-03"): 40.0, end("2018-03"): 80.0}
    s = series_from_facts(facts(rows), measure("financial_year"), AREA)
    assert s.frequency == "rolling_12_months"
    # four quarters added: to March 2017 = 40; June 2017 = 3 × 10 + 20 = 50; September 2017 =
    # 60; December 2017 = 70; March 2018 = 80; then the ONS years as published
    assert values(s.values) == {
        end("2017-03"): 40.0,
        end("2017-06"): 50.0,
        end("2017-09"): 60.0,
        end("2017-12"): 70.0,
        end("2018-03"): 80.0,
        end("2018-06"): 85.0,
        end("2018-12"): 90.0,
        end("2019-06"): 95.0,
    }
    assert s.notes[0] == (
        "Shown as rolling 12-month figures: they reach a later period than "
        "the financial-year figures held (to March 2018)."
    )
    assert s.latest == (end("2019-06"), 95.0) and s.source == ONS


def test_a_measure_with_nothing_at_its_frequency_says_so_and_names_what_is_held() -> None:
    # a monthly measure, quarters to March 2018 and rolling years to June 2019: shown as
    # rolling years, which say both that no months are held and which figures they outreach
    rows = [
        fact("quarter", q, 10, source=HOME_OFFICE)
        for q in ("2017-06", "2017-09", "2017-12", "2018-03")
    ]
    rows += [fact("rolling_year", "2019-06", 45, source=ONS, upload=2)]
    s = series_from_facts(facts(rows), measure("month"), AREA)
    assert s.frequency == "rolling_12_months"
    assert values(s.values) == {end("2018-03"): 40.0, end("2019-06"): 45.0}
    assert s.notes[0] == (
        "Shown as rolling 12-month figures: they reach a later period than "
        "the quarterly figures (to March 2018), and the store holds no "
        "monthly figures for this measure in this area."
    )
    # with a month held (January 2018), the note names it and the quarters passed over
    held = series_from_facts(facts([*rows, fact("month", "2018-01", 3)]), measure("month"), AREA)
    assert held.frequency == "rolling_12_months"
    assert held.notes[0] == (
        "Shown as rolling 12-month figures: they reach a later period "
        "than the monthly figures held (to January 2018) and the "
        "quarterly figures (to March 2018)."
    )


# --------------------------------------------------------------------------- 11. pooled


def test_indicator_percentages_with_numerators_and_denominators_are_pooled() -> None:
    # January - March 2018: 10/40 (25%), 20/50 (40%), 30/60 (50%); the quarter pools them:
    # (10 + 20 + 30) / (40 + 50 + 60) = 60 / 150 = 40%, not the mean of 25, 40 and 50 (38.3%)
    rows = []
    for month, (num, den) in {
        "2018-01": (10, 40),
        "2018-02": (20, 50),
        "2018-03": (30, 60),
    }.items():
        rows += [
            fact(
                "month",
                month,
                100 * num / den,
                category="Outcome rate",
                subcategory="",
                measure="value",
                base=den,
                dataset="indicator",
            ),
            fact(
                "month",
                month,
                num,
                category="Outcome rate",
                subcategory="",
                measure="numerator",
                base=den,
                dataset="indicator",
            ),
        ]
    rate = measure(
        "quarter", "Outcome rate", None, dataset="indicator", data_measure="value", unit="percent"
    )
    s = series_at_frequency(facts(rows), rate, AREA, "quarter")
    assert s.values.tolist() == [pytest.approx(40.0)]
    assert s.base is not None and s.base.tolist() == [150.0]
    assert s.counts is not None and s.counts.tolist() == [60.0]
    monthly = series_at_frequency(facts(rows), rate, AREA, "month")
    assert monthly.values.tolist() == pytest.approx([25.0, 40.0, 50.0])


def test_indicator_percentages_without_numerators_are_not_pooled() -> None:
    # values only: a quarter cannot be pooled from them, and is not their sum (25 + 40 + 50)
    rows = [
        fact(
            "month",
            m,
            v,
            category="Outcome rate",
            subcategory="",
            measure="value",
            dataset="indicator",
        )
        for m, v in {"2018-01": 25, "2018-02": 40, "2018-03": 50}.items()
    ]
    rate = measure(
        "month", "Outcome rate", None, dataset="indicator", data_measure="value", unit="percent"
    )
    s = series_at_frequency(facts(rows), rate, AREA, "month")
    assert s.values.tolist() == [25.0, 40.0, 50.0] and s.counts is None


# --------------------------------------------------------------------------- real data

DEVON = "E23000035"
SERIOUS_PARTS = ("Robbery", "Domestic burglary", "Theft from a vehicle", "Theft of a motor vehicle")


@pytest.mark.realdata
def test_devon_serious_acquisitive_crime_is_all_four_parts_or_none(
    realdata_dir: Path, tmp_path: Path
) -> None:
    files = sorted(
        p
        for p in realdata_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".ods")
    )
    store = Store(f"sqlite:///{tmp_path / 'real.sqlite'}")
    import_files(files, store, uploaded_by="tests")
    plan = load_shipped("devon-cornwall-2014-17")
    sac = plan.measure("serious-acquisitive")
    assert {s or c for c, s in sac.data.sum_of} == set(SERIOUS_PARTS)
    s = measure_series(store, sac, DEVON)

    # the full sum for 2017/18, from the Home Office quarters of every part
    held = store.facts(dataset="recorded_crime", area_codes=[DEVON], source=HOME_OFFICE)
    held = held[
        (held["period_type"] == "quarter")
        & (held["measure"] == "offences")
        & (held["period_end"] > "2017-03-31")
        & (held["period_end"] <= "2018-03-31")
    ]
    parts = {
        sub or cat: held[
            (held["category"] == cat) & ((held["subcategory"] == sub) if sub else True)
        ]
        for cat, sub in sac.data.sum_of
    }
    for name, rows in parts.items():
        assert sorted(rows["period_end"].unique()) == [
            "2017-06-30",
            "2017-09-30",
            "2017-12-31",
            "2018-03-31",
        ], name
    full = sum(float(rows["value"].sum()) for rows in parts.values())
    robbery = float(parts["Robbery"]["value"].sum())
    assert full > robbery > 0

    # 2017/18 (as a financial year, or as the 12 months to March 2018) is the full sum
    shown = s.values.dropna()
    assert shown.loc[pd.Timestamp("2018-03-31")] == full
    assert robbery not in shown.tolist()
    # every period without a figure names a missing vehicle part, never robbery alone
    for period, missing in s.missing_parts.items():
        assert set(missing) & {"Theft from a vehicle", "Theft of a motor vehicle"}, period
        assert math.isnan(s.values.get(period, math.nan))
    # the rolling years the ONS tables give to June 2019 hold robbery and burglary, not the
    # vehicle parts (published only together, as Vehicle offences): the series says so
    assert any(
        "Theft from a vehicle" in gap and "Theft of a motor vehicle" in gap for gap in s.gaps
    )
    assert not any(gap.endswith("Robbery.") or "without Robbery" in gap for gap in s.gaps)
    # at rolling 12 months, every window after March 2018 lacks the vehicle parts
    rolling = series_at_frequency(
        store.facts(dataset="recorded_crime", area_codes=[DEVON]), sac, DEVON, "rolling_12_months"
    )
    assert values(rolling.values) == {pd.Timestamp("2018-03-31"): full}
    assert set(rolling.missing_parts) >= {pd.Timestamp("2018-06-30"), pd.Timestamp("2019-06-30")}
    for missing in rolling.missing_parts.values():
        assert set(missing) == {"Theft from a vehicle", "Theft of a motor vehicle"}
    # quarters: robbery and domestic burglary chain from the rolling year to June 2018 (ONS
    # Residential burglary with the Home Office's Domestic burglary), the vehicle parts cannot
    quarterly = series_at_frequency(
        store.facts(dataset="recorded_crime", area_codes=[DEVON]), sac, DEVON, "quarter"
    )
    assert quarterly.missing_parts == {
        pd.Timestamp("2018-06-30"): ("Theft from a vehicle", "Theft of a motor vehicle")
    }
