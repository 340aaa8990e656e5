"""Cleaning shared by every reader: numbers as text, markers, footnotes, titles, headers."""

from __future__ import annotations

import datetime as dt

import pytest

from pcp_data.cleaning import (
    MISSING,
    NotANumber,
    clean_label,
    csv_delimiter,
    decimal_commas,
    header_labels,
    is_footer,
    mid_year,
    offence_group,
    offence_subgroup,
    parse_number,
    spacer_columns,
    upper_labels,
    year_ending,
    year_of,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (" 66776 ", 66776.0),
        (" 1,976 ", 1976.0),
        ("5516.6500000000015", 5516.6500000000015),
        (12, 12.0),
        ("-00", 0.0),
        (" - ", 0.0),
        ("-", 0.0),
        ("-1 ", -1.0),
        ("", None),
        (None, None),
    ],
)
def test_numbers_as_text(cell, expected) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize("marker", ["..", "[x]", "[c]", "[z]", "*", "+", "[u]", " .. "])
def test_not_available_markers_are_missing_never_zero(marker) -> None:
    assert parse_number(marker) is MISSING


@pytest.mark.parametrize(("cell", "expected"), [("0,56", 0.56), ("1.234,5", 1234.5)])
def test_decimal_commas(cell, expected) -> None:
    assert parse_number(cell, decimal_comma=True) == pytest.approx(expected)


@pytest.mark.parametrize("cell", ["three", "12 apples", dt.date(2019, 1, 1), True])
def test_text_is_not_a_number(cell) -> None:
    with pytest.raises(NotANumber):
        parse_number(cell)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ENGLAND AND WALES7,8", "ENGLAND AND WALES"),
        ("Essex10", "Essex"),
        ("Residential burglary6", "Residential burglary"),
        ("Total recorded crime (excluding fraud3)", "Total recorded crime (excluding fraud)"),
        ("Residential burglary (households) 6,7,9", "Residential burglary (households)"),
        ("Stalking\nand harassment", "Stalking and harassment"),
        ("Non-residential  burglary5,6", "Non-residential burglary"),
        ("Total recorded crime [note 3][note 4]", "Total recorded crime"),
        ("North East ", "North East"),
        ("Total 43 forces", "Total 43 forces"),
    ],
)
def test_footnotes_stripped_from_labels(label, expected) -> None:
    assert clean_label(label) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Table P1: ..., number of offences, year ending June 181,2", dt.date(2018, 6, 30)),
        ("..., rate of offences, year ending June 20181,2", dt.date(2018, 6, 30)),
        ("year ending December 20191,2", dt.date(2019, 12, 31)),
        ("year ending March 181,2,3", dt.date(2018, 3, 31)),
        ("Year ending Sept 2020 [note 1]", dt.date(2020, 9, 30)),
        ("Police recorded crime by police force area", None),
    ],
)
def test_period_from_titles(title, expected) -> None:
    assert year_ending(title) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Population figures\n (mid-2017)3  rounded to 100", 2017),
        ("Mid 2001", 2001),
        ("Household figures", None),
    ],
)
def test_mid_year(text, expected) -> None:
    assert mid_year(text) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (2016.0, 2016),
        ("Mid 2001", 2001),
        ("2019", 2019),
        ("Mid-year", None),
        (12.5, None),
        ("Durham", None),
    ],
)
def test_year_of(cell, expected) -> None:
    assert year_of(cell) == expected


def test_two_level_header_and_spacers() -> None:
    rows = [
        ["Title"],
        ["", "", "Total recorded crime (excluding fraud3)", "", "Victim-based crime", ""],
        ["Area Code", "Area Name", "", "", "Violence against the person", "Homicide"],
        ["E23000008", "Durham", 61991, "", 22383, 3],
    ]
    assert header_labels(rows, 2) == [
        "Area Code",
        "Area Name",
        "Total recorded crime (excluding fraud)",
        "",
        "Violence against the person",
        "Homicide",
    ]
    assert upper_labels(rows, 1)[5] == "Victim-based crime"  # carried across the merge
    assert spacer_columns(rows, 3, range(6)) == {3}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Source: Home Office", True),
        ("Notes", True),
        ("1. Police recorded crime data", True),
        ("10. Cheshire has", True),
        ("Durham", False),
        (12, False),
    ],
)
def test_footers(cell, expected) -> None:
    assert is_footer(cell) is expected


def test_csv_delimiter_and_decimal_comma_detection() -> None:
    assert csv_delimiter("Date;Borough;Measure;Proportion") == ";"
    assert csv_delimiter("Date,Borough,Measure,Proportion") == ","
    assert decimal_commas(["0,56", "0,6"])
    assert not decimal_commas([" 1,976 ", "12"])


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Miscellaneous crimes against society", ("Miscellaneous crimes", "Miscellaneous crimes")),
        ("All other theft offences", ("Theft offences", "Other theft offences")),
        ("Stalking and harassment 4", ("Violence against the person", "Stalking and harassment")),
        ("Residential burglary", None),
    ],
)
def test_offence_subgroups(label, expected) -> None:
    assert offence_subgroup(label) == expected


def test_offence_groups() -> None:
    assert offence_group("THEFT OFFENCES") == "Theft offences"
    assert offence_group("Fraud offences") is None
    assert offence_subgroup("Homicide", "Theft offences") is None
