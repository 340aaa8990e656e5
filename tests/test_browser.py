"""The three journeys in a real browser: Debian's chromium through Playwright, against
``streamlit run dashboard.py`` on a real SQLite store.

1. The monthly upload: open the app on an empty store, upload the sample workbook, read the
   validation report, publish, and see the plan on a page change.
2. A KPQ deep link opened in a fresh browser session.
3. Briefing the Panel: presentation mode at 1920x1080 and 1280x720, every question in turn.

Screenshots of every screen at both sizes go to ``test-output/browser/`` (git-ignored): look at
them. One server serves the module; its store starts empty and the upload journey runs first.
Later tests load the sample themselves if that journey did not run (``pcp_data init`` does
nothing on a store that holds data), so each can also be run on its own.

Skipped with a clear message where Playwright or /usr/bin/chromium is missing; under
``.ci/run`` (``PCP_REQUIRE_BROWSER=1``) a skip is a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from pcp_data.access import local_user
from pcp_data.plan import load_shipped
from tests import browser_support as bs

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None
    expect = None
else:
    expect.set_options(timeout=bs.SCRIPT_TIMEOUT_MS // 3)  # CI has 2 cores

pytestmark = pytest.mark.browser

PLAN = "durham-2018-21"
SAMPLE = bs.ROOT / "sample_data" / "pcp_sample.xlsx"
QUESTIONS = 8  # Key Performance Questions in the Durham plan, 2018-21
SAFE = "How safe are our communities?"
CRIME = "How well are we preventing and reducing crime?"
FORCE = "Northmoor Constabulary"  # the sample's imaginary home force
MIN_BODY_PX = 24.0
STATUS = re.compile(r"[✔⚠✖–] (on track|needs attention|of concern|not judged)")
JUDGED = re.compile(r"[✔⚠✖] (on track|needs attention|of concern)")
EXPECT_MS = bs.SCRIPT_TIMEOUT_MS
LOCAL_USER = local_user().name  # sign-in is off in these journeys


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def server(
    playwright_browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[bs.Server]:
    """``streamlit run`` against an EMPTY store, warmed up by one throwaway session."""
    folder = tmp_path_factory.mktemp("browser")
    srv = bs.start_server(folder / "pcp.sqlite", folder / "streamlit.log")
    try:
        # The first session after a start can show a spurious "Page not found" dialog for the
        # callable question pages (a Streamlit quirk with a pages/ folder): spend it here.
        context = playwright_browser.new_context()
        page = context.new_page()
        bs.goto(page, srv.url)
        context.close()
        yield srv
    finally:
        bs.stop_server(srv)


@pytest.fixture(scope="module")
def sample_loaded(server: bs.Server) -> bs.Server:
    """The store with the sample in it: published by the upload journey when it ran first,
    loaded here otherwise (``init`` loads nothing into a store that holds data)."""
    bs.load_sample(server.db_url)
    return server


def _page(browser: Any, width: int = 1920, height: int = 1080) -> tuple[Any, Any]:
    """A fresh browser context (a new Streamlit session) and a page in it."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(EXPECT_MS)
    return context, context.new_page()


def _sidebar_link(page: Any, text: str) -> Any:
    """The sidebar's link to a page, as a user finds it below the selectors; a long list of
    questions is folded, so open it when the link is hidden."""
    sidebar = page.locator("[data-testid='stSidebar']")
    link = sidebar.locator("[data-testid='stPageLink'] a").filter(has_text=text).first
    folded = sidebar.locator("[data-testid='stExpander'] summary")
    if not link.is_visible() and folded.count():
        folded.first.click()
    return link


def _h1(page: Any) -> Any:
    return page.locator("[data-testid='stMain'] h1").first


def _fail_with_log(server: bs.Server, page: Any, what: str) -> None:
    name = re.sub(r"\W+", "-", what).strip("-")[:60]
    bs.screenshot(page, f"FAILED-{name}")
    pytest.fail(f"{what}\n--- streamlit log ---\n{server.log_tail()}")


# --------------------------------------------------------------------------- journeys


