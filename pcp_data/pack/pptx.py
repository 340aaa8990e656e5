"""The pack as a PowerPoint deck for the Panel meeting (python-pptx): 16:9, large type.

Slides: the title (plan, force, figures as at, the synthetic-data warning where it applies);
the plan on a page (every question's status in icon and words); then for each question a
slide with its status, sentence, measures, commentary, events and actions, followed by its
measures two to a slide (chart, judgement sentence, latest figure, target); last, the
sources (every publication and edition, every upload). Status is never colour alone.
"""

from __future__ import annotations

import io
import struct

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide, SlideLayout
from pptx.util import Emu, Inches, Pt

from pcp_data.pack.content import SYNTHETIC_WARNING, Pack, PackMeasure, PackQuestion
from pcp_data.pack.images import chart_png

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
INK = RGBColor(0x0B, 0x0C, 0x0C)
GREY = RGBColor(0x50, 0x5A, 0x5F)
WARNING = RGBColor(0x80, 0x16, 0x50)
FONT = "Arial"
ROWS_PER_TABLE_SLIDE = 9
TABLE_TOP = Inches(1.8)
ROW_LINE = Inches(0.42)
"""About the height of one line of an 18-point table cell, its margins included."""
QUESTION_COLUMN = Inches(8.8)
CHART_HEIGHT = Inches(3.0)
"""The tallest a chart may be on a measures slide (its legend included)."""


def _rgb(colour: str) -> RGBColor:
    return RGBColor(*(int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)))


def _text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    text: str,
    *,
    size: int = 20,
    bold: bool = False,
    colour: RGBColor = INK,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = colour


def _status(
    slide: Slide, left: int, top: int, icon: str, words: str, colour: str, size: int = 28
) -> None:
    """The status in icon and words, in its colour (the words carry it without colour)."""
    _text(
        slide,
        left,
        top,
        WIDTH - 2 * MARGIN,
        Inches(0.7),
        f"{icon} {words.capitalize()}",
        size=size,
        bold=True,
        colour=_rgb(colour),
    )


def _title(slide: Slide, text: str, size: int = 32) -> int:
    """The slide's title; returns where the content below it may start (EMU)."""
    lines = _lines(text, size)
    height = Inches(0.2) + Pt(size * 1.25) * lines
    _text(slide, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, int(height), text, size=size, bold=True)
    return int(Inches(0.35) + height)


