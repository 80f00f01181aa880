"""Working copies and history: a published page is revised through a copy, as the demo users do it.

Over HTTP (REST API and pages) as the real accounts, password "demo": France's
editor revises a page France published in CandiWeb, the moderator reviews the
differences, rejects, then approves; Kenya's delegate keeps reading the
approved text until then; Brazil's editor, the delegate and visitors cannot
revise it.  The integration tests check what the HTTP ones cannot see.
"""

from lxml import html
from missionplace.review import workingcopy
from plone import api
from plone.app.iterate.interfaces import ICheckinCheckoutPolicy
from plone.app.iterate.interfaces import IWorkingCopy
from plone.app.multilingual.interfaces import ITranslationManager
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.textfield.value import RichTextValue
from Products.CMFCore.WorkflowCore import WorkflowException
from support import PASSWORD
import pytest
import support
import transaction


ROOM = "en/candiweb/elections"
APPROVED_TEXT = "<p>France presents its candidature to the Human Rights Council.</p>"
REVISED_TEXT = "<p>France presents its candidature to the Human Rights Council for 2028-2030.</p>"


class Site(support.Site):
    def act(self, path, action, user, comment=""):
        return self.api("POST", f"{path}/@workflow/{action}", user, json={"comment": comment} if comment else {})

    def published_page(self):
        """A page France's editor wrote and the moderator approved."""
        response = self.api(
            "POST",
            ROOM,
            "editor-fra",
            json={
                "@type": "Document",
                "title": "Candidature of France",
                "description": "To the Human Rights Council",
                "text": {"data": APPROVED_TEXT, "content-type": "text/html", "encoding": "utf-8"},
            },
        )
        assert response.status_code == 201, response.text
        path = self.path_of(response.json()["@id"])
        assert self.act(path, "submit", "editor-fra").status_code == 200
        assert self.act(path, "approve", "moderator", "Approved as submitted").status_code == 200
        return path

    def check_out(self, path, user="editor-fra"):
        response = self.api("POST", f"{path}/@workingcopy", user)
        assert response.status_code == 201, response.text
        return self.path_of(response.json()["@id"])

    def text(self, path, user):
        response = self.api("GET", path, user)
        assert response.status_code == 200, (path, user, response.status_code)
        return response.json()["text"]["data"]


@pytest.fixture
def site(demo_server):
    """The demo site over HTTP (as ../conftest.py's), with this file's helpers."""
    transaction.commit()
    return Site(demo_server)


# -- Who may revise ---------------------------------------------------------------


@pytest.mark.parametrize("user", ["editor-bra", "delegate-ken", None])
def test_only_the_owning_mission_and_moderators_revise(site, user):
    path = site.published_page()
    response = site.api("POST", f"{path}/@workingcopy", user)
    assert response.status_code in ((401,) if user is None else (401, 403)), response.text
    assert site.api("GET", f"{path}/@workingcopy", "moderator").json()["working_copy"] is None
    page = site.page(f"{path}/@@content-checkout", user)
    assert page.status_code in (302, 401, 403)
    # Nor does the Actions menu offer it.
    if user:
        assert "iterate_checkout" not in site.page(path, user).text


def test_the_owning_mission_revises_from_the_actions_menu(site):
    path = site.published_page()
    page = site.page(path, "editor-fra")
    assert page.status_code == 200
    assert "@@content-checkout" in page.text
    # Another editor of France may revise it too: the mission owns it.
    assert site.api("POST", f"{path}/@workingcopy", "moderator").status_code == 201


# -- The whole revision -------------------------------------------------------------


