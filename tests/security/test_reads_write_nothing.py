"""Reading writes nothing to the database, whichever way the reader logged in (issue 11, B1).

A write on every page view (a login counter, a session or token refreshed,
a keyring made) would make every read a commit, and reads conflict with
each other across instances.  Logging in may write; reading afterwards never.
"""

import pytest
import requests


READS = (
    "en",
    "en/candiweb",
    "en/candiweb/elections/security-council-2028-2029",
    "++api++/en/candiweb",
    "++api++/en/candiweb/elections/security-council-2028-2029",
)


def last_transaction(portal):
    return portal._p_jar.db().lastTransaction()


def logged_in(site, how):
    """A requests session of delegate-ken (a member of CandiWeb), logged in ``how``."""
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    if how == "login form":
        response = session.post(
            f"{site.url}/login",
            data={"__ac_name": "delegate-ken", "__ac_password": "demo", "buttons.login": "Log in", "came_from": ""},
            allow_redirects=False,
            timeout=60,
        )
        assert "__ac" in session.cookies, response.status_code
    elif how == "basic":
        session.auth = ("delegate-ken", "demo")
    else:
        response = site.api("POST", "@login", json={"login": "delegate-ken", "password": "demo"})
        assert response.status_code == 200, response.text
        session.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return session


@pytest.mark.parametrize("how", ["login form", "basic", "REST token"])
def test_reading_writes_nothing(site, server_portal, how):
    session = logged_in(site, how)

    def read_all():
        for path in READS:
            headers = {"Accept": "application/json"} if path.startswith("++api++") else {}
            response = session.get(f"{site.url}/{path}", headers=headers, allow_redirects=False, timeout=60)
            assert response.status_code == 200, (how, path, response.status_code)

    read_all()  # whatever the first visit sets up
    before = last_transaction(server_portal)
    for _ in range(3):
        read_all()
    assert last_transaction(server_portal) == before, f"reading as {how} committed a transaction"
