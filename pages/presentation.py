"""Presentation mode for the Panel: one question per screen, large type, next and previous.

Opened at ``?present=1`` (the sidebar, toolbar and navigation are hidden); ``&q=N`` is the
question shown and ``&s=M`` its screen. A question whose measures do not fit on one screen
at 1280x720 (a long question, long reasons) is split over several, and its commentary gets a
screen of its own, so nothing needs scrolling on a projector. Each measure shows its status
in icon and words, the latest figure, the target (or that the plan sets none), the reason
and its chart; each chart has a text alternative. Body text is at least 24 px and chart
labels at least 18 px at both 1920x1080 and 1280x720.

Clickers send PageDown/PageUp (some send arrows or space): a small script in the page turns
those keys into clicks on the Next and Previous buttons.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import streamlit as st

from pcp_data import charts
from pcp_data.access import Right
from pcp_data.assess import Assessment
from ui import access, downloads, question, shared, views
from ui.shared import md

# The screens a layout must fit, and the font sizes the CSS below sets (px).
SCREENS = {"small": (1280, 720), "large": (1920, 1080)}
BODY_PX = 26
H3_PX = 28
SIDE_PAD = 32  # each side of the main area
TOP_PAD = 19  # the main area's top padding
GAP = 16  # Streamlit's gap between elements
NAV_PX = 80  # the row of buttons (its line of words may wrap at 1280 px)
# Streamlit fits a chart's axes and titles inside the height it is given (autosize "fit"): a
# height is the whole chart's, and its plot is what is left after about 100 px of axes.
TEXT_SHARE = 0.42  # of the width, for the words beside a question's only chart
MIN_CHART = 250  # the smallest chart worth showing (a plot of about 150 px); below it,
# fewer measures a screen
MAX_PER_SCREEN = 2
COMMENTARY_CHARS = 900

CSS = """
<style>
.block-container {padding: 1.2rem 2rem 0.5rem 2rem !important; max-width: 100% !important;}
.stApp .stMarkdown p, .stApp .stMarkdown li {font-size: 26px !important; line-height: 1.3;}
.stApp h3 {font-size: 28px !important; padding: 0 !important; line-height: 1.2;}
[class*="st-key-title-"] h1 {padding: 0 !important; line-height: 1.2;}
.st-key-title-m h1 {font-size: 40px !important;}
.st-key-title-s h1 {font-size: 32px !important;}
.st-key-title-xs h1 {font-size: 26px !important;}
.st-key-present-top p {font-size: 24px !important; line-height: 1.25; color: #3D3D3D;
  text-align: center;}
.stButton button p {font-size: 26px !important;}
.st-key-present-pack button p, .stDownloadButton button p {font-size: 24px !important;}
.pcp-sr-only {position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; font-size: 24px;}
@media (min-height: 1000px) {[class*="st-key-chart-small"] {display: none !important;}}
@media (max-height: 999px) {[class*="st-key-chart-large"] {display: none !important;}}
</style>
"""

# Keys a clicker or keyboard sends, turned into clicks on the Next / Previous buttons. The
# listener lives in the page itself (added once, whatever the reruns) and finds the buttons
# by their text each time, so it works after every rerun and does nothing off this page.
KEYS_JS = """
<script>
(function () {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const win = doc.defaultView || window;
  if (win.__pcpPresentKeys) return;
  win.__pcpPresentKeys = true;
  const NEXT = ["PageDown", "ArrowRight", "ArrowDown", " ", "Spacebar"];
  const PREV = ["PageUp", "ArrowLeft", "ArrowUp"];
  function button(text) {
    return Array.from(doc.querySelectorAll("button")).find(
      (b) => (b.innerText || "").trim() === text);
  }
  doc.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (new URLSearchParams(win.location.search).get("present") !== "1") return;
    const t = e.target;
    if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
    const next = NEXT.includes(e.key) && !e.shiftKey;
    const prev = PREV.includes(e.key) || (e.key === " " && e.shiftKey);
    if (!next && !prev) return;
    const b = button(next ? "Next ▶" : "◀ Previous");
    e.preventDefault();
    if (b && !b.disabled) {
      if (doc.activeElement && doc.activeElement.blur) doc.activeElement.blur();
      b.click();
    }
  }, true);
})();
</script>
"""


def _big(px: int) -> dict:
    """The chart theme with axis labels of ``px`` (at least 18)."""
    return charts.theme(scale=px / 14)["config"]


def _lines(text: str, px: float, width: float, *, bold: bool = False) -> int:
    """Lines ``text`` takes at ``px`` in ``width`` pixels (an estimate, on the high side)."""
    per_char = px * (0.52 if bold else 0.46)
    return max(1, math.ceil(len(text) * per_char / max(width, 1.0)))


def _text_px(text: str, px: float, width: float, *, bold: bool = False, lh: float = 1.3) -> int:
    return math.ceil(_lines(text, px, width, bold=bold) * px * lh)


def title_size(title: str) -> tuple[str, int]:
    """The question's heading size: smaller for the long questions some plans ask."""
    if len(title) <= 60:
        return "m", 40
    if len(title) <= 140:
        return "s", 32
    return "xs", 26


