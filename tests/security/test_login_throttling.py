"""Issue 9, item 8: failed logins are throttled per account and per address, locked, unlocked, audited.

Real HTTP against the demo site: the login form, REST ``@login`` and HTTP
Basic auth.  Each test runs on a database of its own (the functional layer),
so the counters it fills never reach another test; the suite's other logins
stay far below the thresholds (10 per account, 50 per address, 15 minutes).
"""

from email import message_from_bytes
from missionplace.security import logins
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from support import assert_refused
from support import PASSWORD
from urllib.parse import unquote
import html
import pytest
import re
import requests
import time
import transaction


LOCK_AFTER = 10


MESSAGE = re.compile(r'<div class="[^"]*portalMessage[^"]*"[^>]*>(.*?)</div>', re.S)


def form_login(site, login, password, headers=None):
    """The classic login form, posted as the browser does; never followed."""
    return requests.post(
        f"{site.url}/en/login",
        data={"__ac_name": login, "__ac_password": password, "came_from": "", "buttons.login": "Log in"},
        headers=headers or {},
        allow_redirects=False,
        timeout=60,
    )


def rest_login(site, login, password, headers=None):
    return requests.post(
        f"{site.url}/++api++/@login",
        json={"login": login, "password": password},
        headers={"Accept": "application/json", **(headers or {})},
        allow_redirects=False,
        timeout=60,
    )


def basic(site, login, password, path="++api++/en/informatics"):
    """A members-only place through HTTP Basic auth: 200 for the right password, 401 otherwise."""
    return requests.get(
        f"{site.url}/{path}", auth=(login, password), headers={"Accept": "application/json"}, timeout=60
    )


def logged_in(response):
    return response.status_code == 302 and "__ac=" in response.headers.get("Set-Cookie", "")


def failure_text(response):
    """What the login form says (status and message), without the parts that differ per request."""
    messages = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", m)).split()) for m in MESSAGE.findall(response.text)]
    return response.status_code, messages


def plugin(portal):
    transaction.abort()  # see what the server committed
    return logins.plugin_of(portal)


def set_record(portal, name, value):
    api.portal.set_registry_record(logins.REGISTRY_PREFIX + name, value)
    transaction.commit()


def fail(site, login, times, how=form_login, start=0):
    for attempt in range(start, start + times):
        response = how(site, login, f"wrong-{attempt}")
        assert not logged_in(response), response.status_code
        assert response.status_code in (200, 401), response.status_code


def unlock_mails(portal, address):
    """The bodies of the queued unlock e-mails to ``address``, oldest first."""
    from missionplace.mail import queue as mail

    found = []
    for path in mail.pending(portal.MailHost):
        with open(path, "rb") as file:
            message = message_from_bytes(file.read())
        if address in message.get("X-Zope-To", "") + message.get("To", ""):
            body = message.get_payload(decode=True).decode("utf-8")
            if "@@unlock-login?token=" in body:
                found.append((path, body))
    found.sort(key=lambda item: item[0].rsplit("/", 1)[-1])
    return [body for _, body in found]


def link_in(body):
    return re.search(r"(http\S+@@unlock-login\?token=\S+)", body).group(1)


# -- The login form ---------------------------------------------------------------------------------


def test_the_form_locks_an_account_and_says_nothing_more(site, server_portal):
    wrong = form_login(site, "editor-fra", "wrong-first")
    assert failure_text(wrong)[0] == 200
    assert "Login failed" in " ".join(failure_text(wrong)[1])
    fail(site, "editor-fra", LOCK_AFTER - 1, start=1)
    assert plugin(server_portal).is_locked(login="editor-fra")

    started = time.monotonic()
    right = form_login(site, "editor-fra", PASSWORD)
    locked_time = time.monotonic() - started
    assert not logged_in(right)
    # The same status and words as any wrong password.
    assert failure_text(right) == failure_text(wrong)

    # An unknown account: counted and locked alike, and answered alike.
    fail(site, "nobody-at-all", LOCK_AFTER)
    assert plugin(server_portal).is_locked(login="nobody-at-all")
    assert failure_text(form_login(site, "nobody-at-all", PASSWORD)) == failure_text(wrong)
    started = time.monotonic()
    unknown = form_login(site, "never-seen", "whatever")
    unknown_time = time.monotonic() - started
    assert failure_text(unknown) == failure_text(wrong)
    # Refusals take the configured floor, whatever refused them.
    floor = logins.DEFAULTS["failure_delay_ms"] / 1000
    assert locked_time >= floor
    assert unknown_time >= floor
    assert abs(locked_time - unknown_time) < floor

    # Other accounts from the same address still log in (20 failures are below its threshold).
    assert logged_in(form_login(site, "editor-bra", PASSWORD))
    # The owner is told, by e-mail with an unlock link.
    assert unlock_mails(server_portal, "editor-fra@missionplace.example")
    assert not plugin(server_portal).is_locked(login="editor-bra")


