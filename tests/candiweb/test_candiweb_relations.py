"""References between CandiWeb records are relations: a candidature's election, an election's organ.

RelationChoice fields (z3c.relationfield): the relation catalog knows them,
so Plone's link integrity warns before an election that candidatures point
to is deleted, and REST refuses to delete it.  What a client may set is one
of the place's records in the item's language that it sees: by UID, path or
URL, as plone.restapi takes relations; anything else is a 400 in the user's
language and nothing is written.  Over HTTP as the demo users, and in the
site for the relation catalog.
"""

from lxml import html
from missionplace.candiweb.records import related
from plone import api
from plone.protect.authenticator import createToken
from support import assert_refused
from zope.component.hooks import setSite
import pytest
import transaction


PLACE = "en/candiweb"
CANDIDATURES = f"{PLACE}/candidatures"
SC = f"{PLACE}/elections/security-council-2028-2029"
HRC_NEXT = f"{PLACE}/elections/human-rights-council-2028-2030"
KENYA_SC = f"{CANDIDATURES}/ken-security-council-2028-2029"
EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


def uid(site, path):
    transaction.begin()
    return site.portal.unrestrictedTraverse(path).UID()


def target(site, path, name="election"):
    """The site path of what the item at ``path`` points to (as the server committed it)."""
    transaction.begin()
    found = related(site.portal.unrestrictedTraverse(path), name)
    return "/".join(found.getPhysicalPath()[2:]) if found is not None else None


def candidature(site, user="editor-fra", **fields):
    body = {"@type": "Candidature", "title": "France, relations", **fields}
    return site.api("POST", CANDIDATURES, user, json=body, headers=EN)


# What REST says and takes


def test_types_and_vocabularies_describe_the_relations(site):
    schema = site.api("GET", f"{CANDIDATURES}/@types/Candidature", "editor-fra").json()
    election = schema["properties"]["election"]
    assert election["factory"] == "Relation Choice"
    assert election["vocabulary"]["@id"].endswith("/@vocabularies/missionplace.elections")
    assert "election" in schema["required"]
    organ = site.api("GET", f"{PLACE}/elections/@types/Election", "moderator").json()["properties"]["organ"]
    assert (organ["factory"], organ["vocabulary"]["@id"].rsplit("/", 1)[1]) == (
        "Relation Choice",
        "missionplace.organs",
    )
    # The vocabulary: this place's elections, in its language, by UID.
    offered = site.api("GET", f"{CANDIDATURES}/@vocabularies/missionplace.elections", "editor-fra").json()
    transaction.begin()
    elections = site.portal.unrestrictedTraverse(f"{PLACE}/elections")
    assert {item["token"] for item in offered["items"]} == {e.UID() for e in elections.objectValues()}
    french = site.api("GET", "fr/candiweb/candidatures/@vocabularies/missionplace.elections", "editor-fra").json()
    assert "Conseil de sécurité : membres non permanents 2028-2029 (données d'exemple)" in {
        item["title"] for item in french["items"]
    }
    assert not {item["token"] for item in french["items"]} & {item["token"] for item in offered["items"]}


@pytest.mark.parametrize("form", ["uid", "path", "url", "summary"])
def test_rest_takes_an_election_by_uid_path_or_url(site, form):
    value = {
        "uid": uid(site, SC),
        "path": f"/{SC}",
        "url": f"{site.url}/{SC}",
        "summary": {"@id": f"{site.url}/{SC}"},
    }[form]
    response = candidature(site, election=value)
    assert response.status_code == 201, response.text
    body = response.json()
    # Answered as plone.restapi summarizes a relation's target.
    assert body["election"]["@id"] == f"{site.url}/{SC}"
    assert body["election"]["UID"] == uid(site, SC)
    assert body["election"]["title"] == "Security Council: non-permanent members 2028-2029 (sample data)"
    path = site.path_of(body["@id"])
    assert target(site, path) == SC
    # The listings find it by its election.
    transaction.begin()
    found = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        election=uid(site, SC), path=f"/plone/{path}"
    )
    assert len(found) == 1


