"""A real browser for the user-flow tests: Playwright driving Debian's Chromium.

Playwright cannot download its own browser here, so it launches
/usr/bin/chromium (MISSIONPLACE_CHROMIUM overrides) with flags that keep it
off the network.  Screenshots go to test-results/, which git ignores.
"""

from pathlib import Path
import os
import pytest


CHROMIUM = os.environ.get("MISSIONPLACE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).parent.parent / "test-results"


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def screenshot(page, name):
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, site_url, user, password="demo"):  # noqa: S107 - the demo accounts' documented password
    """Log in through the login form, as ``user`` (the demo accounts' password by default)."""
    page.context.clear_cookies()
    page.goto(f"{site_url}/en/login")
    page.fill("#__ac_name", user)
    page.fill("#__ac_password", password)
    page.click("#login-form button[type=submit], #login-form input[type=submit]")
    page.wait_for_selector("#portal-personaltools, #edit-zone")