def test_upload_on_an_empty_store_changes_the_overview(
    playwright_browser: Any, server: bs.Server
) -> None:
    context, page = _page(playwright_browser)
    try:
        bs.goto(page, server.url)
        main = page.locator("[data-testid='stMain']")
        expect(main).to_contain_text("There are no figures yet", timeout=EXPECT_MS)
        expect(main).not_to_contain_text(SAFE)
        bs.assert_no_exception(page, "overview, empty store")
        bs.screenshot(page, "overview-empty")

        _sidebar_link(page, "Upload data").click()
        page.wait_for_url(re.compile(r"/upload"))
        bs.wait_rerun(page)
        expect(_h1(page)).to_have_text("Upload data")
        expect(main).to_contain_text("Nothing has been uploaded yet")

        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            str(SAMPLE)
        )
        report = page.get_by_text("Validation report")
        expect(report).to_be_visible(timeout=EXPECT_MS)
        bs.wait_idle(page)
        expect(main).to_contain_text("PCP dashboard template")
        expect(main).to_contain_text("16,734 figures")
        expect(main).to_contain_text("Publishing adds")
        bs.assert_no_exception(page, "upload, validation report")
        publish = page.get_by_role("button", name="Publish")
        # no name to type: the identity is recorded (here the single local user)
        expect(main.locator("[data-testid='stTextInput']")).to_have_count(0)
        expect(main).to_contain_text(f"Published as {LOCAL_USER}")
        bs.screenshot(page, "upload-validated")
        expect(publish).to_be_enabled()
        publish.click()
        success = page.locator("[data-testid='stAlertContentSuccess']")
        try:
            expect(success).to_contain_text("published as upload", timeout=EXPECT_MS)
        except AssertionError:
            _fail_with_log(server, page, "no success message after Publish")
        expect(success).to_contain_text("16,734 figures")
        bs.wait_idle(page)
        bs.assert_no_exception(page, "upload, published")
        expect(main).to_contain_text(LOCAL_USER)  # the upload history names the uploader

        _sidebar_link(page, "Plan on a page").click()
        bs.wait_rerun(page)
        expect(main).to_contain_text(SAFE, timeout=EXPECT_MS)
        bs.wait_idle(page)
        expect(main).not_to_contain_text("There are no figures yet")
        expect(main).to_contain_text(FORCE)
        # the innermost block holding the question's heading also holds its status line
        card = (
            main.locator("[data-testid='stVerticalBlock']")
            .filter(has=page.get_by_role("heading", name=f"1. {SAFE}"))
            .last
        )
        expect(card).to_contain_text(JUDGED)
        bs.assert_no_exception(page, "overview after publishing")
        bs.screenshot(page, "overview-after-upload")
    finally:
        context.close()


def test_kpq_deep_link_in_a_fresh_session(
    playwright_browser: Any, sample_loaded: bs.Server
) -> None:
    context, page = _page(playwright_browser)
    try:
        bs.goto(page, f"{sample_loaded.url}/?kpq=kpq-crime")
        page.wait_for_url(re.compile(r"/question-kpq-crime"), timeout=EXPECT_MS)
        bs.wait_idle(page)
        expect(_h1(page)).to_have_text(CRIME, timeout=EXPECT_MS)
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        expect(chart).to_be_visible(timeout=EXPECT_MS)
        drawn = chart.locator("canvas, svg").first
        expect(drawn).to_be_attached(timeout=EXPECT_MS)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, box
        bs.assert_no_exception(page, "KPQ deep link")
    finally:
        context.close()


def _markdown_font_sizes(page: Any) -> list[tuple[str, float]]:
    """(text, computed font-size in px) of every visible paragraph of markdown in the main
    area: the body text a Panel member has to read."""
    return page.eval_on_selector_all(
        "[data-testid='stMain'] [data-testid='stMarkdownContainer'] p",
        """els => els.filter(e => e.offsetParent !== null && e.innerText.trim())
                    .map(e => [e.innerText.trim().slice(0, 60),
                               parseFloat(getComputedStyle(e).fontSize)])""",
    )


# The lowest bottom edge (page coordinates) of anything shown in the main area.
_CONTENT_BOTTOM = """() => {
    let bottom = 0;
    for (const e of document.querySelectorAll(
            "[data-testid='stMain'] [data-testid='stElementContainer']")) {
        if (e.offsetParent === null) continue;
        const r = e.getBoundingClientRect();
        if (r.height > 0) bottom = Math.max(bottom, r.bottom + window.scrollY);
    }
    return bottom;
}"""


