"""Presentation mode on a projector, in a real browser (Debian's chromium through Playwright,
against ``streamlit run dashboard.py`` on a real SQLite store holding the sample).

- A clicker's keys (PageDown, arrows, space) move to the next screen and PageUp back.
- For two plans (Durham 2018-21, eight questions; Cambridgeshire 2017-20, forty), every screen
  fits 1280x720 without scrolling (Streamlit's scrolling container, ``stMain``, is no taller
  than it shows), body text is at least 24 px and chart labels at least 18 px, each screen
  with measures says the reason and the target, and every chart has a text alternative.

Screenshots of every screen go to ``test-output/browser/`` (git-ignored): look at them.
Skipped where Playwright or /usr/bin/chromium is missing; under ``.ci/run``
(``PCP_REQUIRE_BROWSER=1``) a skip is a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser_support as bs

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None
    expect = None
else:
    expect.set_options(timeout=bs.SCRIPT_TIMEOUT_MS // 3)

pytestmark = pytest.mark.browser

DURHAM = "durham-2018-21"
CAMBRIDGESHIRE = "cambridgeshire-2017-20"
QUESTIONS = {DURHAM: 8, CAMBRIDGESHIRE: 40}
MIN_BODY_PX = 24.0
MIN_CHART_LABEL_PX = 18.0
MIN_CHART_PX = 240.0
TOP = ".st-key-present-top"
WHERE = re.compile(r"question (\d+) of (\d+)(?: · screen (\d+) of (\d+))?")


@pytest.fixture(scope="module")
def server(
    playwright_browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[bs.Server]:
    """``streamlit run`` against a store holding the sample data."""
    folder = tmp_path_factory.mktemp("present")
    db = folder / "pcp.sqlite"
    bs.load_sample(f"sqlite:///{db}")
    srv = bs.start_server(db, folder / "streamlit.log")
    try:
        context = playwright_browser.new_context()  # the first session after a start
        bs.goto(context.new_page(), srv.url)
        context.close()
        yield srv
    finally:
        bs.stop_server(srv)


def _open(browser: Any, server: bs.Server, plan: str, width: int, height: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(bs.SCRIPT_TIMEOUT_MS)
    page = context.new_page()
    bs.goto(page, f"{server.url}/?present=1&plan={plan}")
    page.wait_for_url(re.compile(r"/present\?.*present=1"), timeout=bs.SCRIPT_TIMEOUT_MS)
    bs.wait_idle(page)
    return context, page


def _where(page: Any) -> tuple[int, int]:
    """(question, screen) the top line names."""
    found = WHERE.search(page.locator(TOP).inner_text())
    assert found, page.locator(TOP).inner_text()
    return int(found.group(1)), int(found.group(3) or 1)


# The facts about one screen, measured in the page.
_MEASURE = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const visible = (e) => e.offsetParent !== null && e.getClientRects().length > 0;
  const body = Array.from(main.querySelectorAll("[data-testid='stMarkdownContainer'] p"))
    .filter((e) => visible(e) && e.innerText.trim())
    .map((e) => [e.innerText.trim().slice(0, 50), parseFloat(getComputedStyle(e).fontSize)]);
  const charts = Array.from(main.querySelectorAll("[data-testid='stVegaLiteChart']"))
    .filter(visible);
  const labels = charts.flatMap((c) => Array.from(c.querySelectorAll("svg text"))
    .filter((t) => t.textContent.trim())
    .map((t) => [t.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(t).fontSize)]));
  return {
    scroll: main.scrollHeight, client: main.clientHeight,
    doc: document.documentElement.scrollHeight, viewport: window.innerHeight,
    body: body,
    labels: labels,
    charts: charts.map((c) => c.getAttribute("aria-label") || ""),
    heights: charts.map((c) => c.getBoundingClientRect().height),
    alts: Array.from(main.querySelectorAll(".pcp-sr-only")).filter(visible)
      .map((e) => e.textContent),
    text: main.innerText,
  };
}"""


