"""Missions and their staff: the Member States' groups, and a focal point managing their mission's people.

Through the code and, as the demo users, the REST API (/++api++); who may not
take over whose staff: tests/security/test_staff_takeover.py.
"""

from missionplace.missions import mission as missions
from support import PASSWORD
import transaction


def test_every_member_state_and_observer_is_a_mission(demo_portal):
    assert len(missions.missions()) == 195
    france = missions.get("fra")
    assert france.id == "mission-fra"
    assert france.regional_group == "western-european-others"
    assert (france.name("fr"), france.name("ru"), france.name("zh")) == ("France", "Франция", "法国")
    assert missions.get("vat").regional_group == ""
    assert missions.get("pse").name("en") == "State of Palestine"
    assert missions.get("bol").name("en") == "Bolivia (Plurinational State of)"
    groups = demo_portal.portal_groups
    assert groups.getGroupById("mission-fra").getProperty("title") == "France"
    assert "mission-fra" in groups.getGroupById("mission-fra-editors").getGroups()


def test_missions_load_idempotently(demo_portal):
    before = len(demo_portal.portal_groups.getGroupIds())
    missions.load_missions(demo_portal)
    assert len(demo_portal.portal_groups.getGroupIds()) == before


def test_focal_point_manages_own_staff(site):
    created = site.api(
        "POST",
        "@mission-staff/fra",
        "focal-fra",
        json={"user": "attache-fra", "fullname": "Attaché", "email": "attache@fra.example", "function": "delegate"},
    )
    assert created.status_code == 201, created.text
    transaction.abort()
    site.portal.acl_users.userSetPassword("attache-fra", PASSWORD)
    transaction.commit()
    staff = site.api("GET", "@mission-staff/fra", "focal-fra").json()
    assert {"user": "attache-fra", "fullname": "Attaché", "functions": ["delegate"]} in staff["items"]
    assert staff["history"][0]["user"] == "attache-fra"
    assert staff["history"][0]["action"] == "created"
    # As staff of France, the attaché reads CandiWeb, where France takes part.
    assert site.api("GET", "en/candiweb", "attache-fra").status_code == 200


def test_removing_a_person_from_the_mission_removes_access_at_once(site):
    path = site.draft("editor-fra")
    assert site.api("GET", path, "editor-fra").status_code == 200
    assert site.api("DELETE", "@mission-staff/fra/editor-fra", "focal-fra").status_code == 204
    assert site.api("GET", path, "editor-fra").status_code == 401
    assert site.api("GET", "en/candiweb", "editor-fra").status_code == 401
