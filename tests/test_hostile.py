"""Hostile content: cells that would run as formulas in a spreadsheet are neutralised in
every export (`pcp_data.exports.safe`), and user text is never read as markdown
(`pcp_data.markdown`). The pages themselves are in ``test_pages_access.py`` and
``test_sign_in.py``; the command line's export in ``test_cli.py``."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pcp_data.exports.safe import safe_cell, safe_frame
from pcp_data.markdown import as_shown, escape

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        *((p, "'" + p) for p in PAYLOADS),
        ("-", "'-"),
        ("+", "'+"),
        ("=", "'="),
        ("Durham", "Durham"),
        ("[link](http://evil)", "[link](http://evil)"),  # not a formula: CSV is not markdown
        ("", ""),
        (" =1+1", " =1+1"),  # a spreadsheet takes a formula only from the first character
        # genuine numbers, as numbers or as text, are left alone
        ("-2", "-2"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-1e3", "-1e3"),
        ("-.5", "-.5"),
        (-2.5, -2.5),
        (12, 12),
        (None, None),
        (True, True),
    ],
)
def test_cells_beginning_like_a_formula_are_neutralised(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_a_frame_keeps_its_numbers_and_neutralises_its_text() -> None:
    frame = pd.DataFrame(
        {
            "area_name": PAYLOADS,
            "value": [-1.0, -2.0, 3.0, math.nan, 5.0, 6.0, 7.0],
            "=header": ["x"] * len(PAYLOADS),
        }
    )
    safe = safe_frame(frame)
    assert safe["area_name"].tolist() == ["'" + p for p in PAYLOADS]
    assert safe["value"].equals(frame["value"])
    assert list(safe.columns) == ["area_name", "value", "'=header"]
    assert frame["area_name"].tolist() == PAYLOADS  # the original is untouched


@pytest.mark.parametrize(
    "text",
    [
        "[link](http://evil)",
        "![image](http://evil/x.png)",
        "<http://evil>",
        "http://evil.example",
        "www.evil.example",
        "someone@evil.example",
        "**bold** _em_ `code` ~~gone~~",
        "# heading",
        "- list",
        "1. list",
        "> quote",
        "| a | b |",
        ":red[coloured] :material/home: :smile:",
        "$x^2$",
        "<b>html</b> &amp;",
        "back\\slash",
    ],
)
def test_markdown_escape_leaves_no_construct(text: str) -> None:
    """Every character that could open a construct is escaped; none is left bare."""
    escaped = escape(text)
    bare = [
        c
        for i, c in enumerate(escaped)
        if c in "\\`*_{}[]()<>#+-.!|~:$&"
        and (i == 0 or escaped[i - 1] != "\\")
        and not (c == "\\" and i + 1 < len(escaped))
    ]
    assert not bare, (text, escaped)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("http://evil.example", "http:\u2060//evil.example"),
        ("HTTPS://evil.example", "HTTPS:\u2060//evil.example"),
        ("www.evil.example", "www\u2060.evil.example"),
        ("ann@force.example", "ann\u2060@force.example"),
        ("Durham", "Durham"),
    ],
)
def test_bare_addresses_get_a_word_joiner_so_they_are_not_linked(text: str, shown: str) -> None:
    """GitHub-flavoured markdown links bare addresses after reading escapes: an invisible
    word joiner inside each keeps it text."""
    assert as_shown(text) == shown
    assert escape(text).replace("\\", "") == shown


def test_markdown_escape_keeps_ordinary_words_and_flattens_lines() -> None:
    assert escape("Northmoor Constabulary, 2018's plan?") == "Northmoor Constabulary, 2018's plan?"
    assert escape("two\nlines") == "two lines"
    assert escape(42) == "42"