def other_place_election(site):
    """An election of another CandiWeb place (the moderator's, who sees both): its UID."""
    place = site.api("POST", "en/@places", "moderator", json={"place_type": "candiweb", "title": "CandiWeb 2"})
    assert place.status_code == 201, place.text
    path = site.path_of(place.json()["@id"])
    organ = site.api("POST", f"{path}/organs", "moderator", json={"@type": "Organ", "title": "Another organ"})
    assert organ.status_code == 201, organ.text
    election = site.api(
        "POST", f"{path}/elections", "moderator",
        json={"@type": "Election", "title": "Another election", "organ": organ.json()["UID"], "year": 2027},
    )  # fmt: skip
    assert election.status_code == 201, election.text
    return election.json()["UID"]


def forged(site, kind, language):
    """A value for the election of a candidature in ``language``'s CandiWeb that is none of its elections."""
    place = PLACE.replace("en/", f"{language}/", 1)
    other = "fr" if language == "en" else "en"
    if kind == "another place's election":
        return other_place_election(site)
    if kind == "another language's election":
        return uid(site, SC.replace("en/", f"{other}/", 1))
    if kind == "an organ":
        return uid(site, f"{place}/organs/security-council")
    if kind == "an organ by path":
        return f"/{place}/organs/security-council"
    if kind == "another mission's draft":
        return uid(site, site.draft("editor-bra", place=place, title="Brazil's draft"))
    if kind == "an election by an acquired path":
        return f"/en/informatics/{SC.replace('en/', f'{language}/', 1)}"
    if kind == "nothing":
        return "0123456789abcdef0123456789abcdef"
    raise AssertionError(kind)


FORGED = [
    "another place's election",
    "another language's election",
    "an organ",
    "an organ by path",
    "another mission's draft",
    "an election by an acquired path",
    "nothing",
]
# Messages are in the language of the place (plone.app.multilingual), as its users read it.
NO_SUCH_ELECTION = {"en": "There is no such election.", "fr": "Cette élection n'existe pas."}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", FORGED)
def test_a_forged_election_is_refused_in_the_users_language(site, kind, language):
    value = forged(site, kind, language)
    candidatures = CANDIDATURES.replace("en/", f"{language}/", 1)
    for user, extra in (("editor-fra", {}), ("moderator", {"mission": "gha"})):
        body = {"@type": "Candidature", "title": "France, relations", "election": value, **extra}
        response = assert_refused(
            site.portal,
            candidatures,
            lambda body=body, user=user: site.api(
                "POST", candidatures, user, json=body, headers={"Accept-Language": language}
            ),
            (400,),
        )
        error = response.json()
        assert error["type"] == "BadRequest"
        assert NO_SUCH_ELECTION[language] in error["message"], error


@pytest.mark.parametrize("kind", ["another place's election", "an organ", "another mission's draft"])
def test_a_forged_election_does_not_replace_the_one_there(site, kind):
    value = forged(site, kind, "en")
    response = site.api("PATCH", KENYA_SC, "moderator", json={"election": value}, headers=EN)
    assert response.status_code == 400, response.text
    assert NO_SUCH_ELECTION["en"] in response.text
    assert target(site, KENYA_SC) == SC


def test_an_elections_organ_is_one_of_the_places(site):
    organ = uid(site, "fr/candiweb/organs/security-council")
    response = site.api(
        "POST", f"{PLACE}/elections", "moderator",
        json={"@type": "Election", "title": "Nowhere", "organ": organ, "year": 2027}, headers=EN,
    )  # fmt: skip
    assert response.status_code == 400
    assert "There is no such organ." in response.text
    transaction.begin()
    assert "nowhere" not in site.portal.unrestrictedTraverse(f"{PLACE}/elections").objectIds()
    response = site.api("PATCH", SC, "moderator", json={"organ": uid(site, HRC_NEXT)}, headers=EN)
    assert response.status_code == 400
    assert target(site, SC, "organ") == f"{PLACE}/organs/security-council"
    # In the French place, in French.
    french = SC.replace("en/", "fr/", 1)
    response = site.api("PATCH", french, "moderator", json={"organ": f"/{PLACE}/organs/security-council"}, headers=FR)
    assert response.status_code == 400
    assert "Cet organe n'existe pas." in response.json()["message"]
    assert target(site, french, "organ") == "fr/candiweb/organs/security-council"


