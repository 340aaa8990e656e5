"""Measure series on small hand-made stores: every frequency, missing periods, pooled
percentages, rates with the population year, and the choice between two sources."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pcp_data.importer import import_files
from pcp_data.measures import measure_series, population_words
from pcp_data.plan import DataRef, Measure
from pcp_data.store import Store
from tests.template_helpers import crime_rows, workbook

DURHAM = "E23000008"
GROUP, SUB = "Theft offences", "Domestic burglary"


def burglary(frequency: str, *, per_1000: bool = False) -> Measure:
    data = DataRef("recorded_crime", "offences", GROUP, SUB, per_1000_population=per_1000)
    unit = "rate_per_1000" if per_1000 else "count"
    return Measure("burglary", "Domestic burglary", data, unit, frequency, "lower_is_better")


def month_label(i: int, start: tuple[int, int] = (2018, 4)) -> str:
    """The i-th month (0 = start) as ``YYYY-MM``."""
    y, m = start
    k = (m - 1) + i
    return f"{y + k // 12}-{k % 12 + 1:02d}"


def publish(store: Store, sheets: dict, name: str = "extract.xlsx") -> None:
    import_files([(name, workbook(sheets))], store, uploaded_by="tests")


def publish_months(store: Store, counts: dict[str, int], **extra: list) -> None:
    rows = [[m, "Durham", GROUP, SUB, n] for m, n in counts.items()]
    sheets = {"Recorded crime": crime_rows(*rows)}
    for sheet, sheet_rows in extra.items():
        sheets[sheet.replace("_", " ")] = sheet_rows
    publish(store, sheets)


def ends(*months: str) -> list[pd.Timestamp]:
    return [pd.Period(m, "M").to_timestamp(how="end").normalize() for m in months]


# --------------------------------------------------------------------------- monthly


def test_monthly_series_as_stored(store: Store) -> None:
    publish_months(store, {"2018-04": 10, "2018-05": 12, "2018-06": 9})
    s = measure_series(store, burglary("month"), DURHAM)
    assert list(s.values.index) == ends("2018-04", "2018-05", "2018-06")
    assert s.values.tolist() == [10.0, 12.0, 9.0]
    assert s.latest == (ends("2018-06")[0], 9.0)
    assert s.source == "PCP template" and s.other_sources == ()
    assert s.table()["value"].tolist() == [10.0, 12.0, 9.0]


def test_missing_month_is_nan_not_zero(store: Store) -> None:
    # May 2018 is absent from the file: it is shown as missing, never as 0
    publish_months(store, {"2018-04": 10, "2018-06": 9, "2018-07": 0})
    s = measure_series(store, burglary("month"), DURHAM)
    assert list(s.values.index) == ends("2018-04", "2018-05", "2018-06", "2018-07")
    assert math.isnan(s.values.iloc[1])
    assert s.values.iloc[3] == 0.0  # a real zero stays zero
    assert s.values.dropna().tolist() == [10.0, 9.0, 0.0]


def test_no_figures_gives_an_empty_dated_series_with_a_note(store: Store) -> None:
    publish_months(store, {"2018-04": 10})
    s = measure_series(store, burglary("month"), "E23000013")  # Cleveland: nothing held
    assert s.empty and s.latest is None and s.source is None
    assert isinstance(s.values.index, pd.DatetimeIndex)
    assert s.notes == ["The store holds no figures for this measure in this area."]


# --------------------------------------------------------------------------- quarters


def test_quarters_add_three_months_and_a_short_quarter_is_missing(store: Store) -> None:
    # Q Apr-Jun 2018: 10 + 20 + 30 = 60; Q Jul-Sep 2018: August missing -> NaN (not 5 + 7 = 12);
    # Q Oct-Dec 2018: 1 + 2 + 3 = 6
    publish_months(
        store,
        {
            "2018-04": 10,
            "2018-05": 20,
            "2018-06": 30,
            "2018-07": 5,
            "2018-09": 7,
            "2018-10": 1,
            "2018-11": 2,
            "2018-12": 3,
        },
    )
    s = measure_series(store, burglary("quarter"), DURHAM)
    assert list(s.values.index) == ends("2018-06", "2018-09", "2018-12")
    assert s.values.iloc[0] == 60.0
    assert math.isnan(s.values.iloc[1])
    assert s.values.iloc[2] == 6.0


def test_quarter_with_zero_months_is_zero_not_missing(store: Store) -> None:
    publish_months(store, {"2018-04": 0, "2018-05": 0, "2018-06": 0})
    s = measure_series(store, burglary("quarter"), DURHAM)
    assert s.values.tolist() == [0.0]


# --------------------------------------------------------------------------- financial years


def test_financial_year_totals_april_to_march(store: Store) -> None:
    # 2018/19: April 2018 - March 2019, months 1..12 -> 1 + 2 + ... + 12 = 78
    # 2019/20: only April-June 2019 held -> missing, not 100 + 100 + 100
    counts = {month_label(i): i + 1 for i in range(12)}
    counts |= {"2019-04": 100, "2019-05": 100, "2019-06": 100}
    publish_months(store, counts)
    s = measure_series(store, burglary("financial_year"), DURHAM)
    assert list(s.values.index) == [pd.Timestamp(2019, 3, 31), pd.Timestamp(2020, 3, 31)]
    assert s.values.iloc[0] == 78.0
    assert math.isnan(s.values.iloc[1])


# --------------------------------------------------------------------------- rolling 12 months


def test_rolling_12_months_sums_twelve_and_first_eleven_are_missing(store: Store) -> None:
    # months 1..14 from April 2018; 12 months to March 2019 = 1 + ... + 12 = 78;
    # to April 2019 = 2 + ... + 13 = 90; to May 2019 = 3 + ... + 14 = 102
    publish_months(store, {month_label(i): i + 1 for i in range(14)})
    s = measure_series(store, burglary("rolling_12_months"), DURHAM)
    assert len(s.values) == 14
    assert s.values.iloc[:11].isna().all()
    assert s.values.iloc[11:].tolist() == [78.0, 90.0, 102.0]
    assert s.values.index[11] == pd.Timestamp(2019, 3, 31)


def test_rolling_12_months_with_a_gap_is_missing_for_twelve_months(store: Store) -> None:
    # 14 months with June 2018 missing: every 12-month window that holds June 2018 is missing
    counts = {month_label(i): 1 for i in range(15) if i != 2}
    publish_months(store, counts)
    s = measure_series(store, burglary("rolling_12_months"), DURHAM)
    # windows ending March 2019 (i = 11) .. May 2019 (i = 13) hold June 2018 (i = 2): missing;
    # the window ending June 2019 (i = 14) covers July 2018 - June 2019: 12 ones
    assert s.values.iloc[11:14].isna().all()
    assert s.values.iloc[14] == 12.0


# --------------------------------------------------------------------------- percentages


def satisfaction_rows(*rows: list) -> list[list]:
    header = ["Month or Quarter", "Area", "Question", "Group", "Respondents", "Satisfied"]
    return [["Victim satisfaction"], [], header, *rows]


def test_pooled_percentages_are_sum_satisfied_over_sum_respondents(store: Store) -> None:
    # month by month: 9/10 = 90%, 45/90 = 50%, then 12 months of 40/50 to make a rolling year
    rows = [
        ["2018-04", "Durham", "Whole experience", "All victims", 10, 9],
        ["2018-05", "Durham", "Whole experience", "All victims", 90, 45],
    ]
    rows += [
        [month_label(i), "Durham", "Whole experience", "All victims", 50, 40] for i in range(2, 13)
    ]
    publish(store, {"Victim satisfaction": satisfaction_rows(*rows)})
    data = DataRef("victim_satisfaction", "satisfied", "Whole experience")
    monthly = measure_series(
        store, Measure("s", "Sat", data, "percent", "month", "higher_is_better"), DURHAM
    )
    assert monthly.values.iloc[:2].tolist() == [90.0, 50.0]
    assert monthly.base is not None and monthly.base.iloc[:2].tolist() == [10.0, 90.0]
    quarter = measure_series(
        store, Measure("s", "Sat", data, "percent", "quarter", "higher_is_better"), DURHAM
    )
    # April-June 2018 pooled: (9 + 45 + 40) / (10 + 90 + 50) = 94 / 150 = 62.67%,
    # not the average of 90%, 50% and 80% (73.3%)
    assert quarter.values.iloc[0] == pytest.approx(100 * 94 / 150)
    assert quarter.base is not None and quarter.base.iloc[0] == 150.0
    assert quarter.counts is not None and quarter.counts.iloc[0] == 94.0
    rolling = measure_series(
        store, Measure("s", "Sat", data, "percent", "rolling_12_months", "higher_is_better"), DURHAM
    )
    # 12 months to March 2019: (9 + 45 + 10 × 40) / (10 + 90 + 10 × 50) = 454 / 600 = 75.67%;
    # to April 2019: (45 + 11 × 40) / (90 + 11 × 50) = 485 / 640 = 75.78%
    assert rolling.values.dropna().tolist() == pytest.approx([100 * 454 / 600, 100 * 485 / 640])
    assert rolling.base is not None and rolling.base.dropna().tolist() == [600.0, 640.0]


# --------------------------------------------------------------------------- rates


def population_rows(*rows: list) -> list[list]:
    return [["Population"], [], ["Year", "Area", "Population"], *rows]


def test_rate_per_1000_uses_the_latest_mid_year_estimate_and_names_its_year(store: Store) -> None:
    # 2018/19 total 78 (months 1..12), 2019/20 total 12 × 10 = 120
    counts = {month_label(i): i + 1 for i in range(12)}
    counts |= {month_label(i, (2019, 4)): 10 for i in range(12)}
    publish_months(
        store,
        counts,
        Population=population_rows(
            [2017, "Durham", 600_000], [2018, "Durham", 650_000], [2019, "Durham", 800_000]
        ),
    )
    s = measure_series(store, burglary("financial_year", per_1000=True), DURHAM)
    # year to March 2019: mid-2018 is the latest estimate not after it: 1000 × 78 / 650,000;
    # year to March 2020: mid-2019: 1000 × 120 / 800,000
    assert s.values.tolist() == pytest.approx([1000 * 78 / 650_000, 1000 * 120 / 800_000])
    assert s.population_years == (2018, 2019)
    assert (
        population_words(s.population_years)
        == "per 1,000 population (mid-2018 to mid-2019 estimates)"
    )


def test_rate_before_any_estimate_uses_the_earliest_held(store: Store) -> None:
    publish_months(store, {"2018-04": 5}, Population=population_rows([2019, "Durham", 500_000]))
    s = measure_series(store, burglary("month", per_1000=True), DURHAM)
    assert s.values.tolist() == pytest.approx([1000 * 5 / 500_000])
    assert s.population_years == (2019,)
    assert population_words((2019,)) == "per 1,000 population (mid-2019 estimates)"


def test_rate_without_population_is_missing_with_a_note(store: Store) -> None:
    publish_months(store, {"2018-04": 5})
    s = measure_series(store, burglary("month", per_1000=True), DURHAM)
    assert s.values.isna().all()
    assert "No population figures" in s.notes[0]


# --------------------------------------------------------------------------- sources


def home_office_csv(rows: list[tuple[str, int, int]]) -> bytes:
    lines = [
        "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
        "Offence Subgroup,Offence Code,Number of Offences"
    ]
    lines += [f"{fy},{q},Durham,Burglary - residential,{GROUP},{SUB},28E,{n}" for fy, q, n in rows]
    return ("\n".join(lines) + "\n").encode()


def test_same_figures_from_two_sources_one_is_shown_and_the_other_named(store: Store) -> None:
    # the template holds April 2017 - March 2018 by month; the Home Office file the same
    # year by quarter, with the same totals (Q1 = 1 + 2 + 3 = 6, Q2 = 15, Q3 = 24, Q4 = 33)
    publish_months(store, {month_label(i, (2017, 4)): i + 1 for i in range(12)})
    import_files(
        [
            (
                "prc.csv",
                home_office_csv(
                    [("2017/18", 1, 6), ("2017/18", 2, 15), ("2017/18", 3, 24), ("2017/18", 4, 33)]
                ),
            )
        ],
        store,
        uploaded_by="tests",
    )
    s = measure_series(store, burglary("quarter"), DURHAM)
    # both reach March 2018; the template has more periods (12 months against 4 quarters)
    assert s.source == "PCP template"
    assert s.other_sources == ("Home Office police recorded crime open data",)
    assert s.values.tolist() == [6.0, 15.0, 24.0, 33.0]
    # the figures are not double counted: the year is 78, not 156
    fy = measure_series(store, burglary("financial_year"), DURHAM)
    assert fy.values.tolist() == [78.0]


def test_the_source_that_reaches_latest_is_shown(store: Store) -> None:
    # the template stops in December 2017; the Home Office file reaches March 2018
    publish_months(store, {month_label(i, (2017, 4)): 1 for i in range(9)})
    import_files(
        [
            (
                "prc.csv",
                home_office_csv(
                    [("2017/18", 1, 3), ("2017/18", 2, 3), ("2017/18", 3, 3), ("2017/18", 4, 7)]
                ),
            )
        ],
        store,
        uploaded_by="tests",
    )
    s = measure_series(store, burglary("quarter"), DURHAM)
    assert s.source == "Home Office police recorded crime open data"
    assert s.other_sources == ("PCP template",)
    assert s.values.tolist() == [3.0, 3.0, 3.0, 7.0]


def test_only_another_frequency_held_is_shown_at_that_frequency_and_says_so(
    store: Store,
) -> None:
    import_files([("prc.csv", home_office_csv([("2017/18", 1, 6)]))], store, uploaded_by="tests")
    s = measure_series(store, burglary("month"), DURHAM)
    assert s.frequency == "quarter"
    assert s.values.dropna().to_dict() == {pd.Timestamp("2017-06-30"): 6.0}
    assert s.notes[0] == (
        "Shown as quarterly figures: the store holds no monthly figures "
        "for this measure in this area."
    )


def test_published_rolling_years_ending_in_march_serve_a_financial_year_measure(
    store: Store,
) -> None:
    """ONS 'year ending March' figures are financial years; other rolling years are not."""
    rows = []
    for start, end, value in (
        ("2016-04-01", "2017-03-31", 500.0),
        ("2016-07-01", "2017-06-30", 510.0),
        ("2017-04-01", "2018-03-31", 530.0),
    ):
        rows.append(
            {
                "dataset": "recorded_crime",
                "area_code": "E23000008",
                "area_name": "Durham",
                "area_kind": "force",
                "period_start": start,
                "period_end": end,
                "period_type": "rolling_year",
                "category": "Theft offences",
                "subcategory": "Domestic burglary",
                "measure": "offences",
                "value": value,
                "base": None,
                "source": "ONS",
                "sheet": "Table P1",
                "edition": "",
            }
        )
    from pcp_data.facts import normalise_facts

    store.publish(
        "ons.xlsx",
        b"ons",
        normalise_facts(pd.DataFrame(rows)),
        uploaded_by="test",
        file_format="ons_pfa",
    )
    series = measure_series(store, burglary("financial_year"), "E23000008")
    assert series.values.dropna().to_dict() == {
        pd.Timestamp("2017-03-31"): 500.0,
        pd.Timestamp("2018-03-31"): 530.0,
    }
