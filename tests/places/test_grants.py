"""Where a person holds a role (places/grants.py): the catalog's answer equals Zope's own role checks.

The oracle asks Zope, place by place, which roles each user has there
(``api.user.get_roles`` with the object: the local-role plugin that every
permission check uses), never the index; the index must give the same places
for every demo user, and follow membership and Sharing changes at once.
"""

from missionplace.interfaces import IPlace
from missionplace.places import grants
from missionplace.places import membership
from missionplace.places import roles
from plone import api
from plone.app.workflow.events import LocalrolesModifiedEvent
from zope.event import notify
import pytest


NEW_PASSWORD = "a-long-password-1"  # noqa: S105 - accounts made by the test
USERS = ("moderator", "editor-fra", "focal-fra", "delegate-ken", "editor-bra")
ROLE_SETS = (
    {roles.MODERATOR, roles.PLACE_MANAGER, roles.BUREAU, roles.OFFICER},
    {roles.MISSION_EDITOR},
    {roles.DELEGATE},
    {roles.FOCAL_POINT},
)


def _brute_force(user, wanted):
    """Paths of every place and room where Zope says ``user`` has one of ``wanted`` and may view it."""
    found = set()
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(object_provides=IPlace.__identifier__):
        obj = brain._unrestrictedGetObject()
        if wanted & set(api.user.get_roles(user=user, obj=obj)) and user.has_permission("View", obj):
            found.add(brain.getPath())
    return found


def _users(names):
    return [api.user.get(userid=name) for name in names if api.user.get(userid=name) is not None]


@pytest.mark.parametrize("wanted", ROLE_SETS, ids=lambda wanted: "+".join(sorted(wanted)))
def test_index_answers_what_the_role_checks_say(demo_portal, wanted):
    users = _users(USERS)
    assert len(users) >= 4, "the demo accounts this test needs are missing"
    answered = 0
    for user in users:
        expected = _brute_force(user, wanted)
        assert set(grants.places_where(user, wanted)) == expected, user.getId()
        answered += bool(expected)
    # The comparison means something only if some user holds some of these roles somewhere.
    assert answered


def _informatics(portal, language="en"):
    return portal[language]["informatics"]


def test_membership_change_is_seen_at_once_in_every_language_and_room(demo_portal):
    ken = api.user.get(userid="delegate-ken")
    place = _informatics(demo_portal)
    before = set(grants.places_where(ken, {roles.PLACE_MANAGER}))
    with api.env.adopt_user(username="moderator"):
        membership.set_member(place, "delegate-ken", roles.PLACE_MANAGER)
    after = set(grants.places_where(ken, {roles.PLACE_MANAGER}))
    assert after == _brute_force(ken, {roles.PLACE_MANAGER})
    new = after - before
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        assert "/".join(_informatics(demo_portal, language).getPhysicalPath()) in new
    rooms = [path for path in new if path.count("/") > len(place.getPhysicalPath()) - 1]
    assert rooms, "the rooms that inherit the place's membership follow it"
    with api.env.adopt_user(username="moderator"):
        membership.remove_member(place, "delegate-ken")
    assert set(grants.places_where(ken, {roles.PLACE_MANAGER})) == before


def test_sharing_change_is_seen_at_once(demo_portal):
    ken = api.user.get(userid="delegate-ken")
    place = _informatics(demo_portal)
    path = "/".join(place.getPhysicalPath())
    assert path not in grants.places_where(ken, {roles.OFFICER})
    place.manage_setLocalRoles("delegate-ken", [roles.OFFICER])
    notify(LocalrolesModifiedEvent(place, demo_portal.REQUEST))
    assert path in grants.places_where(ken, {roles.OFFICER})
    assert set(grants.places_where(ken, {roles.OFFICER})) == _brute_force(ken, {roles.OFFICER})


def test_groups_count_when_asking(demo_portal):
    """A mission's editors hold their role through the mission's group: joining it needs no reindexing."""
    newcomer = api.user.create(email="new@example.org", username="newcomer-fra", password=NEW_PASSWORD)
    assert grants.places_where(newcomer, {roles.MISSION_EDITOR}) == []
    editor = api.user.get(userid="editor-fra")
    api.group.add_user(groupname="mission-fra-editors", username="newcomer-fra")
    newcomer = api.user.get(userid="newcomer-fra")
    found = grants.places_where(newcomer, {roles.MISSION_EDITOR})
    assert found
    assert set(found) == set(grants.places_where(editor, {roles.MISSION_EDITOR}))


def test_site_wide_role_counts_everywhere(demo_portal):
    admin = api.user.create(email="admin2@example.org", username="siteadmin2", password=NEW_PASSWORD)
    api.user.grant_roles(user=admin, roles=["Site Administrator"])
    admin = api.user.get(userid="siteadmin2")
    every = {b.getPath() for b in api.content.find(object_provides=IPlace.__identifier__, unrestricted=True)}
    assert set(grants.places_where(admin, {"Site Administrator", roles.MODERATOR})) == every


def test_several_members_at_once_all_or_nothing(demo_portal):
    """``set_members``: every entry checked before any is written; then all hold, in every language."""
    place = demo_portal["en"]["candiweb"]
    catalog = api.portal.get_tool("portal_catalog")
    page = api.content.find(path="/".join(place.getPhysicalPath()), review_state="published", unrestricted=True)
    assert page, "the demo's CandiWeb place holds published items"
    rid = page[0].getRID()
    before = dict(membership.effective_membership(place).members)
    viewers_before = catalog.getIndexDataForRID(rid)["allowedRolesAndUsers"]
    with api.env.adopt_user(username="moderator"):
        # The second entry is refused: the first is not written either.
        with pytest.raises(membership.MembershipError):
            membership.set_members(place, {"mission-isl": roles.DELEGATE, "nobody-at-all": roles.DELEGATE})
        assert dict(membership.effective_membership(place).members) == before
        assert catalog.getIndexDataForRID(rid)["allowedRolesAndUsers"] == viewers_before

        membership.set_members(place, {"mission-isl": roles.DELEGATE, "mission-mlt": roles.DELEGATE})
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        members = membership.effective_membership(demo_portal[language]["candiweb"]).members
        assert members == {**before, "mission-isl": roles.DELEGATE, "mission-mlt": roles.DELEGATE}
    # Reindexed: Iceland's and Malta's people see the published item (as Plone's catalog lists its viewers).
    viewers = catalog.getIndexDataForRID(rid)["allowedRolesAndUsers"]
    assert {"user:mission-isl", "user:mission-mlt"} <= set(viewers) - set(viewers_before)
