"""Issue 9, item 4: REST writes are not open to cross-site requests.

A real attack in Chromium: the victim logs in on the site, then opens a page
of another origin (a tiny http.server on another localhost port, the same
*site* for the browser, so its SameSite=Lax cookie goes along) which posts
text/plain and form-encoded bodies and ``fetch``es with credentials to submit
the victim's draft, add a member and change France's staff.  Everything is
refused and nothing changes.  The same calls from the site's own pages (with
plone.protect's token, or just the site's own origin) work, clients with
their own credentials (Basic auth) keep working, and a body that is not JSON
is refused with 415 and a clear message.
"""

from browser import login
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from support import assert_refused
from support import PASSWORD
from support import snapshot
import json
import pytest
import re
import requests
import threading


PLACE = "en/candiweb"
NEW_MEMBER = {"principal": "mission-chl", "role": "Delegate"}
NEW_FUNCTION = {"user": "editor-fra", "function": "focalpoint"}

ATTACK_PAGE = """<!DOCTYPE html>
<html><head><title>Invitation</title></head><body>
<p>You are invited to the reception.</p>
{forms}
<script>
const attacks = {attacks};
async function attack() {{
  const waits = [];
  for (const form of Array.from(document.forms)) {{
    const frame = document.createElement("iframe");
    frame.name = "sink-" + form.id;
    document.body.append(frame);
    await new Promise(done => setTimeout(done, 50));  // past the empty frame's own load
    waits.push(new Promise(done => {{ frame.onload = done; setTimeout(done, 15000); }}));
    form.target = frame.name;
    form.submit();
  }}
  for (const [url, body] of attacks) {{
    // What a page may send anywhere without asking: text/plain, cookies included.
    waits.push(fetch(url, {{method: "POST", mode: "no-cors", credentials: "include",
        headers: {{"Content-Type": "text/plain", "Accept": "application/json"}}, body}}).catch(() => null));
    // JSON needs the site's consent first (CORS): the browser must not send it either.
    waits.push(fetch(url, {{method: "POST", credentials: "include",
        headers: {{"Content-Type": "application/json", "Accept": "application/json"}}, body}}).catch(() => null));
  }}
  await Promise.all(waits);
  window.attackDone = true;
}}
attack();
</script>
</body></html>
"""


def text_form(name, action, body):
    """A form whose text/plain encoding makes its one field a JSON body (the classic trick)."""
    data = json.dumps(body)[:-1] + ', "x": "'
    return (
        f'<form id="{name}" method="POST" enctype="text/plain" action="{action}">'
        f"<input type=\"hidden\" name='{data}' value='\"}}'></form>"
    )


def url_form(name, action, fields):
    inputs = "".join(f'<input type="hidden" name="{key}" value="{value}">' for key, value in fields.items())
    return f'<form id="{name}" method="POST" action="{action}">{inputs}</form>'


class Attacker:
    """A page of another origin on the same host, served by a tiny http.server."""

    def __init__(self):
        self.page = ""
        attacker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = attacker.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("localhost", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}/invitation.html"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def attacker():
    server = Attacker()
    yield server
    server.close()


def staff_of_france(site):
    listing = site.api("GET", "@mission-staff/fra", "focal-fra")
    assert listing.status_code == 200, listing.text
    return listing.json()["items"]


def attack_page(site, draft):
    api = f"{site.url}/++api++"
    targets = [
        (f"{api}/{draft}/@workflow/submit", {"comment": "forged"}),
        (f"{api}/{PLACE}/@members", NEW_MEMBER),
        (f"{api}/@mission-staff/fra", NEW_FUNCTION),
        # Without ++api++: an Accept header (allowed cross-origin) makes it a REST call too.
        (f"{site.url}/{draft}/@workflow/submit", {"comment": "forged"}),
        (f"{site.url}/{PLACE}/@members", NEW_MEMBER),
    ]
    forms = [text_form(f"text{index}", url, body) for index, (url, body) in enumerate(targets)]
    forms += [
        url_form("form-members", f"{api}/{PLACE}/@members", NEW_MEMBER),
        url_form("form-staff", f"{api}/@mission-staff/fra", NEW_FUNCTION),
        url_form("form-submit", f"{api}/{draft}/@workflow/submit", {"comment": "forged"}),
    ]
    attacks = [[url, json.dumps(body)] for url, body in targets]
    return ATTACK_PAGE.format(forms="\n".join(forms), attacks=json.dumps(attacks))


def state(site, path):
    return site.api("GET", f"{path}/@workflow", "moderator").json()["state"]["id"]


def test_a_page_of_another_origin_changes_nothing(site, attacker, page):
    draft = site.draft("editor-fra", PLACE, "France's draft")
    attacker.page = attack_page(site, draft)
    paths = [draft, PLACE]
    for victim in ("editor-fra", "moderator", "focal-fra"):
        before = {path: snapshot(site.portal, path) for path in paths}
        staff = staff_of_france(site)
        login(page, site.url, victim)
        page.goto(attacker.url)
        page.wait_for_function("window.attackDone === true", timeout=60_000)
        assert {path: snapshot(site.portal, path) for path in paths} == before, (
            f"{victim}: the attack changed something"
        )
        assert staff_of_france(site) == staff, f"{victim}: the attack changed France's staff"
        assert state(site, draft) == "draft"

    # The same request from the site's own page, with plone.protect's token, works.
    login(page, site.url, "editor-fra")
    page.goto(f"{site.url}/{draft}")
    token = page.evaluate("document.querySelector('#protect-script').dataset.token")
    status = page.evaluate(
        """([url, token]) => fetch(url, {method: "POST", credentials: "include",
               headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-TOKEN": token},
               body: "{}"}).then(response => response.status)""",
        [f"{site.url}/++api++/{draft}/@workflow/submit", token],
    )
    assert status == 200
    assert state(site, draft) == "pending"


