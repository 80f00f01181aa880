"""Who may review an item (review/reviewers.py) and the queue's pages: the index against Zope's own checks.

The oracle loads every item and asks Zope whether the user holds "Review
portal content" on it (``user.has_permission``), never the index; the queue
must list exactly those items, and follow transitions, grants and membership
changes at once.  Then the queue's batching, over REST and as a page.
"""

from lxml import html
from missionplace.interfaces import IPlace
from missionplace.places import membership
from missionplace.places import roles
from missionplace.review import queues
from missionplace.review import reviewers
from plone import api
from zope.component.hooks import setSite
from zope.globalrequest import getRequest
import pytest
import transaction


REVIEW = "Review portal content"
NEW_PASSWORD = "a-long-password-1"  # noqa: S105 - accounts made by the test
USERS = ("moderator", "editor-fra", "focal-fra", "delegate-ken", "editor-bra", "bureau-1c", "siteadmin-2")


def _page(portal, user_id, container, title, *steps):
    """A page drafted by ``user_id`` in ``container`` (a path), then taken through ``steps`` [(user, action)]."""
    with api.env.adopt_user(username=user_id):
        obj = api.content.create(container=portal.unrestrictedTraverse(container), type="Document", title=title)
    for actor, action in steps:
        with api.env.adopt_user(username=actor):
            api.content.transition(obj=obj, transition=action)
    return obj


@pytest.fixture
def pending(demo_portal):
    """Pending items of France and Brazil in three places, one awaiting the First Committee's bureau."""
    api.user.create(email="bureau@example.org", username="bureau-1c", password=NEW_PASSWORD)
    admin = api.user.create(email="admin2@example.org", username="siteadmin-2", password=NEW_PASSWORD)
    api.user.grant_roles(user=admin, roles=["Site Administrator"])
    with api.env.adopt_user(username="moderator"):
        membership.set_member(demo_portal["en"]["first-committee"], "bureau-1c", roles.BUREAU)
    return [
        _page(demo_portal, "editor-fra", "en/candiweb", "France candidature", ("editor-fra", "submit")),
        _page(demo_portal, "editor-fra", "fr/informatics", "Note informatique", ("editor-fra", "submit")),
        _page(
            demo_portal,
            "editor-bra",
            "en/first-committee/statements",
            "Brazil statement",
            ("editor-bra", "submit"),
            ("moderator", "approve"),
        ),
        _page(demo_portal, "editor-bra", "es/candiweb", "Brazil draft"),
    ]


def _may(user, permission, obj):
    return api.user.has_permission(permission, user=user, obj=obj)


def _brute_force(user):
    """UIDs of every item in a place, in a state someone reviews, that Zope says ``user`` may view and review."""
    reviewing = queues.reviewing_roles()
    places = [
        brain._unrestrictedGetObject()
        for brain in api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            object_provides=IPlace.__identifier__
        )
    ]
    moderated = {
        "/".join(place.getPhysicalPath())
        for place in places
        if reviewing & set(api.user.get_roles(user=user, obj=place)) and _may(user, "View", place)
    }
    found = set()
    portal = "/".join(api.portal.get().getPhysicalPath())
    for brain in api.portal.get_tool("portal_catalog").unrestrictedSearchResults(path=portal):
        if not any(brain.getPath().startswith(f"{place}/") for place in moderated):
            continue
        obj = brain._unrestrictedGetObject()
        if api.content.get_state(obj=obj, default=None) not in queues.reviewable_states():
            continue
        if _may(user, "View", obj) and _may(user, REVIEW, obj):
            found.add(brain.UID)
    return found


def _queue(user):
    # Each call as a new request would: where a user reviews is remembered for the rest of a request.
    getRequest().other.pop("_missionplace_moderated", None)
    return {row["uid"] for row in queues.collect_review(user)}


def test_the_queue_holds_what_zope_says_each_user_may_review(demo_portal, pending):
    answered = 0
    for user_id in USERS:
        user = api.user.get(userid=user_id)
        expected = _brute_force(user)
        assert _queue(user) == expected, user_id
        answered += bool(expected)
    # The moderator, the bureau and the site administrator at least have something to review.
    assert answered >= 3
    statement = pending[2]
    bureau = api.user.get(userid="bureau-1c")
    assert _queue(bureau) == {statement.UID()}, "the bureau reviews what the Secretariat approved, nothing else"


def test_a_transition_moves_the_item_between_queues(demo_portal, pending):
    moderator, bureau = api.user.get(userid="moderator"), api.user.get(userid="bureau-1c")
    candidature, statement = pending[0], pending[2]
    assert candidature.UID() in _queue(moderator)
    with api.env.adopt_user(username="moderator"):
        api.content.transition(obj=candidature, transition="approve")
    assert candidature.UID() not in _queue(moderator)
    catalog = api.portal.get_tool("portal_catalog")
    assert not catalog.getIndexDataForUID("/".join(candidature.getPhysicalPath())).get(reviewers.INDEX)
    with api.env.adopt_user(username="bureau-1c"):
        api.content.transition(obj=statement, transition="send_back", comment="Not this session.")
    assert statement.UID() not in _queue(bureau)
    assert _queue(moderator) == _brute_force(moderator)


