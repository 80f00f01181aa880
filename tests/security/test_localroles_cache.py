"""Local-role checks of views, viewlets and methods are answered, and remembered, by their item (issue 11, B1).

Every viewlet of a page is checked for View (its ``render``), and a member of
a place holds View there by a local role: borg.localrole's per-request cache
keys an object without a physical path of its own (a bound method, a view)
by its ``id()``, so each viewlet walked the whole chain of local-role
providers of the item, place, language root and site again.  The check now
hands the question to the first object of the chain with a path of its own,
whose answer the cache keeps.  The answers themselves stay those of the
roles the user holds on the item, authorship included.
"""

from missionplace.places import roles
from missionplace.security import localroles
from plone import api
import pytest
import uuid


def draft_of_france(portal):
    with api.env.adopt_user(username="editor-fra"):
        return api.content.create(
            container=portal["en"]["candiweb"], type="Document", id=f"draft-{uuid.uuid4().hex[:8]}", title="Draft"
        )


def bound_method_of_a_new_view(item):
    """What a viewlet's permission check is asked about: a method of a view made for this request."""
    return api.content.get_view("document_view", item, item.REQUEST).__call__


def user(portal, userid):
    return portal.acl_users.getUserById(userid)


@pytest.mark.parametrize("userid", ["editor-fra", "editor-bra", "delegate-ken", "moderator"])
@pytest.mark.parametrize(
    "wanted",
    [(roles.MISSION_AUTHOR,), (roles.DELEGATE, roles.MISSION_EDITOR), (roles.MODERATOR,), ("Owner",)],
)
def test_a_method_is_answered_as_its_item(demo_portal, userid, wanted):
    item = draft_of_france(demo_portal)
    plugin = demo_portal.acl_users.borg_localroles
    member = user(demo_portal, userid)
    # What the user holds on the item, computed without any cache.
    held = set(plugin.getRolesInContext(member, item))
    answer = plugin.checkLocalRolesAllowed(member, bound_method_of_a_new_view(item), wanted)
    assert (answer == 1) == bool(held & set(wanted)), (userid, wanted, held, answer)
    assert answer in (1, None)


def test_authorship_of_the_item_counts_for_its_methods_but_not_for_what_it_holds(demo_portal):
    item = draft_of_france(demo_portal)
    plugin = demo_portal.acl_users.borg_localroles
    editor = user(demo_portal, "editor-fra")
    assert plugin.checkLocalRolesAllowed(editor, bound_method_of_a_new_view(item), (roles.MISSION_AUTHOR,)) == 1
    # The place is no item of France's: a method of a view on it gets no authorship from the draft.
    place = demo_portal["en"]["candiweb"]
    assert plugin.checkLocalRolesAllowed(editor, bound_method_of_a_new_view(place), (roles.MISSION_AUTHOR,)) is None


def test_the_items_chain_is_walked_once_for_all_its_viewlets(demo_portal, monkeypatch):
    item = draft_of_france(demo_portal)
    plugin = demo_portal.acl_users.borg_localroles
    member = user(demo_portal, "delegate-ken")
    asked = []
    original = localroles.MissionLocalRoleManager._getAdapters

    def counting(self, obj):
        asked.append(obj)
        return original(self, obj)

    monkeypatch.setattr(localroles.MissionLocalRoleManager, "_getAdapters", counting)
    # A role set no other check of this request asked about, so that nothing is cached yet.
    wanted = (roles.DELEGATE, f"Unheard-of-{uuid.uuid4().hex}")
    answers = {plugin.checkLocalRolesAllowed(member, bound_method_of_a_new_view(item), wanted) for _ in range(5)}
    assert answers == {1}
    item_path = item.getPhysicalPath()
    walks = [obj for obj in asked if getattr(obj, "getPhysicalPath", None) and obj.getPhysicalPath() == item_path]
    assert len(walks) == 1, f"the item's providers were asked {len(walks)} times"


