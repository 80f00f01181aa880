"""Who owns an item, and what its containers give (issue 9, item 2).

The owning mission of a new item is never the client's to forge: REST refuses
a mission the creator does not edit for (or which does not draft in the
place) with a 400 and creates nothing; the add form ignores a smuggled one; a
moderator names any mission that drafts in the place; what is created in a
mission's item is that mission's.  And no role given on a container (Owner, the
owning mission's) reaches another mission's draft inside it, through REST,
pages, history or search.  Everything as the real demo users over HTTP.
"""

from support import assert_refused
from support import is_refusal
import pytest
import re
import transaction


PLACE = "en/candiweb"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
TYPES = {
    "Document": {},
    "Folder": {},
    "File": {"file": {"data": "aGVsbG8=", "encoding": "base64", "filename": "note.txt", "content-type": "text/plain"}},
    "Image": {"image": {"data": PNG, "encoding": "base64", "filename": "dot.png", "content-type": "image/png"}},
    "Link": {"remoteUrl": "https://www.un.org/"},
    "News Item": {},
    "Event": {"start": "2026-12-01T10:00:00", "end": "2026-12-01T11:00:00"},
}
EN = {"Accept-Language": "en"}
NOT_YOURS = "An item belongs to a mission you edit for and which drafts in this place"


def post(site, user, container, portal_type="Document", title="Quokka", **fields):
    body = {"@type": portal_type, "title": title, **TYPES.get(portal_type, {}), **fields}
    return site.api("POST", container, user, json=body, headers=EN)


def created(site, user, container, portal_type="Document", title="Quokka", **fields):
    response = post(site, user, container, portal_type, title, **fields)
    assert response.status_code == 201, response.text
    return site.path_of(response.json()["@id"])


def mission_of(site, path):
    transaction.begin()
    return getattr(site.portal.unrestrictedTraverse(path), "mission", None)


def found(site, user, word, container="en"):
    """The site paths the REST search of ``user`` answers for ``word`` (it must answer 200)."""
    response = site.api("GET", f"{container}/@search", user, params={"SearchableText": word})
    assert response.status_code == 200, response.text
    return {site.path_of(item["@id"]) for item in response.json()["items"]}


def our_work(site, user):
    response = site.api("GET", "en/@our-work", user)
    assert response.status_code == 200, response.text
    data = response.json()
    return {item["url"].split(f"{site.url}/")[1] for group in ("drafts", "submitted", "rejected", "published")
            for item in data[group]}  # fmt: skip


def assert_hidden(site, user, path, word):
    """``user`` neither reads, lists, finds, edits nor sees the history of ``path``."""
    assert is_refusal(site.api("GET", path, user)), (user, path)
    assert is_refusal(site.page(path, user)), (user, path)
    assert is_refusal(site.api("GET", f"{path}/@history", user)), (user, path)
    assert is_refusal(site.page(f"{path}/@@historyview", user)), (user, path)
    assert path not in found(site, user, word), (user, path)
    assert path not in our_work(site, user), (user, path)
    assert_refused(site.portal, path, lambda: site.api("PATCH", path, user, json={"title": "Taken"}))


def assert_visible(site, user, path, word):
    assert site.api("GET", path, user).status_code == 200, (user, path)
    assert path in found(site, user, word), (user, path)


# -- Creation over REST ---------------------------------------------------------------------------


@pytest.mark.parametrize("forged", ["fra", "usa"])
def test_a_forged_mission_is_refused_and_nothing_is_created(site, forged):
    response = assert_refused(
        site.portal, PLACE, lambda: post(site, "editor-bra", PLACE, title="Quokka spoof", mission=forged), (400,)
    )
    assert NOT_YOURS in response.text
    assert "Traceback" not in response.text
    assert found(site, "moderator", "Quokka") == set()
    assert not [p for p in our_work(site, "editor-fra") if "quokka" in p]


def test_the_creators_own_mission_is_recorded(site):
    named = created(site, "editor-bra", PLACE, title="Quokka named", mission="bra")
    unnamed = created(site, "editor-bra", PLACE, title="Quokka unnamed")
    token = created(site, "editor-bra", PLACE, title="Quokka token", mission={"token": "bra"})
    for path in (named, unnamed, token):
        assert mission_of(site, path) == "bra"
        assert path in our_work(site, "editor-bra")
        assert_hidden(site, "editor-fra", path, "Quokka")
    # Brazil's editors work on it as the mission, not as its author.
    transaction.begin()
    assert "editor-bra" not in dict(site.portal.unrestrictedTraverse(named).get_local_roles())


