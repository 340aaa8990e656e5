"""What a reader tells the analyst about a file it cannot use, or uses in part: the file named,
what it really is when its name says otherwise, the columns a wrong header has and lacks, and
one line (not four) for the template's sheets with a header and no rows."""

from __future__ import annotations

import pytest

from pcp_data.readers import read_file
from pcp_data.template_workbook import build_template
from tests.template_helpers import CRIME_HEADER, crime_rows, workbook

PLAIN = b"Dear colleague, here are the notes.\nWe met on Tuesday, and again later.\nBob\n"
TABLE = b"Colour,Shape\nred,square\nblue,circle\n"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        # a note renamed .csv: plain text, and the name and contents disagree
        (
            "notes.csv",
            PLAIN,
            "; its name, 'notes.csv', ends in .csv, but it holds plain text: the extension "
            "and the contents disagree",
        ),
        # a CSV renamed .xlsx
        (
            "crime.xlsx",
            TABLE,
            "; its name, 'crime.xlsx', ends in .xlsx, but it holds a CSV table: the extension "
            "and the contents disagree",
        ),
        # a PDF renamed .xlsx
        (
            "report.xlsx",
            b"%PDF-1.7\n%...",
            "; its name, 'report.xlsx', ends in .xlsx, but it holds a PDF document: the "
            "extension and the contents disagree",
        ),
        # a table in a .txt is read as a table: said so, not called a renamed csv
        (
            "colours.txt",
            TABLE,
            "; its name, 'colours.txt', ends in .txt, but it holds a table (CSV)",
        ),
    ],
)
def test_a_renamed_file_is_named_with_what_it_really_is(
    name: str, content: bytes, says: str
) -> None:
    [problem] = read_file(name, content).problems
    assert problem.file == name
    assert problem.message.endswith(says), problem.message


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.txt", PLAIN), ("colours.csv", TABLE), ("blob.bin", b"\x00\x01\x02junk")],
)
def test_a_name_that_agrees_with_the_contents_adds_nothing(name: str, content: bytes) -> None:
    [problem] = read_file(name, content).problems
    assert "disagree" not in problem.message and "its name" not in problem.message


def test_a_wrong_header_names_the_columns_found_and_missing() -> None:
    rows = [
        ["Recorded crime, Northmoor"],
        [],
        ["Month", "Force", "Offence group", "Offence subgroup", "Count"],
        ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3],
    ]
    result = read_file("crime.xlsx", workbook({"Recorded crime": rows}))
    [problem] = result.problems
    assert (problem.file, problem.sheet, problem.row) == ("crime.xlsx", "Recorded crime", 3)
    assert problem.message == (
        "no header row found: the closest, row 3, has 'Month', 'Force', 'Offence group', "
        "'Offence subgroup' but lacks Offences (it also holds 'Count')"
    )
    assert problem.expected == "a header row with the columns " + ", ".join(CRIME_HEADER)


def test_a_sheet_with_no_expected_column_names_what_its_first_row_holds() -> None:
    rows = [["Date", "Place", "Number"], ["2019-04", "Durham", 3]]
    [problem] = read_file("crime.xlsx", workbook({"Recorded crime": rows})).problems
    assert problem.row == 1
    assert problem.message == (
        "no header row found: none of the expected columns is in the first 40 rows (row 1 "
        "holds 'Date', 'Place', 'Number'); missing " + ", ".join(CRIME_HEADER)
    )


def test_the_empty_template_sheets_are_one_warning() -> None:
    result = read_file("template.xlsx", build_template())
    empty = [w for w in result.warnings if "header and no rows" in w]
    assert len(empty) == 1, result.warnings
    assert empty[0].startswith("5 sheets with a header and no rows (nothing read from them): ")
    for sheet in ("Recorded crime", "Victim satisfaction", "Workforce", "Population"):
        assert f"'{sheet}'" in empty[0]


def test_one_empty_sheet_beside_figures_is_one_warning_in_the_singular() -> None:
    content = workbook(
        {
            "Recorded crime": crime_rows(
                ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3]
            ),
            "Population": [["Year", "Area", "Population"]],
        }
    )
    result = read_file("two.xlsx", content)
    assert result.ok, result.problems
    assert [w for w in result.warnings if "header and no rows" in w] == [
        "1 sheet with a header and no rows (nothing read from it): 'Population'"
    ]
