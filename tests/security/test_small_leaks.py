"""Smaller leaks (issue 9, item 10): public helper views, the history's approvers and comments, posted fields in links.

(a) Plone's helper views are public: ``<draft>/@@plone_context_state/object_title``
    gave anyone a draft's title, ``.../workflow_state`` its state, and a dozen
    other views (breadcrumbs, sitemap, contact form...) its title.  Every view
    registered for any item, and each of its methods, is tried on a draft.
(b) Every approval saves a version with the approver and the approval comment:
    readers of the page see its versions, not who approved them and why,
    unless they may "see history" (the owning mission and the moderators).
(c) The language selector copied the posted form, CSRF token included, into
    its links.
"""

from html import unescape
from lxml import html
from plone import api
from plone.app.testing import login
from zope.component import getSiteManager
from zope.interface import Interface
from zope.publisher.interfaces.browser import IBrowserRequest
import pytest
import re
import requests
import support
import transaction


SECRET_TITLE = "Zqx confidential candidature strategy"  # noqa: S105 - a title, not a password


def registries(registry):
    yield registry
    for base in registry.__bases__:
        yield from registries(base)


def views_for_any_item(portal):
    """{name: [names of its methods published by URL]} of every browser view registered for any object."""
    found = {}
    for registry in registries(getSiteManager(portal)):
        for registration in registry.registeredAdapters():
            required = registration.required
            if len(required) != 2 or required[0] is not Interface or not registration.name:
                continue
            if not required[1].isOrExtends(IBrowserRequest):
                continue
            factory = registration.factory
            methods = [n[: -len("__roles__")] for n in dir(factory) if n.endswith("__roles__") and n != "__roles__"]
            found.setdefault(registration.name, set()).update(m for m in methods if not m.startswith("_"))
    return found


@pytest.fixture
def secret_draft(site):
    """France's draft in CandiWeb, with a title nobody else may read."""
    portal = site.portal
    login(portal, "editor-fra")
    api.content.create(container=portal["en"]["candiweb"], type="Document", id="strategy", title=SECRET_TITLE)
    transaction.commit()
    return "en/candiweb/strategy"


def test_context_state_of_a_draft_is_refused(site, secret_draft):
    for user in (None, "editor-bra", "delegate-ken"):
        for name in ("object_title", "workflow_state", "view_url", "is_folderish", "actions"):
            path = f"{secret_draft}/@@plone_context_state/{name}"
            response = support.assert_refused(
                site.portal, secret_draft, lambda path=path, user=user: site.page(path, user)
            )
            assert SECRET_TITLE not in response.text
        for path in ("@@plone_portal_state/navigation_root_title", "@@plone_layout/bodyClass", "@@plone_tools/url"):
            support.assert_refused(
                site.portal, secret_draft, lambda path=path, user=user: site.page(f"{secret_draft}/{path}", user)
            )
    # Who may see the draft still can, and the public pages answer everybody.
    assert site.page(f"{secret_draft}/@@plone_context_state/object_title", "editor-fra").text == SECRET_TITLE
    assert site.page(f"{secret_draft}/@@plone_context_state/workflow_state", "moderator").text == "draft"
    assert site.page("en/@@plone_context_state/workflow_state").status_code == 200
    assert site.page("en/candiweb/@@plone_context_state/object_title").status_code in (302, 401)  # a closed place
    assert site.page("en/@@plone_context_state/object_title").status_code == 200


def test_no_view_for_any_item_tells_a_visitor_about_a_draft(site, secret_draft):
    leaks = []
    for name, methods in sorted(views_for_any_item(site.portal).items()):
        for suffix in ["", *(f"/{method}" for method in sorted(methods))]:
            url = f"{site.url}/{secret_draft}/@@{name}{suffix}"
            response = requests.get(url, allow_redirects=False, timeout=60)
            body = unescape(response.text)
            if SECRET_TITLE in body or (response.status_code == 200 and body.strip() in ("draft", "private")):
                leaks.append(f"@@{name}{suffix}: {response.status_code} {body[:80]!r}")
    assert not leaks, "\n".join(leaks)


# -- (b) History -------------------------------------------------------------------------------

APPROVAL = "Approved: the Bureau's reservations noted in confidence"


