"""Every REST service, found in the component registry, attacked as every kind of person.

Outsiders (the anonymous visitor, Kenya's delegate, Brazil's editor) call each
service on France's draft (or the nearest context it is registered for) with
leak probes and hostile parameters, bodies and path segments: no answer is a
5xx or carries a traceback, none contains a word of France's draft or its
review comment, the anonymous visitor is shown no list of people, and no write
changes France's work (nor, for those who may add nothing, the place).
Insiders send malformed input to the services our package registers or
overrides: a 4xx with a message, never a 500.
"""

from adversarial import BODIES
from adversarial import Client
from adversarial import context_for
from adversarial import Findings
from adversarial import FULL
from adversarial import INSIDERS
from adversarial import OURS
from adversarial import OUTSIDERS
from adversarial import PATH_SEGMENTS
from adversarial import pick
from adversarial import prepare
from adversarial import PROBE
from adversarial import rest_services
from adversarial import sample
from adversarial import TEXT
from adversarial import vocabulary_names
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from support import snapshot
import transaction


WRITES = ("POST", "PATCH", "PUT", "DELETE")
QUERY_KEYS = ("sort_on", "sort_order", "b_start", "b_size", "place", "mission", "type", "language", "path", "expand")


def order(key):
    method, name = key
    return (method == "DELETE", method != "GET", name)  # reads first, deletions last


def test_discovery_sees_the_services_our_package_registers(site):
    services = rest_services(site.portal)
    ours = {key for key in services if key[1] in OURS}
    # A few we know of: if discovery missed them, the sweeps below would pass on nothing.
    assert {("GET", "@review-queue"), ("POST", "@members"), ("POST", "@mission-staff"), ("GET", "")} <= set(services)
    assert {("POST", "@members"), ("PATCH", "@publication-policy"), ("GET", "@workflow")} <= ours
    assert len(services) > 80
    assert "plone.app.vocabularies.Principals" in vocabulary_names(site.portal)


def test_every_service_as_outsiders_leaks_nothing_and_changes_nothing(site):
    portal = site.portal
    contexts = prepare(site)
    findings = Findings()
    services = rest_services(portal)
    transaction.abort()
    watched = {name: contexts[name] for name in ("draft", "inner", "place", "room")}
    for method, name in sorted(services, key=order):
        interfaces = services[(method, name)]
        first = context_for(portal, contexts, interfaces)
        # Reads also where they search or list: the language root (its catalog holds France's draft);
        # writes also on the place and a room (which no outsider may change or delete).
        others = [("language",)] if method == "GET" else [("place",), ("room",)]
        targets = [
            c for c in dict.fromkeys([first, *(context_for(portal, contexts, interfaces, o) for o in others)]) if c
        ]
        for context, (index, user) in [(c, pair) for c in targets for pair in enumerate(OUTSIDERS)]:
            client = Client(site.url, user)
            key = f"{method}:{name}:{user}"
            path = f"{contexts[context]}/{name}".strip("/")
            # Half the calls add a hostile path parameter (all of them in a full run).
            suffixes = [None, pick(PATH_SEGMENTS, key)] if FULL else [pick([None, pick(PATH_SEGMENTS, key)], key + "s")]
            for suffix in suffixes:
                target = f"{path}/{suffix}" if suffix else path
                if method == "GET":
                    params = {"SearchableText": PROBE, "title": PROBE, "fullobjects": "1", "metadata_fields": "_all"}
                    if index != 2:  # Brazil's editor probes for leaks with clean parameters, the others attack too
                        params.update({k: pick([*TEXT, "-1", "1e9"], f"{key}:{k}") for k in QUERY_KEYS})
                    response = client.api("GET", target, params=params)
                    findings.check(response, client, context, secret=True, people=user is None)
                    continue
                # What the write may not change: France's work, the place and the room (Brazil's editor may
                # add to them: what they hold and when they changed are hers to change there).
                paths = list(watched.values())
                may_add = ("contents", "modified") if user == "editor-bra" and method == "POST" else ()
                ignore = {watched["place"]: may_add, watched["room"]: may_add}
                before = {p: snapshot(portal, p) for p in paths}
                for body in sample(BODIES, 1, key):
                    response = client.api(method, target, body)
                    findings.check(response, client, f"{context} {repr(body)[:80]}", secret=True, people=user is None)
                after = {p: snapshot(portal, p) for p in paths}
                findings.unchanged(before, after, client, method, response.request.url[:200], context, ignore)
    assert not findings.items, findings.report()


def test_every_vocabulary_as_outsiders(site):
    """No vocabulary lists people to the anonymous visitor, nor France's draft to anyone outside France."""
    contexts = prepare(site)
    findings = Findings()
    names = vocabulary_names(site.portal)
    for user in OUTSIDERS:
        client = Client(site.url, user)
        chosen = names if user is None else sample(names, 25, f"vocabularies:{user}")
        for name in chosen:
            for context in ("root", "place") if user else ("root",):
                response = client.api(
                    "GET",
                    f"{contexts[context]}/@vocabularies/{name}".strip("/"),
                    params={"title": PROBE, "b_size": 200},
                )
                findings.check(response, client, name, secret=True, people=user is None)
    assert not findings.items, findings.report()


def test_our_services_answer_malformed_input_with_a_message(site):
    """The services our package registers or overrides, sent malformed input by those who may use them."""
    portal = site.portal
    contexts = prepare(site)
    findings = Findings()
    services = rest_services(portal)
    ours = set(OURS)
    transaction.abort()
    people = [Client(site.url, user) for user in INSIDERS]
    people.append(Client(site.url, SITE_OWNER_NAME, SITE_OWNER_PASSWORD))
    for method, name in sorted(services, key=order):
        if name not in ours:
            continue
        context = context_for(portal, contexts, services[(method, name)])
        if context is None:
            continue
        path = f"{contexts[context]}/{name}".strip("/")
        for client in people:
            key = f"insider:{method}:{name}:{client!r}"
            if method == "GET":
                params = {k: pick([*TEXT, "-1", "1e9", ""], f"{key}:{k}") for k in QUERY_KEYS}
                findings.check(client.api("GET", path, params=params), client, context)
                findings.check(client.api("GET", f"{path}/{pick(PATH_SEGMENTS, key)}"), client, context)
                continue
            for body in sample([b for b in BODIES if b != {}], 2, key):
                # Never a real deletion here: a hostile path parameter names nothing that exists.
                suffix = pick(PATH_SEGMENTS[1:], key) if method == "DELETE" else pick([None, *PATH_SEGMENTS[1:]], key)
                target = f"{path}/{suffix}" if suffix else path
                findings.check(client.api(method, target, body), client, f"{context} {repr(body)[:80]}")
    assert not findings.items, findings.report()
