"""Issue 9, item 12: security headers on every response, and safe session cookies.

Every kind of page (anonymous, logged in, forms, folder contents, errors,
"not found"), REST answers and downloads carry ``nosniff``, a
``Referrer-Policy`` and framing limits and no ``X-Powered-By``; pages carry
the site's Content-Security-Policy, downloads a sandboxing one.  The session
cookie is ``HttpOnly`` and ``SameSite=Lax``, and ``Secure`` when the site is
served over HTTPS (behind a proxy saying so, or with
``MISSIONPLACE_SECURE_COOKIES=1``).
"""

from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from support import PASSWORD
import base64
import pytest
import requests


PLACE = "en/candiweb"


def check_common(response, what):
    headers = response.headers
    assert "X-Powered-By" not in headers, what
    assert headers.get("X-Content-Type-Options") == "nosniff", (what, dict(headers))
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", what
    assert headers.get("X-Frame-Options", "").upper() in ("SAMEORIGIN", "DENY"), what
    assert "frame-ancestors" in headers.get("Content-Security-Policy", ""), what


def check_page(response, what):
    check_common(response, what)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'self'"):
        assert directive in csp, (what, csp)
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src, "an injected <script> would run"
    assert "sandbox" not in csp


def test_pages_rest_and_errors(site):
    draft = site.draft("editor-fra", PLACE, "A page")
    cases = [
        # (path, user, expected statuses)
        ("", None, {302}),  # to the visitor's language
        ("en", None, {200}),
        ("en/login", None, {200}),
        (PLACE, "editor-fra", {200}),
        (draft, "editor-fra", {200}),
        (f"{draft}/edit", "editor-fra", {200}),
        (f"{PLACE}/@@members", "moderator", {200}),
        (f"{PLACE}/++add++Document", "editor-fra", {200}),
        ("ar", None, {200}),
        ("en/no-such-page", None, {404}),
        (f"{PLACE}/no-such-page", "editor-fra", {404}),
        (f"{draft}/edit", "editor-bra", {302, 403}),  # refused: the login form or 403
        (draft, None, {302}),  # to the login form
    ]
    for path, user, statuses in cases:
        response = site.page(path, user)
        assert response.status_code in statuses, (path, user, response.status_code)
        check_page(response, f"{path} as {user}")
    # Folder contents, as the site's administrator.
    contents = requests.get(
        f"{site.url}/en/folder_contents", auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), timeout=60, allow_redirects=False
    )
    assert contents.status_code == 200, contents.status_code
    check_page(contents, "folder contents")

    rest = [
        ("GET", "en", None, 200),
        ("GET", PLACE, "editor-fra", 200),
        ("GET", "en/no-such-page", "editor-fra", 404),
        ("GET", draft, None, 401),
        ("POST", f"{draft}/@workflow/submit", "editor-bra", 403),
        ("POST", f"{PLACE}/@members", "moderator", 400),
    ]
    for method, path, user, status in rest:
        response = site.api(method, path, user, json={} if method == "POST" else None)
        # (an error is an error: which 4xx is the other items' business)
        assert response.status_code == status or (400 <= status and 400 <= response.status_code < 500), (
            method,
            path,
            response.text[:200],
        )
        check_common(response, f"REST {method} {path} as {user}")
        assert "Traceback" not in response.text

    # Resources (scripts, styles) too.
    page = site.page(PLACE, "editor-fra").text
    script = page.split('<script src="', 1)[1].split('"', 1)[0] if '<script src="' in page else None
    if script:
        check_common(requests.get(script, timeout=60), script)


def test_downloads(site):
    body = {
        "@type": "File",
        "title": "Report",
        "file": {
            "data": base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode(),
            "encoding": "base64",
            "filename": "report.pdf",
            "content-type": "application/pdf",
        },
    }
    created = site.api("POST", PLACE, "moderator", json=body)
    assert created.status_code == 201, created.text
    path = site.path_of(created.json()["@id"])
    response = site.page(f"{path}/@@download/file", "moderator")
    assert response.status_code == 200
    check_common(response, "download")
    assert response.headers["Content-Security-Policy"].startswith("sandbox")


def login_cookie(site, headers=None):
    """The Set-Cookie of the session cookie, as the login form answers it."""
    response = requests.post(
        f"{site.url}/en/login",
        data={"__ac_name": "editor-fra", "__ac_password": PASSWORD, "buttons.login": "Log in"},
        headers=headers or {},
        allow_redirects=False,
        timeout=60,
    )
    cookies = [value for key, value in response.raw.headers.items() if key.lower() == "set-cookie"]
    session = [cookie for cookie in cookies if cookie.startswith("__ac=")]
    assert session, (response.status_code, cookies)
    return [part.strip().lower() for part in session[0].split(";")]


def test_session_cookie_flags(site, monkeypatch):
    monkeypatch.delenv("MISSIONPLACE_SECURE_COOKIES", raising=False)
    plain = login_cookie(site)
    assert "httponly" in plain
    assert "samesite=lax" in plain
    assert "secure" not in plain  # over plain HTTP a Secure cookie would never come back

    behind_proxy = login_cookie(site, {"X-Forwarded-Proto": "https"})
    assert "secure" in behind_proxy
    assert "httponly" in behind_proxy

    monkeypatch.setenv("MISSIONPLACE_SECURE_COOKIES", "1")
    configured = login_cookie(site)
    assert "secure" in configured
    assert "samesite=lax" in configured


@pytest.mark.parametrize("path", ["", "en", "++api++/en", "en/no-such-page"])
def test_no_powered_by(site, path):
    response = requests.get(f"{site.url}/{path}", timeout=60, allow_redirects=False)
    assert "X-Powered-By" not in response.headers
