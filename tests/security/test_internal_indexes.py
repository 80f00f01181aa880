"""Nobody may search on the catalog's internal indexes, whatever the path and the spelling.

``place_grants`` (places/grants.py) holds a "Role:principal" token for every
local role held in each place and room, ``review_grants`` (review/reviewers.py)
who may review each pending item: they serve MissionPlace's own queries.
Every search Plone publishes took them as a filter, so a member asking
``@search?place_grants=MissionEditor:mission-bra-editors`` learned from the
count (42 places and rooms, against 0 for a guessed token that nobody holds)
who holds which role where, which only the Sharing page may show.  The
request check (security/requests.py) refuses any request naming one with a
400 in the user's language; nothing is searched, so nothing is listed.

Not reachable, so not tried here: ``portal_catalog/searchResults``,
``uniqueValuesFor`` and ``queryCatalog`` (404), calling ``portal_catalog``
(403), ``portal_catalog/Indexes/...`` (Unauthorized); ``@vocabularies``'
Catalog vocabulary and ``search_rss`` ignore unknown parameters.
"""

from html import unescape
from missionplace import _
from missionplace.security.requests import INTERNAL_INDEXES
from zope.i18n import translate
import json
import pytest
import support
import transaction


FRENCH = {"Accept-Language": "fr"}
MESSAGE = _("error_internal_index", default="This search is not available.")
# A token the demo site's catalog holds (Brazil's editors hold Mission editor in
# CandiWeb and the First Committee) and a guessed one for review_grants.
TOKENS = {"place_grants": "MissionEditor:mission-bra-editors", "review_grants": "user:moderator"}
USERS = [None, "delegate-ken", "editor-bra"]
PLACE = "en/candiweb"
ANY = "plone.app.querystring.operation.selection.any"


def row(index, value):
    return {"i": index, "o": ANY, "v": [value]}


def querybuilder(index, value):
    """plone.app.querystring's form: one row as ``query.<field>:records``."""
    return {"query.i:records": index, "query.o:records": ANY, "query.v:records:list": value}


# Every path that filtered by an internal index before the check: (name, request(site, user, index, value)).
SEARCHES = [
    ("@search", lambda s, u, i, v: s.api("GET", "@search", u, headers=FRENCH, params={i: v})),
    ("@search .query", lambda s, u, i, v: s.api("GET", "@search", u, headers=FRENCH, params={f"{i}.query": v})),
    ("@search :list", lambda s, u, i, v: s.api("GET", "@search", u, headers=FRENCH, params={f"{i}:list": v})),
    (
        "@search .operator",
        lambda s, u, i, v: s.api("GET", "@search", u, headers=FRENCH, params={f"{i}.query": v, f"{i}.operator": "or"}),
    ),
    (
        "@search .query:record:list",
        lambda s, u, i, v: s.api("GET", "@search", u, headers=FRENCH, params={f"{i}.query:record:list": v}),
    ),
    (
        "@search sort_on",
        lambda s, u, i, v: s.api("GET", "@search", u, headers=FRENCH, params={"portal_type": "Place", "sort_on": i}),
    ),
    ("@@search", lambda s, u, i, v: s.page("@@search", u, headers=FRENCH, params={i: v})),
    ("@@search :list", lambda s, u, i, v: s.page("@@search", u, headers=FRENCH, params={f"{i}:list": v})),
    (
        "@@search .query:record:list",
        lambda s, u, i, v: s.page("@@search", u, headers=FRENCH, params={f"{i}.query:record:list": v}),
    ),
    ("@@search sort_on", lambda s, u, i, v: s.page("@@search", u, headers=FRENCH, params={"sort_on": i})),
    ("@@ajax-search", lambda s, u, i, v: s.page("@@ajax-search", u, headers=FRENCH, params={i: v})),
    (
        "@querystring-search POST",
        lambda s, u, i, v: s.api("POST", "@querystring-search", u, headers=FRENCH, json={"query": [row(i, v)]}),
    ),
    (
        "@querystring-search POST sort_on",
        lambda s, u, i, v: s.api(
            "POST",
            "@querystring-search",
            u,
            headers=FRENCH,
            json={"query": [row("portal_type", "Place")], "sort_on": i},
        ),
    ),
    (
        "@querystring-search GET",
        lambda s, u, i, v: s.api(
            "GET", "@querystring-search", u, headers=FRENCH, params={"query": json.dumps({"query": [row(i, v)]})}
        ),
    ),
    (
        "@@querybuilder_html_results",
        lambda s, u, i, v: s.page("@@querybuilder_html_results", u, headers=FRENCH, params=querybuilder(i, v)),
    ),
    (
        "@@querybuildernumberofresults",
        lambda s, u, i, v: s.post("@@querybuildernumberofresults", u, headers=FRENCH, data=querybuilder(i, v)),
    ),
    (
        "@@getVocabulary Catalog",
        lambda s, u, i, v: s.page(
            "@@getVocabulary",
            u,
            headers=FRENCH,
            params={"name": "plone.app.vocabularies.Catalog", "query": json.dumps({"criteria": [row(i, v)]})},
        ),
    ),
]


