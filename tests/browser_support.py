"""Helpers for the browser tests: a real ``streamlit run`` server, Debian's chromium through
Playwright, and waits that follow Streamlit's own script state.

Kept out of ``test_browser.py`` so the journeys there read as a user would walk them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "test-output" / "browser"
SIZES = ((1920, 1080), (1280, 720))

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
BUSY = (
    "[data-testid='stApp']:not([data-test-script-state='notRunning'])"
    ":not([data-test-script-state='initial'])"
)
EXCEPTION = "[data-testid='stException']"
# CI has 2 cores and the first assessment of a plan takes a while.
SCRIPT_TIMEOUT_MS = 90_000
SETTLE_MS = 300


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    db_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_server(
    db_path: Path,
    log: Path,
    timeout: float = 90.0,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> Server:
    """``streamlit run dashboard.py`` on a free port (or ``port``) against the SQLite file at
    ``db_path``, with ``env`` added to the environment and ``args`` to the command line;
    returns once ``/_stcore/health`` answers. The server runs in its own process group so it
    and anything it starts can be stopped together.

    Unless ``args`` name other secrets files, the server reads none (``--secrets.files``
    pointing at a missing file), so a ``.streamlit/secrets.toml`` on the machine never turns
    sign-in on in a test that expects a single local user."""
    port = port or free_port()
    db_url = f"sqlite:///{db_path}"
    env = {**os.environ, "PCP_DATABASE_URL": db_url, **(env or {})}
    if not any(a.startswith("--secrets.files") for a in args):
        args = (*args, "--secrets.files", str(log.parent / "no-secrets.toml"))
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
    out = log.open("wb")
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    out.close()
    server = Server(f"http://127.0.0.1:{port}", db_url, proc, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError(
        f"streamlit did not answer /_stcore/health in {timeout:.0f}s:\n{server.log_tail()}"
    )


def stop_server(server: Server) -> None:
    """Stop the server's whole process group (and only it)."""
    if server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


def load_sample(db_url: str) -> None:
    """``python -m pcp_data init`` into the store at ``db_url``: the synthetic sample, as
    ``make run`` loads it (nothing is loaded into a store that already holds figures)."""
    done = subprocess.run(
        [sys.executable, "-m", "pcp_data", "init", "--db", db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium through Playwright, or a skip naming what is missing (a failure
    under ``.ci/run``, where ``PCP_REQUIRE_BROWSER=1``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Python Playwright is not installed (pip install -r requirements-dev.txt)")
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium); "
            ".ci/run does this"
        )
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            yield browser
        finally:
            browser.close()


def launch_browser(playwright: Any) -> Any:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def wait_idle(page: Any, timeout: int = SCRIPT_TIMEOUT_MS) -> None:
    """Wait until the script has finished (state ``notRunning``), then let the page settle."""
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)
    page.wait_for_timeout(SETTLE_MS)
    # A rerun (a page switch, a query-param change) may start during the settle.
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)


def wait_rerun(page: Any, timeout: int = SCRIPT_TIMEOUT_MS) -> None:
    """After a click or upload: give the rerun a moment to start, then wait for it to end."""
    with contextlib.suppress(Exception):
        page.wait_for_selector(BUSY, state="attached", timeout=2_000)
    wait_idle(page, timeout)


def goto(page: Any, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stApp']", state="attached", timeout=SCRIPT_TIMEOUT_MS)
    wait_rerun(page)


def assert_no_exception(page: Any, where: str) -> None:
    shown = page.locator(EXCEPTION)
    if shown.count():
        raise AssertionError(
            f"{where}: Streamlit showed an exception:\n{shown.first.inner_text()[:3000]}"
        )


def screenshot(page: Any, name: str) -> Path:
    """Save what is on screen (the viewport: what a user sees) as ``<name>-<w>x<h>.png``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    path = SHOTS / f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), animations="disabled")
    return path
