"""The security pages in the six languages, in a real browser, as the people who use them see them.

- a mission's Staff page (``@@mission-staff``), as France's focal point, in
  each language folder (and as the Secretariat moderator, who sees every mission's changes);
- the locked logins (``@@login-locks``), as the Secretariat moderator;
- the login audit (``@@login-audit``), as the site's administrator (the only
  ones it is for: moderators are refused it, see test_login_throttling);
- the e-mailed unlock link (``@@unlock-login``), as the locked-out owner:
  not logged in, a browser asking for the language, the link from the mail.

Each page opens where it was asked for (not on the login form), says its
language in ``html[lang]`` (and ``dir="rtl"`` in Arabic) and, in the five
languages other than English, shows none of the English labels, headings,
messages and values that the English page shows: they are read from the
English page itself, never from the catalogs.  A screenshot of each goes to
``test-results/security-<page>-<lang>.png``.
"""

from browser import login
from browser import screenshot
from email import message_from_bytes
from missionplace.security import logins
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from zope.sendmail.maildir import Maildir
import re
import requests
import transaction


# The six official languages of the UN, English first: the others are checked against what it shows.
LANGUAGES = ("en", "ar", "zh", "fr", "ru", "es")
RIGHT_TO_LEFT = {"ar"}
# Locks come quickly here (the defaults are 10 and 50); each test's failures come from addresses of its own.
PER_ACCOUNT, PER_ADDRESS = 3, 5
PROXIED_BY = "127.0.0.1"  # the tests' own address, trusted as a proxy, so failures count elsewhere
# English words that are the language's own word too (checked by a person, not taken from the catalogs).
SAME_WORD = {"fr": {"Mission"}}


def text_of(locator):
    return [" ".join(text.split()) for text in locator.all_inner_texts()]


def english_strings(page, selectors):
    """The texts of the English page at ``selectors`` (inside #content) that hold a word of English."""
    found = []
    for text in text_of(page.locator(", ".join(f"#content {selector}" for selector in selectors))):
        if re.search(r"[A-Za-z]{2}", text) and text not in found:
            found.append(text)
    return found


def left_in_english(page, english):
    """Which of the ``english`` strings the page's content still shows, as whole words."""
    content = " ".join(page.locator("#content").inner_text().split())
    return [text for text in english if re.search(rf"(?<!\w){re.escape(text)}(?!\w)", content)]


def check_page(page, url, name, language, english):
    """The page at ``url`` is open (not the login form), in ``language``; its screenshot saved."""
    address = url.split("?")[0]
    assert page.url.split("?")[0] == address, f"{name} ({language}): ended on {page.url}"
    assert page.locator("#login-form, #__ac_name").count() == 0
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    if language in RIGHT_TO_LEFT:
        assert html.get_attribute("dir") == "rtl"
    else:
        assert html.get_attribute("dir") in (None, "ltr")
    screenshot(page, f"security-{name}-{language}")
    if language == "en":
        assert english, f"{name}: no English strings found to check"
    else:
        left = [text for text in left_in_english(page, english) if text not in SAME_WORD.get(language, ())]
        assert left == [], f"{name} ({language}) still in English"


def choose_language(page, site, language):
    """The language the browser remembers, as the site's language selector leaves it (the pages at the
    site's root have no selector: the language comes from the cookie, else from the browser's wish)."""
    page.context.add_cookies([{"name": "I18N_LANGUAGE", "value": language, "url": site.url}])


def direction(locator):
    """How the text of each element at ``locator`` is laid out: times and addresses stay "ltr" in Arabic too."""
    return set(locator.evaluate_all("elements => elements.map(element => getComputedStyle(element).direction)"))


# -- The staff page ---------------------------------------------------------------------------------

STAFF_STRINGS = (
    "h1",
    "h2",
    "th",
    "label",
    "button",
    ".form-text",
    "#staff-function option",
    "#mission-staff .staff-functions li",
    "#staff-history .staff-action",
    "#staff-history .staff-function",
)


