"""Issue 9, item 3: only moderators and place managers delete a room or a place.

The review deleted ``en/candiweb/elections`` (a room with its four elections)
and ``en/informatics`` (a whole place) as France's mission editor.  Every
way to delete is tried as every other kind of person: REST ``DELETE``, the
delete confirmation page, folder contents' ``@@fc-delete`` and Zope's
``manage_delObjects`` through the web.  Mission editors still delete their
own drafts, in rooms and in their own folders (folder contents is the site
administrators' only: no policy grants "List folder contents").
"""

from lxml import html
from missionplace.places import membership
from missionplace.places import roles
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.protect.authenticator import createToken
from support import assert_refused
from support import PASSWORD
from zope.component.hooks import setSite
import json
import pytest
import re
import requests
import transaction


ROOM = "en/candiweb/elections"
PLACE = "en/informatics"
# What a deletion would change: the item, its parent's contents, and the language root's.
WATCHED = [ROOM, "en/candiweb", PLACE, "en/informatics/documents", "en"]
PEOPLE = ["editor-fra", "editor-bra", "officer-x", "delegate-ken", "focal-fra", None]


@pytest.fixture
def officer(site):
    """A Working group officer of en/informatics (set by the site administrator)."""
    portal = site.portal
    portal.acl_users._doAddUser("officer-x", PASSWORD, ["Member"], [])
    with api.env.adopt_roles(["Manager"]):
        membership.set_member(portal["en"]["informatics"], "officer-x", roles.OFFICER)
    transaction.commit()
    return "officer-x"


def token(site, user):
    """``user``'s CSRF token (plone.protect's token is per user); none for the anonymous visitor."""
    if user is None:
        return ""
    transaction.abort()
    setSite(site.portal)
    with api.env.adopt_user(username=user):
        return createToken()


def uid(site, path):
    transaction.abort()
    return api.content.get_uuid(site.portal.unrestrictedTraverse(path))


def gone(site, path):
    """Whether the item at ``path`` is no longer in its parent (traversal could find a view of that name)."""
    transaction.abort()
    parent, name = path.rsplit("/", 1)
    return name not in site.portal.unrestrictedTraverse(parent).objectIds()


@pytest.mark.parametrize("user", PEOPLE)
@pytest.mark.parametrize("target", [ROOM, PLACE, "en/informatics/documents", "fr/candiweb/candidatures"])
def test_delete_over_rest_is_refused(site, officer, user, target):
    assert_refused(site.portal, [*WATCHED, target], lambda: site.api("DELETE", target, user))


@pytest.mark.parametrize("user", PEOPLE)
@pytest.mark.parametrize("target", [ROOM, PLACE])
def test_delete_confirmation_page_is_refused(site, officer, user, target):
    assert_refused(site.portal, WATCHED, lambda: site.page(f"{target}/@@delete_confirmation", user))
    data = {"_authenticator": token(site, user), "form.buttons.Delete": "Delete"}
    assert_refused(site.portal, WATCHED, lambda: site.post(f"{target}/@@delete_confirmation", user, data=data))


@pytest.mark.parametrize("user", PEOPLE)
@pytest.mark.parametrize(("parent", "target"), [("en/candiweb", ROOM), ("en", PLACE)])
def test_manage_del_objects_through_the_web_is_refused(site, officer, user, parent, target):
    data = {"ids:list": target.rsplit("/", 1)[1], "_authenticator": token(site, user)}
    assert_refused(site.portal, WATCHED, lambda: site.post(f"{parent}/manage_delObjects", user, data=data))


@pytest.mark.parametrize("user", ["editor-fra", "editor-bra", "officer-x", "delegate-ken", "focal-fra"])
@pytest.mark.parametrize(("parent", "target"), [("en/candiweb", ROOM), ("en", PLACE)])
def test_folder_contents_delete_is_refused(site, officer, user, parent, target):
    data = {"_authenticator": token(site, user), "selection": json.dumps([uid(site, target)]), "folder": f"/{parent}"}
    # Folder contents answers 200 with its failure in JSON (or refuses the listing itself):
    # what matters is that nothing changed.
    response = assert_refused(
        site.portal,
        WATCHED,
        lambda: site.post(f"{parent}/@@fc-delete", user, data=data),
        statuses=(200, 401, 403),
    )
    if response.status_code == 200:
        assert json.loads(response.text)["status"] != "success", response.text


