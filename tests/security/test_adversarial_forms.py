"""Our browser views, the add and edit forms of every type and every easyform, attacked as every kind of person.

Our views are the browser pages the component registry holds for classes or
templates of the missionplace package; the add and edit forms and the
easyforms are read from their own HTML (every field a user types into gets a
hostile value, the CSRF token is the poster's own).  No answer is a 5xx, none
echoes a payload unescaped, none shows France's draft to an outsider, and no
post by an outsider changes France's work or the place.
"""

from adversarial import addable_types
from adversarial import Client
from adversarial import context_for
from adversarial import fill
from adversarial import Findings
from adversarial import form_of
from adversarial import FULL
from adversarial import our_views
from adversarial import OUTSIDERS
from adversarial import PERSONAS
from adversarial import pick
from adversarial import prepare
from adversarial import PROBE
from adversarial import sample
from adversarial import TEXT
from lxml import html
from support import is_refusal
from support import snapshot
import transaction


# Parameters our views read (besides the fields of their own forms).
PARAMETERS = (
    "place",
    "mission",
    "type",
    "language",
    "sort_on",
    "sort_order",
    "b_start",
    "b_size",
    "SearchableText",
    "comment",
    "workflow_action",
    "transition",
    "principal",
    "role",
    "user",
    "function",
    "policy",
    "came_from",
    "election",
    "organ",
)
PREFER = ("draft", "candidature", "election", "form", "room", "place", "language", "root")


def buttons(form):
    """The form's submit buttons, as a browser sends the first one clicked."""
    found = form.xpath(".//input[@type='submit'][@name]|.//button[@type='submit'][@name]|.//button[not(@type)][@name]")
    return [(found[0].get("name"), found[0].get("value") or "Submit")] if found else []


def test_our_views_as_every_person(site):
    portal = site.portal
    contexts = prepare(site)
    findings = Findings()
    views = our_views(portal)
    assert {"review-queue", "members", "review-transition", "place"} <= set(views), sorted(views)
    transaction.abort()
    watched = [contexts["draft"], contexts["inner"], contexts["place"]]
    for name in sorted(views):
        context = context_for(portal, contexts, views[name], PREFER)
        if context is None:
            continue
        path = f"{contexts[context]}/@@{name}".lstrip("/")
        moderator_form = form_of(Client(site.url, "moderator").page(path))
        own = sorted({e.get("name") for e in moderator_form.xpath(".//*[@name]")}) if moderator_form is not None else []
        # Each view read by one person and posted to by an outsider, chosen per view (all of them in a full run).
        readers = PERSONAS if FULL else [pick(PERSONAS, f"reader:{name}")]
        posters = (*OUTSIDERS, "editor-fra") if FULL else [pick(OUTSIDERS, f"poster:{name}")]
        for user in dict.fromkeys([*readers, *posters]):
            client = Client(site.url, user)
            key = f"view:{name}:{user}"
            params = {k: pick([*TEXT, "-1", "1e9", PROBE], f"{key}:{k}") for k in (*PARAMETERS, *own)}
            outsider = user in OUTSIDERS
            if user in readers:
                response = client.page(path, params=params)
                findings.check(response, client, name, secret=outsider, people=user is None, reflected=params.values())
            if user not in posters:
                continue  # posts by the Secretariat and France's focal point may change things rightly
            form = form_of(client.page(path))
            if form is not None:
                data, hostile = fill(form, key, only="")
                data += buttons(form)
            else:
                data, hostile = list(params.items()), params
            before = {p: snapshot(portal, p) for p in watched} if outsider else {}
            response = client.page(path, method="POST", data=data)
            findings.check(response, client, f"{name} POST", secret=outsider, reflected=hostile.values())
            if outsider:
                after = {p: snapshot(portal, p) for p in watched}
                findings.unchanged(before, after, client, "POST", path, name)
    assert not findings.items, findings.report()