def test_clicker_keys_move_between_screens(playwright_browser: Any, server: bs.Server) -> None:
    context, page = _open(playwright_browser, server, DURHAM, 1280, 720)
    try:
        seen = [_where(page)]
        assert seen[0] == (1, 1)
        for key in ("PageDown", "ArrowRight", " ", "ArrowDown"):
            page.keyboard.press(key)
            bs.wait_rerun(page)
            expect(page.locator(TOP)).not_to_have_text(_top_text(seen[-1]))
            now = _where(page)
            assert now > seen[-1], (key, seen, now)  # forward: the next screen, in order
            seen.append(now)
            bs.assert_no_exception(page, f"after {key}")
        for key, back_to in (("PageUp", seen[-2]), ("ArrowLeft", seen[-3])):
            page.keyboard.press(key)
            bs.wait_rerun(page)
            expect(page.locator(TOP)).to_contain_text(_top_text(back_to))
            assert _where(page) == back_to, (key, _where(page), back_to)
        # the keys act once per press, whatever the reruns before
        page.keyboard.press("PageDown")
        bs.wait_rerun(page)
        expect(page.locator(TOP)).to_contain_text(_top_text(seen[-2]))
        assert _where(page) == seen[-2]
    finally:
        context.close()


def _top_text(where: tuple[int, int]) -> re.Pattern[str]:
    """The top line's words for a (question, screen), and for no other."""
    q, s = where
    if s > 1:
        return re.compile(rf"question {q} of \d+ · screen {s} of \d+")
    return re.compile(rf"question {q} of \d+(?: · screen 1 of \d+)?(?! · screen)(?: ·|$)")


@pytest.mark.parametrize(
    ("plan", "width", "height"),
    [
        (DURHAM, 1280, 720),
        (DURHAM, 1920, 1080),
        (CAMBRIDGESHIRE, 1280, 720),
        (CAMBRIDGESHIRE, 1920, 1080),
    ],
    ids=[
        "durham-1280x720",
        "durham-1920x1080",
        "cambridgeshire-1280x720",
        "cambridgeshire-1920x1080",
    ],
)
def test_every_screen_fits_without_scrolling(
    playwright_browser: Any, server: bs.Server, plan: str, width: int, height: int
) -> None:
    context, page = _open(playwright_browser, server, plan, width, height)
    problems: list[str] = []
    questions: set[int] = set()
    try:
        nxt = page.get_by_role("button", name="Next ▶")
        for n in range(1, 200):
            where = _where(page)
            questions.add(where[0])
            bs.assert_no_exception(page, f"{plan} screen {n}")
            found = page.evaluate(_MEASURE)
            name = f"{plan} q{where[0]} s{where[1]}"
            if found["scroll"] > found["client"] or found["doc"] > found["viewport"]:
                problems.append(
                    f"{name}: needs scrolling (stMain {found['scroll']} > {found['client']}, "
                    f"document {found['doc']} > {found['viewport']})"
                )
            problems += [
                f"{name}: body text {px:g}px {text!r}"
                for text, px in found["body"]
                if px < MIN_BODY_PX
            ]
            problems += [
                f"{name}: chart label {px:g}px {text!r}"
                for text, px in found["labels"]
                if px < MIN_CHART_LABEL_PX
            ]
            # a chart squeezed below this has no plot left between its axes
            problems += [
                f"{name}: a chart only {h:.0f}px high" for h in found["heights"] if h < MIN_CHART_PX
            ]
            if found["charts"]:
                assert "Target:" in found["text"], name  # the target, or that there is none
                # each chart named for assistive technology, and described in words
                assert all(label.startswith("Chart of ") for label in found["charts"]), (
                    name,
                    found["charts"],
                )
                assert len(found["alts"]) == len(found["charts"]), (name, found["alts"])
                assert all("Judgement:" in alt for alt in found["alts"]), found["alts"]
            bs.screenshot(page, f"present-{plan}-q{where[0]}-s{where[1]}")
            if nxt.is_disabled():
                break
            nxt.click()
            bs.wait_rerun(page)
            expect(page.locator(TOP)).not_to_have_text(_top_text(where))
            bs.wait_idle(page)
        assert questions == set(range(1, QUESTIONS[plan] + 1)), sorted(questions)
        assert not problems, f"at {width}x{height}:\n" + "\n".join(problems)
    finally:
        context.close()
