"""The adversarial suite's corpus of hostile inputs and its discovery of what to attack.

Nothing here names an endpoint, a field or a form: the REST services and our
browser views come from the component registry, the fields of every type from
plone.restapi's ``@types/<type>`` JSON schema, the add and edit forms and the
easyforms from their own HTML.  A new service, view, type, field or form is
attacked without editing the suite.

Each run picks a sample of payloads per field kind with a fixed seed (the same
requests every run, so a failure reproduces);
``MISSIONPLACE_ADVERSARIAL_FULL=1`` sends every payload to every target.
"""

from lxml import html
from support import PASSWORD
import json
import os
import random
import requests


FULL = os.environ.get("MISSIONPLACE_ADVERSARIAL_FULL") == "1"
SEED = 20261130

# The people who attack, and those who must see nothing of France's draft.
ANONYMOUS = None
OUTSIDERS = (ANONYMOUS, "delegate-ken", "editor-bra")  # delegate-ken: a Kenyan delegate (reads only)
INSIDERS = ("editor-fra", "focal-fra", "moderator")
PERSONAS = OUTSIDERS + INSIDERS

# France's draft carries this word in every field and in its review comment; no
# answer to an outsider may contain it.
SECRET = "Qzx7FranceSecret"  # noqa: S105 - a marker word, not a password
# What outsiders search for: it finds SECRET, but an answer that merely echoes the query does not contain SECRET.
PROBE = "Qzx7Fran*"
# Accounts whose names appear on no public page: an anonymous answer naming them lists people.
HIDDEN_PEOPLE = ("focal-fra", "delegate-ken")


# -- The corpus -------------------------------------------------------------------------------
# Every script payload sets the canary ``window.__xss`` to its own id (or opens
# a dialog), so the browser tells which one ran.


def _script(tag):
    return f"window.__xss='{tag}'"


XSS = [
    f"<script>{_script('s1')}</script>",
    f'<img src=x onerror="{_script("i1")}">',
    f'<svg onload="{_script("v1")}"></svg>',
    f"<svg><script>{_script('v2')}</script></svg>",
    f'"><script>{_script("a1")}</script>',  # out of a double-quoted attribute
    f'\'><img src=x onerror="{_script("a2")}">',  # out of a single-quoted attribute
    f'" autofocus onfocus="{_script("a3")}" x="',  # a new attribute in place
    f"</textarea><script>{_script('t1')}</script>",
    f"</title><script>{_script('t2')}</script>",
    f"</script><script>{_script('j1')}</script>",  # out of an inline script
    f"';{_script('j2')};//",  # out of a JavaScript string
    f'";{_script("j3")};//',
    f'<a href="javascript:{_script("u1")}">link</a>',
    "<iframe src=\"javascript:parent.__xss='f1'\"></iframe>",
    f'<details open ontoggle="{_script("d1")}">x</details>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{_script("m1")}">',  # mutation XSS
    f'<noscript><p title="</noscript><img src=x onerror={_script("m2")}>">',
    "{{constructor.constructor('window.__xss=\"n1\"')()}}",  # template injection
    "<img src=x onerror=alert('dialog1')>",
    "<style>@import 'javascript:alert(1)';</style><b>css</b>",
]
URLS = [
    f"javascript:{_script('u2')}",
    f"JaVaScRiPt:{_script('u3')}",
    f" javascript:{_script('u4')}",
    f"java\tscript:{_script('u5')}",
    f"data:text/html,<script>{_script('u6')}</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "https://evil.example/@@../../acl_users",
]
UNICODE = [
    "Paris\u202egnp.exe",  # right-to-left override
    "a\u200db\u200cc\u2060d\ufeff",  # zero-width joiner, non-joiner, word joiner, BOM
    "\u0440\u0430\u0443\u0440\u0430l",  # Cyrillic homoglyphs of "paypal"
    "nul\x00byte",
    "\ud800 unpaired surrogate",
    "\u0000\u0001\u001b[31m control",
    "e\u0301\u0301\u0301 combining",
    "\U0001f1eb\U0001f1f7 emoji",
]
TRAVERSAL = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/plone/acl_users",
    "%2e%2e%2f%2e%2e%2f",
    "./../@@overview",
]
DATES = ["not a date", "2026-02-30", "2026-13-01", "9999-99-99T99:99:99", "-0001-01-01", "0000-00-00", "1e9"]
UIDS = ["0" * 32, "f" * 32, "../" * 5, "not-a-uid", "00000000-0000-0000-0000-000000000000"]
OVERSIZED = "A" * 1_000_000  # 1 MB
MALFORMED = [
    None,
    0,
    -1,
    2**70,
    1.5e308,
    True,
    [],
    ["a", ["b"]],
    {"nested": {"deeper": {"deepest": [1, {"x": None}]}}},
    {"@id": "../../acl_users"},
    "",
]
TEXT = XSS + UNICODE + TRAVERSAL