@pytest.mark.parametrize(("width", "height"), bs.SIZES, ids=["1920x1080", "1280x720"])
def test_presentation_steps_through_every_question(
    playwright_browser: Any, sample_loaded: bs.Server, width: int, height: int
) -> None:
    context, page = _page(playwright_browser, width, height)
    try:
        bs.goto(page, f"{sample_loaded.url}/?present=1")
        page.wait_for_url(re.compile(r"/present\?.*present=1"), timeout=EXPECT_MS)
        bs.wait_idle(page)
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
        expect(page.locator("[data-testid='stHeader']")).to_be_hidden()
        nxt = page.get_by_role("button", name="Next ▶")
        prev = page.get_by_role("button", name="◀ Previous")
        expect(prev).to_be_disabled()
        expect(page.get_by_role("button", name="Exit")).to_be_visible()

        seen: list[str] = []
        small: list[str] = []
        overflow: list[str] = []
        for screen in range(1, 41):  # a long question may take several screens
            heading = _h1(page)
            expect(heading).to_be_visible()
            bs.wait_idle(page)
            title = heading.inner_text().strip()
            assert title, screen
            if not seen or seen[-1] != title:
                assert title not in seen, (screen, title, seen)
                seen.append(title)
            n = len(seen)
            expect(page.locator("[data-testid='stMain']")).to_contain_text(
                f"question {n} of {QUESTIONS}"
            )
            if screen == 1:  # the sidebar is hidden: the top line says sign-in is off
                expect(page.locator("[data-testid='stMain']")).to_contain_text("local user")
            assert re.search(rf"[?&]q={n}\b", page.url) or (n == 1 and "q=" not in page.url), (
                page.url
            )
            bs.assert_no_exception(page, f"presentation, screen {screen}")
            main = page.locator("[data-testid='stMain']")
            expect(main).to_contain_text(STATUS)  # status by icon and words, not colour alone
            bottom = page.evaluate(_CONTENT_BOTTOM)
            if bottom > height:
                overflow.append(f"screen {screen} {title!r}: content ends at {bottom:.0f}px")
            sizes = _markdown_font_sizes(page)
            assert sizes, f"screen {screen}: no body text found"
            small += [f"s{screen}: {px:g}px {text!r}" for text, px in sizes if px < MIN_BODY_PX]
            bs.screenshot(page, f"present-s{screen}")
            if nxt.is_disabled():
                break
            before = page.url
            nxt.click()
            page.wait_for_url(lambda url, before=before: url != before)
            bs.wait_rerun(page)
        expect(nxt).to_be_disabled()
        assert len(seen) == QUESTIONS, seen
        assert seen[0] == SAFE and CRIME in seen, seen
        assert not small, "body text under 24px in presentation mode:\n" + "\n".join(small)
        assert not overflow, (
            f"no scrolling on a projector: at {width}x{height} these need "
            "scrolling:\n" + "\n".join(overflow)
        )

        before = page.url
        prev.click()
        page.wait_for_url(lambda url: url != before)
        bs.wait_rerun(page)
        expect(_h1(page)).to_have_text(re.compile("|".join(re.escape(t) for t in seen[-2:])))
    finally:
        context.close()


PAGES = (  # screenshot name, address, words the page must show in its main area
    ("overview", "/", "Police, Crime and Victims' Plan 2018-2021"),
    ("question", "/question-kpq-safe", SAFE),
    ("measure", "/?measure=crime-rate", "Recorded crime per 1,000 population"),
    ("upload", "/upload", "Upload history"),
    ("recorded-crime", "/recorded_crime", "Offences by group"),
    ("victim-satisfaction", "/victim_satisfaction", "Victim satisfaction"),
    ("workforce", "/workforce", "Workforce"),
    ("plan", "/plan", "Measures"),
    ("audit", "/audit", "Every publish, withdrawal"),
)


@pytest.mark.parametrize(("width", "height"), bs.SIZES, ids=["1920x1080", "1280x720"])
def test_every_page_renders_without_error(
    playwright_browser: Any, sample_loaded: bs.Server, width: int, height: int
) -> None:
    context, page = _page(playwright_browser, width, height)
    try:
        main = page.locator("[data-testid='stMain']")
        for name, path, words in PAGES:
            bs.goto(page, sample_loaded.url + path)
            expect(main).to_contain_text(words, timeout=EXPECT_MS)
            bs.wait_idle(page)
            sidebar = page.locator("[data-testid='stSidebar']")
            expect(sidebar).to_be_visible()
            expect(sidebar).to_contain_text("Single local user: sign-in is off")
            bs.assert_no_exception(page, f"{name} page at {width}x{height}")
            bs.screenshot(page, name)
    finally:
        context.close()


# --------------------------------------------------------------------------- issue 13


@pytest.mark.parametrize("plan", ["durham-2018-21", "cambridgeshire-2017-20"])
def test_the_context_selectors_are_in_sight_at_the_top(
    playwright_browser: Any, sample_loaded: bs.Server, plan: str
) -> None:
    """Plan, area and "figures as at" come before the navigation, in sight at 1280x720
    whatever the plan's size; the navigation's links follow them."""
    context, page = _page(playwright_browser, 1280, 720)
    try:
        bs.goto(page, f"{sample_loaded.url}/?plan={plan}")
        sidebar = page.locator("[data-testid='stSidebar']")
        for label in ("Police and Crime Plan", "Area", "Figures as at"):
            box = sidebar.locator("[data-testid='stSelectbox']").filter(has_text=label).first
            expect(box).to_be_in_viewport()
            bottom = box.bounding_box()
            assert bottom is not None and bottom["y"] + bottom["height"] <= 720, (label, bottom)
        first_link = sidebar.locator("[data-testid='stPageLink']").first.bounding_box()
        assert first_link is not None and first_link["y"] > bottom["y"]
        # Streamlit's own navigation list is not drawn (hidden, its links are ours)
        expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
        bs.assert_no_exception(page, f"overview of {plan}")
    finally:
        context.close()