def test_a_successful_login_starts_the_accounts_count_again(site, server_portal):
    fail(site, "editor-fra", LOCK_AFTER - 1)
    assert logged_in(form_login(site, "editor-fra", PASSWORD))
    fail(site, "editor-fra", LOCK_AFTER - 1, start=100)
    assert logged_in(form_login(site, "editor-fra", PASSWORD))


# -- REST and Basic auth ----------------------------------------------------------------------------


def test_rest_login_and_basic_auth_are_counted_and_locked_alike(site, server_portal):
    wrong_rest = rest_login(site, "editor-fra", "wrong")
    assert wrong_rest.status_code == 401
    fail(site, "editor-fra", 4, how=rest_login, start=1)
    fail(site, "editor-fra", 5, how=basic)
    assert plugin(server_portal).is_locked(login="editor-fra")
    vias = {event["via"] for event in plugin(server_portal).events.values() if event["kind"] == logins.FAILURE}
    assert vias == {"rest", "basic"}

    right_rest = rest_login(site, "editor-fra", PASSWORD)
    assert (right_rest.status_code, right_rest.json()) == (401, wrong_rest.json())
    assert "token" not in right_rest.text
    # Basic auth with the right password: refused like a wrong one, on every path.
    assert basic(site, "editor-fra", PASSWORD).status_code == 401
    assert basic(site, "editor-fra", "still-wrong").status_code == 401
    assert_refused(
        server_portal,
        "en/informatics",
        lambda: requests.patch(
            f"{site.url}/++api++/en/informatics",
            json={"title": "Taken"},
            auth=("editor-fra", PASSWORD),
            headers={"Accept": "application/json"},
            allow_redirects=False,
            timeout=60,
        ),
    )
    # Unknown accounts get exactly the wrong password's answer, as slowly, and are counted.
    started = time.monotonic()
    unknown = rest_login(site, "never-seen", PASSWORD)
    assert time.monotonic() - started >= logins.DEFAULTS["failure_delay_ms"] / 1000
    assert (unknown.status_code, unknown.json()) == (401, wrong_rest.json())
    assert plugin(server_portal).accounts["never-seen"]["count"] == 1
    # Others are not affected.
    assert basic(site, "focal-fra", PASSWORD).status_code == 200


def test_the_zope_administrator_is_not_counted(site, server_portal):
    """The instance's admin lives in the Zope root's user folder: the site's failing to know it is no failure."""
    set_record(server_portal, "max_failures_per_address", 3)
    for _attempt in range(5):
        response = requests.get(
            f"{site.url}/@@overview-controlpanel", auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), timeout=60
        )
        assert response.status_code == 200
    assert not plugin(server_portal).is_locked(address="127.0.0.1")
    assert list(plugin(server_portal).events.values()) == []


# -- Per address ------------------------------------------------------------------------------------


