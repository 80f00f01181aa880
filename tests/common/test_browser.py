"""The admin logs in with a real browser and sees the styled site."""

from browser import screenshot
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD


def test_admin_logs_in_and_sees_barceloneta(server, page):
    site_url = f"http://{server['host']}:{server['port']}/{server['portal'].getId()}"
    page.goto(f"{site_url}/en/login")
    page.fill("#__ac_name", SITE_OWNER_NAME)
    page.fill("#__ac_password", SITE_OWNER_PASSWORD)
    page.click("#login-form button[type=submit], #login-form input[type=submit]")
    page.wait_for_selector("#portal-personaltools, #edit-zone")
    page.goto(f"{site_url}/en")
    assert page.locator("#edit-zone").count() == 1, "the toolbar shows only to a logged-in user"

    # Barceloneta's own colours and fonts, as Chromium computes them.
    nav = page.evaluate("getComputedStyle(document.querySelector('#portal-globalnav-wrapper')).backgroundColor")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert nav == "rgb(0, 123, 177)"
    assert font.startswith("Roboto")
    path = screenshot(page, "admin-front-page")
    assert path.stat().st_size > 10_000


def test_arabic_reads_right_to_left(server, page):
    site_url = f"http://{server['host']}:{server['port']}/{server['portal'].getId()}"
    page.goto(f"{site_url}/ar")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The title (the tab's, the window's) reads right to left too: it takes the document's direction.
    assert page.evaluate("getComputedStyle(document.querySelector('title')).direction") == "rtl"
    screenshot(page, "arabic-front-page")