def test_changing_the_election_moves_every_translation_to_its_own(site):
    ghana = f"{CANDIDATURES}/gha-security-council-2028-2029"
    response = site.api("PATCH", ghana, "moderator", json={"election": f"/{HRC_NEXT}"})
    assert response.status_code == 204, response.text
    assert target(site, ghana) == HRC_NEXT
    for language in ("fr", "ar", "zh"):
        assert target(site, ghana.replace("en/", f"{language}/", 1)) == HRC_NEXT.replace("en/", f"{language}/", 1)
    # Indexed by it: the French election's page lists the French candidature.
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    french = uid(site, HRC_NEXT.replace("en/", "fr/", 1))
    found = catalog.unrestrictedSearchResults(election=french, mission="gha")
    assert [b.getPath().split("/plone/")[1] for b in found] == [ghana.replace("en/", "fr/", 1)]


def test_rest_shows_an_election_only_to_who_may_see_it(site):
    public = f"{CANDIDATURES}/phl-security-council-2028-2029"
    assert site.api("GET", public).json()["election"]["@id"] == f"{site.url}/{SC}"
    response = site.api("POST", f"{SC}/@workflow/retract", "moderator", json={"comment": "Dates to be confirmed"})
    assert response.status_code == 200
    assert site.api("GET", public).json()["election"] is None
    assert site.api("GET", public, "moderator").json()["election"]["@id"] == f"{site.url}/{SC}"


# The forms


def options(page, name):
    """The values a page's select offers (its "no value" option left out)."""
    found = html.fromstring(page.content).xpath(f"//select[@name='{name}']/option/@value")
    return {value for value in found if value != "--NOVALUE--"}


def test_the_forms_offer_the_places_elections_in_its_language(site):
    transaction.begin()
    english = {e.UID() for e in site.portal.unrestrictedTraverse(f"{PLACE}/elections").objectValues()}
    add = site.page(f"{CANDIDATURES}/++add++Candidature", "editor-fra")
    assert options(add, "form.widgets.ICandidatureSchema.election:list") == english
    edit = site.page(f"{KENYA_SC}/edit", "moderator")
    assert options(edit, "form.widgets.ICandidatureSchema.election:list") == english
    chosen = html.fromstring(edit.content).xpath(
        "//select[@name='form.widgets.ICandidatureSchema.election:list']/option[@selected]/@value"
    )
    assert chosen == [uid(site, SC)]
    election = site.page(f"{SC}/edit", "moderator")
    assert options(election, "form.widgets.IElectionSchema.organ:list") == {
        o.UID() for o in site.portal.unrestrictedTraverse(f"{PLACE}/organs").objectValues()
    }
    announce = site.page(f"{PLACE}/announce-a-candidature", "editor-fra")
    assert options(announce, "form.widgets.election:list") == english


def test_the_add_form_refuses_a_forged_election(site):
    url = f"{CANDIDATURES}/++add++Candidature"
    form = site.page(url, "editor-fra")
    token = html.fromstring(form.content).xpath("//input[@name='_authenticator']/@value")[0]
    transaction.begin()
    before = sorted(site.portal.unrestrictedTraverse(CANDIDATURES).objectIds())
    for value in (uid(site, SC.replace("en/", "fr/", 1)), uid(site, f"{PLACE}/organs/security-council")):
        data = {
            "form.widgets.IBasic.title": "Forged",
            "form.widgets.ICandidatureSchema.election:list": value,
            "form.widgets.ICandidatureSchema.date_announced": "2026-11-20",
            "form.buttons.save": "Save",
            "_authenticator": token,
        }
        response = site.page(url, "editor-fra", method="POST", data=data)
        assert response.status_code == 200  # the form again, with its error
        assert html.fromstring(response.content).xpath("//*[contains(@class, 'invalid-feedback')]")
    transaction.begin()
    assert sorted(site.portal.unrestrictedTraverse(CANDIDATURES).objectIds()) == before


# Link integrity


