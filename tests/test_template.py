"""The product's own template: good files, each kind of bad cell, title and total rows."""

from __future__ import annotations

import datetime as dt

import pytest

from pcp_data.readers import read_file
from pcp_data.template_workbook import build_template
from tests.template_helpers import CRIME_HEADER, crime_rows, workbook


def read(sheets: dict) -> object:
    return read_file("extract.xlsx", workbook(sheets))


@pytest.mark.parametrize(
    "month",
    [dt.datetime(2019, 4, 1), "2019-04", "Apr 2019", "April 2019", "april 2019", " 2019-04 "],
)
def test_month_forms_all_mean_april_2019(month: object) -> None:
    result = read(
        {
            "Recorded crime": crime_rows(
                [month, "Durham", "Robbery", "Robbery of personal property", 12]
            )
        }
    )
    assert result.ok, result.problems
    row = result.facts.iloc[0]
    assert (row.period_start, row.period_end, row.period_type) == (
        "2019-04-01",
        "2019-04-30",
        "month",
    )


def test_header_below_title_rows_any_case_and_spaces() -> None:
    rows = [
        ["Title"],
        ["Another title"],
        [],
        ["  MONTH ", "area", "Offence Group ", " offence subgroup", "OFFENCES"],
        ["2019-05", "Devon & Cornwall", "Theft offences", "Shoplifting", "1,204"],
    ]
    result = read({" recorded crime ": rows})
    assert result.ok, result.problems
    row = result.facts.iloc[0]
    assert row.area_code == "E23000035" and row.area_name == "Devon and Cornwall"
    assert row.value == 1204.0 and row.category == "Theft offences"


def test_blank_and_total_rows_are_ignored() -> None:
    result = read(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of business property", 3],
                [None, None, None, None, None],
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 9],
                ["Total", None, None, None, 12],
            )
        }
    )
    assert result.ok, result.problems
    assert result.facts["value"].tolist() == [3.0, 9.0]
    assert [s.reason for s in result.set_aside] == ["total row"]


def test_rows_with_the_same_key_are_summed() -> None:
    result = read(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of business property", 3],
                ["2019-04", "Durham", "Robbery", "Robbery of business property", 4],
            )
        }
    )
    assert result.facts["value"].tolist() == [7.0]


# one bad cell each: (row, expected column, words in the message, what was expected)
BAD_CELLS = [
    (
        ["2019-13", "Durham", "Robbery", "Robbery of personal property", 1],
        "A (Month)",
        "Month is not a month",
        "2019-04, Apr 2019",
    ),
    (
        ["2019-04", "", "Robbery", "Robbery of personal property", 1],
        "B (Area)",
        "Area is empty",
        "some text",
    ),
    (
        ["2019-04", "Durham", "Robery", "Robbery of personal property", 1],
        "C (Offence group)",
        "not a known offence group",
        "one of Criminal damage",
    ),
    (
        ["2019-04", "Durham", "Robbery", "Shoplifting", 1],
        "D (Offence subgroup)",
        "not a known subgroup of Robbery",
        "Robbery of business property",
    ),
    (
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", "twelve"],
        "E (Offences)",
        "Offences is not a number",
        "a whole number",
    ),
    (
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", -3],
        "E (Offences)",
        "out of range",
        "a whole number of at least 0",
    ),
    (
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", 2.5],
        "E (Offences)",
        "out of range",
        "a whole number",
    ),
    (
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", None],
        "E (Offences)",
        "Offences is empty",
        "a number",
    ),
    (
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", ".."],
        "E (Offences)",
        "not-available marker",
        "a whole number",
    ),
]


@pytest.mark.parametrize(("row", "column", "message", "expected"), BAD_CELLS)
def test_one_bad_cell_names_sheet_row_column_value_and_expectation(
    row: list, column: str, message: str, expected: str
) -> None:
    good = ["2019-04", "Durham", "Robbery", "Robbery of business property", 5]
    result = read({"Recorded crime": crime_rows(good, row, good)})
    assert not result.ok
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.file == "extract.xlsx"
    assert problem.sheet == "Recorded crime"
    assert problem.row == 5  # title, blank, header, good row, then the bad one
    assert problem.column == column
    assert message in problem.message
    assert expected in (problem.expected or "")
    text = str(problem)
    assert "extract.xlsx" in text and "row 5" in text and column in text
    assert result.facts.empty  # nothing from the file is kept