def test_back_from_a_measure_gives_the_question_its_links(
    playwright_browser: Any, sample_loaded: bs.Server
) -> None:
    context, page = _page(playwright_browser)
    try:
        bs.goto(page, f"{sample_loaded.url}/question-kpq-safe?plan={PLAN}")
        main = page.locator("[data-testid='stMain']")
        links = main.get_by_role("link", name="Open this measure")
        # one link per measure of the question, once the page has drawn them all
        count = sum("kpq-safe" in m.kpq_ids for m in load_shipped(PLAN).measures)
        assert count >= 2, count
        expect(links).to_have_count(count)
        links.first.click()
        page.wait_for_url(re.compile(r"/measure\?.*measure="))
        bs.wait_rerun(page)
        expect(_h1(page)).to_have_text("Recorded crime per 1,000 population")
        page.go_back()
        page.wait_for_url(re.compile(r"/question-kpq-safe"))
        bs.wait_rerun(page)
        expect(_h1(page)).to_have_text(SAFE)
        expect(links).to_have_count(count)
        assert "measure=" not in page.url, page.url
        bs.assert_no_exception(page, "question page after Back")
    finally:
        context.close()


def test_the_measure_page_title_follows_the_measure_chosen(
    playwright_browser: Any, sample_loaded: bs.Server
) -> None:
    context, page = _page(playwright_browser)
    try:
        bs.goto(page, f"{sample_loaded.url}/?measure=domestic-burglary&plan={PLAN}")
        expect(_h1(page)).to_have_text("Domestic burglary")
        select = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first
        select.click()
        page.get_by_role("option", name="Recorded crime per 1,000 population").click()
        bs.wait_rerun(page)
        expect(_h1(page)).to_have_text("Recorded crime per 1,000 population")
        expect(page.locator("[data-testid='stMain'] h1")).to_have_count(1)
    finally:
        context.close()


def test_an_unknown_plan_is_named_and_another_can_be_chosen(
    playwright_browser: Any, sample_loaded: bs.Server
) -> None:
    context, page = _page(playwright_browser)
    try:
        bs.goto(page, f"{sample_loaded.url}/?plan=no-such-plan")
        error = page.locator("[data-testid='stAlertContentError']")
        expect(error).to_contain_text("There is no plan called no-such-plan")
        expect(error).to_contain_text("cambridgeshire-2017-20")
        expect(page.locator("[data-testid='stMain'] h1")).to_have_count(0)
        page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name=re.compile("^Dorset")).click()
        bs.wait_rerun(page)
        expect(error).to_have_count(0)
        expect(_h1(page)).to_be_visible()
        expect(page.locator("[data-testid='stMain']")).to_contain_text("Dorset")
        assert "plan=dorset-2013-17" in page.url, page.url
    finally:
        context.close()


def test_printing_the_overview_gives_the_whole_plan_without_the_sidebar(
    playwright_browser: Any, sample_loaded: bs.Server
) -> None:
    context, page = _page(playwright_browser, 1280, 720)
    try:
        bs.goto(page, f"{sample_loaded.url}/?plan=cambridgeshire-2017-20")
        main = page.locator("[data-testid='stMain']")
        expect(main).to_contain_text("how each is doing")
        on_screen = page.pdf(format="A4")  # what a browser prints: the print stylesheet
        page.emulate_media(media="print")
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
        expect(page.locator("[data-testid='stHeader']")).to_be_hidden()
        # the page is as tall as its content: no inner scroll cuts it at one screenful
        heights = page.evaluate(
            """() => { const m = document.querySelector("[data-testid='stMain']");
                       return [m.scrollHeight, m.clientHeight,
                               document.documentElement.scrollHeight]; }"""
        )
        assert heights[0] <= heights[1] + 2 and heights[2] >= heights[0] > 2000, heights
        # every reason is printed: the expanders' contents are shown
        reasons = main.locator("[data-testid='stExpanderDetails']").first
        expect(reasons).to_be_visible()
        pages = on_screen.count(b"/Type /Page") - on_screen.count(b"/Type /Pages")
        assert pages >= 3, pages
        bs.screenshot(page, "overview-print")
    finally:
        context.close()
