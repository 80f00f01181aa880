"""Comments follow their item: seen, listed and found exactly where the item is (issue 9, item 11).

A comment used to be cataloged for everybody: any search whose words matched
a comment on a draft answered 401 (and so told anyone which words private
comments hold).  Now whoever may not see the item neither finds its comments
(REST ``@search`` and the search page answer 200 without them) nor reads them;
whoever sees the item finds them, and when the item is published, retracted
or its place's membership changes, its comments follow.
"""

from support import is_refusal
import pytest


def comment_on(site, path, user, text):
    """``user`` comments on ``path`` over REST; the comment's site path."""
    response = site.api("POST", f"{path}/@comments", user, json={"text": text})
    assert response.status_code in (201, 204), response.text
    items = site.api("GET", f"{path}/@comments", user).json()["items"]
    comment_id = next(item["comment_id"] for item in items if item["text"]["data"] == text)
    return f"{path}/++conversation++default/{comment_id}"


def searched(site, user, word):
    """What REST search and the search page show ``user`` for ``word``: (paths, page HTML); both answer 200."""
    response = site.api("GET", "en/@search", user, params={"SearchableText": word})
    assert response.status_code == 200, (user, response.status_code, response.text[:300])
    page = site.page("en/@@search", user, params={"SearchableText": word})

    assert page.status_code == 200, (user, page.status_code, page.headers.get("Location"))
    return {site.path_of(item["@id"]) for item in response.json()["items"]}, page.text


def finds(site, user, word, comment):
    paths, page = searched(site, user, word)
    shown = comment.split("/")[-1] in page and "++conversation++" in page
    assert (comment in paths) == shown, (user, paths, shown)
    return comment in paths


def assert_unseen(site, user, word, comment):
    assert not finds(site, user, word, comment), user
    item = comment.split("/++conversation++")[0]
    assert is_refusal(site.api("GET", f"{item}/@comments", user)), user
    # The comment's own address shows nothing of it: refused, or (its commenter,
    # Owner of the comment) sent on to the item, which refuses them.
    direct = site.page(comment, user)
    if not is_refusal(direct):
        assert direct.status_code == 302, (user, direct.status_code)
        assert direct.headers["Location"].split("#")[0] == f"{site.url}/{item}", user
        assert is_refusal(site.page(item, user)), user


def act(site, path, user, action):
    response = site.api("POST", f"{path}/@workflow/{action}", user)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("place", ["en/candiweb", "en/informatics"])
def test_a_comment_is_found_exactly_where_its_item_is(site, place):
    path = site.draft("editor-fra", place=place, title="Zorblax host")
    comment = comment_on(site, path, "editor-fra", "Zorblax quibbles privately")
    # A draft: the owning mission and the moderators.
    for user in (None, "editor-bra", "delegate-ken"):
        assert_unseen(site, user, "Zorblax", comment)
    for user in ("editor-fra", "moderator"):
        assert finds(site, user, "quibbles", comment), user
    # Published: the members of the place (Kenya takes part in both, Brazil not in the working group).
    act(site, path, "editor-fra", "submit")
    act(site, path, "moderator", "approve")
    members = ["delegate-ken", "editor-bra"] if place == "en/candiweb" else ["delegate-ken"]
    for user in members:
        assert finds(site, user, "quibbles", comment), user
    for user in {None, "editor-bra", "delegate-ken"} - set(members):
        assert_unseen(site, user, "Zorblax", comment)
    # Retracted: hidden again.
    act(site, path, "moderator", "retract")
    for user in (None, "editor-bra", "delegate-ken"):
        assert_unseen(site, user, "Zorblax", comment)
    assert finds(site, "editor-fra", "Zorblax", comment)


def test_comments_follow_a_membership_change(site):
    path = site.draft("editor-fra", title="Zorblax membership")
    comment = comment_on(site, path, "editor-fra", "Zorblax membership remark")
    assert finds(site, "editor-fra", "Zorblax", comment)
    response = site.api(
        "POST", "en/candiweb/@members", "moderator", json={"principal": "mission-fra", "role": "Delegate"}
    )
    assert response.status_code < 300, response.text
    assert_unseen(site, "editor-fra", "Zorblax", comment)
