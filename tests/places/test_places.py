"""Places and membership, as the demo users meet them over HTTP (missions and their staff: tests/missions).

Every rule is checked through the REST API (/++api++) and through the pages,
logged in as the real demo accounts (password "demo").
"""

from support import PASSWORD
import pytest
import requests
import transaction


def test_demo_places_exist_in_six_languages(demo_portal):
    demo = demo_portal
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        root = demo[language]
        assert {"candiweb", "first-committee", "informatics"} <= set(root.objectIds())
        assert {"elections", "candidatures"} <= set(root["candiweb"].objectIds())
    assert demo["fr"]["candiweb"].Title() == "CandiWeb : élections et candidatures"
    assert demo["ar"]["informatics"].Title() == "الفريق العامل المخصص المفتوح العضوية المعني بالمعلوماتية"


def test_place_types_listed_over_rest(site):
    items = site.api("GET", "en/@place-types", "moderator").json()["items"]
    assert [item["id"] for item in items] == ["candiweb", "first-committee", "working-group"]


def test_moderator_creates_a_place_over_rest(site):
    response = site.api("POST", "en/@places", "moderator", json={"place_type": "working-group", "title": "OEWG on ICT"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["@type"] == "Place"
    assert created["title"] == "OEWG on ICT"
    place_id = created["id"]
    for language in ("ar", "zh", "fr", "ru", "es"):
        assert site.api("GET", f"{language}/{place_id}", "moderator").status_code == 200
    members = site.api("GET", f"en/{place_id}/@members", "moderator").json()["items"]
    assert members == [
        {
            "principal": "moderator",
            "kind": "person",
            "title": "Secretariat Moderator (demo)",
            "role": "SecretariatModerator",
        }
    ]
    rooms = site.api("GET", f"en/{place_id}/documents", "moderator")
    assert rooms.status_code == 200
    assert rooms.json()["@type"] == "Room"


@pytest.mark.parametrize("user", ["editor-fra", "delegate-ken", None])
def test_only_moderators_create_places(site, user):
    response = site.api("POST", "en/@places", user, json={"place_type": "candiweb"})
    assert response.status_code in (401, 403)


def test_bad_place_type_is_refused_in_the_users_language(site):
    response = site.api(
        "POST", "fr/@places", "moderator", json={"place_type": "nope"}, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 400
    assert "nope" in response.json()["error"]["message"]


def test_draft_belongs_to_the_mission(site):
    path = site.draft("editor-fra")
    item = site.api("GET", path, "editor-fra").json()
    assert item["mission"] == {"token": "fra", "title": "France"}
    page = site.page(path.replace("en/", "en/", 1), "editor-fra")
    assert "missionplace-owning-mission" in page.text
    assert "<strong>France</strong>" in page.text
    found = site.api("GET", "en/@search", "moderator", params={"mission": "fra", "portal_type": "Document"}).json()
    assert [i["@id"] for i in found["items"]] == [f"{site.url}/{path}"]


def test_other_mission_cannot_see_or_edit_the_draft(site):
    path = site.draft("editor-fra", title="Candidature of France to the Council")
    assert site.api("GET", path, "editor-bra").status_code == 401
    assert site.api("PATCH", path, "editor-bra", json={"title": "Hijacked"}).status_code == 401
    found = site.api("GET", "en/@search", "editor-bra", params={"SearchableText": "Candidature France Council"}).json()
    assert found["items_total"] == 0
    assert site.page(path, "editor-bra").status_code in (302, 401, 403)
    assert site.page(path, "editor-fra").status_code == 200
    # The moderator sees and corrects it; the delegate of a member mission does not see drafts.
    assert site.api("PATCH", path, "moderator", json={"title": "Corrected"}).status_code == 204
    assert site.api("GET", path, "delegate-ken").status_code == 401


def test_every_editor_of_the_mission_may_edit_the_draft(site):
    path = site.draft("editor-fra")
    added = site.api("POST", "@mission-staff/fra", "focal-fra", json={"user": "editor-bra-2", "function": "editor"})
    assert added.status_code == 400  # no such person yet
    # The focal point creates the colleague's account (a delegate first); the password is the one
    # the colleague would choose through the e-mailed link.
    created = site.api(
        "POST",
        "@mission-staff/fra",
        "focal-fra",
        json={"user": "editor-fra-2", "fullname": "Colleague", "email": "editor-fra-2@missionplace.example"},
    )
    assert created.status_code == 201, created.text
    transaction.abort()
    site.portal.acl_users.userSetPassword("editor-fra-2", PASSWORD)
    transaction.commit()
    assert site.api("PATCH", path, "editor-fra-2", json={"title": "By a colleague"}).status_code == 401
    added = site.api("POST", "@mission-staff/fra", "focal-fra", json={"user": "editor-fra-2", "function": "editor"})
    assert added.status_code == 200, added.text
    assert site.api("PATCH", path, "editor-fra-2", json={"title": "By a colleague"}).status_code == 204


def test_focal_point_cannot_add_anyone_to_brazil(site):
    site.portal.acl_users._doAddUser("someone", PASSWORD, ["Member"], [])
    transaction.commit()
    response = site.api("POST", "@mission-staff/bra", "focal-fra", json={"user": "someone", "function": "editor"})
    assert response.status_code == 403
    assert site.api("DELETE", "@mission-staff/bra/editor-bra", "focal-fra").status_code == 403
    # The Secretariat sees every mission's staff (but does not change it).
    staff = site.api("GET", "@mission-staff/bra", "moderator")
    assert staff.status_code == 200
    assert site.api("DELETE", "@mission-staff/bra/editor-bra", "moderator").status_code == 403
    assert "someone" not in [
        u.getId() for u in site.portal.portal_groups.getGroupById("mission-bra-editors").getGroupMembers()
    ]
    # Nor add Brazilians (or Brazil) to a place.
    assert (
        site.api(
            "POST", "en/candiweb/@members", "focal-fra", json={"principal": "editor-bra", "role": "Delegate"}
        ).status_code
        == 403
    )
    assert (
        site.api(
            "POST", "en/candiweb/@members", "focal-fra", json={"principal": "mission-bra", "role": "Delegate"}
        ).status_code
        == 403
    )


def test_non_member_finds_nothing_of_a_place(site):
    # Brazil does not take part in the working group on informatics.
    response = site.api(
        "POST", "en/informatics", "moderator", json={"@type": "Document", "title": "Informatics minutes"}
    )
    path = response.json()["@id"].split(f"{site.url}/")[1]
    assert site.api("POST", f"{path}/@workflow/submit", "moderator").status_code == 200
    assert site.api("POST", f"{path}/@workflow/approve", "moderator").status_code == 200
    assert site.api("GET", path, "delegate-ken").status_code == 200
    assert site.api("GET", path, "editor-bra").status_code == 401
    assert site.api("GET", "en/informatics", "editor-bra").status_code == 401
    found = site.api("GET", "en/@search", "editor-bra", params={"SearchableText": "Informatics minutes"}).json()
    assert found["items_total"] == 0
    assert site.page(path, "editor-bra").status_code in (302, 401, 403)
    assert site.api("GET", path).status_code == 401
    assert site.page("en/informatics").status_code in (302, 401)
    navigation = site.api("GET", "en/@navigation", "editor-bra", params={"expand.navigation.depth": 2}).text
    assert "informatics" not in navigation


def test_membership_applies_in_every_language(site):
    assert site.api("GET", "fr/informatics", "editor-bra").status_code == 401
    assert (
        site.api(
            "POST", "fr/informatics/@members", "moderator", json={"principal": "mission-bra", "role": "Delegate"}
        ).status_code
        == 200
    )
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        assert site.api("GET", f"{language}/informatics", "editor-bra").status_code == 200, language
    members = site.api("GET", "ru/informatics/@members", "moderator").json()["items"]
    assert {"principal": "mission-bra", "role": "Delegate"} in [
        {"principal": m["principal"], "role": m["role"]} for m in members
    ]


def test_membership_history_is_for_moderators(site):
    site.api("POST", "en/candiweb/@members", "moderator", json={"principal": "mission-chl", "role": "Delegate"})
    data = site.api("GET", "en/candiweb/@members", "moderator").json()
    assert data["history"][0]["principal"] == "mission-chl"
    assert data["history"][0]["actor"] == "moderator"
    assert data["history"][0]["action"] == "added"
    assert "history" not in site.api("GET", "en/candiweb/@members", "delegate-ken").json()
    assert site.api("GET", "en/candiweb/@members", "editor-bra").status_code == 200
    assert (
        site.api(
            "POST", "en/candiweb/@members", "delegate-ken", json={"principal": "mission-chl", "role": "MissionEditor"}
        ).status_code
        == 403
    )
    assert site.api("DELETE", "en/candiweb/@members/mission-fra", "editor-bra").status_code == 403


def test_bad_membership_input_changes_nothing(site):
    before = site.api("GET", "en/candiweb/@members", "moderator").json()["items"]
    for body in (
        {"principal": "mission-fra-editors", "role": "MissionEditor"},
        {"principal": "mission-fra", "role": "PlaceManager"},
        {"principal": "nobody-at-all", "role": "Delegate"},
        {"principal": "editor-bra", "role": "Emperor"},
    ):
        response = site.api("POST", "en/candiweb/@members", "moderator", json=body, headers={"Accept-Language": "en"})
        assert response.status_code == 400, body
        assert response.json()["error"]["message"]
    assert site.api("GET", "en/candiweb/@members", "moderator").json()["items"] == before


def test_room_inherits_until_changed(site):
    room = "en/candiweb/elections"
    assert site.api("GET", room, "editor-bra").status_code == 200
    assert site.api("DELETE", f"{room}/@members/mission-bra", "moderator").status_code == 204
    assert site.api("GET", room, "editor-bra").status_code == 401
    assert site.api("GET", "en/candiweb", "editor-bra").status_code == 200
    principals = [m["principal"] for m in site.api("GET", "en/candiweb/@members", "moderator").json()["items"]]
    assert "mission-bra" in principals


def test_members_tab_page(site):
    page = site.page("en/candiweb/@@members", "moderator")
    assert page.status_code == 200
    for mission in ("France", "Brazil", "Kenya"):
        assert mission in page.text
    assert site.page("en/candiweb/@@members", "editor-bra").status_code == 200
    assert site.page("en/informatics/@@members", "editor-bra").status_code in (302, 401, 403)


def test_members_tab_refuses_a_post_without_csrf_token(site):
    response = requests.post(
        f"{site.url}/en/candiweb/@@members",
        auth=("moderator", PASSWORD),
        timeout=60,
        data={"action": "set", "mission": "chl", "role": "Delegate"},
        allow_redirects=False,
    )
    assert response.status_code == 403
    principals = [m["principal"] for m in site.api("GET", "en/candiweb/@members", "moderator").json()["items"]]
    assert "mission-chl" not in principals


def test_sharing_page_shows_the_place_roles_in_the_users_language(site):
    page = site.page("fr/candiweb/@@sharing", "moderator", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Modérateur du Secrétariat" in page.text
    assert "Point focal de la mission" in page.text