# -- What mission editors still delete: their own drafts --------------------------------------


def test_editor_deletes_own_draft_in_a_room_over_rest(site):
    path = site.draft("editor-fra", place="en/first-committee/statements", title="A statement to drop")
    assert site.api("DELETE", path, "editor-fra").status_code == 204
    assert gone(site, path)


def test_editor_deletes_own_draft_in_own_folder_over_rest(site):
    response = site.api("POST", "en/informatics/documents", "editor-fra", json={"@type": "Folder", "title": "Ours"})
    assert response.status_code == 201, response.text
    folder = site.path_of(response.json()["@id"])
    path = site.draft("editor-fra", place=folder, title="Inside our folder")
    # Brazil, the delegate and another mission's people do not delete it.
    for user in ("editor-bra", "delegate-ken"):
        assert_refused(site.portal, [path, folder], lambda user=user: site.api("DELETE", path, user))
    assert site.api("DELETE", path, "editor-fra").status_code == 204
    assert gone(site, path)
    assert site.api("DELETE", folder, "editor-fra").status_code == 204
    assert gone(site, folder)


def test_editor_deletes_own_draft_through_the_confirmation_page(site):
    path = site.draft("editor-fra", place="en/informatics/documents", title="Draft to delete")
    page = site.page(f"{path}/@@delete_confirmation", "editor-fra")
    assert page.status_code == 200
    data = {"_authenticator": token(site, "editor-fra"), "form.buttons.Delete": "Delete"}
    response = site.post(f"{path}/@@delete_confirmation", "editor-fra", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].rstrip("/").endswith("en/informatics/documents")
    assert gone(site, path)


# -- Moderators delete rooms and places, after a confirmation that says what goes -------------


def test_moderator_deletes_a_room_after_being_told_what_it_holds(site):
    page = site.page(f"{ROOM}/@@delete_confirmation", "moderator", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    transaction.abort()
    held = len(site.portal.portal_catalog.unrestrictedSearchResults(path="/plone/" + ROOM)) - 1
    assert held >= 4  # the four sample elections at least
    note = html.fromstring(page.content).xpath("//div[contains(@class, 'missionplace-delete-place')]")[0]
    assert f"holds {held} items" in note.text_content()
    data = {"_authenticator": token(site, "moderator"), "form.buttons.Delete": "Delete"}
    response = site.post(f"{ROOM}/@@delete_confirmation", "moderator", data=data)
    assert response.status_code == 302
    assert gone(site, ROOM)
    # The other languages keep their room.
    assert not gone(site, "fr/candiweb/elections")


def test_place_confirmation_counts_rooms_in_the_users_language(site):
    page = site.page(f"{PLACE}/@@delete_confirmation", "moderator", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    note = html.fromstring(page.content).xpath("//div[contains(@class, 'missionplace-delete-place')]")[0]
    assert re.search(r"holds 3 rooms and \d+ other items", note.text_content()), note.text_content()
    french = site.page(
        f"fr/{PLACE.split('/')[1]}/@@delete_confirmation", "moderator", headers={"Accept-Language": "fr"}
    )
    assert "missionplace-delete-place" in french.text


def test_folder_contents_dialog_says_what_a_place_holds(site):
    # Folder contents is the site administrators' (no policy grants "List folder contents").
    auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    selection = json.dumps([uid(site, PLACE)])
    dialog = requests.post(
        f"{site.url}/en/@@fc-delete", auth=auth, data={"render": "yes", "selection": selection}, timeout=60
    )
    assert "holds 3 rooms" in json.loads(dialog.text)["html"]


def test_moderator_deletes_a_place_over_rest(site):
    assert site.api("DELETE", PLACE, "moderator").status_code == 204
    assert gone(site, PLACE)