@pytest.mark.parametrize("portal_type", sorted(TYPES))
def test_every_type_refuses_a_forged_mission(site, portal_type):
    assert_refused(site.portal, PLACE, lambda: post(site, "editor-bra", PLACE, portal_type, mission="fra"), (400,))
    path = created(site, "editor-bra", PLACE, portal_type, title="Quokka typed")
    assert mission_of(site, path) == "bra"
    assert is_refusal(site.api("GET", path, "editor-fra"))
    assert path not in found(site, "editor-fra", "Quokka")


def test_forms_and_candidatures_refuse_a_forged_mission(site):
    # Forms are the Secretariat's to add: it names a mission that drafts in the place, no other.
    # (Creating an EasyForm over REST fails in collective.easyform itself, so only the refusal here.)
    assert_refused(site.portal, PLACE, lambda: post(site, "moderator", PLACE, "EasyForm", mission="usa"), (400,))
    # A candidature is announced for the editor's own State only (candidature.check_mission).
    candidatures = f"{PLACE}/candidatures"
    election = site.api("GET", f"{PLACE}/elections", "editor-bra").json()["items"][0]["@id"]
    uid = site.api("GET", site.path_of(election), "editor-bra").json()["UID"]
    assert_refused(
        site.portal,
        candidatures,
        lambda: post(site, "editor-bra", candidatures, "Candidature", election=uid, mission="fra"),
        (400,),
    )


def test_the_add_form_ignores_a_smuggled_mission(site):
    url = f"{PLACE}/++add++Document"
    form = site.page(url, "editor-bra")
    assert form.status_code == 200
    assert "IMissionOwnership.mission" not in form.text
    token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form.text) or re.search(
        r'value="([^"]+)"[^>]*name="_authenticator"', form.text
    )
    title = re.search(r'name="(form\.widgets\.[A-Za-z]+\.title)"', form.text).group(1)
    data = {
        title: "Quokka through the form",
        "form.widgets.IMissionOwnership.mission:list": "fra",
        "form.widgets.IMissionOwnership.mission": "fra",
        "form.buttons.save": "Save",
        "_authenticator": token.group(1),
    }
    response = site.page(url, "editor-bra", method="POST", data=data)
    assert response.status_code == 302, response.text[:300]
    path = response.headers["Location"].split(f"{site.url}/")[1].split("?")[0].removesuffix("/view")
    assert mission_of(site, path) == "bra"
    assert_hidden(site, "editor-fra", path, "Quokka")


# -- Moderators, containers, changes --------------------------------------------------------------


def test_a_moderator_names_a_mission_that_drafts_in_the_place(site):
    path = created(site, "moderator", PLACE, title="Quokka for Brazil", mission="bra")
    assert mission_of(site, path) == "bra"
    assert_visible(site, "editor-bra", path, "Quokka")
    assert path in our_work(site, "editor-bra")
    assert_hidden(site, "editor-fra", path, "Quokka")
    # Not a mission that takes no part (USA), nor one that does not draft here (Brazil in the working group).
    assert_refused(site.portal, PLACE, lambda: post(site, "moderator", PLACE, mission="usa"), (400,))
    assert_refused(
        site.portal, "en/informatics", lambda: post(site, "moderator", "en/informatics", mission="bra"), (400,)
    )


def test_what_is_created_in_a_missions_item_is_that_missions(site):
    folder = created(site, "editor-fra", PLACE, "Folder", title="Quokka French folder")
    by_moderator = created(site, "moderator", folder, title="Quokka added by the Secretariat")
    assert mission_of(site, by_moderator) == "fra"
    assert_visible(site, "editor-fra", by_moderator, "Quokka")
    refused = assert_refused(site.portal, folder, lambda: post(site, "moderator", folder, mission="bra"), (400,))
    assert "belongs to France" in refused.text
    # Brazil cannot add in France's draft at all.
    assert_refused(site.portal, folder, lambda: post(site, "editor-bra", folder))


