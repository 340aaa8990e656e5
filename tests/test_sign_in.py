"""Sign-in through a real OpenID Connect provider, in a real browser: one sign-in per role,
and what each role can and cannot do.

The provider is ``oidc-provider-mock`` (PyPI), run in this process on a free port; the app is
``streamlit run dashboard.py`` with a secrets file written for it (``[auth]`` pointing at the
provider) and a roles file mapping the test people's addresses to roles. Each journey signs
in as a user would: the sign-in button, the provider's form, back to the app.

Skipped with a clear message where Playwright, chromium or the provider is missing; under
``.ci/run`` (``PCP_REQUIRE_BROWSER=1``) a skip is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pcp_data.facts import FACT_COLUMNS
from pcp_data.markdown import as_shown
from pcp_data.plan import shipped_plans
from pcp_data.store import Store
from tests import browser_support as bs

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None
    expect = None
else:
    expect.set_options(timeout=bs.SCRIPT_TIMEOUT_MS // 3)

pytestmark = pytest.mark.browser

EXPECT_MS = bs.SCRIPT_TIMEOUT_MS
PEOPLE = {  # role: (name, address)
    "analyst": ("Ann Analyst", "ann@force.example"),
    "commissioner": ("Cora Commissioner", "cora@pcc.example"),
    "panel": ("Pat Panel", "pat@panel.example"),
    "public": ("Pam Public", "pam@public.example"),
    "nobody": ("Nick Nobody", "nick@elsewhere.example"),
}
ROLES = """
[emails]
"ann@force.example" = "analyst"
"cora@pcc.example" = "commissioner"

[domains]
"panel.example" = "panel"
"public.example" = "public"
"""
PUBLIC_WORDS = "Burglary fell after Operation Nightjar."
INTERNAL_WORDS = "Internal: the Nightjar budget ends in March."
LINK = "[link](http://evil)"
BARE = "[source](http://evil) and http://evil.example/x and www.evil.example"
SAFE = "How safe are our communities?"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The OpenID Connect provider, on a free port, knowing each test person's claims.

    Run as its own process (``python -m oidc_provider_mock``), as a force's provider is: in
    this process pytest's ``filterwarnings = error`` would turn the provider's own deprecation
    warnings into server errors."""
    if importlib.util.find_spec("oidc_provider_mock") is None:
        pytest.skip("oidc-provider-mock is not installed (pip install -r requirements-dev.txt)")
    people = [{"sub": email, "email": email, "name": name} for name, email in PEOPLE.values()]
    # a Commissioner's office member whose name is a payload
    people.append({"sub": "eve@pcc.example", "email": "eve@pcc.example", "name": LINK})
    port = bs.free_port()
    log = tmp_path_factory.mktemp("provider") / "provider.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1"]
            + ["--port", str(port)]
            + [arg for p in people for arg in ("--user-claims", json.dumps(p))],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration") as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the OIDC provider did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def seed(db_path: Path) -> None:
    """The sample, commentary in both kinds, and payloads in an area name and a plan."""
    bs.load_sample(f"sqlite:///{db_path}")
    store = Store(f"sqlite:///{db_path}")
    period = store.coverage()["last_end"].max()[:7]
    store.save_commentary("durham-2018-21", "kpq-safe", period, PUBLIC_WORDS, author="PCC office")
    store.save_commentary(
        "durham-2018-21", "kpq-safe", period, INTERNAL_WORDS, author="PCC office", internal=True
    )
    text = shipped_plans()["durham-2018-21"].read_text(encoding="utf-8")
    text = text.replace("id: durham-2018-21", "id: hostile-plan")
    text = text.replace("title: Police, Crime and Victims' Plan 2018-2021", f'title: "{LINK}"')
    text = text.replace(SAFE, '"[question](http://evil)"')
    store.save_plan("hostile-plan", text, by="Ann")
    rows = [
        dict.fromkeys(FACT_COLUMNS, "")
        | {
            "dataset": "recorded_crime",
            "area_code": "LOCAL:evil",
            "area_name": LINK,
            "area_kind": "force",
            "period_start": f"2026-{m:02d}-01",
            "period_end": (pd.Timestamp(2026, m, 1) + pd.offsets.MonthEnd(0)).date().isoformat(),
            "period_type": "month",
            "category": "Robbery",
            "measure": "offences",
            "value": float(m),
            "base": None,
            "source": BARE,
        }
        for m in range(1, 10)
    ]
    store.publish(
        "evil.xlsx",
        b"evil",
        pd.DataFrame(rows, columns=list(FACT_COLUMNS)),
        uploaded_by="Ann",
        file_format="pcp_template",
    )
    store.engine.dispose()


