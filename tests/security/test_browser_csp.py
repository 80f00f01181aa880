"""Issue 9, item 12: Plone's Classic UI works under the pages' Content-Security-Policy.

Chromium reports every CSP violation as a ``securitypolicyviolation`` event
and a console error; an init script (which the policy does not apply to)
turns the events into console messages too.  A user logs in, opens the edit
form with TinyMCE, types, saves, uses the State menu and folder contents, in
English and in Arabic: not one violation.
"""

from browser import login
from browser import screenshot
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
import pytest


PLACE = "en/candiweb"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", event => console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI +
    " at " + event.sourceFile + ":" + event.lineNumber + " " + (event.sample || "")));
"""


@pytest.fixture
def watched(page):
    """The page, and the console messages that speak of the policy."""
    messages = []
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return page, messages


def violations(messages):
    words = ("Content Security Policy", "CSP violation", "Refused to", "EvalError")
    return [message for message in messages if any(word in message for word in words)]


def test_classic_ui_under_the_policy(site, watched):
    page, messages = watched
    response = page.goto(f"{site.url}/en/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page, site.url, "editor-fra")

    # A new page: the add form with TinyMCE, typed in, saved.
    page.goto(f"{site.url}/{PLACE}/++add++Document")
    page.fill("#form-widgets-IDublinCore-title", "Under the policy")
    page.wait_for_function("() => window.tinymce && tinymce.get().length > 0 && tinymce.get()[0].initialized")
    page.frame_locator("iframe.tox-edit-area__iframe, .tox-edit-area iframe").locator("body").click()
    page.keyboard.type("Typed in TinyMCE.")
    page.click("#form-buttons-save")
    page.wait_for_selector("#content h1")
    assert "Typed in TinyMCE." in page.locator("#content").inner_text()
    url = page.url.removesuffix("/view")

    # Edited again, then submitted through the State menu.
    page.goto(f"{url}/edit")
    page.wait_for_function("() => window.tinymce && tinymce.get().length > 0 && tinymce.get()[0].initialized")
    page.click("#form-buttons-save")
    page.wait_for_selector("#content h1")
    page.click("#plone-contentmenu-workflow > a")
    page.click("#workflow-transition-submit")
    page.wait_for_selector("#review-transition")
    page.click("#review-transition button[name='form.submit']")
    page.wait_for_selector(".portalMessage, .alert")

    # Folder contents (mockup's structure pattern), as the site's administrator.
    login(page, site.url, SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    page.goto(f"{site.url}/en/folder_contents")
    assert page.url.endswith("/en/folder_contents"), page.url
    page.wait_for_load_state("networkidle")
    assert not violations(messages), "\n".join(violations(messages))
    page.wait_for_selector(".pat-structure table tbody tr", timeout=60_000)
    # An Arabic page (right to left).
    page.goto(f"{site.url}/ar")
    page.wait_for_load_state("networkidle")
    screenshot(page, "csp-classic-ui")

    assert not violations(messages), "\n".join(violations(messages))