def test_changing_the_mission_follows_the_same_rule(site):
    path = created(site, "editor-fra", PLACE, title="Quokka to change")
    for value in ("bra", "usa", "xyz", None, ["fra"], 12):
        response = assert_refused(
            site.portal, path, lambda v=value: site.api("PATCH", path, "editor-fra", json={"mission": v}, headers=EN),
            (400,),
        )  # fmt: skip
        assert "Traceback" not in response.text
    assert site.api("PATCH", path, "editor-fra", json={"mission": "fra", "title": "Quokka kept"}).status_code == 204
    assert_refused(site.portal, path, lambda: site.api("PATCH", path, "moderator", json={"mission": "usa"}), (400,))
    assert site.api("PATCH", path, "moderator", json={"mission": "ken"}).status_code == 204
    assert mission_of(site, path) == "ken"
    assert_hidden(site, "editor-fra", path, "Quokka")


def test_a_copy_belongs_to_the_mission_that_copies_it(site):
    original = created(site, "editor-fra", PLACE, title="Quokka original")
    for actor, action in (("editor-fra", "submit"), ("moderator", "approve")):
        assert site.api("POST", f"{original}/@workflow/{action}", actor).status_code == 200
    response = site.api("POST", f"{PLACE}/@copy", "editor-bra", json={"source": f"{site.url}/{original}"})
    assert response.status_code == 200, response.text
    copy = site.path_of(response.json()[0]["target"])
    assert mission_of(site, copy) == "bra"
    assert is_refusal(site.api("GET", copy, "editor-fra"))
    assert copy in our_work(site, "editor-bra")


# -- Roles on containers --------------------------------------------------------------------------


def nested(site):
    """France's folder, France's folder in it, France's draft in that; then the top folder is Brazil's.

    A moderator may give an item to another mission that drafts in the
    place; and the old spoof left Brazil's editor Owner of a folder (as
    here).  Neither reaches France's items inside.
    """
    top = created(site, "moderator", PLACE, "Folder", title="Quokka top folder", mission="fra")
    middle = created(site, "editor-fra", top, "Folder", title="Quokka middle folder")
    draft = created(site, "editor-fra", middle, title="Quokka nested draft")
    assert site.api("PATCH", top, "moderator", json={"mission": "bra"}).status_code == 204
    transaction.begin()
    folder = site.portal.unrestrictedTraverse(top)
    folder.manage_setLocalRoles("editor-bra", ["Owner"])
    folder.reindexObjectSecurity()
    transaction.commit()
    return top, middle, draft


def test_roles_on_a_container_do_not_reach_another_missions_draft(site):
    top, middle, draft = nested(site)
    assert_visible(site, "editor-bra", top, "Quokka")
    for path in (middle, draft):
        assert mission_of(site, path) == "fra"
        assert_hidden(site, "editor-bra", path, "Quokka")
        assert_refused(site.portal, path, lambda p=path: site.api("DELETE", p, "editor-bra"))
        assert_visible(site, "editor-fra", path, "Quokka")
        assert path in our_work(site, "editor-fra")
    assert_refused(site.portal, middle, lambda: post(site, "editor-bra", middle, title="Quokka intruder"))
    # Submitted, it is France's in the review queue.
    assert site.api("POST", f"{draft}/@workflow/submit", "editor-fra").status_code == 200
    queue = site.api("GET", "en/@review-queue", "moderator").json()["items"]
    assert [item["mission"] for item in queue if item["url"] == f"{site.url}/{draft}"] == ["fra"]
    assert_hidden(site, "editor-bra", draft, "Quokka")


# -- A mission that stops drafting ----------------------------------------------------------------


def set_member(site, principal, role):
    response = site.api("POST", f"{PLACE}/@members", "moderator", json={"principal": principal, "role": role})
    assert response.status_code < 300, response.text


@pytest.mark.parametrize("change", ["Delegate", "removed"])
def test_a_mission_that_stops_drafting_loses_its_drafts(site, change):
    path = created(site, "editor-fra", PLACE, title="Quokka farewell")
    assert_visible(site, "editor-fra", path, "Quokka")
    if change == "removed":
        assert site.api("DELETE", f"{PLACE}/@members/mission-fra", "moderator").status_code < 300
    else:
        set_member(site, "mission-fra", change)
    assert_hidden(site, "editor-fra", path, "Quokka")
    set_member(site, "mission-fra", "MissionEditor")
    assert_visible(site, "editor-fra", path, "Quokka")