def refused(site, attempt):
    """``attempt()`` is a 400 saying, in French, that the search is not available; it lists nothing, changes nothing."""
    response = support.assert_refused(site.portal, [PLACE], attempt, statuses=(400,))
    if "json" in response.headers.get("Content-Type", ""):
        body = response.json()
        text = body["message"]
        assert not {"items", "items_total", "results", "total"} & set(body), response.text
    else:
        text = unescape(response.text)
    assert translate(MESSAGE, target_language="fr") in text, response.text
    # Not one item: no address of the site, no count.
    assert site.url not in response.text, response.text
    assert "Traceback" not in response.text
    return response


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("name", "search"), SEARCHES, ids=[name for name, _ in SEARCHES])
def test_search_on_place_grants_is_refused(site, name, search, user):
    refused(site, lambda: search(site, user, "place_grants", TOKENS["place_grants"]))


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(
    ("name", "search"),
    [s for s in SEARCHES if s[0] in ("@search", "@search .query:record:list", "@@search", "@querystring-search POST")],
    ids=["@search", "@search .query:record:list", "@@search", "@querystring-search POST"],
)
def test_search_on_review_grants_is_refused(site, name, search, user):
    refused(site, lambda: search(site, user, "review_grants", TOKENS["review_grants"]))


def test_internal_indexes_are_the_catalogs(server_portal):
    """The refused names are indexes the catalog has (a renamed index would otherwise be searchable again)."""
    transaction.abort()
    assert set(INTERNAL_INDEXES) <= set(server_portal.portal_catalog.indexes())


def test_ordinary_searches_still_work(site):
    """Searches on the public indexes answer as before, for members and anonymous visitors."""
    member = site.api(
        "GET",
        "@search",
        "editor-bra",
        headers=FRENCH,
        params={"portal_type": "Place", "path": f"/{site.portal.getId()}/en", "sort_on": "sortable_title"},
    )
    assert member.status_code == 200, member.text
    places = {item["@id"] for item in member.json()["items"]}
    assert f"{site.url}/{PLACE}" in places
    combined = {
        "SearchableText": "candiweb",
        "review_state": ["private", "published"],
        "Subject.query": ["none-such", "other"],
        "Subject.operator": "or",
        "Language": "en",
        "portal_type:list": ["Place", "Document"],
    }
    assert site.api("GET", "@search", "delegate-ken", params=combined).status_code == 200
    assert site.api("GET", "@search", None, params={"SearchableText": "candiweb"}).status_code == 200
    assert site.page("@@search", "editor-bra", params={"SearchableText": "candiweb"}).status_code == 200
    assert site.page("@@ajax-search", None, params={"SearchableText": "candiweb"}).status_code == 200
    query = site.api("POST", "@querystring-search", "editor-bra", json={"query": [row("portal_type", "Place")]})
    assert query.status_code == 200, query.text
    assert query.json()["items_total"] >= 1
    # MissionPlace's own listings filter by mission (the review queue asks place_grants itself).
    assert site.api("GET", "en/@review-queue", "moderator", params={"mission": "bra"}).status_code == 200