def test_revision_through_a_working_copy(site):
    path = site.published_page()
    copy = site.check_out(path)
    assert copy.startswith(f"{ROOM}/")
    data = site.api("GET", copy, "editor-fra").json()
    assert data["review_state"] == "draft"
    assert data["mission"] == {"token": "fra", "title": "France"}
    info = site.api("GET", f"{path}/@workingcopy", "editor-fra").json()
    assert info["working_copy"]["@id"] == f"{site.url}/{copy}"

    # The copy is the mission's draft: invisible to the others.
    for user in ("delegate-ken", "editor-bra", None):
        assert site.api("GET", copy, user).status_code == 401, user
    assert site.page(copy, "delegate-ken").status_code in (302, 401, 403)

    # France edits the copy, never the published page.
    edit = {"text": {"data": REVISED_TEXT, "content-type": "text/html", "encoding": "utf-8"}}
    assert site.api("PATCH", copy, "editor-fra", json=edit).status_code == 204
    assert site.api("PATCH", path, "editor-fra", json=edit).status_code == 401
    assert site.act(copy, "submit", "editor-fra").status_code == 200

    # Readers keep the approved text while the copy is in review, and do not learn of the copy.
    assert site.text(path, "delegate-ken") == APPROVED_TEXT
    assert site.api("GET", path, "delegate-ken").json()["working_copy"] is None
    assert site.api("GET", f"{path}/@workingcopy", "delegate-ken").json()["working_copy"] is None
    assert copy not in site.page(path, "delegate-ken").text
    assert "for 2028-2030" not in site.page(path, "delegate-ken").text
    assert site.api("GET", copy, "delegate-ken").status_code == 401

    # The moderator reviews the differences, over REST and on the page.
    diff = site.api("GET", f"{copy}/@working-copy-diff", "moderator")
    assert diff.status_code == 200, diff.text
    changes = {change["field"]: change for change in diff.json()["changes"]}
    assert changes["text"]["changed"] is True
    assert changes["title"]["changed"] is False
    assert changes["text"]["old"] == APPROVED_TEXT
    assert changes["text"]["new"] == REVISED_TEXT
    inserted = html.fromstring(changes["text"]["diff"]).xpath("//span[@class='insert']//text()")
    assert "2028-2030" in " ".join(inserted)
    assert diff.json()["baseline"]["review_state"] == "published"
    assert diff.json()["working_copy"]["review_state"] == "pending"
    page = site.page(f"{copy}/@@working-copy-diff", "moderator")
    assert page.status_code == 200
    assert [s.get("data-field") for s in html.fromstring(page.content).cssselect(".working-copy-change")] == ["text"]
    assert "2028-2030" in page.text
    copy_page = site.page(copy, "moderator")
    assert f"{copy}/@@working-copy-diff" in copy_page.text
    # Iterate's own link leads to the same page.
    assert site.page(f"{copy}/@@iterate_diff", "moderator").status_code == 200
    # The published page's readers do not read the draft through it.
    for user in ("delegate-ken", "editor-bra"):
        assert site.api("GET", f"{path}/@working-copy-diff", user).status_code in (401, 403), user
        assert site.page(f"{path}/@@working-copy-diff", user).status_code in (302, 401, 403), user

    # Rejected with the reason: back to the mission's draft.
    assert site.act(copy, "reject", "moderator").status_code == 400
    assert site.act(copy, "reject", "moderator", "Please give the term of office.").status_code == 200
    assert site.api("GET", copy, "editor-fra").json()["review_state"] == "draft"
    history = site.api("GET", f"{copy}/@history", "editor-fra").json()
    assert any(h.get("comments") == "Please give the term of office." for h in history)

    # Resubmitted; the mission cannot check it in itself.
    assert site.act(copy, "submit", "editor-fra").status_code == 200
    assert site.api("PATCH", f"{copy}/@workingcopy", "editor-fra").status_code in (401, 403)
    assert site.api("PATCH", f"{path}/@workingcopy", "editor-fra").status_code in (401, 403)
    assert site.act(copy, "approve", "editor-fra").status_code in (400, 401, 403)
    assert site.text(path, "delegate-ken") == APPROVED_TEXT

    # Approved: the published page takes the text, the copy goes away.
    assert site.act(copy, "approve", "moderator", "Term of office added.").status_code == 200
    assert site.text(path, "delegate-ken") == REVISED_TEXT
    assert site.api("GET", path, "moderator").json()["review_state"] == "published"
    items = site.api("GET", ROOM, "moderator").json()["items"]
    assert f"{site.url}/{copy}" not in [item["@id"] for item in items]
    assert site.api("GET", f"{path}/@workingcopy", "moderator").json()["working_copy"] is None
    found = site.api("GET", "en/@search", "moderator", params={"path": f"/{site.portal.getId()}/{copy}"}).json()
    assert found["items_total"] == 0
    # Who approved from the copy's page lands on the published page.
    moved = site.page(copy, "moderator")
    assert moved.status_code in (301, 302)
    assert moved.headers["Location"].endswith(path)

    # A version was saved with the approval comment; the history says who, when, what, why.
    history = site.api("GET", f"{path}/@history", "moderator").json()
    versions = [h for h in history if h["type"] == "versioning"]
    # One version per approval, none blank.
    assert [v["comments"] for v in versions][:2] == ["Term of office added.", "Approved as submitted"]
    assert versions[0]["actor"]["id"] == "moderator"
    assert versions[0]["time"]
    assert "Approved as submitted" in [v["comments"] for v in versions]
    workflow = [h for h in history if h["type"] == "workflow"]
    assert [(h["action"], h["actor"]["id"]) for h in reversed(workflow)][-2:] == [
        ("submit", "editor-fra"),
        ("approve", "moderator"),
    ]
    assert workflow[0]["comments"] == "Approved as submitted"
    # Named by the place's policy, not by the site-wide workflow of pages.
    assert [(h["transition_title"], h["state_title"]) for h in workflow[:2]] == [
        ("Approve and publish", "Published"),
        ("Submit for review", "Pending review"),
    ]
    # The owning mission reads the same history; the page shows it too.
    mission_history = site.api("GET", f"{path}/@history", "editor-fra").json()
    assert [h["type"] for h in mission_history] == [h["type"] for h in history]
    for user in ("moderator", "editor-fra"):
        page = site.page(f"{path}/@@historyview", user)
        assert page.status_code == 200, user
        assert "Term of office added." in page.text
        assert "Approved as submitted" in page.text
        assert "Secretariat Moderator (demo)" in page.text
        assert "Approve and publish" in page.text
        assert "Submit for publication" not in page.text
    # Versions can be compared.
    compare = site.page(f"{path}/@@history", "moderator", params={"one": versions[0]["version"], "two": 0})
    assert compare.status_code == 200
    assert "2028-2030" in compare.text

    # The mission may revise it again.
    again = site.check_out(path)
    assert site.api("GET", again, "editor-fra").json()["review_state"] == "draft"


