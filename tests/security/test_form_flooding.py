"""Issue 9, item 7: the public "Request an account" form cannot be used to flood mail.

Real HTTP posts to the demo site, as a robot would send them: a burst of 20,
one token replayed, the honeypot filled in.  What reaches people is counted in
the mail queue (a maildir) before and after; what the form stores is counted
in its saved data.  And in Chromium: a French visitor sees the form, not the
honeypot, and sends it once.
"""

from concurrent.futures import ThreadPoolExecutor
from lxml import html
from missionplace.mail import queue as mail
from missionplace.security import spam
from support import assert_refused
from zope.i18n import translate
import pytest
import requests
import time
import transaction


FORM = "request-an-account"
HONEYPOT = "protected_1"  # collective.honeypot's field (HONEYPOT_FIELD)
MAILS_PER_REQUEST = 2  # France's focal point and the Secretariat moderator


@pytest.fixture
def fresh(server_portal):
    """Counters and spent tokens forgotten before and after: tests of other files post too."""
    spam.reset(server_portal)
    transaction.commit()
    yield
    transaction.abort()
    spam.reset(server_portal)
    transaction.commit()


def queued(portal):
    transaction.abort()
    return len(mail.pending(portal.MailHost))


def saved(portal, language):
    transaction.abort()
    storage = getattr(portal[language][FORM], "_inputStorage", {})
    return len(storage.get("saved_requests", {}))


def form_page(site, language):
    response = requests.get(f"{site.url}/{language}/{FORM}", timeout=60, allow_redirects=False)
    assert response.status_code == 200
    return response


def fields_of(page):
    """What the browser sends: every field of the easyform, the honeypot empty and the token included."""
    (form,) = html.fromstring(page.content).xpath("//form[contains(@class, 'easyformForm')]")
    return dict(form.form_values())


def request_data(page, email, **extra):
    data = fields_of(page)
    data.update(
        {
            "form.widgets.fullname": "Jeanne Martin",
            "form.widgets.email": email,
            "form.widgets.mission:list": "fra",
            "form.widgets.function:list": "delegate",
            "form.widgets.message": "Nouvelle attachée.",
            "form.buttons.submit": "Submit",
        }
    )
    data.update(extra)
    return data


def post(site, language, data):
    return requests.post(f"{site.url}/{language}/{FORM}", data=data, timeout=120, allow_redirects=False)


def accepted(response):
    """The thank-you page of easyform."""
    return response.status_code == 200 and "easyform-thankspage" in response.text


def status_message(response):
    page = html.fromstring(response.content)
    return " ".join(" ".join(e.text_content().split()) for e in page.xpath("//*[contains(@class, 'portalMessage')]"))


def message(msgid, language):
    return translate(msgid, target_language=language)


# -- The form as a visitor gets it ----------------------------------------------------------------


def test_each_rendering_carries_its_own_token_and_an_empty_honeypot(site, fresh):
    first, second = fields_of(form_page(site, "en")), fields_of(form_page(site, "en"))
    assert first[spam.TOKEN_FIELD]
    assert second[spam.TOKEN_FIELD]
    assert first[spam.TOKEN_FIELD] != second[spam.TOKEN_FIELD]
    assert first[HONEYPOT] == ""


def test_the_form_page_is_not_cached_for_others(site):
    assert "no-store" in form_page(site, "fr").headers.get("Cache-Control", "")


def test_a_visitor_sends_the_form_once_and_it_is_stored_and_mailed(site, server_portal, fresh):
    before, rows = queued(server_portal), saved(server_portal, "fr")
    response = post(site, "fr", request_data(form_page(site, "fr"), "jeanne.martin@diplomatie.example"))
    assert accepted(response), status_message(response)
    assert saved(server_portal, "fr") == rows + 1
    assert queued(server_portal) == before + MAILS_PER_REQUEST


# -- Floods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_burst_of_20_posts_queues_only_what_the_limit_allows(site, server_portal, fresh, language):
    pages = [form_page(site, language) for _ in range(20)]
    before, rows = queued(server_portal), saved(server_portal, language)
    # Twenty requests with twenty tokens and twenty addresses, all at once from one client.
    data = [request_data(page, f"robot{i}@spam.example") for i, page in enumerate(pages)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda d: post(site, language, d), data))
    allowed = spam.LIMITS["address"][0]
    outcomes = [(r.status_code, status_message(r)[:200]) for r in responses if not accepted(r)]
    assert sum(accepted(r) for r in responses) == allowed, outcomes
    refused = [r for r in responses if not accepted(r)]
    assert len(refused) == 20 - allowed
    expected = message(spam.ERROR_TOO_MANY, language)
    for response in refused:
        assert response.status_code == 429, response.text[-3000:]
        assert f'lang="{language}"' in response.text
        assert expected in status_message(response)
    assert queued(server_portal) == before + allowed * MAILS_PER_REQUEST
    assert saved(server_portal, language) == rows + allowed


