"""Browser fixtures: Debian's Chromium driven by Playwright, a fresh browser context per page.

Playwright never downloads a browser here; without /usr/bin/chromium a browser test skips on a
laptop and fails under ``CI=true``. Screenshots go to ``test-artefacts/`` (git-ignored): the pages
a test names, and the page as it was when a test failed.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import service_unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"
#: a small Android phone, held upright
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
#: set on a test whose call failed, for the page fixture's teardown
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def playwright_driver():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    if not CHROMIUM.exists():
        service_unavailable(f"Chromium at {CHROMIUM}", "install Debian's chromium package")
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _artefact_name(request, name: str) -> Path:
    """``name`` with the test's parameters (the database), so that each run keeps its own."""
    callspec = getattr(request.node, "callspec", None)
    suffix = f"-{re.sub(r'[^A-Za-z0-9]+', '-', callspec.id)}" if callspec else ""
    return ARTEFACTS / f"{name}{suffix}.png"


@pytest.fixture
def screenshot(request):
    """Write the whole page to test-artefacts/<name>-<database>.png."""

    def take(page, name: str) -> None:
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=_artefact_name(request, name), full_page=True)

    return take


@pytest.fixture
def open_page(request, browser):
    """Open a page in a fresh browser context (``new_context`` options); closed after the test,
    with a screenshot of each page still open if the test failed."""
    pages = []

    def open_(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        pages.append(context.new_page())
        return pages[-1]

    yield open_
    for number, page in enumerate(pages):
        if request.node.stash.get(FAILED, False) and not page.is_closed():
            ARTEFACTS.mkdir(exist_ok=True)
            name = f"FAILED-{request.node.originalname}" + (f"-{number + 1}" if number else "")
            page.screenshot(path=_artefact_name(request, name))
        page.context.close()


@pytest.fixture
def phone_page(open_page):
    """A page in a fresh phone-sized browser, in Berlin's time zone, reading English."""
    return open_page(**PHONE, locale="en-GB", timezone_id="Europe/Berlin")


@pytest.fixture
def mongolian_phone_page(open_page):
    """A page in a fresh phone-sized browser, in Ulaanbaatar's time zone, reading Mongolian."""
    return open_page(**PHONE, locale="mn-MN", timezone_id="Asia/Ulaanbaatar")


@pytest.fixture
def desktop_page(open_page):
    """A page in a fresh desktop-sized browser window, in Berlin's time zone, reading English."""
    return open_page(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/Berlin"
    )
