"""Stored script vectors, rendered by a real browser: none may run.

France's editor stores well-typed hostile values (script vectors for HTML,
attribute, JavaScript and URL contexts, SVG, ``javascript:`` URLs) in every
string field of every type they may add, submits them, and has one rejected
with a hostile comment.  Chromium then opens, as the moderator and as France's
editor, every page that shows those values: each item's view, the room's
listing, the place's home, the review queue, our work, search results and an
edit form.  Every payload sets ``window.__xss`` or opens a dialog; the page
must do neither, and hold no injected event handler, script or
``javascript:`` link.
"""

from adversarial import addable_types
from adversarial import Client
from adversarial import FULL
from adversarial import hostile_bodies
from adversarial import prepare
from adversarial import sample
from adversarial import XSS
from playwright.sync_api import Error as PlaywrightError
from support import PASSWORD
import base64


MARKER = "Advxss"  # a word in every hostile title, for the search page
INJECTED = """() => {
  const hits = [];
  const active = v => /__xss|alert\\(|msgbox/.test(v);
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value || '';
      if (name.startsWith('on') && active(value)) hits.push(`${el.tagName} ${name}=${value.slice(0, 60)}`);
      const url = value.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && /^(javascript|vbscript|data:text\\/html)/.test(url) && active(value)) {
        hits.push(`${el.tagName} ${name}=${value.slice(0, 60)}`);
      }
    }
    if (el.tagName === 'SCRIPT' && (!el.type || /javascript|module/.test(el.type)) && el.textContent.includes('__xss')) {
      hits.push(`SCRIPT ${el.textContent.slice(0, 60)}`);
    }
  }
  return hits;
}"""


def browser_as(chromium, user):
    """A browser context sending ``user``'s HTTP Basic credentials (never the login form: no lockout)."""
    token = base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={"Authorization": f"Basic {token}"}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page, dialogs


def visit(page, dialogs, url, findings, who):
    dialogs.clear()
    response = page.goto(url, wait_until="load")
    page.wait_for_timeout(400)  # handlers of images that fail to load run just after "load"
    status = response.status if response else None
    if status is None or status >= 500:
        findings.append(f"{who} {url}: status {status}")
    if dialogs:
        findings.append(f"{who} {url}: dialog opened {dialogs!r}")
    for frame in page.frames:  # TinyMCE's editor, for one, renders the stored text in a frame of its own
        try:
            canary, injected = frame.evaluate("() => window.__xss"), frame.evaluate(INJECTED)
        except PlaywrightError:  # a frame that went away has nothing to show
            canary, injected = None, []
        if canary is not None:
            findings.append(f"{who} {url}: script ran in {frame.url[:80]} (window.__xss = {canary!r})")
        if injected:
            findings.append(f"{who} {url}: injected into {frame.url[:80]}: {injected[:5]!r}")


def test_stored_payloads_never_run_in_the_browser(site, chromium):
    contexts = prepare(site)
    fra, moderator = Client(site.url, "editor-fra"), Client(site.url, "moderator")
    created, findings, refused = [], [], []
    for type_, (user, container) in sorted(addable_types(site, contexts).items()):
        if user != "editor-fra":
            continue
        _schema, _base, bodies = hostile_bodies(fra, container, type_, rounds=6 if FULL else 2, marker=f"{MARKER} ")
        for body in bodies:
            response = fra.api("POST", container, body)
            if response.status_code >= 500:
                findings.append(f"editor-fra POST {container} {type_}: {response.status_code} {response.text[:200]}")
            if response.status_code != 201:
                refused.append(f"{type_} {response.status_code} {response.text[:200]}")
            else:
                path = response.json()["@id"].split(f"{site.url}/")[1]
                fra.api("POST", f"{path}/@workflow/submit", {})
                created.append((type_, path))
    assert len({type_ for type_, _path in created}) >= 5, refused  # the hostile values of most types were stored
    # One sent back with a hostile comment (shown on the item to its mission).
    rejected = created[0][1]
    response = moderator.api("POST", f"{rejected}/@workflow/reject", {"comment": XSS[1] + XSS[4]})
    assert response.status_code == 200, response.text
    rooms = sorted({path.rsplit("/", 1)[0] for _type, path in created})
    items = [path for _type, path in created]
    items = items if FULL else [rejected, *sample(items[1:], 6, "browser items")]
    pages = {
        "moderator": [
            *items,
            *rooms,
            "en/@@review-queue",
            f"en/@@search?SearchableText={MARKER}",
            f"{items[-1]}/@@edit",
        ],
        "editor-fra": [rejected, "en/@@our-work", f"{rejected}/@@edit", f"en/@@search?SearchableText={MARKER}"],
    }
    for user, paths in pages.items():
        context, page, dialogs = browser_as(chromium, user)
        try:
            for path in paths:
                visit(page, dialogs, f"{site.url}/{path}", findings, user)
        finally:
            context.close()
    assert not findings, "\n".join(findings)
