"""Real headless Chromium (Debian's package) driven by Playwright, against a live server.

Browser tests are marked `browser`; they stay few and bounded. Every page load records console
errors and any request that leaves the machine, and the tests assert both are empty.
"""
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.incidents.conftest import loop, report  # noqa: F401  (the closed-loop fixtures, for browser tests)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield instance
        instance.close()


class PageWatch:
    """Console errors and off-machine requests seen by a page."""

    def __init__(self, page):
        self.console_errors, self.external_requests = [], []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(f"{e} ({page.url}) {e.stack}"))
        page.on("request", self._request)

    def _request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http://", "https://")) and host not in ("localhost", "127.0.0.1", "::1"):
            self.external_requests.append(request.url)


DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in(page, username, password="correct-horse-battery"):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def contexts(browser, live_server):
    """Open a watched page in a fresh browser context (one per person): `open_page(**options)`."""
    opened = []

    def open_page(viewport=DESK, **options):
        context = browser.new_context(locale="zh-CN", viewport=viewport, **options)
        opened.append(context)
        context.set_default_timeout(60_000)  # a loaded 2-core CI machine is slow
        page = context.new_page()
        page.watch = PageWatch(page)
        page.base = live_server.url
        return page

    yield open_page
    for context in opened:
        context.close()


@pytest.fixture
def page(contexts):
    return contexts()


@pytest.fixture
def login(page):
    return lambda username, password="correct-horse-battery": sign_in(page, username, password)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/screenshots/ (for people reviewing the pages)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