def test_an_address_is_locked_after_failures_across_accounts(site, server_portal):
    set_record(server_portal, "max_failures_per_address", 12)
    for login in ("editor-fra", "editor-bra", "focal-fra", "no-such-person"):
        fail(site, login, 3)
    assert plugin(server_portal).is_locked(address="127.0.0.1")
    # Every account, right passwords included, every way in.
    assert not logged_in(form_login(site, "delegate-ken", PASSWORD))
    assert rest_login(site, "delegate-ken", PASSWORD).status_code == 401
    assert basic(site, "moderator", PASSWORD).status_code == 401
    # No account reached its own threshold.
    assert not plugin(server_portal).is_locked(login="editor-fra")


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(site, server_portal):
    set_record(server_portal, "max_failures_per_address", 12)
    # A client inventing a new address for each attempt is still counted at its real one.
    for attempt in range(12):
        form_login(site, f"user-{attempt}", "wrong", headers={"X-Forwarded-For": f"198.51.100.{attempt}"})
    assert plugin(server_portal).is_locked(address="127.0.0.1")
    assert not logged_in(form_login(site, "delegate-ken", PASSWORD, headers={"X-Forwarded-For": "198.51.100.99"}))

    # Behind a trusted proxy (here: the test's own address), the forwarded client is the address.
    set_record(server_portal, "trusted_proxies", ["127.0.0.1"])
    proxied = {"X-Forwarded-For": "invented, 203.0.113.7"}
    assert logged_in(form_login(site, "delegate-ken", PASSWORD, headers=proxied))
    for attempt in range(12):
        form_login(site, f"user-{attempt}", "wrong", headers={"X-Forwarded-For": "203.0.113.8"})
    assert plugin(server_portal).is_locked(address="203.0.113.8")
    assert not plugin(server_portal).is_locked(address="invented")
    assert logged_in(form_login(site, "delegate-ken", PASSWORD, headers={"X-Forwarded-For": "203.0.113.9"}))


# -- Unlocking --------------------------------------------------------------------------------------


def locks_page(site, user, password=PASSWORD):
    return requests.get(f"{site.url}/@@login-locks", auth=(user, password), allow_redirects=False, timeout=60)


def authenticator(page):
    return re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)


def test_a_moderator_unlocks_an_account(site, server_portal):
    fail(site, "editor-fra", LOCK_AFTER)
    assert plugin(server_portal).is_locked(login="editor-fra")

    # Only moderators (and administrators) see the locks and lift them.
    for user in ("editor-bra", "focal-fra", "delegate-ken"):
        assert_refused(server_portal, "", lambda user=user: locks_page(site, user))
    assert_refused(
        server_portal, "", lambda: requests.get(f"{site.url}/@@login-locks", allow_redirects=False, timeout=60)
    )
    page = locks_page(site, "moderator")
    assert page.status_code == 200
    assert "editor-fra" in page.text

    unlock = {"login": "editor-fra", "_authenticator": authenticator(page)}
    # Not without the moderator's CSRF token, not by another person.
    assert_refused(
        server_portal,
        "",
        lambda: requests.post(
            f"{site.url}/@@login-locks", data={"login": "editor-fra"}, auth=("moderator", PASSWORD), timeout=60
        ),
    )
    assert_refused(
        server_portal,
        "",
        lambda: requests.post(
            f"{site.url}/@@login-locks",
            data=unlock,
            auth=("editor-bra", PASSWORD),
            allow_redirects=False,
            timeout=60,
        ),
    )
    assert plugin(server_portal).is_locked(login="editor-fra")
    done = requests.post(
        f"{site.url}/@@login-locks", data=unlock, auth=("moderator", PASSWORD), allow_redirects=False, timeout=60
    )
    assert done.status_code == 302
    assert not plugin(server_portal).is_locked(login="editor-fra")
    assert logged_in(form_login(site, "editor-fra", PASSWORD))
    # Bad input: a clear answer, no error page.
    bad = requests.post(
        f"{site.url}/@@login-locks",
        data={"login:list": ["a", "b"], "_authenticator": unlock["_authenticator"]},
        auth=("moderator", PASSWORD),
        allow_redirects=False,
        timeout=60,
    )
    assert bad.status_code == 400
    assert "Choose one account or address to unlock." in bad.text