def test_deleting_an_election_with_candidatures_asks_first(site):
    page = site.page(f"{SC}/@@delete_confirmation", "moderator")
    assert page.status_code == 200
    assert f"{site.url}/{KENYA_SC}" in page.text  # Plone's list of what links to it
    refused = site.api("DELETE", SC, "moderator", headers=EN)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["type"] == "Conflict"
    assert "cannot be deleted: " in error["message"]
    assert f"{site.url}/{KENYA_SC}" in {breach["@id"] for breach in error["breaches"]}
    assert "6 items point to it" in error["message"]  # the six English candidatures, not the translations'
    french = site.api("DELETE", SC.replace("en/", "fr/", 1), "moderator", headers=FR)
    assert french.status_code == 409
    assert "ne peut pas être supprimé" in french.json()["error"]["message"]
    transaction.begin()
    assert "security-council-2028-2029" in site.portal.unrestrictedTraverse(f"{PLACE}/elections").objectIds()
    # An organ that elections point to, likewise.
    assert site.api("DELETE", f"{PLACE}/organs/security-council", "moderator").status_code == 409
    # What nothing points to goes, as before.
    organ = site.api("POST", f"{PLACE}/organs", "moderator", json={"@type": "Organ", "title": "Short-lived"})
    assert site.api("DELETE", site.path_of(organ.json()["@id"]), "moderator").status_code == 204


def test_deleting_an_election_in_one_language_leaves_the_translations_theirs(site):
    """Confirmed on the page, the English election goes: its candidatures lose it, their translations do not."""
    transaction.begin()
    setSite(site.portal)
    with api.env.adopt_user(username="moderator"):
        token = createToken()
    data = {"_authenticator": token, "form.buttons.Delete": "Delete"}
    assert site.post(f"{SC}/@@delete_confirmation", "moderator", data=data).status_code == 302
    transaction.begin()
    assert "security-council-2028-2029" not in site.portal.unrestrictedTraverse(f"{PLACE}/elections").objectIds()
    assert target(site, KENYA_SC) is None
    assert site.page(KENYA_SC, "moderator").status_code == 200
    for language in ("fr", "ar"):
        translated = KENYA_SC.replace("en/", f"{language}/", 1)
        assert target(site, translated) == SC.replace("en/", f"{language}/", 1)


def test_a_mission_still_cannot_delete_an_election(site):
    assert_refused(site.portal, [SC, f"{PLACE}/elections"], lambda: site.api("DELETE", SC, "editor-fra"))


# The relation catalog


def test_the_relation_catalog_knows_the_demo_records(demo_portal):
    election = demo_portal["en"]["candiweb"]["elections"]["security-council-2028-2029"]
    sources = {
        rel.from_object.getId() for rel in api.relation.get(target=election, relationship="election", unrestricted=True)
    }
    assert {"ken-security-council-2028-2029", "gha-security-council-2028-2029"} <= sources
    french = demo_portal["fr"]["candiweb"]["candidatures"]["ken-security-council-2028-2029"]
    assert related(french, "election") == demo_portal["fr"]["candiweb"]["elections"]["security-council-2028-2029"]
    organ = demo_portal["en"]["candiweb"]["organs"]["security-council"]
    assert [rel.from_object for rel in api.relation.get(target=organ, relationship="organ", unrestricted=True)] == [
        election
    ]


def test_changing_an_election_relists_its_candidatures_in_every_language(site):
    """The listings filter candidatures by their election's year, date and organ: they follow a change at once."""

    def listed(year):
        transaction.begin()
        catalog = api.portal.get_tool("portal_catalog")
        return sorted(
            b.getPath().split("/plone/")[1]
            for b in catalog.unrestrictedSearchResults(portal_type="Candidature", year=year, mission="ken")
        )

    kenya = [KENYA_SC.replace("en/", f"{language}/", 1) for language in ("ar", "en", "es", "fr", "ru", "zh")]
    assert set(kenya) <= set(listed(2027))
    assert listed(2031) == []
    response = site.api("PATCH", SC, "moderator", json={"year": 2031, "election_date": "2031-06-03"}, headers=EN)
    assert response.status_code == 204, response.text
    assert set(kenya) <= set(listed(2031))
    assert not set(kenya) & set(listed(2027))
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    dates = {
        b.election_date
        for b in catalog.unrestrictedSearchResults(portal_type="Candidature", path=["/plone/" + path for path in kenya])
    }
    assert dates == {"2031-06-03"}
