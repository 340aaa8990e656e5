"""The briefing pack, opened with each format's own library: a slide or section per question
with its status words and sentence, charts as images, every measure's reason in full, the
data sheets equal to the store's figures, and formula payloads written as text."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pdfplumber
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from pcp_data.assess import PlanAssessment, assess_plan
from pcp_data.errors import PCPError
from pcp_data.pack import FORMATS, build_pack, render
from pcp_data.pack.content import Pack
from pcp_data.pack.xlsx import excel_format
from pcp_data.plan import load_shipped
from pcp_data.store import Store

pytestmark = pytest.mark.slow

NORTHMOOR = "LOCAL:northmoor-constabulary"
PAYLOAD = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def assessed(_sample_db: object) -> PlanAssessment:
    store = Store(f"sqlite:///{_sample_db}")
    pa = assess_plan(store, load_shipped("durham-2018-21"), NORTHMOOR)
    store.engine.dispose()
    return pa


@pytest.fixture(scope="module")
def pack(assessed: PlanAssessment) -> Pack:
    return build_pack(
        assessed, area_name="Northmoor Constabulary", synthetic=True, uploads={1: "pcp_sample.xlsx"}
    )


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_powerpoint_has_a_slide_per_question_with_its_status_sentence_and_charts(
    pack: Pack,
) -> None:
    deck = Presentation(io.BytesIO(render(pack, "pptx")))
    slides = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for slide in deck.slides
    ]
    assert deck.slide_width > deck.slide_height  # 16:9
    assert "Synthetic sample data, not real figures" in slides[0]
    for q in pack.questions:
        found = [
            t
            for t in slides
            if t.startswith(f"{q.number}. {q.title}") and q.judgement.capitalize() in t
        ]
        assert found, q.title
        rollup = q.sentence.removeprefix(f"{q.title}: ")
        assert words(rollup[:1].upper() + rollup[1:]) in words(found[0])
    pictures = sum(
        1 for slide in deck.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE
    )
    charted = sum(1 for q in pack.questions for m in q.measures if m.chart is not None)
    assert pictures == charted > 10
    assert "Sources" in slides[-1] and "Synthetic sample data (not real figures)" in slides[-1]


def test_pdf_has_contents_page_numbers_and_every_reason_in_full(pack: Pack) -> None:
    with pdfplumber.open(io.BytesIO(render(pack, "pdf"))) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        images = sum(len(page.images) for page in pdf.pages)
    text = words(" ".join(pages))
    assert "Contents" in pages[1]
    assert all(f"Page {i}" in page for i, page in enumerate(pages, start=1))
    for q in pack.questions:
        assert f"{q.number}. {q.title}" in text
    table_start = text.index("Every measure, its status and the reason")
    table = text[table_start:]
    for q in pack.questions:
        for m in q.measures:
            assert words(m.sentence) in table, m.title  # never cut
    assert images >= sum(1 for q in pack.questions for m in q.measures if m.chart)


def test_excel_data_sheets_hold_the_store_figures(
    pack: Pack, assessed: PlanAssessment, _sample_db: object
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(pack, "xlsx")))
    assert book.sheetnames[:2] == ["README", "Measures"]
    assert len(book.sheetnames) == 2 + len(pack.questions)
    sheet = book[book.sheetnames[3]]  # question 2: total recorded crime, domestic burglary
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    burglary = [r for r in rows if r["Measure"] == "Domestic burglary"]
    store = Store(f"sqlite:///{_sample_db}")
    facts = store.facts(dataset="recorded_crime", area_codes=[NORTHMOOR])
    store.engine.dispose()
    held = facts[facts["subcategory"] == "Domestic burglary"].set_index("period_end")["value"]
    assert len(burglary) == len(held) == 78
    for r in burglary:
        assert r["Value"] == held[pd.Timestamp(r["Period ending"]).date().isoformat()]
    cell = next(c for c in sheet[2] if isinstance(c.value, float))
    assert cell.number_format in ("#,##0", "#,##0.00", "0.0")
    assert isinstance(rows[0]["Period ending"], type(pd.Timestamp(2020, 4, 30).to_pydatetime()))


def test_a_formula_in_an_area_name_is_written_as_text(assessed: PlanAssessment) -> None:
    hostile = build_pack(assessed, area_name=PAYLOAD, synthetic=False)
    book = openpyxl.load_workbook(io.BytesIO(render(hostile, "xlsx")))
    values = {r[0].value: r[1].value for r in book["README"].iter_rows(min_row=2)}
    assert values["Area"] == "'" + PAYLOAD
    assert all(
        not str(c.value).startswith(("=", "+", "@"))
        for row in book["README"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    )


@pytest.mark.parametrize(
    ("tick", "excel"), [(",.0f", "#,##0"), (".1f", "0.0"), (",.2f", "#,##0.00"), ("%", "General")]
)
def test_excel_number_formats_follow_the_chart_formats(tick: str, excel: str) -> None:
    assert excel_format(tick) == excel


def test_every_format_renders(pack: Pack) -> None:
    assert {f: render(pack, f)[:4] for f in FORMATS} == {
        "pptx": b"PK\x03\x04",
        "pdf": b"%PDF",
        "xlsx": b"PK\x03\x04",
    }
    with pytest.raises(PCPError, match="format must be one of pptx, pdf, xlsx"):
        render(pack, "docx")