@pytest.fixture(scope="module")
def server(
    playwright_browser: Any, provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[bs.Server]:
    """``streamlit run`` with sign-in on: secrets pointing at the provider, and roles."""
    folder = tmp_path_factory.mktemp("sign-in")
    seed(folder / "pcp.sqlite")
    port = bs.free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-cookie-secret-for-the-sign-in-tests-only"\n'
        'client_id = "pcp-dashboard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "roles.toml"
    roles.write_text(
        ROLES.replace("[domains]", '"eve@pcc.example" = "commissioner"\n\n[domains]'),
        encoding="utf-8",
    )
    srv = bs.start_server(
        folder / "pcp.sqlite",
        folder / "streamlit.log",
        port=port,
        env={"PCP_ROLES_FILE": str(roles)},
        args=("--secrets.files", str(secrets)),
    )
    try:
        # Until a session has run dashboard.py, Streamlit treats pages/ as a multipage app of
        # its own (its "MPA v1" mode) and runs the page asked for directly, without the
        # sign-in in dashboard.py: a page run without an identity goes to dashboard.py.
        context = playwright_browser.new_context()
        first = context.new_page()
        bs.goto(first, f"{srv.url}/upload")
        expect(first.locator("[data-testid='stMain'] h1").first).to_have_text("Sign in")
        assert "Upload history" not in first.locator("body").inner_text()
        context.close()
        yield srv
    finally:
        bs.stop_server(srv)


def sign_in(browser: Any, server: bs.Server, email: str, path: str = "/") -> tuple[Any, Any]:
    """A fresh session signs in as ``email``: the app's sign-in page, the provider's form,
    back to the app at ``path``."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(EXPECT_MS)
    page = context.new_page()
    bs.goto(page, server.url + path)
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Sign in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=EXPECT_MS)
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(server.url)), timeout=EXPECT_MS)
    page.wait_for_selector("[data-testid='stApp']", state="attached", timeout=EXPECT_MS)
    bs.wait_rerun(page)
    if path != "/":
        bs.goto(page, server.url + path)
    return context, page


NAV = "[data-testid='stSidebar'] [data-testid='stPageLink']"


def nav_links(page: Any) -> list[str]:
    """The titles of the pages offered in the sidebar (the app draws its own links there,
    below the plan, area and month; a long list of questions is folded in an expander)."""
    expect(page.locator(NAV).first).to_be_visible(timeout=EXPECT_MS)
    folded = page.locator("[data-testid='stSidebar'] [data-testid='stExpander'] summary")
    for i in range(folded.count()):
        if folded.nth(i).get_attribute("aria-expanded") == "false":
            folded.nth(i).click()
    # each link's text is its icon's name, then its title
    return [t.strip().splitlines()[-1].strip() for t in page.locator(f"{NAV} a").all_inner_texts()]


def no_evil_links(page: Any, where: str) -> None:
    # headings' own "#anchor" links take their text's words: in-page, harmless
    links = page.locator("a[href*='evil']:not([href^='#']), a[href^='mailto:']")
    found = [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())]
    assert not found, f"{where}: a payload became a link: {found}"


def main(page: Any) -> Any:
    return page.locator("[data-testid='stMain']")


def open_question(page: Any, server: bs.Server) -> None:
    # the sample's force (the analyst's upload adds Durham, which would become the default)
    bs.goto(page, f"{server.url}/?kpq=kpq-safe&area=LOCAL%3Anorthmoor-constabulary")
    page.wait_for_url(re.compile(r"/question-kpq-safe"), timeout=EXPECT_MS)
    bs.wait_idle(page)
    expect(main(page)).to_contain_text("Commentary for", timeout=EXPECT_MS)


# --------------------------------------------------------------------------- journeys


def test_not_signed_in_shows_only_the_sign_in_page(
    playwright_browser: Any, server: bs.Server
) -> None:
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        bs.goto(page, f"{server.url}/upload")
        expect(main(page).locator("h1").first).to_have_text("Sign in")
        expect(main(page)).not_to_contain_text("Upload history")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        bs.assert_no_exception(page, "sign-in page")
        bs.screenshot(page, "sign-in")
    finally:
        context.close()


def test_an_analyst_uploads_publishes_and_withdraws_as_themselves(
    playwright_browser: Any, server: bs.Server, tmp_path: Path
) -> None:
    from tests.template_helpers import crime_rows, workbook

    context, page = sign_in(playwright_browser, server, "ann@force.example")
    try:
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar).to_contain_text(
            as_shown("Signed in as Ann Analyst (ann@force.example) · analyst")
        )
        links = nav_links(page)
        assert "Upload data" in links and "Audit log" in links, links
        assert "Choose or load a plan" in links, links
        bs.screenshot(page, "signed-in-analyst")

        open_question(page, server)
        expect(main(page)).to_contain_text(INTERNAL_WORDS)  # analysts read internal notes
        expect(page.get_by_text("Write or edit the commentary")).to_have_count(0)

        bs.goto(page, f"{server.url}/upload")
        expect(main(page).locator("h1").first).to_have_text("Upload data")
        path = tmp_path / "april.xlsx"
        path.write_bytes(
            workbook(
                {
                    "Recorded crime": crime_rows(
                        ["2019-04", "Durham", "Robbery", "Robbery of personal property", 3]
                    )
                }
            )
        )
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        expect(page.get_by_text("Validation report")).to_be_visible(timeout=EXPECT_MS)
        bs.wait_idle(page)
        expect(main(page).locator("[data-testid='stTextInput']")).to_have_count(
            0
        )  # no name to type
        page.get_by_role("button", name="Publish").click()
        success = page.locator("[data-testid='stAlertContentSuccess']")
        expect(success).to_contain_text("published as upload", timeout=EXPECT_MS)
        bs.wait_idle(page)
        expect(main(page)).to_contain_text("Ann Analyst (ann@force.example)")  # a table
        bs.assert_no_exception(page, "analyst publishing")
        bs.screenshot(page, "analyst-published")

        bs.goto(page, f"{server.url}/audit")
        expect(main(page)).to_contain_text("published april.xlsx")
        bs.assert_no_exception(page, "audit log")
        bs.screenshot(page, "audit-log")
    finally:
        context.close()


def test_the_commissioners_office_writes_commentary_but_cannot_upload(
    playwright_browser: Any, server: bs.Server
) -> None:
    context, page = sign_in(playwright_browser, server, "cora@pcc.example")
    try:
        links = nav_links(page)
        assert "Upload data" not in links and "Audit log" in links, links
        bs.goto(page, f"{server.url}/upload")  # not offered: the address leads nowhere
        expect(main(page)).not_to_contain_text("Upload history")

        open_question(page, server)
        page.get_by_text("Write or edit the commentary").click()
        box = page.get_by_label("Commentary")
        box.fill("The Panel asked for the Nightjar figures.")
        # the newest version is internal, so the new one starts marked internal too
        internal = page.get_by_role("checkbox", name=re.compile("^Internal: for the"))
        expect(internal).to_be_checked()
        page.get_by_role("button", name="Save commentary").click()
        bs.wait_rerun(page)
        expect(main(page)).to_contain_text("The Panel asked for the Nightjar figures.")
        expect(main(page)).to_contain_text("Internal: not shown to the public")
        expect(main(page)).to_contain_text(
            as_shown("Written by Cora Commissioner (cora@pcc.example)")
        )
        bs.assert_no_exception(page, "commissioner writing")
        bs.screenshot(page, "commissioner-commentary")
    finally:
        context.close()


@pytest.mark.parametrize("role", ["panel", "public"])
def test_the_panel_and_the_public_read_only(
    playwright_browser: Any, server: bs.Server, role: str
) -> None:
    name, email = PEOPLE[role]
    context, page = sign_in(playwright_browser, server, email)
    try:
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar).to_contain_text(as_shown(f"Signed in as {name} ({email})"))
        links = nav_links(page)
        assert "Upload data" not in links and "Audit log" not in links, links
        assert "The plan" in links, links
        open_question(page, server)
        expect(page.get_by_text("Write or edit the commentary")).to_have_count(0)
        # the Panel reads the newest version, internal or not; the public the newest public
        shown = main(page).locator("[data-testid='stText']").first
        if role == "panel":
            expect(main(page)).to_contain_text("Internal: not shown to the public")
            expect(shown).to_have_text(re.compile("Nightjar budget|The Panel asked"))
        else:
            expect(shown).to_have_text(PUBLIC_WORDS)
            expect(main(page)).not_to_contain_text("Nightjar budget")
            expect(main(page)).not_to_contain_text("Internal")
        bs.goto(page, f"{server.url}/plan")
        expect(main(page)).to_contain_text("Measures")
        expect(main(page).locator("[data-testid='stFileUploader']")).to_have_count(0)
        bs.assert_no_exception(page, f"{role} reading")
        bs.screenshot(page, f"signed-in-{role}")
    finally:
        context.close()


def test_someone_without_a_role_gets_a_clear_no_access_page(
    playwright_browser: Any, server: bs.Server
) -> None:
    context, page = sign_in(playwright_browser, server, "nick@elsewhere.example")
    try:
        expect(main(page).locator("h1").first).to_have_text("No access")
        expect(main(page)).to_contain_text(as_shown("nick@elsewhere.example"))
        expect(main(page)).to_contain_text("has no role in this dashboard")
        expect(main(page)).not_to_contain_text("Northmoor")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        bs.assert_no_exception(page, "no access")
        bs.screenshot(page, "no-access")
    finally:
        context.close()


def test_payloads_in_names_and_titles_are_never_links(
    playwright_browser: Any, server: bs.Server
) -> None:
    """An area name, a plan title, a question and the name of the person signed in, each
    ``[text](http://evil)``, show as written: no link anywhere, navigation included."""
    context, page = sign_in(playwright_browser, server, "eve@pcc.example")
    try:
        expect(page.locator("[data-testid='stSidebar']")).to_contain_text(
            as_shown(f"Signed in as {LINK} (eve@pcc.example)")
        )
        for path, words in (
            ("/?plan=hostile-plan", LINK),
            ("/recorded_crime?area=LOCAL%3Aevil", BARE),
            ("/?plan=hostile-plan&kpq=kpq-safe", "[question](http://evil)"),
        ):
            bs.goto(page, server.url + path)
            expect(main(page)).to_contain_text(as_shown(words), timeout=EXPECT_MS)
            bs.wait_idle(page)
            no_evil_links(page, path)
            bs.assert_no_exception(page, path)
        # the navigation shows the question's title as written, too
        expect(page.locator(NAV).filter(has_text="1. [question]")).to_contain_text(
            as_shown("1. [question](http://evil)")
        )
        page.get_by_text("Write or edit the commentary").click()
        page.get_by_label("Commentary").fill("Words from Eve.")
        page.get_by_role("button", name="Save commentary").click()
        bs.wait_rerun(page)
        expect(main(page)).to_contain_text(as_shown(f"Written by {LINK} (eve@pcc.example)"))
        no_evil_links(page, "commentary author")
        bs.screenshot(page, "payloads-as-text")
    finally:
        context.close()