def _lines(text: str, size: int, width: int = WIDTH - 2 * MARGIN) -> int:
    """About how many lines ``text`` takes at ``size`` points across ``width`` (Arial's
    average character is about half its size wide)."""
    per_line = max(1, int(width / Pt(size * 0.52)))
    return max(1, -(-len(text) // per_line))


def _footer(slide: Slide, pack: Pack) -> None:
    words = f"{pack.force} · {pack.area_name} · figures as at {pack.as_at}"
    if pack.synthetic:
        words += " · SYNTHETIC SAMPLE DATA"
    _text(
        slide,
        MARGIN,
        HEIGHT - Inches(0.5),
        WIDTH - 2 * MARGIN,
        Inches(0.4),
        words,
        size=12,
        colour=GREY,
    )


def render_pptx(pack: Pack) -> bytes:
    """The deck as .pptx bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    blank = deck.slide_layouts[6]

    slide = deck.slides.add_slide(blank)
    _text(
        slide,
        MARGIN,
        Inches(1.6),
        WIDTH - 2 * MARGIN,
        Inches(1.6),
        pack.plan_title,
        size=40,
        bold=True,
    )
    _text(
        slide,
        MARGIN,
        Inches(3.3),
        WIDTH - 2 * MARGIN,
        Inches(1.4),
        f"{pack.force} · {pack.period}\nFigures for {pack.area_name} as at {pack.as_at}",
        size=26,
    )
    _text(
        slide,
        MARGIN,
        Inches(4.9),
        WIDTH - 2 * MARGIN,
        Inches(0.5),
        f"Made {pack.made_at} from uploads {', '.join(str(u) for u, _ in pack.uploads) or 'none'}",
        size=16,
        colour=GREY,
    )
    if pack.synthetic:
        _text(
            slide,
            MARGIN,
            Inches(5.6),
            WIDTH - 2 * MARGIN,
            Inches(0.9),
            f"⚠ {SYNTHETIC_WARNING}",
            size=22,
            bold=True,
            colour=WARNING,
        )

    questions = list(pack.questions)
    for n, chunk in enumerate(_table_pages(questions)):
        slide = deck.slides.add_slide(blank)
        more = " (continued)" if n else ""
        _title(slide, f"The plan on a page{more}")
        counts = " · ".join(f"{n} {name}" for name, n in pack.counts.items() if n)
        _text(
            slide,
            MARGIN,
            Inches(1.2),
            WIDTH - 2 * MARGIN,
            Inches(0.5),
            f"{len(questions)} questions: {counts}",
            size=18,
            colour=GREY,
        )
        rows = len(chunk) + 1
        table = slide.shapes.add_table(
            rows, 3, Emu(MARGIN), TABLE_TOP, Emu(WIDTH - 2 * MARGIN), ROW_LINE * rows
        ).table
        table.columns[0].width = Inches(0.8)
        table.columns[1].width = QUESTION_COLUMN
        table.columns[2].width = Emu(WIDTH - 2 * MARGIN - Inches(9.6))
        for j, head in enumerate(("", "Question", "Status")):
            _cell(table.cell(0, j), head, bold=True)
        for i, q in enumerate(chunk, start=1):
            _cell(table.cell(i, 0), str(q.number))
            _cell(table.cell(i, 1), q.title)
            _cell(table.cell(i, 2), f"{q.icon} {q.judgement}", colour=_rgb(q.colour), bold=True)
        _footer(slide, pack)

    if pack.notes:
        _force_events_slide(deck, blank, pack)

    for q in pack.questions:
        _question_slide(deck, blank, pack, q)
        for start in range(0, len(q.measures), 2):
            _measures_slide(deck, blank, pack, q, q.measures[start : start + 2])

    slide = deck.slides.add_slide(blank)
    _title(slide, "Sources")
    lines = [f"• {source}: {editions}" for source, editions in pack.sources]
    lines.append("")
    lines.append("Uploads: " + "; ".join(f"{u} {name}".strip() for u, name in pack.uploads))
    lines.append("")
    lines.append(pack.judged_how)
    _text(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.5), "\n".join(lines), size=18)
    _footer(slide, pack)

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _table_pages(questions: list[PackQuestion]) -> list[list[PackQuestion]]:
    """The plan-on-a-page rows split into slides: at most `ROWS_PER_TABLE_SLIDE` a slide,
    fewer where long questions take several lines, so the table never runs over the footer."""
    room = HEIGHT - TABLE_TOP - Inches(0.9) - ROW_LINE  # the header row
    pages: list[list[PackQuestion]] = [[]]
    used = 0
    for q in questions:
        per_line = max(1, int((QUESTION_COLUMN - Inches(0.2)) / Pt(18 * 0.45)))
        lines = max(1, -(-len(q.title) // per_line))
        height = Inches(0.12) + Inches(0.3) * lines
        if pages[-1] and (used + height > room or len(pages[-1]) >= ROWS_PER_TABLE_SLIDE):
            pages.append([])
            used = 0
        pages[-1].append(q)
        used += height
    return pages


def _cell(cell: object, text: str, *, bold: bool = False, colour: RGBColor = INK) -> None:
    frame = cell.text_frame  # type: ignore[attr-defined]
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(18)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = colour


def _force_events_slide(deck: Deck, layout: SlideLayout, pack: Pack) -> None:
    """The events recorded for the whole force, oldest first (they are on every chart)."""
    slide = deck.slides.add_slide(layout)
    top = _title(slide, "Events for the whole force")
    lines = [
        f"• {n.extra}: {n.title}" + (f" — {_short(n.text, 160)}" if n.text else "")
        for n in pack.notes[-8:]
    ]
    if len(pack.notes) > 8:
        lines.insert(0, f"The newest 8 of {len(pack.notes)} events (all are in the written pack).")
    _text(slide, MARGIN, top, WIDTH - 2 * MARGIN, HEIGHT - top - Inches(0.9), "\n".join(lines))
    _footer(slide, pack)


def _question_slide(deck: Deck, layout: SlideLayout, pack: Pack, q: PackQuestion) -> None:
    slide = deck.slides.add_slide(layout)
    top = _title(slide, f"{q.number}. {q.title}", size=30)
    _status(slide, MARGIN, top, q.icon, q.judgement, q.colour)
    sentence = q.sentence.removeprefix(f"{q.title}: ")
    _text(
        slide,
        MARGIN,
        top + Inches(0.65),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
        sentence[:1].upper() + sentence[1:],
        size=20,
    )
    lines = [
        f"{m.icon} {m.title}: {m.judgement} · {m.latest} ({m.period})"
        + (f" · target {m.target}" if m.target else "")
        for m in q.measures
    ]
    if not lines:
        lines = ["No measure the product holds answers this question."]
    _text(
        slide,
        MARGIN,
        top + Inches(1.45),
        WIDTH - 2 * MARGIN,
        Inches(2.2),
        "\n".join(lines),
        size=20,
    )
    notes = [
        f"{n.kind.capitalize()}: {n.title}"
        + (f" ({n.extra})" if n.extra else "")
        + (f" — {n.text}" if n.text else "")
        + (f" ({n.by}, {n.when})" if n.by else "")
        for n in q.notes
    ]
    if notes:
        _text(
            slide,
            MARGIN,
            Inches(5.0),
            WIDTH - 2 * MARGIN,
            Inches(1.9),
            "\n".join(notes)[:1200],
            size=16,
            colour=GREY,
        )
    _footer(slide, pack)


def _measures_slide(
    deck: Deck, layout: SlideLayout, pack: Pack, q: PackQuestion, measures: tuple[PackMeasure, ...]
) -> None:
    slide = deck.slides.add_slide(layout)
    heading = f"{q.number}. {q.title}"
    # a long question (a plan's priorities are often whole sentences) in smaller type, so
    # that the charts below keep their size
    top = _title(slide, heading, size=20 if len(heading) <= 120 else 16)
    column = (WIDTH - 2 * MARGIN - Inches(0.3)) // 2
    for i, m in enumerate(measures):
        left = MARGIN + i * (column + Inches(0.3))
        _text(slide, left, top, column, Inches(0.5), m.title, size=22, bold=True)
        _text(
            slide,
            left,
            top + Inches(0.5),
            column,
            Inches(0.5),
            f"{m.icon} {m.judgement}",
            size=20,
            bold=True,
            colour=_rgb(m.colour),
        )
        image = chart_png(m.chart)
        chart_top = top + Inches(1.05)
        # the figures and the sentence keep their room above the footer; a long question
        # title above makes the chart smaller, never pushes them over the footer
        below = HEIGHT - Inches(0.9) - Inches(1.6)
        room = min(CHART_HEIGHT, below - Inches(0.1) - chart_top)
        if image is not None:
            # fitted inside its box, legend and all: never over the figures below it
            width, height = _fit(image, column, room)
            slide.shapes.add_picture(
                io.BytesIO(image), Emu(left), chart_top, width=Emu(width), height=Emu(height)
            )
        else:
            _text(
                slide,
                left,
                chart_top,
                column,
                Inches(0.6),
                "No chart: the store holds no figures for this measure in this area.",
                size=16,
                colour=GREY,
            )
        figures = f"Latest: {m.latest} ({m.period})"
        if m.target:
            figures += f" · Target: {m.target}"
        _text(slide, left, below, column, Inches(0.45), figures, size=16, bold=True)
        _text(
            slide,
            left,
            below + Inches(0.45),
            column,
            Inches(1.15),
            _short(m.sentence, 300),
            size=13,
            colour=GREY,
        )
    _footer(slide, pack)


def _fit(image: bytes, width: int, height: int) -> tuple[int, int]:
    """The size (EMU) of a PNG scaled to fit inside ``width`` x ``height``, its shape kept."""
    pixels_wide, pixels_high = struct.unpack(">II", image[16:24])  # the PNG's IHDR chunk
    scale = min(width / pixels_wide, height / pixels_high)
    return int(pixels_wide * scale), int(pixels_high * scale)


def _short(sentence: str, limit: int = 420) -> str:
    """Whole sentences up to ``limit`` characters; the written pack has the rest."""
    if len(sentence) <= limit:
        return sentence
    kept = ""
    for part in sentence.split(". "):
        if len(kept) + len(part) + 2 > limit - 40:
            break
        kept += part + ". "
    return (kept or sentence[: limit - 40].rsplit(" ", 1)[0] + "…").strip() + (
        " (In full in the written pack.)"
    )