def reason(sentence: str, *, evidence: int = 260) -> str:
    """The judgement's reason for a screen: its first sentence (what the status is and
    why), and the next (what the figures show) when the two together are no longer than
    ``evidence`` characters (0: never).

    >>> reason("On track: stable. p-chart: 86.2% is within its limits. More.")
    'On track: stable. p-chart: 86.2% is within its limits.'
    """
    parts = re.split(r"(?<=[.!?])\s+", sentence.strip())
    text = parts[0]
    if len(parts) > 1 and len(text) + len(parts[1]) <= evidence:
        text += " " + parts[1]
    return text


def target_words(a: Assessment) -> str:
    t = a.measure.target
    if t is None:
        return "Target: none set in the plan"
    met = a.latest_value is not None and t.met_by(a.latest_value)
    return f"Target: {t.label} ({'met' if met else 'not met'})"


def figure_words(a: Assessment) -> str:
    if a.latest_value is None:
        return "no figures yet"
    return f"{a.latest_text} · {a.period_words}"


@dataclass(frozen=True)
class Screen:
    """One screen of a question: some of its measures, or its commentary."""

    measures: tuple[Assessment, ...]
    commentary: bool = False


def _head_px(title: str, width: int) -> int:
    """Height above the measures: buttons, the question, its status line."""
    _, px = title_size(title)
    status = BODY_PX * 1.3
    heading = _text_px(title, px, width, bold=True, lh=1.2)
    return TOP_PAD + NAV_PX + GAP + heading + GAP + math.ceil(status) + GAP


def _measure_text_px(a: Assessment, width: float, *, evidence: int) -> int:
    texts = (
        _text_px(a.measure.title, H3_PX, width, bold=True, lh=1.2),
        _text_px(f"✔ {a.judgement.words} · {figure_words(a)}", BODY_PX, width),
        _text_px(target_words(a), BODY_PX, width),
        _text_px(reason(a.judgement.sentence, evidence=evidence), BODY_PX, width),
    )
    return sum(texts) + GAP * len(texts)


def _room(title: str, size: str) -> tuple[int, int]:
    """(width, height) left for the measures on the screen ``size``."""
    width, height = SCREENS[size]
    inner = width - 2 * SIDE_PAD
    return inner, height - _head_px(title, inner) - 16


EVIDENCE_LIMITS = (420, 260, 0)  # characters of reason tried, longest first


