"""Every field of every content type, as plone.restapi's ``@types`` schema describes it, attacked over REST.

The types and the containers they are added to come from the running site
(``@types`` of the place and of each of its rooms, as France's editor and as a
moderator); the fields and their kinds from ``@types/<type>``.  Each type gets
well-typed hostile values (script vectors, unicode tricks, traversal, 1 MB
strings: stored safely or refused), then malformed ones (wrong JSON types,
nulls, nested objects, invalid dates and UIDs: a 4xx with a message), and
never a 500.  The outsiders then send the same to France's draft and folder:
refused, and nothing changes.
"""

from adversarial import addable_types
from adversarial import baseline
from adversarial import Client
from adversarial import field_kind
from adversarial import Findings
from adversarial import FULL
from adversarial import hostile_values
from adversarial import KEPT
from adversarial import malformed_values
from adversarial import OUTSIDERS
from adversarial import OVERSIZED
from adversarial import prepare
from adversarial import sample
from adversarial import STRING_KINDS
from adversarial import TRAVERSAL
from adversarial import UIDS
from support import is_refusal
from support import snapshot


def short(body):
    return {k: (repr(v)[:40] + "...") if len(repr(v)) > 40 else v for k, v in body.items()}


def test_every_field_of_every_type(site):
    contexts = prepare(site)
    findings = Findings()
    types = addable_types(site, contexts)
    assert {"Document", "Folder", "Link", "File", "Image"} <= set(types), types  # discovery found the ordinary types
    created = []
    oversized = sample(sorted(types), 2, "oversized")  # 1 MB values are slow to store: two types a run
    for type_, (user, container) in sorted(types.items()):
        client = Client(site.url, user)
        response = client.api("GET", f"{container}/@types/{type_}")
        findings.check(response, client, type_)
        if response.status_code != 200:
            continue
        schema = response.json()
        fields = {
            name: field_kind(name, spec)
            for name, spec in schema["properties"].items()
            if not spec.get("readonly") and name != "language"
        }
        base = baseline(client, container, type_, schema)
        bodies = []
        # Well-typed hostile values in every string field at once: stored safely, or refused.
        for round_ in range(6 if FULL else 2):
            body = dict(base)
            for name, kind in fields.items():
                if kind in STRING_KINDS and name not in KEPT:
                    values = hostile_values(kind, f"{type_}:{name}", count=6)
                    body[name] = values[round_ % len(values)]
            bodies.append(("hostile", body))
        # The other kinds (a bad date or token refuses the whole item, which plone.restapi checks field by field).
        others = {name: kind for name, kind in fields.items() if kind not in STRING_KINDS}
        for name in others if FULL else [None]:
            body = dict(base)
            for other, other_kind in others.items():
                if name in (None, other):
                    body[other] = hostile_values(other_kind, f"{type_}:{other}", count=1)[0]
            bodies.append((f"hostile {name or 'others'}", body))
        # Malformed values in every field at once: plone.restapi checks them all.
        for round_ in range(11 if FULL else 2):
            body = dict(base)
            for name, kind in fields.items():
                values = malformed_values(kind, f"{type_}:{name}", count=11)
                body[name] = values[round_ % len(values)]
            bodies.append(("malformed", body))
        # 1 MB in every string field but the title, then in the title.
        strings = {name: OVERSIZED for name, kind in fields.items() if kind in ("text", "richtext") and name != "title"}
        if type_ in oversized:
            bodies += [("oversized", {**base, **strings}), ("oversized title", {**base, "title": OVERSIZED})]
        # Keys no schema lists but the site reads.
        for extra in sample(
            [
                {"mission": ["fra"]},
                {"mission": {"nested": "fra"}},
                {"mission": TRAVERSAL[0]},
                {"mission": None},
                {"id": TRAVERSAL[0]},
                {"id": "acl_users"},
                {"@type": ["Document"]},
                {"UID": UIDS[0]},
                {"review_state": "published"},
                {"parent": {"@id": "/plone"}},
            ],
            2,
            type_,
        ):
            bodies.append(("extra", {**base, **extra}))
        for label, body in bodies:
            response = client.api("POST", container, body)
            findings.check(response, client, f"{type_} {label} {short(body)}")
            if response.status_code == 201 and not label.startswith("oversized"):
                created.append((client, response.json()["@id"].split(f"{site.url}/")[1], type_, label, body))
    # What was stored is served safely: its JSON and its page, as its author sees them.
    for client, path, type_, label, body in created:
        payloads = [v for v in body.values() if isinstance(v, str)] + [
            v["data"] for v in body.values() if isinstance(v, dict) and isinstance(v.get("data"), str)
        ]
        findings.check(client.api("GET", path), client, type_)
        if label == "hostile":  # the pages of items holding script vectors (the browser suite runs them)
            findings.check(client.page(path), client, type_, reflected=payloads)
        state = client.api("GET", f"{path}/@workflow")
        if state.status_code == 200 and state.json().get("review_state") not in ("private", "draft", None):
            findings.add("a new item is not a draft", client, "POST", path, state.json().get("review_state"))
    assert not findings.items, findings.report()


def test_outsiders_write_no_field_of_france_s_work(site):
    portal = site.portal
    contexts = prepare(site)
    findings = Findings()
    fra = Client(site.url, "editor-fra")
    types = {
        type_: spec for type_, spec in addable_types(site, contexts).items() if spec[0] == "editor-fra"
    }  # what France's editor may add
    watched = [contexts["draft"], contexts["folder"], contexts["inner"]]
    for user in OUTSIDERS:
        client = Client(site.url, user)
        for type_, (_user, container) in sorted(types.items()):
            schema = fra.api("GET", f"{container}/@types/{type_}").json()
            body = baseline(fra, container, type_, schema)
            for name, spec in schema["properties"].items():
                kind = field_kind(name, spec)
                if kind in STRING_KINDS and name != "title":
                    body[name] = hostile_values(kind, f"{user}:{type_}:{name}", count=1)[0]
            attempts = [("POST", contexts["folder"], body)]
            if type_ == "Document":
                attempts += [("PATCH", contexts["draft"], body), ("PATCH", contexts["inner"], body)]
            for method, path, payload in attempts:
                before = {p: snapshot(portal, p) for p in watched}
                response = client.api(method, path, payload)
                after = {p: snapshot(portal, p) for p in watched}
                findings.check(response, client, type_, secret=True)
                if not is_refusal(response, (401, 403, 404)):
                    findings.add("not refused", client, method, path, f"{type_} -> {response.status_code}")
                findings.unchanged(before, after, client, method, path, type_)
    assert not findings.items, findings.report()
