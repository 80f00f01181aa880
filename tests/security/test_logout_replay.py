"""Issue 9, item 9: sessions end at logout; a replayed session cookie or REST token is refused.

Real HTTP against the demo site: the ``__ac`` cookie of the login form and the
JWT of REST ``@login``, copied before logout and sent again after it.
"""

from support import assert_refused
from support import PASSWORD
import base64
import re
import requests


PRIVATE = "en/informatics"  # members only: France and Kenya take part


def form_session(site, user):
    """The ``__ac`` cookie the login form gives ``user``, as the browser would keep it."""
    response = requests.post(
        f"{site.url}/en/login",
        data={"__ac_name": user, "__ac_password": PASSWORD, "came_from": "", "buttons.login": "Log in"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.status_code
    return re.search(r"__ac=([^;]+)", response.headers["Set-Cookie"]).group(1)


def with_cookie(site, cookie, path, api=False):
    url = f"{site.url}/++api++/{path}" if api else f"{site.url}/{path}"
    headers = {"Cookie": f"__ac={cookie}"}
    if api:
        headers["Accept"] = "application/json"
    return requests.get(url, headers=headers, allow_redirects=False, timeout=60)


def rest_token(site, user):
    response = requests.post(
        f"{site.url}/++api++/@login",
        json={"login": user, "password": PASSWORD},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def with_token(site, token, path, method="GET"):
    return requests.request(
        method,
        f"{site.url}/++api++/{path}",
        headers={"Accept": "application/json", "Authorization": f"Bearer {token}"},
        allow_redirects=False,
        timeout=60,
    )


def test_the_site_is_set_up_for_server_side_logout(site):
    plugins = site.portal.acl_users
    assert plugins.session.getProperty("per_user_keyring") is True
    assert plugins.jwt_auth.store_tokens is True


def test_a_session_cookie_replayed_after_logout_is_refused(site, server_portal):
    cookie = form_session(site, "editor-fra")
    other_device = form_session(site, "editor-fra")
    someone_else = form_session(site, "delegate-ken")
    assert with_cookie(site, cookie, PRIVATE).status_code == 200
    assert with_cookie(site, cookie, "@users/editor-fra", api=True).status_code == 200

    logout = with_cookie(site, cookie, "logout")
    assert logout.status_code in (200, 302, 303)

    # The copied cookie is worth nothing now: pages send it to the login form, REST answers 401.
    assert_refused(server_portal, PRIVATE, lambda: with_cookie(site, cookie, PRIVATE))
    assert_refused(server_portal, PRIVATE, lambda: with_cookie(site, cookie, PRIVATE, api=True))
    assert_refused(server_portal, "", lambda: with_cookie(site, cookie, "@users/editor-fra", api=True))
    # Logging out ends every session of that person (their secret changed) ...
    assert_refused(server_portal, PRIVATE, lambda: with_cookie(site, other_device, PRIVATE))
    # ... and nobody else's.
    assert with_cookie(site, someone_else, PRIVATE).status_code == 200
    # Logging in again gives a new session that works.
    assert with_cookie(site, form_session(site, "editor-fra"), PRIVATE).status_code == 200


def test_a_rest_token_replayed_after_logout_is_refused(site, server_portal):
    token = rest_token(site, "editor-fra")
    someone_else = rest_token(site, "delegate-ken")
    assert with_token(site, token, PRIVATE).status_code == 200

    assert with_token(site, token, "@logout", method="POST").status_code in (200, 204)

    assert_refused(server_portal, PRIVATE, lambda: with_token(site, token, PRIVATE))
    assert_refused(server_portal, "", lambda: with_token(site, token, "@users/editor-fra"))
    # A second logout with the same token: a clear answer, not an error page.
    again = with_token(site, token, "@logout", method="POST")
    assert again.status_code in (400, 401)
    assert with_token(site, someone_else, PRIVATE).status_code == 200


def test_a_forged_session_cookie_is_refused_and_logging_out_with_it_is_harmless(site, server_portal):
    # A well-formed ticket for editor-fra, signed with nobody's secret.
    forged = base64.b64encode(b"0" * 32 + b"00000000editor-fra!").decode()
    assert_refused(server_portal, PRIVATE, lambda: with_cookie(site, forged, PRIVATE))
    assert with_cookie(site, forged, "logout").status_code in (200, 302, 303)
