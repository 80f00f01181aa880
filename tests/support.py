"""Talking to a test server as the real users: REST calls and pages."""

import requests
import transaction


PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password


class Site:
    def __init__(self, layer):
        self.url = f"http://{layer['host']}:{layer['port']}/{layer['portal'].getId()}"
        self.portal = layer["portal"]

    def api(self, method, path, user=None, **kwargs):
        auth = (user, PASSWORD) if user else None
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        kwargs.setdefault("allow_redirects", False)  # a refusal is never followed to a login page
        return requests.request(method, f"{self.url}/++api++/{path}", auth=auth, headers=headers, timeout=60, **kwargs)

    def page(self, path, user=None, method="GET", **kwargs):
        auth = (user, PASSWORD) if user else None
        return requests.request(method, f"{self.url}/{path}", auth=auth, timeout=60, allow_redirects=False, **kwargs)

    def post(self, path, user=None, **kwargs):
        """A form post, as the browser sends it (the CSRF token is the caller's)."""
        auth = (user, PASSWORD) if user else None
        return requests.post(f"{self.url}/{path}", auth=auth, timeout=60, allow_redirects=False, **kwargs)

    def path_of(self, url):
        """The site-relative path of an item's URL (as REST answers it)."""
        return url.split(f"{self.url}/")[1]

    def draft(self, user, place="en/candiweb", title="Our draft"):
        """A new page drafted by ``user`` over REST; its path."""
        response = self.api("POST", place, user, json={"@type": "Document", "title": title})
        assert response.status_code == 201, response.text
        return self.path_of(response.json()["@id"])


# -- Refusals -----------------------------------------------------------------------------------
# One helper for every negative test: a refused request is never followed,
# its status is a refusal (or a redirect to the login page, not any 302), and
# the item it aimed at is exactly as it was before.

REFUSAL_STATUSES = (401, 403)


def is_refusal(response, statuses=REFUSAL_STATUSES):
    """REST's 401/403, or a page's redirect to the login form; redirects are never followed."""
    if response.status_code in statuses:
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (302, 303) and ("/login" in location or "require_login" in location)


def snapshot(portal, path):
    """What a refused request must not change: an item's fields, state, local roles, members and contents.

    Read from the database as the server committed it (the test's own view is
    refreshed first); None when there is no item at ``path``.
    """
    from Acquisition import aq_base
    from plone.dexterity.utils import iterSchemata

    transaction.abort()
    obj = portal.unrestrictedTraverse(path, None)
    if obj is None or not hasattr(aq_base(obj), "portal_type"):
        return None  # gone (a view of the same name may be acquired in its place)
    found = {"modified": repr(obj.modified()) if hasattr(aq_base(obj), "modified") else None}
    try:
        schemata = list(iterSchemata(obj))
    except TypeError:  # not a dexterity item
        schemata = []
    found["fields"] = {name: _field_value(schema, name, obj) for schema in schemata for name in schema}
    workflow = portal.portal_workflow
    found["state"] = {wf: repr(workflow.getStatusOf(wf, obj)) for wf in workflow.getChainFor(obj)}
    found["local_roles"] = sorted((p, tuple(sorted(r))) for p, r in obj.get_local_roles())
    membership = getattr(aq_base(obj), "_missionplace_membership", None)
    found["members"] = sorted(membership.members.items()) if membership is not None else None
    found["contents"] = sorted(obj.objectIds()) if hasattr(aq_base(obj), "objectIds") else None
    return found


def _field_value(schema, name, obj):
    """A field's value as its schema reads it (through the behavior's adapter: the publication dates too)."""
    from Acquisition import aq_base
    from z3c.relationfield.interfaces import IRelationValue

    try:
        value = schema[name].get(schema(obj))
    except (AttributeError, TypeError, LookupError):
        value = getattr(aq_base(obj), name, None)
    # A relation by what it points to: its repr names only the Python object.
    return repr(("relation", value.to_path) if IRelationValue.providedBy(value) else value)


def assert_refused(portal, paths, attempt, statuses=REFUSAL_STATUSES):
    """``attempt()`` (a request made with redirects off) is refused and changes nothing at ``paths``."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    before = {path: snapshot(portal, path) for path in paths}
    response = attempt()
    assert not response.history, "a refusal test must not follow redirects"
    assert is_refusal(response, statuses), f"not refused: {response.status_code} {response.text[:300]}"
    after = {path: snapshot(portal, path) for path in paths}
    for path in paths:
        assert after[path] == before[path], f"a refused request changed {path}:\n{before[path]}\n!=\n{after[path]}"
    return response