def test_membership_and_sharing_changes_are_seen_at_once(demo_portal, pending):
    ken = api.user.get(userid="delegate-ken")
    candiweb = demo_portal["en"]["candiweb"]
    assert _queue(ken) == set()
    # A membership: CandiWeb's moderator, in every language.
    with api.env.adopt_user(username="moderator"):
        membership.set_member(candiweb, "delegate-ken", roles.MODERATOR)
    after = _queue(ken)
    assert pending[0].UID() in after
    assert after == _brute_force(ken)
    with api.env.adopt_user(username="moderator"):
        membership.remove_member(candiweb, "delegate-ken")
    assert _queue(ken) == set()
    # A grant on one place only (what the Sharing page does: local roles, then reindexObjectSecurity).
    informatics = demo_portal["fr"]["informatics"]
    informatics.manage_setLocalRoles("delegate-ken", [roles.MODERATOR])
    informatics.reindexObjectSecurity()
    assert _queue(ken) == {pending[1].UID()} == _brute_force(ken)


# Batching, over REST and as a page ----------------------------------------------------------


@pytest.fixture
def many(site, server_portal):
    """Five pending pages of France in CandiWeb, in the test server's site, committed."""
    setSite(server_portal)
    made = [_page(server_portal, "editor-fra", "en/candiweb", f"Batch {n}", ("editor-fra", "submit")) for n in range(5)]
    transaction.commit()
    return made


def test_rest_queue_comes_in_batches(site, many):
    whole = site.api("GET", "en/@review-queue", "moderator", params={"b_size": 500}).json()
    assert whole["items_total"] >= 5
    assert len(whole["items"]) == whole["items_total"]
    assert "batching" not in whole
    first = site.api("GET", "en/@review-queue", "moderator", params={"b_size": 2}).json()
    assert first["items_total"] == whole["items_total"]
    assert [item["uid"] for item in first["items"]] == [item["uid"] for item in whole["items"][:2]]
    # Completed rows: who submitted, and the actions the moderator may take.
    assert first["items"][0]["submitter"]
    assert first["items"][0]["transitions"]
    assert "_brain" not in first["items"][0]
    assert "b_start=2" in first["batching"]["next"]
    second = site.api("GET", "en/@review-queue", "moderator", params={"b_size": 2, "b_start": 2}).json()
    assert [item["uid"] for item in second["items"]] == [item["uid"] for item in whole["items"][2:4]]


@pytest.mark.parametrize(
    ("params", "french"),
    [
        ({"b_size": "abc"}, "b_size doit être un nombre entier de 1 à 500."),
        ({"b_size": "0"}, "b_size doit être un nombre entier de 1 à 500."),
        ({"b_size": "501"}, "b_size doit être un nombre entier de 1 à 500."),
        ({"b_start": "-1"}, "b_start doit être un nombre entier égal ou supérieur à 0."),
    ],
)
def test_rest_queue_refuses_a_bad_batch_in_the_users_language(site, many, params, french):
    response = site.api("GET", "fr/@review-queue", "moderator", params=params, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == french
    assert "items" not in response.json()


def test_page_shows_one_batch_with_page_links(site, many):
    response = site.page("en/@@review-queue", "moderator", params={"b_size": 2, "sort_on": "title"})
    assert response.status_code == 200
    tree = html.fromstring(response.text)
    rows = tree.xpath("//table[@id='review-queue']/tbody/tr")
    assert len(rows) == 2
    total = site.api("GET", "en/@review-queue", "moderator").json()["items_total"]
    assert total >= 5
    assert f": {total}" in tree.xpath("string(//p[@id='queue-count'])")
    links = tree.xpath("//ul[contains(@class, 'pagination')]//a/@href")
    assert any("b_start:int=2" in link and "sort_on=title" in link for link in links)
    # After a decision, back to the same page of the queue.
    later = html.fromstring(site.page("en/@@review-queue", "moderator", params={"b_size": 2, "b_start": 2}).text)
    assert later.xpath("//input[@name='came_from']/@value")[0].endswith("b_start=2")


def test_page_with_a_bad_batch_says_why_and_shows_the_first(site, many):
    response = site.page("fr/@@review-queue", "moderator", params={"b_size": "many"}, headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert "b_size doit être un nombre entier de 1 à 500." in response.text
    assert html.fromstring(response.text).xpath("//table[@id='review-queue']/tbody/tr")