def test_the_mailed_link_unlocks_once(site, server_portal):
    earlier = unlock_mails(server_portal, "editor-fra@missionplace.example")  # the queue outlives a test
    fail(site, "editor-fra", LOCK_AFTER)
    (body,) = [body for body in unlock_mails(server_portal, "editor-fra@missionplace.example") if body not in earlier]
    link = link_in(body)
    token = unquote(link.split("token=", 1)[1])

    # Opening the link (a mail scanner may) changes nothing: a button does.
    page = requests.get(link, allow_redirects=False, timeout=60)
    assert page.status_code == 200
    assert "Unlock my account" in page.text
    assert plugin(server_portal).is_locked(login="editor-fra")
    # A forged or altered token is refused.
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    assert_refused(
        server_portal,
        "",
        lambda: requests.post(f"{site.url}/@@unlock-login", data={"token": forged}, allow_redirects=False, timeout=60),
    )
    assert plugin(server_portal).is_locked(login="editor-fra")

    done = requests.post(f"{site.url}/@@unlock-login", data={"token": token}, allow_redirects=False, timeout=60)
    assert done.status_code == 200
    assert "Your account is unlocked" in done.text
    assert not plugin(server_portal).is_locked(login="editor-fra")
    assert logged_in(form_login(site, "editor-fra", PASSWORD))

    # Once only, even when the account is locked again (a new lock, a new link).
    again = assert_refused(
        server_portal,
        "",
        lambda: requests.post(f"{site.url}/@@unlock-login", data={"token": token}, allow_redirects=False, timeout=60),
    )
    assert "This link is not valid" in again.text
    fail(site, "editor-fra", LOCK_AFTER, start=100)
    assert_refused(
        server_portal,
        "",
        lambda: requests.post(f"{site.url}/@@unlock-login", data={"token": token}, allow_redirects=False, timeout=60),
    )
    assert plugin(server_portal).is_locked(login="editor-fra")


def test_an_expired_link_is_refused(site, server_portal):
    fail(site, "editor-fra", LOCK_AFTER)
    lock = plugin(server_portal).accounts["editor-fra"]
    expired = plugin(server_portal).sign({"login": "editor-fra", "nonce": lock["nonce"], "expires": time.time() - 1})
    assert_refused(
        server_portal,
        "",
        lambda: requests.post(f"{site.url}/@@unlock-login", data={"token": expired}, allow_redirects=False, timeout=60),
    )
    assert plugin(server_portal).is_locked(login="editor-fra")


@pytest.mark.parametrize("token", ["", "x", "a.b.c", "%00", "é" * 3000])
def test_a_malformed_token_gets_a_clear_refusal(site, server_portal, token):
    response = assert_refused(
        server_portal,
        "",
        lambda: requests.post(f"{site.url}/@@unlock-login", data={"token": token}, allow_redirects=False, timeout=60),
    )
    assert "This link is not valid" in response.text


# -- Audit ------------------------------------------------------------------------------------------


def test_the_audit_lists_failures_locks_and_unlocks_for_administrators_only(site, server_portal):
    fail(site, "editor-fra", LOCK_AFTER)
    page = locks_page(site, "moderator")
    requests.post(
        f"{site.url}/@@login-locks",
        data={"login": "editor-fra", "_authenticator": authenticator(page)},
        auth=("moderator", PASSWORD),
        allow_redirects=False,
        timeout=60,
    )
    audit = f"{site.url}/@@login-audit"
    for user in ("moderator", "editor-fra", "focal-fra"):
        assert_refused(
            server_portal,
            "",
            lambda user=user: requests.get(audit, auth=(user, PASSWORD), allow_redirects=False, timeout=60),
        )
    assert_refused(server_portal, "", lambda: requests.get(audit, allow_redirects=False, timeout=60))

    page = requests.get(audit, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), allow_redirects=False, timeout=60)
    assert page.status_code == 200
    rows = re.findall(r'<tr class="login-event login-event-(\w+)">(.*?)</tr>', page.text, re.S)
    cells = [(kind, [" ".join(c.split()) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]) for kind, row in rows]
    kinds = [kind for kind, _ in cells]
    assert kinds.count("failure") == LOCK_AFTER
    assert kinds.count("lock") == 1
    assert kinds.count("unlock") == 1
    # Newest first: the moderator's unlock, who did it, the account and the address.
    kind, (when, title, login, address, _via, actor) = cells[0]
    assert (kind, title, login, address, actor) == ("unlock", "Unlocked", "editor-fra", "127.0.0.1", "moderator")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", when)
    failure = next(c for k, c in cells if k == "failure")
    assert failure[2:5] == ["editor-fra", "127.0.0.1", "login form"]