def sample(values, count, key):
    """``count`` of ``values``, the same ones every run for ``key`` (all of them in a full run)."""
    if FULL or count >= len(values):
        return list(values)
    return random.Random(f"{SEED}:{key}").sample(list(values), count)  # noqa: S311 - reproducible, not secret


def pick(values, key):
    return random.Random(f"{SEED}:{key}").choice(list(values))  # noqa: S311 - reproducible, not secret


# -- Field kinds, from plone.restapi's JSON schema -------------------------------------------


def field_kind(name, spec):
    factory = spec.get("factory", "")
    widget = spec.get("widget", "")
    kind = spec.get("type")
    if kind == "boolean":
        return "boolean"
    if kind in ("integer", "number"):
        return "number"
    if kind == "array":
        return "list"
    if kind == "object" or factory in ("File Upload", "Image", "Named Blob File", "Named Blob Image"):
        return "file"
    if widget == "richtext":
        return "richtext"
    if widget in ("date", "datetime") or factory in ("Date", "Date/Time"):
        return "date"
    if "url" in widget.lower() or factory == "URL" or name == "remoteUrl":
        return "url"
    if spec.get("vocabulary") or spec.get("choices") or spec.get("enum"):
        return "choice"
    return "text"


def hostile_values(kind, key, count=3):
    """Well-typed hostile values for a field of ``kind``: they may be stored, and must be stored safely."""
    if kind == "richtext":
        return [{"data": value, "content-type": "text/html", "encoding": "utf-8"} for value in sample(XSS, count, key)]
    if kind == "url":
        return sample(URLS, count, key)
    if kind == "date":
        return sample(DATES, count, key)
    if kind == "choice":
        return sample(XSS[:3] + TRAVERSAL + UIDS, count, key)
    if kind == "list":
        return [[value] for value in sample(TEXT + UIDS, count, key)]
    if kind == "boolean":
        return sample(["true", "yes", 2, "<script>"], count, key)
    if kind == "number":
        return sample(["1e9", -(2**63), 2**70, "NaN"], count, key)
    if kind == "file":
        return [
            {"data": "<script>alert(1)</script>", "encoding": "utf8", "filename": name, "content-type": ctype}
            for name, ctype in sample(
                [
                    ("../../evil.html", "text/html"),
                    ("<img src=x onerror=alert(1)>.svg", "image/svg+xml"),
                    ("a\u202eLMTH.txt", "text/plain"),
                    ("x.js", "application/javascript"),
                ],
                count,
                key,
            )
        ]
    return sample(TEXT, count, key)


def malformed_values(kind, key, count=2):
    """Values of the wrong shape for a field of ``kind``: refused with a message, never a 500."""
    extra = {
        "richtext": [{"data": 123}, {"content-type": "text/x-evil"}, {"data": None, "encoding": "rot13"}],
        "file": [{"data": "%%%not-base64", "encoding": "base64", "filename": None}, {"filename": ["x"]}],
        "date": DATES,
        "list": ["a string, not a list", [None], [[["deep"]]]],
        "choice": UIDS,
    }.get(kind, [])
    return sample(MALFORMED + extra, count, key)


# -- Talking to the site ---------------------------------------------------------------------


class Client:
    """One person's session with the site: HTTP Basic auth with the right password (never a wrong one)."""

    def __init__(self, url, user=None, password=PASSWORD):
        self.url = url
        self.user = user
        self.session = requests.Session()
        if user:
            self.session.auth = (user, password)

    def __repr__(self):
        return self.user or "anonymous"

    def api(self, method, path, body=..., raw=None, params=None, headers=None):
        params = _encoded(params)
        url = f"{self.url}/++api++/{path}".rstrip("/")
        headers = {"Accept": "application/json", **(headers or {})}
        data = raw
        if body is not ...:
            headers.setdefault("Content-Type", "application/json")
            data = json.dumps(body).encode()
        return self.session.request(
            method, url, data=data, params=params, headers=headers, timeout=120, allow_redirects=False
        )

    def page(self, path, method="GET", data=None, params=None):
        params = _encoded(params)
        if data is not None and not isinstance(data, (str, bytes)):
            data = list(_encoded(dict(data)).items()) if isinstance(data, dict) else _encoded_pairs(data)
        url = f"{self.url}/{path}".rstrip("/")
        return self.session.request(method, url, data=data, params=params, timeout=120, allow_redirects=False)


