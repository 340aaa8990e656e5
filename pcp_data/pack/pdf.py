"""The pack as a PDF document for the Panel's papers (ReportLab): A4, page numbers, contents.

Sections: a title page (with the synthetic-data warning where it applies), contents, the
plan on a page, one section per question (status, sentence, commentary, events, actions,
and each measure with its chart, judgement, latest figure and target), the table of every
measure with its status and reason in full (rows split across pages, never cut), and the
sources. Status is written in words beside its colour, never colour alone.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from pcp_data.pack.content import SYNTHETIC_WARNING, Pack, PackMeasure, PackQuestion
from pcp_data.pack.images import chart_png

# A font with the product's symbols (✔ ⚠ ✖ −): Debian's DejaVu where installed, else the
# Vera fonts ReportLab ships (which lack the symbols: they are then written as words).
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
_SYMBOLS = {"✔": "", "⚠": "", "✖": "", "–": "-", "−": "-", "→": "->", "·": "-"}


def _fonts() -> tuple[str, str, bool]:
    """(regular, bold, has symbols)."""
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            if "PackSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("PackSans", str(regular)))
                pdfmetrics.registerFont(TTFont("PackSans-Bold", str(bold)))
            return "PackSans", "PackSans-Bold", True
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"
    if "PackVera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("PackVera", str(folder / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("PackVera-Bold", str(folder / "VeraBd.ttf")))
    return "PackVera", "PackVera-Bold", False


class _Doc(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no types
    """A4 with a footer and page number; headings go into the contents."""

    def __init__(self, out: io.BytesIO, pack: Pack, font: str) -> None:
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=2 * cm,
            bottomMargin=2 * cm,
            title=pack.title,
            author=f"{pack.force} Police and Crime Commissioner's office",
            subject=f"Figures for {pack.area_name} as at {pack.as_at}",
        )
        self.pack, self.font = pack, font
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])

    def _footer(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 8)
        canvas.setFillColor(colors.HexColor("#505A5F"))
        words = f"{self.pack.force} · {self.pack.area_name} · as at {self.pack.as_at}"
        if self.pack.synthetic:
            words += " · SYNTHETIC SAMPLE DATA"
        canvas.drawString(2 * cm, 1.2 * cm, _plain(words, self.font))
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name in ("H1", "H2"):
            level = 0 if flowable.style.name == "H1" else 1
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page))


def _plain(text: str, font: str) -> str:
    if font.startswith("PackSans"):
        return text
    for symbol, words in _SYMBOLS.items():
        text = text.replace(symbol, words)
    return text


def render_pdf(pack: Pack) -> bytes:
    """The document as PDF bytes."""
    regular, bold, _symbols = _fonts()
    base = getSampleStyleSheet()
    s = {
        "body": ParagraphStyle(
            "Body",
            parent=base["BodyText"],
            fontName=regular,
            fontSize=10.5,
            leading=14,
            alignment=TA_LEFT,
        ),
        "small": ParagraphStyle(
            "Small", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=11
        ),
        "title": ParagraphStyle(
            "Title", parent=base["Title"], fontName=bold, fontSize=24, leading=30, alignment=TA_LEFT
        ),
        "H1": ParagraphStyle(
            "H1", parent=base["Heading1"], fontName=bold, fontSize=16, leading=20, spaceBefore=6
        ),
        "H2": ParagraphStyle(
            "H2", parent=base["Heading2"], fontName=bold, fontSize=12.5, leading=16
        ),
        "status": ParagraphStyle(
            "Status", parent=base["Heading2"], fontName=bold, fontSize=12.5, leading=16
        ),
        "warning": ParagraphStyle(
            "Warning",
            parent=base["BodyText"],
            fontName=bold,
            fontSize=12,
            leading=16,
            textColor=colors.HexColor("#801650"),
        ),
    }

    def para(text: str, style: str = "body", colour: str | None = None) -> Paragraph:
        body = escape(_plain(text, regular))
        if colour:
            body = f'<font color="{colour}">{body}</font>'
        return Paragraph(body, s[style])

    story: list[Any] = [
        Spacer(1, 3 * cm),
        para(pack.plan_title, "title"),
        Spacer(1, 0.5 * cm),
        para(f"{pack.force} · {pack.period}"),
        para(f"Figures for {pack.area_name} as at {pack.as_at}"),
        Spacer(1, 0.3 * cm),
        para(
            f"Made {pack.made_at} from uploads "
            f"{', '.join(str(u) for u, _ in pack.uploads) or 'none'}.",
            "small",
        ),
    ]
    if pack.synthetic:
        story += [Spacer(1, 0.6 * cm), para(SYNTHETIC_WARNING, "warning")]
    contents = TableOfContents()
    contents.levelStyles = [
        ParagraphStyle("TOC1", fontName=regular, fontSize=10.5, leading=15, leftIndent=0),
        ParagraphStyle("TOC2", fontName=regular, fontSize=9, leading=12, leftIndent=14),
    ]
    story += [PageBreak(), para("Contents", "H1"), contents, PageBreak()]

    story.append(para("The plan on a page", "H1"))
    counts = " · ".join(f"{n} {name}" for name, n in pack.counts.items() if n)
    story.append(para(f"{len(pack.questions)} questions: {counts}. {pack.judged_how}"))
    rows = [[para("", "small"), para("Question", "small"), para("Status", "small")]]
    for q in pack.questions:
        rows.append(
            [
                para(str(q.number), "small"),
                para(q.title, "small"),
                para(f"{q.icon} {q.judgement}", "small", q.colour),
            ]
        )
    story.append(_table(rows, [1 * cm, 11.5 * cm, 4.5 * cm]))
    if pack.notes:
        story += [Spacer(1, 0.5 * cm), para("Events for the whole force", "H1")]
        for n in pack.notes:
            story.append(para(f"{n.extra}: {n.title}", "status"))
            if n.text:
                story.append(para(n.text))
            story.append(para(f"Recorded by {n.by}, {n.when}", "small"))

    for q in pack.questions:
        story += [PageBreak(), *_question(q, para)]

    story += [PageBreak(), para("Every measure, its status and the reason", "H1")]
    rows = [[para(h, "small") for h in ("Measure", "Status", "Latest", "Why (in full)")]]
    for q in pack.questions:
        for m in q.measures:
            rows.append(
                [
                    para(m.title, "small"),
                    para(f"{m.icon} {m.judgement}", "small", m.colour),
                    para(f"{m.latest} ({m.period})", "small"),
                    para(
                        m.sentence
                        + (f" Judged by: {m.method}." if m.method != "not judged" else ""),
                        "small",
                    ),
                ]
            )
    story.append(_table(rows, [3.5 * cm, 2.6 * cm, 2.9 * cm, 8 * cm]))

    story += [PageBreak(), para("Sources", "H1")]
    for source, editions in pack.sources:
        story.append(para(f"{source}: {editions}"))
    story.append(Spacer(1, 0.3 * cm))
    story.append(para("Uploads: " + "; ".join(f"{u} {name}".strip() for u, name in pack.uploads)))

    out = io.BytesIO()
    doc = _Doc(out, pack, regular)
    doc.multiBuild(story)
    return out.getvalue()


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, splitByRow=True)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#0B0C0C")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#B1B4B6")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3F2F1")),
            ]
        )
    )
    return table


def _question(q: PackQuestion, para: Any) -> list[Any]:
    out: list[Any] = [
        para(f"{q.number}. {q.title}", "H1"),
        para(f"{q.icon} {q.judgement.capitalize()}", "status", q.colour),
    ]
    sentence = q.sentence.removeprefix(f"{q.title}: ")
    out.append(para(sentence[:1].upper() + sentence[1:]))
    for n in q.notes:
        head = f"{n.kind.capitalize()}: {n.title}" + (f" ({n.extra})" if n.extra else "")
        out.append(para(head, "status"))
        if n.text:
            out.append(para(n.text))
        if n.by:
            out.append(para(f"{n.by}, {n.when}", "small"))
    if not q.measures:
        out.append(para("No measure the product holds answers this question."))
    for m in q.measures:
        out.append(KeepTogether(_measure(m, para)))
    return out


def _measure(m: PackMeasure, para: Any) -> list[Any]:
    block: list[Any] = [
        Spacer(1, 0.3 * cm),
        para(m.title, "H2"),
        para(f"{m.icon} {m.judgement}", "body", m.colour),
    ]
    image = chart_png(m.chart)
    if image is not None:
        picture = Image(io.BytesIO(image))
        ratio = picture.imageHeight / picture.imageWidth
        picture.drawWidth, picture.drawHeight = 16.5 * cm, 16.5 * cm * ratio
        block.append(picture)
    figures = f"Latest: {m.latest} ({m.period})"
    if m.target:
        figures += f" · Target: {m.target}"
    block += [para(figures), para(m.sentence, "small")]
    if m.method != "not judged":
        block.append(para(f"Judged by: {m.method}.", "small"))
    return block
