"""The user menu's queue links follow changes at once, though their answers are remembered (issue 11, B1).

``@@missionplace-queue-links`` is asked on every page; its answers are kept
across requests under a key of what they depend on (review/browser/queues.py):
a new role in a place (a catalog change) and a new group show at the next page.
"""

from lxml import html
from missionplace.places import grants
from plone import api
import transaction


def links(site, user):
    page = site.page("en", user)
    assert page.status_code == 200, page.status_code
    return set(html.fromstring(page.content).xpath("//a/@href"))


def test_the_review_link_follows_a_role_in_a_place(site):
    queue = f"{site.url}/en/@@review-queue"
    assert queue not in links(site, "delegate-ken")
    added = site.api(
        "POST",
        "en/first-committee/@members",
        "moderator",
        json={"principal": "delegate-ken", "role": "CommitteeBureau"},
    )
    assert added.status_code == 200, added.text
    try:
        assert queue in links(site, "delegate-ken")
    finally:
        removed = site.api("DELETE", "en/first-committee/@members/delegate-ken", "moderator")
        assert removed.status_code == 204, removed.text
    assert queue not in links(site, "delegate-ken")


def test_the_links_follow_the_users_groups(site, server_portal):
    queue, work = f"{site.url}/en/@@review-queue", f"{site.url}/en/@@our-work"
    # A group that reviews in the First Committee place, given the role as the Sharing page gives
    # it (a catalog change, before the user joins the group).
    place = server_portal["en"]["first-committee"]
    api.group.create(groupname="bureau-for-the-test", title="Bureau")
    api.group.grant_roles(groupname="bureau-for-the-test", roles=["CommitteeBureau"], obj=place)
    grants.reindex(place)
    transaction.commit()
    try:
        assert not {queue, work} & links(site, "delegate-ken")
        # Groups change without the catalog changing: the bureau's, and Kenya's editors.
        for group in ("bureau-for-the-test", "mission-ken-editors"):
            api.group.add_user(groupname=group, username="delegate-ken")
        transaction.commit()
        try:
            assert {queue, work} <= links(site, "delegate-ken")
        finally:
            for group in ("bureau-for-the-test", "mission-ken-editors"):
                api.group.remove_user(groupname=group, username="delegate-ken")
            transaction.commit()
        assert not {queue, work} & links(site, "delegate-ken")
    finally:
        place.manage_delLocalRoles(["bureau-for-the-test"])
        grants.reindex(place)
        api.group.delete(groupname="bureau-for-the-test")
        transaction.commit()