def _encoded(params):
    """Query parameters as bytes: an unpaired surrogate goes as the invalid UTF-8 it becomes."""
    if not params:
        return params
    return {k: v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v for k, v in params.items()}


def _encoded_pairs(pairs):
    return [(k, v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v) for k, v in pairs]


def active(payload):
    """Whether ``payload`` is markup that would act if a page echoed it unescaped.

    Quotes and braces are harmless in text; where they would break out of an
    attribute or a script, the browser suite sees the injected handler run.
    """
    return isinstance(payload, str) and "<" in payload and ("__xss" in payload or "alert(" in payload)


# -- What counts as a failure ----------------------------------------------------------------


class Findings:
    """Every failure of a sweep, so one run reports them all (with how to reproduce each)."""

    def __init__(self):
        self.items = []

    def add(self, what, client, method, url, detail=""):
        self.items.append(f"{what}: {client!r} {method} {url} {detail}".strip())

    def check(self, response, client, label="", secret=False, people=False, reflected=()):
        """A response is no 5xx, no traceback, a 4xx says why, and it leaks nothing it must not."""
        method, url = response.request.method, response.request.url[:200]
        where = f"[{label}]" if label else ""
        body = response.text
        if response.status_code >= 500:
            self.add("5xx", client, method, url, f"{where} -> {response.status_code} {body[:300]!r}")
            return
        if client.user != "admin" and ("Traceback (most recent call last)" in body or '"traceback"' in body):
            self.add("traceback", client, method, url, where)
        empty = not body.strip() and method != "HEAD" and response.status_code != 404
        if 400 <= response.status_code < 500 and empty:
            self.add("4xx without a message", client, method, url, f"{where} -> {response.status_code}")
        if secret and SECRET in body:
            self.add("leak of France's draft", client, method, url, f"{where} -> {response.status_code}")
        if people:
            for name in HIDDEN_PEOPLE:
                if name in body:
                    self.add(f"lists people ({name})", client, method, url, f"{where} -> {response.status_code}")
                    break
        if "html" in response.headers.get("Content-Type", ""):
            for payload in reflected:
                if active(payload) and payload in body:
                    self.add("unescaped payload in HTML", client, method, url, f"{where} {payload!r}")

    def unchanged(self, before, after, client, method, url, label="", ignore=()):
        """Nothing at the watched paths changed (but for ``ignore``: {path: snapshot keys a right may change})."""
        for path, old in before.items():
            skip = dict.fromkeys(ignore.get(path, ()) if ignore else ())
            new = after[path]
            if old is not None and new is not None:
                old, new = (
                    {k: v for k, v in old.items() if k not in skip},
                    {k: v for k, v in new.items() if k not in skip},
                )
            if new != old:
                self.add("a refused request changed something", client, method, url, f"[{label}] {path}")

    def report(self):
        return "\n".join([f"{len(self.items)} failures:", *sorted(set(self.items))])


# -- Discovery: the component registry -------------------------------------------------------


def _registrations(kind, registry):
    """Registrations of the site's registry and every registry below it (test layers stack them)."""
    seen, found = set(), []

    def walk(components):
        if id(components) in seen:
            return
        seen.add(id(components))
        found.extend(getattr(components, kind)())
        for base in components.__bases__:
            walk(base)

    walk(registry)
    return found


def rest_services(portal):
    """Every plone.rest service: {(method, name): [interfaces it is registered for]}."""
    from plone.rest.service import Service
    from zope.component import getSiteManager

    services = {}
    for registration in _registrations("registeredAdapters", getSiteManager(portal)):
        factory = registration.factory
        if not (isinstance(factory, type) and issubclass(factory, Service)) or len(registration.required) != 2:
            continue
        method = getattr(factory, "method", "")
        if not registration.name.startswith(f"{method}_application_json_"):
            continue
        name = registration.name[len(f"{method}_application_json_") :]
        services.setdefault((method, name), []).append(registration.required[0])
        if any(cls.__module__.startswith("missionplace.") for cls in factory.__mro__):
            OURS.add(name)
    return services


# The names of the services our package registers or overrides (filled by rest_services).
OURS = set()