def test_every_bad_cell_is_listed() -> None:
    result = read(
        {
            "Recorded crime": crime_rows(
                ["nope", "Durham", "Robbery", "Robbery of personal property", "x"],
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", "y"],
            )
        }
    )
    assert [(p.row, p.column.split()[0]) for p in result.problems] == [(4, "A"), (4, "E"), (5, "E")]


def test_missing_header_is_a_problem() -> None:
    result = read({"Recorded crime": [["Month", "Area", "Offences"], ["2019-04", "Durham", 3]]})
    assert not result.ok
    assert "no header row found" in result.problems[0].message
    assert "Offence group" in result.problems[0].expected


def test_victim_satisfaction_quarters_and_bases() -> None:
    rows = [
        ["Month or Quarter", "Area", "Question", "Group", "Respondents", "Satisfied"],
        ["2019 Q2", "Durham", "whole experience", "", 80, 64],
        ["2019-07", "Durham", "Kept informed", "Burglary victims", 50, 30],
    ]
    result = read({"Victim satisfaction": rows})
    assert result.ok, result.problems
    f = result.facts
    assert f["period_type"].tolist() == ["quarter", "month"]
    assert f["category"].tolist() == ["Whole experience", "Kept informed"]
    assert f["subcategory"].tolist() == ["All victims", "Burglary victims"]
    assert f["value"].tolist() == [64.0, 30.0] and f["base"].tolist() == [80.0, 50.0]


def test_satisfied_more_than_respondents_is_refused() -> None:
    rows = [
        ["Month", "Area", "Question", "Group", "Respondents", "Satisfied"],
        ["2019-04", "Durham", "Treatment", "All victims", 40, 41],
    ]
    result = read({"Victim satisfaction": rows})
    assert [p.column for p in result.problems] == ["F (Satisfied)"]
    assert "at most 40" in result.problems[0].expected


def test_workforce_population_indicators() -> None:
    result = read(
        {
            "Workforce": [
                ["As at", "Area", "Worker type", "FTE", "Headcount"],
                [dt.datetime(2018, 9, 30), "Durham", "Police officers", 1100.5, 1130],
                ["31/03/2019", "Durham", "Specials", None, 120],
            ],
            "Population": [["Year", "Area", "Population"], [2018, "Durham", 640500]],
            "Indicators": [
                ["Period", "Area", "Indicator", "Value", "Numerator", "Denominator"],
                ["2018/19", "Durham", "Public confidence in the police", 80, 400, 500],
                ["2018 Q3", "Durham", "Proven re-offending rate", 27.5, None, None],
            ],
        }
    )
    assert result.ok, result.problems
    f = result.facts.set_index(["dataset", "measure", "category"])
    assert f.loc[("workforce", "fte", "Police officers"), "value"] == 1100.5
    assert f.loc[("workforce", "headcount", "Special constables"), "period_end"] == "2019-03-31"
    assert f.loc[("population", "persons", "All persons"), "period_end"] == "2018-06-30"
    conf = f.loc[("indicator", "value", "Public confidence in the police")]
    assert (conf["period_start"], conf["period_end"], conf["base"]) == (
        "2018-04-01",
        "2019-03-31",
        500.0,
    )


def test_an_area_declared_on_the_about_sheet_is_kept_as_a_local_area() -> None:
    result = read(
        {
            "About": [["Key", "Value"], ["Home force", "Northmoor Constabulary"]],
            "Recorded crime": crime_rows(
                ["2019-04", "Northmoor Constabulary", "Robbery", "Robbery of personal property", 2]
            ),
        }
    )
    assert result.ok, result.problems
    row = result.facts.iloc[0]
    assert (row.area_code, row.area_kind) == ("LOCAL:northmoor-constabulary", "force")


def test_about_sheet_names_the_source() -> None:
    result = read(
        {
            "About": [["Key", "Value"], ["Source", "Force performance extract"]],
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 2]
            ),
        }
    )
    assert result.facts.iloc[0].source == "Force performance extract"


def test_downloadable_template_round_trips_as_valid_but_empty() -> None:
    result = read_file("template.xlsx", build_template())
    assert result.format == "pcp_template"
    assert [p.message for p in result.problems] == ["the workbook holds no figures"]
    assert set(result.sheets) == {
        "Recorded crime",
        "Victim satisfaction",
        "Workforce",
        "Population",
        "Indicators",
    }
    assert CRIME_HEADER[0] == "Month"
