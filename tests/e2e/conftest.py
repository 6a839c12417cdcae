"""End to end in a real browser: headless Chromium (Debian's, through Playwright) against a real
server started the way an operator does, on a free loopback port.

``syndicate init --demo`` makes the database, ``syndicate tokens create`` the editor's token,
and ``syndicate serve`` runs gunicorn with a ``syndicate worker`` beside it on the SQLite queue,
translating with the tiny Argos packages (en→zh maps a–z to A–Z): a publish really translates,
in another process, and the desk follows the job while it runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.translation_jobs.conftest import (
    ROOT,
    argos_home,
    cli_env,
    packages_dir,
    run_cli,
    tiny_archives,
    wait_for,
)

__all__ = ["argos_home", "packages_dir", "tiny_archives"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling Google (refused here, and slow to give up).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 20_000
#: The desk and pages are checked at a desktop's width and a phone's.
WIDTHS = {"desktop": 1280, "phone": 360}


def shot(page, name: str, full_page: bool = True) -> None:
    """Save a screenshot as an artifact (``artifacts/screenshots/<name>.png``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


def fits(page) -> bool:
    """Whether the page fits its viewport's width (nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def insert_from_library(page, dialog, editor, alt: str, caption: str, name: str) -> None:
    """With an image chosen in the library dialog: give its alt text and caption, insert it
    into the editor's body, and check the figure it made (``name``: the screenshot's)."""
    dialog.locator("[data-insert-alt]").fill(alt)
    dialog.locator("[data-insert-caption]").fill(caption)
    shot(page, name, full_page=False)
    assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth"), "the dialog is too wide"
    dialog.locator("[data-insert-confirm]").click()
    expect(dialog).to_be_hidden()
    figure = editor.locator("figure")
    expect(figure.locator("img")).to_have_attribute("alt", alt)
    expect(figure.locator("figcaption")).to_have_text(caption)


def new_context(browser, server, width: int):
    """A browser context on the test server at ``width`` px, with the suite's timeout."""
    context = browser.new_context(
        base_url=server.url, locale="en-US", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; in CI its absence is a failure."""
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
        "(`apt-get install -y chromium`; .ci/run installs it)"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Server:
    url: str
    token: str
    log: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def server(tmp_path_factory, packages_dir, argos_home) -> Iterator[Server]:
    require_chromium()
    root = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = cli_env(
        argos_home,
        DATABASE_URL=f"sqlite:///{root / 'syndicate.db'}",
        QUEUE_URL=f"sqlite:///{root / 'queue.db'}",
        ARGOS_PACKAGES_DIR=packages_dir,
        INSTANCE_PATH=root / "instance",
        FEEDS_DIR=root / "feeds",
        BASE_URL=url,
        SECRET_KEY="e2e-secret",
        SITE_NAME="en=Hongqiao News|zh=虹桥新闻",
        TRANSLATION_RETRY_DELAY=0,
        SCHEDULER_INTERVAL=0.5,  # a scheduled article goes live within half a second
        LOG_LEVEL="INFO",
    )
    initialised = run_cli(["init", "--demo"], env)
    assert initialised.returncode == 0, initialised.stderr
    created = run_cli(["tokens", "create", "--role", "editor", "--label", "E2E editor"], env)
    assert created.returncode == 0, created.stderr
    log = root / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "syndicate", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(url, created.stdout.strip(), log, process)
    try:
        # serve publishes every feed before it listens: slow on a loaded machine.
        wait_for(lambda: _healthy(url) or process.poll() is not None, timeout=120)
        assert process.poll() is None, running.log_tail()
        yield running
    finally:
        process.send_signal(signal.SIGTERM)  # serve stops its worker too
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server, request):
    """A fresh browser profile (no cookies) at desktop size, speaking English."""
    context = browser.new_context(
        base_url=server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=SCREENSHOTS / f"FAILED-{request.node.name}.png", full_page=True)
        print(f"--- server log ---\n{server.log_tail()}")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


JOB_TIMEOUT_MS = 45_000  # the worker loads its model on the first job


def wait_for_jobs(page, scope: str = "") -> None:
    """desk.js polls while jobs run: wait until every job on the page has finished."""
    pending = page.locator(f"{scope} [data-job][data-finished='false']".strip())
    expect(pending).to_have_count(0, timeout=JOB_TIMEOUT_MS)


def sign_in(page, token: str) -> None:
    page.goto("/desk/")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Articles").wait_for()