def our_views(portal):
    """The browser pages of the missionplace package: {name: [interfaces]} (not REST services nor viewlets)."""
    from plone.rest.service import Service
    from zope.component import getSiteManager
    from zope.publisher.interfaces.browser import IBrowserRequest

    views = {}
    for registration in _registrations("registeredAdapters", getSiteManager(portal)):
        factory, required = registration.factory, registration.required
        if not registration.name or len(required) != 2 or not required[1].isOrExtends(IBrowserRequest):
            continue
        if not isinstance(factory, type) or issubclass(factory, Service):
            continue
        template = getattr(getattr(factory, "index", None), "filename", "") or ""
        ours = any(cls.__module__.startswith("missionplace.") for cls in factory.__mro__)
        if ours or "/missionplace/" in template:
            views.setdefault(registration.name, []).append(required[0])
    return views


def vocabulary_names(portal):
    from zope.component import getSiteManager
    from zope.schema.interfaces import IVocabularyFactory

    return sorted(
        {
            registration.name
            for registration in _registrations("registeredUtilities", getSiteManager(portal))
            if registration.provided.isOrExtends(IVocabularyFactory) and registration.name
        }
    )


def provides(spec, obj):
    if hasattr(spec, "providedBy"):
        return spec.providedBy(obj)
    return False  # a class-implements specification (e.g. the Zope root's @sites): not on our contexts


# -- Discovery: forms ------------------------------------------------------------------------


def form_of(response, selector="//form[@method='post' or @method='POST']"):
    """The first posting form of a page (lxml), or None."""
    if "html" not in response.headers.get("Content-Type", "") or not response.text.strip():
        return None
    forms = [form for form in html.fromstring(response.content).xpath(selector) if form.xpath(".//*[@name]")]
    return forms[0] if forms else None


def fill(form, key, only="form.widgets.", rounds_values=TEXT):
    """A form's fields as the browser sends them, every field the user types into given a hostile value."""
    data = list(form.form_values())
    hostile = {}
    for index, element in enumerate(form.xpath(".//input|.//textarea")):
        name = element.get("name") or ""
        kind = (element.get("type") or "text").lower() if element.tag == "input" else "textarea"
        if not name.startswith(only) or kind not in ("text", "textarea", "email", "url", "date", "datetime-local"):
            continue
        hostile[name] = pick(rounds_values, f"{key}:{index}:{name}")
    data = [(name, value) for name, value in data if name not in hostile] + list(hostile.items())
    # Unpaired surrogates go as the invalid UTF-8 they become: the server must cope with that too.
    return [(name, value.encode("utf-8", "surrogatepass")) for name, value in data], hostile


# -- The world under attack ------------------------------------------------------------------

PLACE = "en/candiweb"
PATH_SEGMENTS = [
    "fra",
    "../../acl_users",
    "<script>alert(1)</script>",
    "%00",
    "x" * 2000,
    "plone.app.vocabularies.Principals",
    "reject",
    "\u202eadmin",
]
BODIES = [
    {},
    None,
    [],
    "a string",
    12,
    {"nested": {"deeper": {"deepest": [{"x": None}] * 3}}},
    {"title": XSS[0], "text": XSS[1], "description": UNICODE[0]},
    {"@type": "Document", "title": XSS[2], "mission": "fra"},
    {"comment": 123},
    {"comment": ["a"], "transition": {"x": 1}},
    {"principal": ["mission-bra"], "role": {"x": 1}},
    {"principal": "moderator", "role": "Delegate"},
    {"user": "moderator", "function": "editor"},
    {"user": "../../admin", "function": None},
    {"place_type": ["candiweb"], "title": XSS[3]},
    {"policy": "../"},
    {"data": OVERSIZED},
]


def prepare(site):
    """France's secret work in CandiWeb, and the site's objects each service may be called on.

    France's editor drafts a page and a folder (with a page in it) whose every
    field holds SECRET; a moderator rejects the page with a comment holding it.
    """
    portal = site.portal
    fra, moderator = Client(site.url, "editor-fra"), Client(site.url, "moderator")

    def create(container, type_, title):
        body = {
            "@type": type_,
            "title": f"{title} {SECRET}",
            "description": f"About {SECRET}",
            "text": {"data": f"<p>The {SECRET} text</p>", "content-type": "text/html", "encoding": "utf-8"},
        }
        response = fra.api("POST", container, body)
        assert response.status_code == 201, response.text
        return response.json()["@id"].split(f"{site.url}/")[1]

    draft = create(PLACE, "Document", "France draft")
    folder = create(PLACE, "Folder", "France folder")
    inner = create(folder, "Document", "France inner draft")
    assert fra.api("POST", f"{draft}/@workflow/submit", {}).status_code == 200
    response = moderator.api("POST", f"{draft}/@workflow/reject", {"comment": f"Rejected: {SECRET}"})
    assert response.status_code == 200, response.text

    # A comment on the draft too, where discussion allows it (it must follow its item: item 11).
    fra.api("PATCH", draft, {"allow_discussion": True})
    fra.api("POST", f"{draft}/@comments", {"text": f"Comment {SECRET}"})

    catalog = portal.portal_catalog
    place_path = "/".join(portal.getPhysicalPath() + tuple(PLACE.split("/")))

    def first(portal_type):
        brains = sorted(
            catalog.unrestrictedSearchResults(portal_type=portal_type, path=place_path), key=lambda b: b.getPath()
        )
        return (
            portal.unrestrictedTraverse(brains[0].getPath()).absolute_url().split(f"{site.url}/")[1] if brains else None
        )

    contexts = {
        "draft": draft,
        "folder": folder,
        "inner": inner,
        "candidature": first("Candidature"),
        "election": first("Election"),
        "form": first("EasyForm"),
        "room": first("Room"),
        "place": PLACE,
        "language": "en",
        "root": "",
    }
    return {name: path for name, path in contexts.items() if path is not None}