def test_one_email_address_is_accepted_only_twice(site, server_portal, fresh):
    before = queued(server_portal)
    responses = [post(site, "en", request_data(form_page(site, "en"), "same@spam.example")) for _ in range(3)]
    allowed = spam.LIMITS["email"][0]
    assert [accepted(r) for r in responses] == [True] * allowed + [False] * (3 - allowed)
    assert message(spam.ERROR_TOO_MANY, "en") in status_message(responses[-1])
    # Written differently, it is the same address.
    again = post(site, "en", request_data(form_page(site, "en"), "  SAME@spam.example "))
    assert not accepted(again)
    assert queued(server_portal) == before + allowed * MAILS_PER_REQUEST


def test_a_spent_token_cannot_be_replayed(site, server_portal, fresh):
    page = form_page(site, "fr")
    assert accepted(post(site, "fr", request_data(page, "first@diplomatie.example")))
    before, rows = queued(server_portal), saved(server_portal, "fr")
    replay = post(site, "fr", request_data(page, "second@diplomatie.example"))
    assert not accepted(replay)
    assert message(spam.ERROR_TOKEN, "fr") in status_message(replay)
    # The refusal comes with a new token: the visitor can send the form after all.
    assert fields_of(replay)[spam.TOKEN_FIELD] != fields_of(page)[spam.TOKEN_FIELD]
    assert (queued(server_portal), saved(server_portal, "fr")) == (before, rows)


def test_one_token_posted_20_times_at_once_is_accepted_once(site, server_portal, fresh):
    page = form_page(site, "en")
    before = queued(server_portal)
    data = [request_data(page, f"robot{i}@spam.example") for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda d: post(site, "en", d), data))
    assert sum(accepted(r) for r in responses) == 1
    assert queued(server_portal) == before + MAILS_PER_REQUEST


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-token",
        "1.2.3",
        f"{int(time.time())}.forged.{'0' * 64}",
        f"{int(time.time()) - spam.TOKEN_MAX_AGE - 60}.old.{'0' * 64}",
        "x" * 5000,
    ],
    # Fixed ids: the forged tokens hold the time, and pytest-xdist's workers must collect the same tests.
    ids=["none", "empty", "not-a-token", "dots", "forged", "too-old", "oversized"],
)
def test_a_missing_or_forged_token_is_refused(site, server_portal, fresh, token):
    data = request_data(form_page(site, "en"), "forger@spam.example")
    if token is None:
        del data[spam.TOKEN_FIELD]
    else:
        data[spam.TOKEN_FIELD] = token
    before, rows = queued(server_portal), saved(server_portal, "en")
    response = post(site, "en", data)
    assert response.status_code == 200
    assert not accepted(response)
    assert message(spam.ERROR_TOKEN, "en") in status_message(response)
    assert (queued(server_portal), saved(server_portal, "en")) == (before, rows)


def test_an_expired_token_is_refused(site, server_portal, fresh, monkeypatch):
    page = form_page(site, "en")
    # The server runs in this process: its clock moves past the token's age.
    later = time.time() + spam.TOKEN_MAX_AGE + 60
    monkeypatch.setattr(spam, "clock", lambda: later)
    before = queued(server_portal)
    response = post(site, "en", request_data(page, "late@diplomatie.example"))
    assert not accepted(response)
    assert message(spam.ERROR_TOKEN, "en") in status_message(response)
    assert queued(server_portal) == before


def test_the_honeypot_filled_in_is_refused_and_nothing_is_queued(site, server_portal, fresh):
    page = form_page(site, "en")
    before, rows = queued(server_portal), saved(server_portal, "en")
    data = request_data(page, "robot@spam.example", **{HONEYPOT: "http://spam.example"})
    assert_refused(server_portal, f"en/{FORM}", lambda: post(site, "en", data), statuses=(403,))
    assert (queued(server_portal), saved(server_portal, "en")) == (before, rows)
    # The token was not spent: the refusal came before the form.
    del data[HONEYPOT]
    assert accepted(post(site, "en", data))


# -- In the browser -------------------------------------------------------------------------------


def test_in_chromium_a_french_visitor_sends_the_form_once_and_sees_no_honeypot(site, server_portal, fresh, page):
    before, rows = queued(server_portal), saved(server_portal, "fr")
    page.goto(f"{site.url}/fr/{FORM}")
    assert page.locator("html").get_attribute("lang") == "fr"
    honeypot = page.locator(f"input[name='{HONEYPOT}']")
    assert honeypot.count() >= 1
    for index in range(honeypot.count()):
        assert not honeypot.nth(index).is_visible()
    assert not page.locator(f"input[name='{spam.TOKEN_FIELD}']").is_visible()
    page.fill("#form-widgets-fullname", "Jeanne Martin")
    page.fill("#form-widgets-email", "jeanne.martin@diplomatie.example")
    page.select_option("#form-widgets-mission", "fra")
    page.select_option("#form-widgets-function", "delegate")
    page.click("#form-buttons-submit")
    page.wait_for_selector(".easyform-thankspage")
    assert page.url == f"{site.url}/fr/{FORM}"
    assert saved(server_portal, "fr") == rows + 1
    assert queued(server_portal) == before + MAILS_PER_REQUEST


@pytest.mark.parametrize("language", ["ar", "zh", "en", "fr", "ru", "es"])
def test_the_saved_data_is_ready_before_the_first_post(server_portal, language):
    """A burst's first posts do not all create the storage at once (a conflict Zope retries only three times)."""
    transaction.abort()
    form = server_portal[language][FORM]
    assert "saved_requests" in getattr(form, "_inputStorage", {})
