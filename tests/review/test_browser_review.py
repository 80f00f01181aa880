"""The review story in a real browser.

France's editor drafts a page in CandiWeb and submits it; the moderator
rejects it with a comment; the editor sees the comment, revises and
resubmits; the moderator approves; Kenya's delegate reads it; Brazil's editor
cannot edit it; an anonymous visitor cannot see it.  Then the page is revised
through a working copy while the approved text stays visible, and the
history tells who did what, when and why.
"""

from browser import login
from browser import screenshot
import re
import transaction


def take_action(page, action_id, comment=""):
    """Through the toolbar's State menu, as a user does, then the action's own page."""
    page.click("#plone-contentmenu-workflow > a")
    page.click(f"#workflow-transition-{action_id}")
    page.wait_for_selector("#review-transition")
    if comment:
        page.fill("#review-transition textarea[name=comment]", comment)
    page.click("#review-transition button[name='form.submit']")
    page.wait_for_selector(".portalMessage, .alert")


def set_text(page, html):
    """TinyMCE takes over the text area; it writes back into it on save."""
    field = "textarea[name='form.widgets.IRichTextBehavior.text']"
    page.wait_for_selector(field, state="attached")
    page.wait_for_function("() => window.tinymce && tinymce.get().length > 0 && tinymce.get()[0].initialized")
    page.evaluate(
        "([selector, text]) => { const area = document.querySelector(selector);"
        " tinymce.get(area.id).setContent(text); area.value = text; }",
        [field, html],
    )


def test_review_story(demo_server, page):
    transaction.commit()
    site_url = f"http://{demo_server['host']}:{demo_server['port']}/{demo_server['portal'].getId()}"

    # France's editor drafts a page in CandiWeb and submits it.
    login(page, site_url, "editor-fra")
    page.goto(f"{site_url}/en/candiweb/++add++Document")
    page.fill("#form-widgets-IDublinCore-title", "Candidature of France to the Human Rights Council")
    page.fill("#form-widgets-IDublinCore-description", "France announces its candidature for 2027-2029.")
    page.click("#form-buttons-save")
    page.wait_for_selector("#content h1")
    url = page.url.removesuffix("/view")
    assert "Mission: France" in page.locator(".missionplace-owning-mission").inner_text()
    take_action(page, "submit")
    assert page.url == url

    # The moderator rejects it, saying why; the comment cannot be left out.
    login(page, site_url, "moderator")
    page.goto(url)
    page.click("#plone-contentmenu-workflow > a")
    page.click("#workflow-transition-reject")
    page.wait_for_selector("#review-transition")
    assert page.locator("#review-transition textarea[name=comment]").get_attribute("required") is not None
    page.fill("#review-transition textarea[name=comment]", "Please give the term of office: 2027-2029.")
    page.click("#review-transition button[name='form.submit']")
    page.wait_for_selector(".portalMessage, .alert")
    screenshot(page, "review-rejected-by-moderator")

    # France's editor sees the comment, revises and resubmits.
    login(page, site_url, "editor-fra")
    page.goto(url)
    box = page.locator(".missionplace-review-comment")
    assert "Please give the term of office: 2027-2029." in box.inner_text()
    screenshot(page, "review-comment-seen-by-mission")
    page.goto(f"{url}/edit")
    page.fill("#form-widgets-IDublinCore-description", "France announces its candidature for the term 2027-2029.")
    page.click("#form-buttons-save")
    page.wait_for_selector("#content h1")
    take_action(page, "submit", "Term of office added.")
    assert page.locator(".missionplace-review-comment").count() == 0

    # The moderator approves it.
    login(page, site_url, "moderator")
    page.goto(url)
    take_action(page, "approve")
    assert page.locator("#plone-contentmenu-workflow > a").count() == 1

    # Kenya's delegate reads it.
    login(page, site_url, "delegate-ken")
    page.goto(url)
    # A refusal lands on a 200 page too (the login form): where the browser ended up tells.
    assert page.url.split("?")[0].removesuffix("/view") == url
    assert "for the term 2027-2029" in page.locator("#content").inner_text()
    assert page.locator("#contentview-edit").count() == 0
    screenshot(page, "review-read-by-delegate")

    # Brazil's editor cannot edit it.
    login(page, site_url, "editor-bra")
    page.goto(f"{url}/edit")
    assert page.locator("#form-buttons-save").count() == 0
    assert not page.url.split("?")[0].endswith("/edit"), page.url
    assert re.search(r"/(require_login|insufficient-privileges|login)\b", page.url), page.url

    # An anonymous visitor cannot see it.
    page.context.clear_cookies()
    page.goto(url)
    assert "France announces" not in page.content()
    assert re.search(r"/(require_login|login)\b", page.url), page.url
    assert page.locator("#__ac_name, #login-form").count() >= 1

    # The page is revised through a working copy: France's editor checks it out ...
    login(page, site_url, "editor-fra")
    page.goto(url)
    page.click("#plone-contentmenu-actions > a")
    page.click("#plone-contentmenu-actions a[href*='@@content-checkout']")
    page.click("input[name='form.button.Checkout']")
    page.wait_for_selector(".missionplace-working-copy")
    copy_url = page.url.split("?")[0].rstrip("/")
    assert copy_url != url
    page.goto(f"{copy_url}/edit")
    set_text(page, "<p>The candidature was endorsed by the Western European and other States Group.</p>")
    page.click("#form-buttons-save")
    page.wait_for_url(f"{copy_url}**")
    take_action(page, "submit")

    # ... Kenya's delegate still reads the approved text, and not the copy ...
    login(page, site_url, "delegate-ken")
    page.goto(url)
    assert "for the term 2027-2029" in page.locator("#content").inner_text()
    assert "endorsed" not in page.content()
    page.goto(copy_url)
    assert "endorsed" not in page.content()

    # ... the moderator sees the changes, and approves the copy ...
    login(page, site_url, "moderator")
    page.goto(copy_url)
    page.click(".working-copy-diff-link")
    page.wait_for_selector("#working-copy-diff")
    assert "endorsed" in page.locator("#working-copy-diff .insert").first.inner_text()
    screenshot(page, "review-working-copy-diff")
    page.goto(copy_url)
    take_action(page, "approve", "Endorsement noted.")
    page.wait_for_url(f"{url}**")

    # ... and the delegate reads the new text.
    login(page, site_url, "delegate-ken")
    page.goto(url)
    assert "endorsed by the Western European" in page.locator("#content-core").inner_text()

    # The history tells who did what, when and why.
    login(page, site_url, "editor-fra")
    page.goto(f"{url}/@@historyview")
    history = page.locator("#content-core").inner_text()
    assert "Endorsement noted." in history
    assert "Please give the term of office: 2027-2029." in history
    assert "Secretariat Moderator (demo)" in history
    screenshot(page, "review-history")