def with_evidence(title: str, shown: tuple[Assessment, ...]) -> int:
    """The longest reason (`reason`'s ``evidence``) that still fits at 1280x720: beside a
    question's only chart, or above charts at least `MIN_CHART` high."""
    inner, room = _room(title, "small")
    for limit in EVIDENCE_LIMITS:
        if len(shown) == 1:  # the words beside the chart
            if _measure_text_px(shown[0], inner * TEXT_SHARE - GAP, evidence=limit) <= room:
                return limit
            continue
        column = (inner - 64 * (len(shown) - 1)) / len(shown)  # "large" gap: 4rem
        most = max(_measure_text_px(a, column, evidence=limit) for a in shown)
        if room - most >= MIN_CHART:
            return limit
    return 0


def chart_height(title: str, shown: tuple[Assessment, ...], size: str) -> int:
    """The plot height that fits the screen ``size`` below the words of the measures shown:
    one measure has its words beside its chart, two or more share the width."""
    inner, room = _room(title, size)
    if len(shown) == 1:
        return room
    evidence = with_evidence(title, shown)
    column = (inner - 64 * (len(shown) - 1)) / len(shown)
    most = max(_measure_text_px(a, column, evidence=evidence) for a in shown)
    return room - most


def screens(title: str, measures: list[Assessment], commentary: bool) -> list[Screen]:
    """A question's screens at 1280x720: up to `MAX_PER_SCREEN` measures each, fewer when
    their text would leave less than `MIN_CHART` for the charts; then the commentary."""
    out: list[Screen] = []
    rest = list(measures)
    while rest:
        take = min(MAX_PER_SCREEN, len(rest))
        while take > 1 and chart_height(title, tuple(rest[:take]), "small") < MIN_CHART:
            take -= 1
        out.append(Screen(tuple(rest[:take])))
        rest = rest[take:]
    if commentary or not out:
        out.append(Screen((), commentary=commentary))
    return out


def chart_text(a: Assessment) -> str:
    """The chart in words, for those who cannot see it: measure, period covered, latest
    figure and judgement (also the chart's accessible name)."""
    values = a.series.values.dropna()
    return charts.chart_description(
        a.measure.title,
        values.index.to_series(),
        frequency=a.measure.frequency,
        latest=figure_words(a) if a.latest_value is not None else None,
        judgement=a.judgement.words,
    )


def draw_measure(a: Assessment, n: int, title: str, shown: tuple[Assessment, ...]) -> None:
    j = a.judgement
    # one chart for screens about 720 px high, one for 1080 px: CSS shows the one that fits
    # (the server cannot know the screen's size)
    drawn = {
        size: views.chart_for(
            a, height=max(chart_height(title, shown, size), MIN_CHART), legend=False
        )
        for size in SCREENS
    }
    text_col, chart_col = (
        st.columns([TEXT_SHARE, 1 - TEXT_SHARE], gap="medium")
        if len(shown) == 1
        else (st.container(),) * 2
    )
    evidence = with_evidence(title, shown)
    with text_col:
        st.markdown(f"### {md(a.measure.title)}")
        st.markdown(f"{shared.status_text(j.icon, j.words, j.colour)} · {md(figure_words(a))}")
        st.markdown(md(target_words(a)))
        words = md(reason(j.sentence, evidence=evidence))
        if drawn["small"] is not None:  # the chart in words, for those who cannot see it
            words += f"<span class='pcp-sr-only'>{shared.escape(chart_text(a))}</span>"
        st.markdown(words, unsafe_allow_html=True)
    with chart_col:
        for size, chart in drawn.items():
            if chart is None:
                continue
            with st.container(key=f"chart-{size}-{n}"):
                label_px = 18 if size == "small" else 22
                st.altair_chart(
                    chart.properties(description=chart_text(a)).configure(**_big(label_px)),
                    width="stretch",
                    theme=None,
                )


ctx = shared.ctx_or_stop()
params = st.query_params
if params.get("present") != "1":
    params["present"] = "1"
    st.rerun()
st.html(CSS)
st.html(KEYS_JS, unsafe_allow_javascript=True)
if not ctx.area_code:
    st.info("There are no figures yet.")
    st.stop()