# -- A published read remembers what the user holds along the chain (issue 11, B1) -------------


@pytest.fixture
def publishing(demo_portal):
    """Makes the request one publishing a page with a method (past traversal: what ``read_cache`` looks for).

    Called once the test's content is made: what a request wrote before is not its reading.
    """
    request = demo_portal.REQUEST
    saved = {key: request.other.get(key) for key in ("PUBLISHED", localroles.HELD_KEY)}
    method = request.environ.get("REQUEST_METHOD")

    def publish(name="GET"):
        request.other["PUBLISHED"] = object()
        request.other.pop(localroles.HELD_KEY, None)
        request.environ["REQUEST_METHOD"] = name

    yield publish
    for key, value in saved.items():
        if value is None:
            request.other.pop(key, None)
        else:
            request.other[key] = value
    if method is None:
        request.environ.pop("REQUEST_METHOD", None)
    else:
        request.environ["REQUEST_METHOD"] = method


def walks_of(monkeypatch, item):
    """How many times the local-role providers of ``item`` are asked, from now on."""
    asked = []
    original = localroles.MissionLocalRoleManager._getAdapters

    def counting(self, obj):
        if getattr(obj, "getPhysicalPath", None) and obj.getPhysicalPath() == item.getPhysicalPath():
            asked.append(obj)
        return original(self, obj)

    monkeypatch.setattr(localroles.MissionLocalRoleManager, "_getAdapters", counting)
    return asked


def unheard_of(*held):
    """A role set no other check asked about (borg's cache keys answers by it), with the roles ``held``."""
    return (*held, f"Unheard-of-{uuid.uuid4().hex}")


def test_a_read_walks_the_items_chain_once_for_every_set_of_roles(demo_portal, publishing, monkeypatch):
    item = draft_of_france(demo_portal)
    publishing("GET")
    plugin = demo_portal.acl_users.borg_localroles
    member = user(demo_portal, "delegate-ken")
    asked = walks_of(monkeypatch, item)
    # What a page asks: every action, viewlet and addable type another set of roles, on the item or its methods.
    answers = [plugin.checkLocalRolesAllowed(member, item, unheard_of(roles.DELEGATE)) for _ in range(3)]
    answers += [plugin.checkLocalRolesAllowed(member, bound_method_of_a_new_view(item), unheard_of()) for _ in range(3)]
    assert answers == [1, 1, 1, None, None, None]
    assert len(asked) == 1, f"the item's providers were asked {len(asked)} times"


@pytest.mark.parametrize("userid", ["editor-fra", "editor-bra", "delegate-ken", "moderator"])
def test_a_read_answers_as_the_roles_held(demo_portal, publishing, userid):
    item = draft_of_france(demo_portal)
    publishing("HEAD")
    plugin = demo_portal.acl_users.borg_localroles
    member = user(demo_portal, userid)
    held = set(plugin.getRolesInContext(member, item))
    for wanted in [(roles.MISSION_AUTHOR,), (roles.DELEGATE, roles.MISSION_EDITOR), (roles.MODERATOR,), ("Owner",)]:
        for asked_about in (item, bound_method_of_a_new_view(item)):
            answer = plugin.checkLocalRolesAllowed(member, asked_about, unheard_of(*wanted))
            assert (answer == 1) == bool(held & set(wanted)), (userid, wanted, held, answer)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_write_sees_a_role_granted_during_the_request(demo_portal, publishing, method):
    item = draft_of_france(demo_portal)
    publishing(method)
    plugin = demo_portal.acl_users.borg_localroles
    member = user(demo_portal, "delegate-ken")
    wanted = unheard_of("Editor")
    assert plugin.checkLocalRolesAllowed(member, item, wanted) is None
    item.manage_setLocalRoles("delegate-ken", ["Editor"])
    # Another set of roles (borg keeps the first answer by its own): the grant counts at once.
    assert plugin.checkLocalRolesAllowed(member, item, unheard_of("Editor")) == 1