def test_history_is_for_the_mission_and_the_moderators(site):
    path = site.published_page()
    # Delegates read the approved versions, not who reviewed what.
    history = site.api("GET", f"{path}/@history", "delegate-ken").json()
    assert {h["type"] for h in history} == {"versioning"}
    assert site.api("GET", f"{path}/@history", None).status_code == 401
    other = site.api("POST", ROOM, "editor-bra", json={"@type": "Document", "title": "Brazil's draft"})
    other_path = site.path_of(other.json()["@id"])
    assert site.api("GET", f"{other_path}/@history", "editor-fra").status_code == 401
    assert site.page(f"{other_path}/@@historyview", "editor-fra").status_code in (302, 401, 403)


def test_cancelling_a_copy_leaves_the_published_page(site):
    path = site.published_page()
    copy = site.check_out(path)
    assert site.api("DELETE", f"{copy}/@workingcopy", "editor-bra").status_code == 401
    assert site.api("DELETE", f"{copy}/@workingcopy", "editor-fra").status_code == 204
    assert site.api("GET", copy, "editor-fra").status_code == 404
    assert site.text(path, "delegate-ken") == APPROVED_TEXT
    assert site.api("GET", path, "editor-fra").json()["review_state"] == "published"


# -- What only the server sees ------------------------------------------------------


def _published(portal, title="Our page"):
    room = portal["en"]["candiweb"]["elections"]
    login(portal, "editor-fra")
    page = api.content.create(
        container=room, type="Document", title=title, text=RichTextValue(APPROVED_TEXT, "text/html", "text/x-html-safe")
    )
    api.content.transition(obj=page, transition="submit")
    login(portal, "moderator")
    api.content.transition(obj=page, transition="approve", comment="Fine")
    return page


def test_every_approval_saves_a_version(demo_portal):
    page = _published(demo_portal)
    repository = api.portal.get_tool("portal_repository")
    history = repository.getHistoryMetadata(page)
    assert history.getLength(countPurged=False) >= 1
    last = history.retrieve(history.getLength(countPurged=False) - 1)["metadata"]["sys_metadata"]
    assert (last["comment"], last["principal"]) == ("Fine", "moderator")


def test_copy_belongs_to_the_mission_not_the_person(demo_portal):
    page = _published(demo_portal)
    login(demo_portal, "editor-fra")
    copy = ICheckinCheckoutPolicy(page).checkout(page.aq_parent)
    assert IWorkingCopy.providedBy(copy)
    assert copy.mission == "fra"
    assert api.content.get_state(copy) == "draft"
    assert "Owner" not in dict(copy.get_local_roles()).get("editor-fra", ())
    assert workingcopy.baseline_of(copy) == page
    assert workingcopy.working_copy_of(page) == copy


def test_check_in_keeps_the_page_translations_and_state(demo_portal):
    page = _published(demo_portal)
    login(demo_portal, "moderator")
    api.content.transition(obj=page, transition="make_public")
    translations = dict(ITranslationManager(page).get_translations())
    login(demo_portal, "editor-fra")
    copy = ICheckinCheckoutPolicy(page).checkout(page.aq_parent)
    copy.text = RichTextValue(REVISED_TEXT, "text/html", "text/x-html-safe")
    api.content.transition(obj=copy, transition="submit")
    login(demo_portal, "moderator")
    copy_id = copy.getId()
    api.content.transition(obj=copy, transition="approve", comment="Revised")
    assert copy_id not in page.aq_parent.objectIds()
    assert page.text.raw == REVISED_TEXT
    assert api.content.get_state(page) == "public"
    assert dict(ITranslationManager(page).get_translations()) == translations
    logout()
    assert api.user.has_permission("View", obj=page)