pa = ctx.assessment()
total = len(pa.questions)
me = access.me()
period = question.commentary_period(ctx)
internal = me.can(Right.READ_INTERNAL)


def _notes(index: int):  # type: ignore[no-untyped-def]
    return shared.store().commentary(
        ctx.plan_id, pa.questions[index].question.id, period, include_internal=internal
    )


def _screens(index: int, notes_present: bool | None = None) -> list[Screen]:
    qa = pa.questions[index]
    has_notes = notes_present if notes_present is not None else not _notes(index).empty
    return screens(qa.question.title, qa.measures, has_notes)


def _number(name: str, default: int) -> int:
    try:
        return int(params.get(name, str(default)))
    except ValueError:
        return default


index = min(max(_number("q", 1), 1), total) - 1
qa = pa.questions[index]
notes = _notes(index)
these = _screens(index, not notes.empty)
part = min(max(_number("s", 1), 1), len(these)) - 1
screen = these[part]


def go(to_question: int, to_screen: int) -> None:
    st.query_params["q"] = str(to_question + 1)
    if to_screen:
        st.query_params["s"] = str(to_screen + 1)
    elif "s" in st.query_params:
        del st.query_params["s"]


if part + 1 < len(these):
    next_args: tuple[int, int] | None = (index, part + 1)
elif index + 1 < total:
    next_args = (index + 1, 0)
else:
    next_args = None
if part > 0:
    prev_args: tuple[int, int] | None = (index, part - 1)
elif index > 0:
    prev_args = (index - 1, len(_screens(index - 1)) - 1)
else:
    prev_args = None

nav = st.columns([1.2, 1, 5, 1, 0.8], vertical_alignment="center")
nav[0].button(
    "◀ Previous",
    on_click=go,
    args=prev_args or (0, 0),
    disabled=prev_args is None,
    key="prev",
    width="stretch",
)
nav[1].button(
    "Next ▶",
    on_click=go,
    args=next_args or (0, 0),
    disabled=next_args is None,
    key="next",
    width="stretch",
    type="primary",
)
synthetic = " · **synthetic data**" if ctx.synthetic else ""
local = " · local user" if me.local else ""  # sign-in is off: said on every page
of_screens = f" · screen {part + 1} of {len(these)}" if len(these) > 1 else ""
with nav[2].container(key="present-top"):
    st.markdown(
        f"{md(ctx.area_name)} · question {index + 1} of {total}{of_screens}{synthetic}{local}"
    )
with (
    nav[3].container(key="present-pack"),
    st.popover("Pack", icon=":material/download:", width="stretch"),
):
    downloads.pack_buttons(ctx, key="present")
if nav[4].button("Exit", key="exit", width="stretch"):
    st.switch_page("pages/overview.py", query_params={"plan": ctx.plan_id, "area": ctx.area_code})

size_key, _ = title_size(qa.question.title)
with st.container(key=f"title-{size_key}"):
    st.markdown(f"# {md(qa.question.title)}")
r = qa.rollup
counts = " · ".join(
    f"{r.counts.get(k, 0)} {k}" for k in ("on track", "needs attention", "of concern", "not judged")
)
st.markdown(f"{shared.status_text(r.icon, r.words, r.colour)} &nbsp; ({counts})")

if screen.commentary:
    st.markdown("### Commentary")
    text = str(notes.iloc[0]["text"])
    if len(text) > COMMENTARY_CHARS:
        cut = text[:COMMENTARY_CHARS].rsplit(" ", 1)[0]
        text = f"{cut} … (the rest is on the question's page)"
    st.markdown(md(text))
elif screen.measures:
    shown = screen.measures
    if len(shown) == 1:
        draw_measure(shown[0], 0, qa.question.title, shown)
    else:
        for n, (col, a) in enumerate(zip(st.columns(len(shown), gap="large"), shown, strict=True)):
            with col:
                draw_measure(a, n, qa.question.title, shown)
else:
    st.markdown("No measure the product holds answers this question.")
