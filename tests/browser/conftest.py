"""Real headless Chromium (Debian's package) driven by Playwright, against a live server.

Browser tests are marked `browser`; they stay few and bounded. Every page load records console
errors and any request that leaves the machine, and the tests assert both are empty.
"""
import os
from urllib.parse import urlparse

import pytest

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
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http://", "https://")) and host not in ("localhost", "127.0.0.1", "::1"):
            self.external_requests.append(request.url)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.watch = PageWatch(page)
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def login(page):
    def sign_in(username, password="correct-horse-battery"):
        page.goto(page.base + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return sign_in