def context_for(portal, contexts, interfaces, prefer=("draft", "candidature", "room", "place", "language", "root")):
    """The first of our contexts (France's draft first) a service or view is registered for, or None."""
    for name in prefer:
        if name not in contexts:
            continue
        obj = portal.unrestrictedTraverse(contexts[name]) if contexts[name] else portal
        if any(provides(spec, obj) for spec in interfaces):
            return name
    return None


# -- Content types: where each is added, and a valid body for it ------------------------------

# Fields whose value decides where or whether the item exists, not what it says: kept valid in the
# hostile rounds (ids get their own hostile values among the extra keys).
KEPT = ("language", "id")
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="  # 1x1
STRING_KINDS = ("text", "richtext", "url", "list")


def addable_types(site, contexts):
    """{type: (person, container)}: where France's editor (else a moderator) may add each type."""
    found = {}
    containers = [PLACE, contexts["room"]]  # the place and one of its rooms
    for user in ("editor-fra", "moderator"):
        client = Client(site.url, user)
        for container in containers:
            response = client.api("GET", f"{container}/@types")
            assert response.status_code == 200, response.text
            for item in response.json():
                if item.get("addable") and item["id"] not in found:
                    found[item["id"]] = (user, container)
    return found


def baseline(client, container, type_, schema):
    """A valid body for ``type_``: every required field given an ordinary value."""
    body = {"@type": type_, "title": f"Adversarial {type_}"}
    for name in schema.get("required", []):
        spec = schema["properties"].get(name, {})
        kind = field_kind(name, spec)
        if name in body:
            continue
        if kind == "url":
            body[name] = "https://example.org/"
        elif kind == "date":
            body[name] = "2026-12-01T10:00:00" if spec.get("widget") == "datetime" else "2026-12-01"
        elif kind == "file":
            body[name] = {"data": PNG, "encoding": "base64", "filename": "x.png", "content-type": "image/png"}
        elif kind == "choice":
            body[name] = first_token(client, container, spec)
        elif kind == "boolean":
            body[name] = False
        else:
            body[name] = "Adversarial"
    return body


def first_token(client, container, spec):
    if spec.get("enum"):
        return spec["enum"][0]
    url = spec.get("vocabulary", {}).get("@id", "")
    name = url.rsplit("/", 1)[-1]
    response = client.api("GET", f"{container}/@vocabularies/{name}", params={"b_size": 1})
    items = response.json().get("items", []) if response.status_code == 200 else []
    return items[0]["token"] if items else None


def hostile_bodies(client, container, type_, rounds, marker=""):
    """Bodies for ``type_`` with well-typed hostile values in every string field (title prefixed by ``marker``)."""
    response = client.api("GET", f"{container}/@types/{type_}")
    assert response.status_code == 200, response.text
    schema = response.json()
    base = baseline(client, container, type_, schema)
    bodies = []
    for round_ in range(rounds):
        body = dict(base)
        for name, spec in schema["properties"].items():
            kind = field_kind(name, spec)
            if kind in STRING_KINDS and not spec.get("readonly") and name not in KEPT:
                if kind == "list" and spec.get("items", {}).get("vocabulary"):
                    continue  # references to other items (relatedItems): a wrong one refuses the item
                values = hostile_values(kind, f"{type_}:{name}", count=6)
                if kind == "list":
                    values = [[value] for value in sample(XSS, 6, f"{type_}:{name}")]
                body[name] = values[round_ % len(values)]
        body["title"] = f"{marker}{body['title']}"
        bodies.append(body)
    return schema, base, bodies