def test_the_staff_page_in_six_languages(site, page):
    login(page, site.url, "focal-fra")
    english = []
    for language in LANGUAGES:
        url = f"{site.url}/{language}/@@mission-staff"
        page.goto(url)
        if language == "en":
            # France's focal point creates an account for a newcomer, then gives them a function.
            page.fill("#staff-user", "attache-fra")
            page.fill("#staff-fullname", "Attaché de la France")
            page.fill("#staff-email", "attache-fra@missionplace.example")
            page.click("#create-staff-account button[type=submit]")
            page.wait_for_selector(".portalMessage")
            row = page.locator("#mission-staff tr[data-user='attache-fra']")
            row.locator("select[name=function]").select_option("editor")
            row.locator("button[type=submit]").first.click()
            page.wait_for_selector(".portalMessage")
            assert page.locator("#staff-history tbody tr").count() == 2
            english = english_strings(page, STAFF_STRINGS)
        check_page(page, url, "mission-staff", language, english)
        assert direction(page.locator("#staff-history .staff-when time")) == {"ltr"}
        assert page.locator("#mission-staff tr[data-user='attache-fra']").count() == 1
    # The English page's strings include its tables' own values, not only the headings.
    assert {"Mission editor", "account created"} <= set(english), english

    # The Secretariat's moderator sees every mission's changes, and chooses a mission.
    login(page, site.url, "moderator")
    for language in LANGUAGES:
        url = f"{site.url}/{language}/@@mission-staff"
        page.goto(url)
        assert page.locator("#staff-history tbody tr").count() == 2
        if language == "en":
            english = english_strings(page, (*STAFF_STRINGS, "#choose-mission option[value='']"))
        check_page(page, url, "mission-staff-secretariat", language, english)


# -- Locks, unlocks and the audit -------------------------------------------------------------------


def setup_throttling(site):
    """Quick locks; the tests' own address is a trusted proxy, so each failure comes from a forwarded address."""
    for name, value in (
        ("max_failures_per_account", PER_ACCOUNT),
        ("max_failures_per_address", PER_ADDRESS),
        ("trusted_proxies", [PROXIED_BY]),
    ):
        api.portal.set_registry_record(logins.REGISTRY_PREFIX + name, value)
    transaction.commit()