def test_add_and_edit_forms_of_every_type(site):
    portal = site.portal
    contexts = prepare(site)
    findings = Findings()
    for type_, (user, container) in sorted(addable_types(site, contexts).items()):
        client = Client(site.url, user)
        path = f"{container}/++add++{type_}"
        response = client.page(path)
        findings.check(response, client, type_)
        form = form_of(response, "//form[@id='form']")
        if form is None:
            findings.add("no add form", client, "GET", path)
            continue
        for round_ in range(6 if FULL else 1):
            data, hostile = fill(form, f"add:{type_}:{round_}")
            response = client.page(path, method="POST", data=[*data, ("form.buttons.save", "Save")])
            findings.check(response, client, f"++add++{type_}", reflected=hostile.values())
    # France's draft's edit form: France's editor saves hostile values; outsiders get nothing and change nothing.
    fra = Client(site.url, "editor-fra")
    edit = f"{contexts['draft']}/@@edit"
    form = form_of(fra.page(edit), "//form[@id='form']")
    assert form is not None
    data, hostile = fill(form, "edit:editor-fra")
    response = fra.page(edit, method="POST", data=[*data, ("form.buttons.save", "Save")])
    findings.check(response, fra, "@@edit", reflected=hostile.values())
    watched = [contexts["draft"], contexts["inner"]]
    for user in OUTSIDERS:
        client = Client(site.url, user)
        data, hostile = fill(form, f"edit:{user}")
        token = own_token(client)
        data = [(k, v) for k, v in data if k != "_authenticator"] + ([("_authenticator", token)] if token else [])
        posts = [
            ("POST", [*data, ("form.buttons.save", "Save")]),
            ("POST", [*valid_utf8(data), ("form.buttons.save", "Save")]),
        ]
        for method, payload in (("GET", None), *posts):
            before = {p: snapshot(portal, p) for p in watched}
            response = client.page(edit, method=method, data=payload)
            after = {p: snapshot(portal, p) for p in watched}
            findings.check(response, client, "@@edit", secret=True)
            # Text that is not UTF-8 among the values is refused before anything else, for anyone: a 400.
            not_utf8 = response.status_code == 400 and "not valid text (UTF-8)" in response.text
            if not (is_refusal(response, (401, 403, 404)) or not_utf8):
                findings.add("not refused", client, method, edit, str(response.status_code))
            findings.unchanged(before, after, client, method, edit, "@@edit")
    assert not findings.items, findings.report()


def valid_utf8(data):
    """The same values with unpaired surrogates replaced: what reaches the permission check."""

    def clean(value):
        if isinstance(value, bytes):
            return value.decode("utf-8", "surrogatepass").encode("utf-8", "replace")
        return value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value

    return [(name, clean(value)) for name, value in data]


def own_token(client):
    """The poster's own CSRF token, from a form the site renders for them (None for the anonymous visitor)."""
    if client.user is None:
        return None
    response = client.page("en/@@personal-information")
    found = html.fromstring(response.content).xpath("//input[@name='_authenticator']/@value") if response.text else []
    return found[0] if found else None


def test_every_easyform_as_every_person(site):
    portal = site.portal
    contexts = prepare(site)
    findings = Findings()
    root = "/".join(portal.getPhysicalPath())
    transaction.abort()
    forms = sorted(
        brain.getPath()[len(root) + 1 :]
        for brain in portal.portal_catalog.unrestrictedSearchResults(portal_type="EasyForm", path=f"{root}/en")
    )
    assert any(path.endswith("request-an-account") for path in forms), forms
    watched = [contexts["draft"], contexts["inner"]]
    for path in forms:
        posters = PERSONAS if FULL else sample(PERSONAS, 3, f"posters:{path}")  # who posts it this run; all read it
        for user in PERSONAS:
            client = Client(site.url, user)
            response = client.page(path)
            findings.check(response, client, path, secret=user in OUTSIDERS)
            form = form_of(response, "//form[contains(@class, 'easyformForm')]")
            if response.status_code != 200 or form is None or user not in posters:
                continue
            for round_ in range(3 if FULL else 1):
                data, hostile = fill(form, f"easyform:{path}:{user}:{round_}")
                before = {p: snapshot(portal, p) for p in watched}
                response = client.page(path, method="POST", data=[*data, *buttons(form)])
                after = {p: snapshot(portal, p) for p in watched}
                findings.check(response, client, path, secret=user in OUTSIDERS, reflected=hostile.values())
                findings.unchanged(before, after, client, "POST", path, "easyform")
    assert not findings.items, findings.report()


# Plone's own pages that list or find content, and France's draft itself.
PAGES = (
    "en/@@search?SearchableText={probe}",
    "en/@@search?SearchableText={probe}&portal_type=Discussion%20Item",
    "{place}",
    "{place}/folder_contents",
    "{room}",
    "{draft}",
    "{draft}/@@historyview",
    "{draft}/@@plone_context_state/object_title",
    "{draft}/view",
    "{folder}/{inner_id}",
    "en/@@review-queue",
    "en/@@our-work",
    "en/RSS",
    "en/sitemap",
)


def test_pages_show_outsiders_nothing_of_france_s_draft(site):
    contexts = prepare(site)
    findings = Findings()
    values = {**contexts, "probe": PROBE, "inner_id": contexts["inner"].rsplit("/", 1)[1]}
    for user in OUTSIDERS:
        client = Client(site.url, user)
        for template in PAGES:
            response = client.page(template.format(**values))
            findings.check(response, client, template, secret=True, people=user is None)
    assert not findings.items, findings.report()