@pytest.fixture
def approved(site):
    """France's page, approved by the moderator with a comment (which saved a version)."""
    response = site.api("POST", "en/candiweb/elections", "editor-fra", json={"@type": "Document", "title": "Our page"})
    assert response.status_code == 201, response.text
    path = site.path_of(response.json()["@id"])
    assert site.api("POST", f"{path}/@workflow/submit", "editor-fra").status_code == 200
    response = site.api("POST", f"{path}/@workflow/approve", "moderator", json={"comment": APPROVAL})
    assert response.status_code == 200, response.text
    return path


HISTORY_PAGES = ("@@historyview", "@@contenthistory", "@@contenthistorypopup", "versions_history_form")
# The pages a reader opens (the others are parts of them).
READER_PAGES = ("@@historyview", "versions_history_form")


def test_readers_see_the_versions_not_who_approved_them_and_why(site, approved):
    history = site.api("GET", f"{approved}/@history", "delegate-ken")
    assert history.status_code == 200
    entries = history.json()
    versions = [entry for entry in entries if entry["type"] == "versioning"]
    assert versions, entries
    assert {entry["type"] for entry in entries} == {"versioning"}
    assert APPROVAL not in history.text
    assert "moderator" not in history.text.lower()
    assert all(entry["actor"] is None and entry["comments"] == "" for entry in versions)
    # Each version itself is readable, without the comment.
    version = site.api("GET", f"{approved}/@history/{versions[0]['version']}", "delegate-ken")
    assert version.status_code == 200
    assert APPROVAL not in version.text
    for page in HISTORY_PAGES:
        response = site.page(f"{approved}/{page}", "delegate-ken")
        assert response.status_code == 200 or page not in READER_PAGES, page
        text = unescape(response.text)
        assert APPROVAL not in text, page
        assert "Secretariat Moderator" not in text, page
    users = html.fromstring(site.page(f"{approved}/versions_history_form", "delegate-ken").content)
    assert [cell.text_content().strip() for cell in users.cssselect("td.VersionUser")] == [""] * len(versions)


@pytest.mark.parametrize("user", ["editor-fra", "moderator"])
def test_who_may_see_history_sees_the_approver_and_the_comment(site, approved, user):
    entries = site.api("GET", f"{approved}/@history", user).json()
    versions = [entry for entry in entries if entry["type"] == "versioning"]
    assert versions[0]["comments"] == APPROVAL
    assert versions[0]["actor"]["id"] == "moderator"
    for page in READER_PAGES:
        response = site.page(f"{approved}/{page}", user)
        assert response.status_code == 200, page
        assert APPROVAL in unescape(response.text), page
        assert "moderator" in unescape(response.text).lower(), page


def test_other_missions_and_visitors_see_no_history_of_a_draft(site, secret_draft):
    for user in (None, "editor-bra", "delegate-ken"):
        support.assert_refused(
            site.portal, secret_draft, lambda user=user: site.api("GET", f"{secret_draft}/@history", user)
        )
        for page in HISTORY_PAGES:
            support.assert_refused(
                site.portal, secret_draft, lambda page=page, user=user: site.page(f"{secret_draft}/{page}", user)
            )


# -- (c) The language selector -----------------------------------------------------------------


def selector_links(response):
    return [unescape(a.get("href")) for a in html.fromstring(response.content).cssselect("#portal-languageselector a")]


def authenticator(site, user):
    page = site.page("en/@@personal-information", user)
    return re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)


def test_posted_fields_never_reach_the_language_links(site):
    token = authenticator(site, "editor-fra")
    posted = {"_authenticator": token, "form.widgets.secret": "Zq-posted-value"}
    response = site.page("en/candiweb?keep=yes", "editor-fra", method="POST", data=posted)
    assert response.status_code == 200, response.status_code
    links = selector_links(response)
    assert len(links) == 6, links
    for link in links:
        assert token not in link
        assert "_authenticator" not in link
        assert "Zq-posted-value" not in link
        assert "keep=yes" in link  # the address's own query is kept
    # Nor a token given in the address.
    for link in selector_links(site.page(f"en/candiweb?_authenticator={token}&keep=yes", "editor-fra")):
        assert token not in link
        assert "keep=yes" in link
    # The selector's redirect neither.
    french = next(link for link in links if "/fr" in link)
    redirect = requests.post(
        french, data=posted, auth=("editor-fra", support.PASSWORD), allow_redirects=False, timeout=60
    )
    assert redirect.status_code in (301, 302, 303)
    assert token not in redirect.headers["Location"]
    assert "Zq-posted-value" not in redirect.headers["Location"]