def fail(site, user, times, address):
    """Failed logins of ``user`` through the login form, from ``address`` (as its proxy says)."""
    for attempt in range(times):
        response = requests.post(
            f"{site.url}/en/login",
            data={"__ac_name": user, "__ac_password": f"wrong-{attempt}", "came_from": "", "buttons.login": "Log in"},
            headers={"X-Forwarded-For": address},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 200, response.status_code


def is_locked(site, **what):
    transaction.abort()  # what the server committed
    return logins.plugin_of(site.portal).is_locked(**what)


def unlock_links(site, address):
    """The unlock links mailed to ``address``, in the order they were queued."""
    transaction.abort()
    found = []
    for path in Maildir(site.portal.MailHost.smtp_queue_directory, create=True):
        with open(path, "rb") as file:
            message = message_from_bytes(file.read())
        if address in message.get("X-Zope-To", "") + message.get("To", ""):
            body = message.get_payload(decode=True).decode("utf-8")
            link = re.search(r"(http\S+@@unlock-login\?token=\S+)", body)
            if link:
                found.append((path.rsplit("/", 1)[-1], link.group(1)))
    return [link for _, link in sorted(found)]


def lock_with_link(site, user, address):
    """Lock ``user`` (failures from ``address``); the link the owner was mailed."""
    earlier = set(unlock_links(site, f"{user}@missionplace.example"))
    fail(site, user, PER_ACCOUNT, address)
    assert is_locked(site, login=user)
    (link,) = [link for link in unlock_links(site, f"{user}@missionplace.example") if link not in earlier]
    return link


LOCKS_STRINGS = ("h1", "h2", ".documentDescription", "th", "button", "p")


def test_the_login_locks_page_in_six_languages(site, page):
    setup_throttling(site)
    fail(site, "editor-bra", PER_ACCOUNT, "198.51.100.7")  # an account locked
    for attempt in range(PER_ADDRESS):  # an address locked, by failures of as many unknown names
        fail(site, f"no-such-person-{attempt}", 1, "203.0.113.9")
    assert is_locked(site, login="editor-bra")
    assert is_locked(site, address="203.0.113.9")

    login(page, site.url, "moderator")
    english = []
    url = f"{site.url}/@@login-locks"
    for language in LANGUAGES:
        choose_language(page, site, language)
        page.goto(url)
        assert page.locator("table.locked-accounts tbody tr").count() == 1
        assert page.locator("table.locked-addresses tbody tr").count() == 1
        if language == "en":
            english = english_strings(page, LOCKS_STRINGS)
        check_page(page, url, "login-locks", language, english)
        times_and_addresses = (
            "table.locked-accounts td:nth-child(2) > span, table.locked-accounts td:nth-child(3) > span,"
            " table.locked-addresses td:nth-child(1) > span, table.locked-addresses td:nth-child(2) > span"
        )
        assert direction(page.locator(times_and_addresses)) == {"ltr"}

    # Unlocked, the tables give way to a sentence saying so, in every language too.
    for item in ("editor-bra", "203.0.113.9"):
        page.locator("form", has=page.locator(f"input[value='{item}']")).locator("button").click()
        page.wait_for_selector(".portalMessage")
    english = []
    for language in LANGUAGES:
        choose_language(page, site, language)
        page.goto(url)
        assert page.locator("table").count() == 0
        assert page.locator(".no-locked-accounts").count() == page.locator(".no-locked-addresses").count() == 1
        if language == "en":
            english = english_strings(page, LOCKS_STRINGS)
        check_page(page, url, "login-locks-none", language, english)


UNLOCK_STRINGS = ("h1", "p", "button", ".alert", "a")


def test_the_mailed_unlock_link_in_six_languages(site, page):
    """The owner, locked out, opens the link in a browser asking for their language: the button, done, used."""
    setup_throttling(site)
    english = {}
    for number, language in enumerate(LANGUAGES, start=1):
        link = lock_with_link(site, "editor-fra", f"192.0.2.{number}")
        page.context.clear_cookies()
        page.set_extra_http_headers({"Accept-Language": language})
        for state in ("unlock-login", "unlock-login-done", "unlock-login-used"):
            if state == "unlock-login":
                page.goto(link)
            elif state == "unlock-login-done":
                page.click("button[name=unlock]")
                page.wait_for_selector(".unlock-done")
                assert not is_locked(site, login="editor-fra")
            else:
                page.goto(link)
                assert page.locator(".unlock-invalid").count() == 1
            if language == "en":
                english[state] = english_strings(page, UNLOCK_STRINGS)
            check_page(page, link, state, language, english[state])


AUDIT_STRINGS = ("h1", ".documentDescription", "th", "p")
# The event, how the password came and who lifted a lock (the other columns are data: names, addresses, times).
AUDIT_VALUES = ("tr.login-event td:nth-child(2)", "tr.login-event td:nth-child(5)", "tr.login-event td:nth-child(6)")


def test_the_login_audit_in_six_languages(site, page):
    setup_throttling(site)
    # Failures and locks; the moderator lifts one lock, the owner another through the mailed link.
    fail(site, "editor-bra", PER_ACCOUNT, "198.51.100.7")
    link = lock_with_link(site, "editor-fra", "198.51.100.8")
    login(page, site.url, "moderator")
    page.goto(f"{site.url}/@@login-locks")
    page.locator("form", has=page.locator("input[value='editor-bra']")).locator("button").click()
    page.wait_for_selector(".portalMessage")
    page.context.clear_cookies()
    page.goto(link)
    page.click("button[name=unlock]")
    page.wait_for_selector(".unlock-done")

    login(page, site.url, SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    english = []
    url = f"{site.url}/@@login-audit"
    for language in LANGUAGES:
        choose_language(page, site, language)
        page.goto(url)
        kinds = [
            kind.split("login-event-")[-1]
            for kind in page.locator("tr.login-event").evaluate_all("rows => rows.map(row => row.className)")
        ]
        assert kinds.count("unlock") == 2, kinds
        assert kinds.count("lock") == 2, kinds
        if language == "en":
            english = english_strings(page, AUDIT_STRINGS + AUDIT_VALUES)
            # The user names are data: only the words the page itself says are checked.
            english = [text for text in english if text not in ("moderator", "editor-fra", "editor-bra")]
        check_page(page, url, "login-audit", language, english)
        assert direction(page.locator("tr.login-event td:nth-child(1), tr.login-event td:nth-child(4)")) == {"ltr"}
    assert {"Failed login", "Locked", "Unlocked", "login form"} <= set(english), english