def browser_session(page, site, user):
    """A requests session carrying the cookie the login form gave ``user`` in the browser."""
    login(page, site.url, user)
    session = requests.Session()
    for cookie in page.context.cookies():
        session.cookies.set(cookie["name"], cookie["value"], path=cookie["path"])
    page.goto(f"{site.url}/{PLACE}")
    token = page.evaluate("document.querySelector('#protect-script').dataset.token")
    return session, token


def cookie_post(site, session, path, body, headers=None, **kwargs):
    headers = {"Accept": "application/json", **(headers or {})}
    return session.post(
        f"{site.url}/++api++/{path}", json=body, headers=headers, timeout=60, allow_redirects=False, **kwargs
    )


def test_cookie_writes_need_the_token_or_the_sites_origin(site, page):
    draft = site.draft("editor-fra", PLACE, "France's draft")
    moderator, moderator_token = browser_session(page, site, "moderator")
    editor, editor_token = browser_session(page, site, "editor-fra")
    other = "http://localhost:9"
    for headers in (
        {"Origin": other},
        {"Origin": "null"},
        {"Origin": "null", "Referer": f"{site.url}/{PLACE}"},  # a sandboxed document of the site
        {"Referer": f"{other}/page.html"},
        {},  # neither
        {"Origin": other, "X-CSRF-TOKEN": "0" * 40},  # a wrong token
        {"Origin": site.url.replace("localhost", "127.0.0.1")},  # another origin for the browser
    ):
        response = assert_refused(
            site.portal,
            [PLACE, draft],
            lambda headers=headers: cookie_post(site, moderator, f"{PLACE}/@members", NEW_MEMBER, headers),
        )
        assert response.status_code == 403
        assert "did not come from this site" in response.json()["message"]
        assert_refused(
            site.portal,
            [draft],
            lambda headers=headers: cookie_post(site, editor, f"{draft}/@workflow/submit", {}, headers),
        )

    # A token is its user's own.
    assert_refused(
        site.portal,
        [PLACE],
        lambda: cookie_post(site, moderator, f"{PLACE}/@members", NEW_MEMBER, {"X-CSRF-TOKEN": editor_token}),
    )
    assert_refused(
        site.portal,
        [draft],
        lambda: cookie_post(site, editor, f"{draft}/@workflow/submit", {}, {"X-CSRF-TOKEN": moderator_token}),
    )

    # The token, or the site's own origin (a same-origin fetch sends it), is enough.
    added = cookie_post(site, moderator, f"{PLACE}/@members", NEW_MEMBER, {"X-CSRF-TOKEN": moderator_token})
    assert added.status_code == 200, added.text
    origin = re.match(r"https?://[^/]+", site.url).group(0)
    submitted = cookie_post(site, editor, f"{draft}/@workflow/submit", {}, {"Origin": origin})
    assert submitted.status_code == 200, submitted.text
    removed = moderator.delete(
        f"{site.url}/++api++/{PLACE}/@members/mission-chl",
        headers={"Accept": "application/json", "Referer": f"{site.url}/{PLACE}/@@members"},
        timeout=60,
    )
    assert removed.status_code in (200, 204), removed.text


def test_clients_with_their_own_credentials_keep_working(site):
    draft = site.draft("editor-fra", PLACE, "France's draft")
    submitted = site.api("POST", f"{draft}/@workflow/submit", "editor-fra", json={})
    assert submitted.status_code == 200, submitted.text
    added = site.api("POST", f"{PLACE}/@members", "moderator", json=NEW_MEMBER)
    assert added.status_code == 200, added.text
    staff = site.api("POST", "@mission-staff/fra", "focal-fra", json=NEW_FUNCTION)
    assert staff.status_code == 200, staff.text
    # A Bearer token from @login, as scripts use it.
    login = site.api("POST", "@login", json={"login": "editor-fra", "password": PASSWORD})
    assert login.status_code == 200, login.text
    bearer = {"Authorization": f"Bearer {login.json()['token']}"}
    created = site.api("POST", PLACE, headers=bearer, json={"@type": "Document", "title": "By token"})
    assert created.status_code == 201, created.text


def test_a_body_that_is_not_json_is_refused_with_415(site):
    draft = site.draft("editor-fra", PLACE, "France's draft")
    for content_type, data in (
        ("text/plain", json.dumps(NEW_MEMBER)),
        ("application/x-www-form-urlencoded", "principal=mission-chl&role=Delegate"),
        ("application/xml", "<member/>"),  # (text/xml would be Zope's XML-RPC)
    ):
        response = assert_refused(
            site.portal,
            [PLACE],
            lambda content_type=content_type, data=data: site.api(
                "POST", f"{PLACE}/@members", "moderator", data=data, headers={"Content-Type": content_type}
            ),
            statuses=(415,),
        )
        error = response.json()
        assert error["type"] == "UnsupportedMediaType"
        assert error["message"].startswith("The content of a change must be JSON"), error
        assert content_type in error["message"]
        assert "Traceback" not in response.text
    assert_refused(
        site.portal,
        [draft],
        lambda: site.api(
            "POST", f"{draft}/@workflow/submit", "editor-fra", data="{}", headers={"Content-Type": "text/plain"}
        ),
        statuses=(415,),
    )
    # Uploads keep the types plone.restapi accepts for them (TUS chunks).
    chunk = site.api(
        "PATCH",
        f"{PLACE}/@tus-upload/nosuchupload",
        "moderator",
        data=b"chunk",
        headers={"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", "Tus-Resumable": "1.0.0"},
    )
    assert chunk.status_code != 415, chunk.text