def test_approving_a_copy_needs_the_check_in_permission(demo_portal):
    page = _published(demo_portal)
    login(demo_portal, "editor-fra")
    copy = ICheckinCheckoutPolicy(page).checkout(page.aq_parent)
    api.content.transition(obj=copy, transition="submit")
    # As if a policy let someone approve without letting them check in.
    workflow = api.portal.get_tool("portal_workflow")
    definition = workflow.getWorkflowsFor(copy)[0]
    definition.states["pending"].setPermission("iterate : Check in content", False, ["Manager"])
    definition.updateRoleMappingsFor(copy)
    login(demo_portal, "moderator")
    with pytest.raises(WorkflowException):
        workflow.doActionFor(copy, "approve", comment="Go")
    assert page.text.raw == APPROVED_TEXT


def test_two_step_review_checks_in_at_the_bureau_s_approval(demo_portal):
    """First Committee: the Secretariat's approval sends the copy to the bureau; the bureau's checks it in."""
    from missionplace.workflows import policy

    place = demo_portal["en"]["first-committee"]
    policy.apply_to_place(place, "two-step-review")
    demo_portal.acl_users._doAddUser("bureau-chair", PASSWORD, ["Member"], [])
    place.manage_setLocalRoles("bureau-chair", ["CommitteeBureau"])
    place.reindexObjectSecurity()
    room = place["draft-resolutions"]
    login(demo_portal, "editor-fra")
    page = api.content.create(
        container=room, type="Document", title="L.1", text=RichTextValue(APPROVED_TEXT, "text/html", "text/x-html-safe")
    )
    api.content.transition(obj=page, transition="submit")
    login(demo_portal, "moderator")
    api.content.transition(obj=page, transition="approve")
    assert api.content.get_state(page) == "pending_bureau"
    login(demo_portal, "bureau-chair")
    api.content.transition(obj=page, transition="bureau_approve", comment="Adopted")
    assert api.content.get_state(page) == "published"
    history = api.portal.get_tool("portal_repository").getHistoryMetadata(page)
    last = history.retrieve(history.getLength(countPurged=False) - 1)["metadata"]["sys_metadata"]
    assert (last["comment"], last["principal"]) == ("Adopted", "bureau-chair")

    login(demo_portal, "editor-fra")
    copy = ICheckinCheckoutPolicy(page).checkout(room)
    copy.text = RichTextValue(REVISED_TEXT, "text/html", "text/x-html-safe")
    api.content.transition(obj=copy, transition="submit")
    login(demo_portal, "moderator")
    api.content.transition(obj=copy, transition="approve")
    # The Secretariat's approval is not the final one: the published text stays.
    assert copy.getId() in room.objectIds()
    assert page.text.raw == APPROVED_TEXT
    login(demo_portal, "bureau-chair")
    api.content.transition(obj=copy, transition="bureau_approve", comment="Revision adopted")
    assert copy.getId() not in room.objectIds()
    assert page.text.raw == REVISED_TEXT
    assert api.content.get_state(page) == "published"


def test_a_refused_check_out_says_why_in_the_users_language(site):
    path = site.published_page()
    copy = site.check_out(path)
    again = site.api("POST", f"{path}/@workingcopy", "editor-fra", headers={"Accept-Language": "fr"})
    assert again.status_code == 409
    assert again.json()["error"]["message"]
    assert site.api("POST", f"{copy}/@workingcopy", "editor-fra").status_code in (401, 403, 409)
    # The page sends back to the item with the reason, never an error page.
    page = site.page(f"{path}/@@content-checkout", "editor-fra", params={"form.button.Checkout": "1"})
    assert page.status_code == 302
    assert page.headers["Location"] == f"{site.url}/{path}"
    items = [item["@id"] for item in site.api("GET", ROOM, "moderator").json()["items"]]
    assert len([i for i in items if "copy_of" in i]) == 1


def test_a_copy_is_checked_in_only_by_its_approval(site):
    path = site.published_page()
    copy = site.check_out(path)
    edit = {"text": {"data": REVISED_TEXT, "content-type": "text/html", "encoding": "utf-8"}}
    assert site.api("PATCH", copy, "editor-fra", json=edit).status_code == 204
    assert site.act(copy, "submit", "editor-fra").status_code == 200
    page = site.page(f"{copy}/@@content-checkin", "moderator", params={"form.button.Checkin": "1"})
    assert page.status_code == 302
    assert site.api("PATCH", f"{copy}/@workingcopy", "moderator").status_code in (401, 403)
    assert site.text(path, "delegate-ken") == APPROVED_TEXT
    assert site.api("GET", copy, "moderator").json()["review_state"] == "pending"
