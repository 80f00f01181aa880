"""Issue 9, item 1: a focal point must not take over a place's membership.

The attack found by the review: focal-fra made the Secretariat's moderator
(or Brazil's editor) staff of France through ``POST @mission-staff/fra``, then
demoted the moderator to Delegate on the Members tab and removed them.  A
focal point manages only their own mission's ordinary staff and the accounts
they create for it; on the Members tab, only those people, as Delegate or
Mission editor.  Every attempt goes over real HTTP, through REST and through
the pages, and must change neither the place's members nor any mission group.
"""

from lxml import html
from missionplace.places import membership
from missionplace.places import roles
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.protect.authenticator import createToken
from support import assert_refused
from support import is_refusal
from support import PASSWORD
from zope.component.hooks import setSite
import pytest
import re
import requests
import transaction


PLACES = ["en/candiweb", "en/first-committee", "en/informatics", "fr/candiweb"]
GROUPS = [
    f"mission-{code}{suffix}" for code in ("fra", "bra", "ken") for suffix in ("", "-editors", "-focalpoints")
] + ["secretariat-moderators"]


def groups(portal):
    """Who is in each mission group and in the Secretariat, as the server committed it."""
    transaction.abort()
    found = {}
    for group_id in GROUPS:
        found[group_id] = sorted(portal.acl_users.source_groups.listAssignedPrincipals(group_id))
    return found


def refused(site, attempt, paths=PLACES, statuses=(401, 403)):
    """``attempt`` is refused and changes neither the places' members nor any mission group."""
    before = groups(site.portal)
    response = assert_refused(site.portal, paths, attempt, statuses=statuses)
    assert groups(site.portal) == before, "a refused request changed a group"
    return response


def add_account(portal, user_id):
    portal.acl_users._doAddUser(user_id, PASSWORD, ["Member"], [])
    api.user.get(userid=user_id).setMemberProperties({"fullname": user_id, "email": f"{user_id}@example.org"})


def admin(site, method, path, **kwargs):
    return requests.request(
        method,
        f"{site.url}/++api++/{path}",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
        allow_redirects=False,
        **kwargs,
    )


def authenticator(site, path, user):
    """The CSRF token of the forms on the page at ``path``, as ``user`` gets it."""
    page = site.page(path, user)
    assert page.status_code == 200, page.status_code
    return html.fromstring(page.content).xpath("//input[@name='_authenticator']/@value")[0]


def token(site, user):
    """``user``'s CSRF token, for a page that shows them no form."""
    transaction.abort()
    setSite(site.portal)
    with api.env.adopt_user(username=user):
        return createToken()


@pytest.fixture
def officer(site):
    """An account that is Working group officer of en/informatics, and nothing else."""
    portal = site.portal
    add_account(portal, "officer-x")
    with api.env.adopt_roles(["Manager"]):
        membership.set_member(portal["en"]["informatics"], "officer-x", roles.OFFICER)
    transaction.commit()
    return "officer-x"


@pytest.fixture
def moderator_in_france(site):
    """The state the attack left behind: the moderator made staff of France (done here as admin)."""
    api.group.add_user(groupname="mission-fra", username="moderator")
    transaction.commit()
    return "moderator"


# -- @mission-staff: a focal point adds only their own mission's people ------------------------


@pytest.mark.parametrize("function", ["delegate", "editor", "focalpoint"])
@pytest.mark.parametrize("person", ["moderator", "editor-bra", "delegate-ken", "officer", "bare"])
def test_focal_point_cannot_make_others_staff_over_rest(site, officer, person, function):
    if person == "officer":
        person = officer
    if person == "bare":
        # An existing account of nobody's: it could be anyone's; a focal point creates accounts instead.
        add_account(site.portal, "bare-account")
        transaction.commit()
        person = "bare-account"
    response = refused(
        site, lambda: site.api("POST", "@mission-staff/fra", "focal-fra", json={"user": person, "function": function})
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"], response.text


def test_focal_point_cannot_make_others_staff_through_the_page(site, officer):
    token = authenticator(site, "en/@@mission-staff", "focal-fra")
    for person in ("moderator", "editor-bra", officer):
        response = refused(
            site,
            lambda person=person: site.post(
                "en/@@mission-staff",
                "focal-fra",
                data={"_authenticator": token, "mission": "fra", "action": "add", "user": person, "function": "editor"},
            ),
        )
        assert "alert-danger" in response.text


def test_focal_point_cannot_remove_or_change_an_office_holder_of_the_mission(site, moderator_in_france):
    # Even where the moderator is already France's staff, France's focal point cannot touch them.
    refused(site, lambda: site.api("DELETE", "@mission-staff/fra/moderator", "focal-fra"))
    refused(
        site,
        lambda: site.api("POST", "@mission-staff/fra", "focal-fra", json={"user": "moderator", "function": "editor"}),
    )


def test_focal_point_cannot_manage_another_missions_staff(site):
    add_account(site.portal, "someone")
    transaction.commit()
    refused(
        site,
        lambda: site.api("POST", "@mission-staff/bra", "focal-fra", json={"user": "someone", "function": "editor"}),
    )
    refused(site, lambda: site.api("DELETE", "@mission-staff/bra/editor-bra", "focal-fra"))
    refused(
        site,
        lambda: site.api(
            "POST",
            "@mission-staff/bra",
            "focal-fra",
            json={"user": "new-bra", "fullname": "New", "email": "new@example.org", "function": "editor"},
        ),
    )
    assert api.user.get(userid="new-bra") is None


# -- @members: the attack chain as the review ran it ----------------------------------------------


def test_the_attack_chain_over_rest(site, moderator_in_france):
    place = "en/candiweb"
    # Demote the moderator to Delegate, then remove them.
    refused(
        site,
        lambda: site.api("POST", f"{place}/@members", "focal-fra", json={"principal": "moderator", "role": "Delegate"}),
    )
    refused(site, lambda: site.api("DELETE", f"{place}/@members/moderator", "focal-fra"))
    # Bring Brazil's editor (and Brazil) into France's places; remove or downgrade missions.
    refused(
        site,
        lambda: site.api(
            "POST", f"{place}/@members", "focal-fra", json={"principal": "editor-bra", "role": "MissionEditor"}
        ),
    )
    for principal in ("mission-bra", "mission-fra", "mission-fra-focalpoints"):
        refused(
            site,
            lambda principal=principal: site.api(
                "POST", f"{place}/@members", "focal-fra", json={"principal": principal, "role": "Delegate"}
            ),
            # A mission's function group is never a member: bad input, whoever asks.
            statuses=(400, 403),
        )
    for principal in ("mission-bra", "mission-fra", "mission-ken"):
        refused(site, lambda principal=principal: site.api("DELETE", f"{place}/@members/{principal}", "focal-fra"))
    # Grant themselves or a colleague an office, in CandiWeb and in the First Committee (which has a bureau).
    for where, role in (
        (place, roles.MODERATOR),
        (place, roles.PLACE_MANAGER),
        (place, roles.FOCAL_POINT),
        ("en/first-committee", roles.BUREAU),
    ):
        for principal in ("focal-fra", "editor-fra"):
            refused(
                site,
                lambda principal=principal, role=role, where=where: site.api(
                    "POST", f"{where}/@members", "focal-fra", json={"principal": principal, "role": role}
                ),
            )


def test_focal_point_cannot_change_a_role_the_place_gave_their_colleague(site):
    # The moderator made France's editor a focal point of CandiWeb in person: not the focal point's to undo.
    with api.env.adopt_user(username="moderator"):
        membership.set_member(site.portal["en"]["candiweb"], "editor-fra", roles.FOCAL_POINT)
    transaction.commit()
    place = "en/candiweb"
    refused(
        site,
        lambda: site.api(
            "POST", f"{place}/@members", "focal-fra", json={"principal": "editor-fra", "role": "Delegate"}
        ),
    )
    refused(site, lambda: site.api("DELETE", f"{place}/@members/editor-fra", "focal-fra"))


def test_the_attack_chain_through_the_members_tab(site, moderator_in_france):
    place = "en/candiweb"
    token = authenticator(site, f"{place}/@@members", "focal-fra")

    def post(**data):
        return lambda: site.post(f"{place}/@@members", "focal-fra", data={"_authenticator": token, **data})

    refused(site, post(action="set", principal="moderator", role="Delegate"))
    refused(site, post(action="remove", principal="moderator"))
    refused(site, post(action="set", principal="editor-bra", role="MissionEditor"))
    refused(site, post(action="set", mission="bra", role="Delegate"))
    refused(site, post(action="remove", principal="mission-bra"))
    refused(site, post(action="set", principal="editor-fra", role=roles.MODERATOR))
    refused(site, post(action="set", principal="editor-fra", role=roles.PLACE_MANAGER))
    response = refused(site, post(action="set", principal="focal-fra", role=roles.MODERATOR))
    assert "members-error" in response.text


def test_focal_points_members_tab_offers_only_their_staff_and_mission_roles(site, moderator_in_france):
    page = html.fromstring(site.page("en/candiweb/@@members", "focal-fra").content)
    form = page.xpath("//form[@id='add-person']")[0]
    assert form.xpath(".//select[@name='role']/option/@value") == [roles.MISSION_EDITOR, roles.DELEGATE]
    people = form.xpath(".//select[@name='principal']/option/@value")
    assert "editor-fra" in people
    assert not {"moderator", "editor-bra", "delegate-ken"} & set(people)
    # No remove button next to the missions or the moderator.
    removable = page.xpath("//table[@id='place-members']//input[@name='principal']/@value")
    assert removable == []


def test_focal_point_adds_and_removes_own_staff_on_the_members_tab(site):
    place = "en/candiweb"
    token = authenticator(site, f"{place}/@@members", "focal-fra")
    data = {"_authenticator": token, "action": "set", "principal": "editor-fra", "role": roles.DELEGATE}
    response = site.post(f"{place}/@@members", "focal-fra", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/@@members")
    transaction.abort()
    assert membership.effective_membership(site.portal["en"]["candiweb"]).members["editor-fra"] == roles.DELEGATE
    page = html.fromstring(site.page("en/candiweb/@@members", "focal-fra").content)
    assert page.xpath("//table[@id='place-members']//input[@name='principal']/@value") == ["editor-fra"]
    data = {"_authenticator": token, "action": "remove", "principal": "editor-fra"}
    assert site.post(f"{place}/@@members", "focal-fra", data=data).status_code == 302
    transaction.abort()
    assert "editor-fra" not in membership.effective_membership(site.portal["en"]["candiweb"]).members


@pytest.mark.parametrize("user", ["delegate-ken", "editor-bra", "editor-fra"])
def test_members_form_posted_by_a_non_manager_is_refused(site, user):
    place = "en/candiweb"
    csrf = token(site, user)
    for data in (
        {"action": "set", "principal": user, "role": roles.MODERATOR},
        {"action": "set", "mission": "usa", "role": roles.MISSION_EDITOR},
        {"action": "remove", "principal": "moderator"},
        {"action": "remove", "principal": "mission-fra"},
    ):
        refused(site, lambda data=data: site.post(f"{place}/@@members", user, data={"_authenticator": csrf, **data}))
    refused(
        site,
        lambda: site.api("POST", f"{place}/@members", user, json={"principal": user, "role": roles.MODERATOR}),
    )


def test_malformed_members_input_is_a_400(site):
    before = groups(site.portal)
    for body in ([1, 2], "text", {"principal": ["a", "b"], "role": "Delegate"}):
        response = assert_refused(
            site.portal,
            PLACES,
            lambda body=body: site.api(
                "POST", "en/candiweb/@members", "moderator", json=body, headers={"Accept-Language": "fr"}
            ),
            statuses=(400,),
        )
        assert response.json()["error"]["message"]
    assert groups(site.portal) == before


# -- New accounts for the mission ---------------------------------------------------------------


def test_focal_point_creates_an_account_for_the_mission(site, smtp):
    response = site.api(
        "POST",
        "@mission-staff/fra",
        "focal-fra",
        json={
            "user": "attache-fra",
            "fullname": "Attaché de la France",
            "email": "attache@fra.example",
            "function": "editor",
        },
    )
    assert response.status_code == 201, response.text
    assert {"user": "attache-fra", "fullname": "Attaché de la France", "functions": ["delegate", "editor"]} in (
        response.json()["items"]
    )
    transaction.abort()
    user = api.user.get(userid="attache-fra")
    assert user.getProperty("email") == "attache@fra.example"
    # Only France's staff: no other group, no role beyond Member.
    assert sorted(g for g in user.getGroups() if g != "AuthenticatedUsers") == ["mission-fra", "mission-fra-editors"]
    assert set(user.getRoles()) == {"Member", "Authenticated"}
    # The newcomer chooses a password through the link they were sent.
    message = smtp.wait_for(1)[0]
    assert "attache@fra.example" in str(message["To"])
    link = re.search(r"(http\S+/passwordreset/\S+)", message.get_content()).group(1)
    form = requests.get(link, timeout=60)
    assert form.status_code == 200
    data = {"userid": "attache-fra", "password": "a long new password 1", "password2": "a long new password 1"}
    data["form.submitted"] = "1"
    tokens = html.fromstring(form.content).xpath("//form//input[@name='_authenticator']/@value")
    if tokens:
        data["_authenticator"] = tokens[0]
    requests.post(link.split("?")[0], data=data, timeout=60)
    auth = ("attache-fra", "a long new password 1")
    # As France's editor, they work in France's places.
    headers = {"Accept": "application/json"}
    created = requests.post(
        f"{site.url}/++api++/en/candiweb",
        auth=auth,
        headers=headers,
        json={"@type": "Document", "title": "By the attaché"},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    assert created.json()["mission"] == {"token": "fra", "title": "France"}
    informatics = requests.get(f"{site.url}/++api++/en/informatics", auth=auth, headers=headers, timeout=60)
    assert informatics.status_code == 200
    # The focal point may then give them a place of their own, as Delegate or Mission editor.
    added = site.api(
        "POST", "en/informatics/@members", "focal-fra", json={"principal": "attache-fra", "role": "MissionEditor"}
    )
    assert added.status_code == 200, added.text
    # And remove them from the mission: their access ends.
    assert site.api("DELETE", "@mission-staff/fra/attache-fra", "focal-fra").status_code == 204
    assert site.api("DELETE", "en/informatics/@members/attache-fra", "focal-fra").status_code == 403


def test_focal_point_creates_an_account_through_the_page(site):
    token = authenticator(site, "en/@@mission-staff", "focal-fra")
    data = {
        "_authenticator": token,
        "mission": "fra",
        "action": "create",
        "user": "conseiller-fra",
        "fullname": "Conseiller",
        "email": "conseiller@fra.example",
        "function": "delegate",
    }
    response = site.post("en/@@mission-staff", "focal-fra", data=data)
    assert response.status_code == 302, response.text
    transaction.abort()
    assert "mission-fra" in api.user.get(userid="conseiller-fra").getGroups()
    page = site.page("en/@@mission-staff", "focal-fra")
    assert 'data-user="conseiller-fra"' in page.text


@pytest.mark.parametrize(
    "body",
    [
        {"user": "moderator", "fullname": "Taken", "email": "x@example.org"},
        {"user": "editor-bra", "fullname": "Taken", "email": "x@example.org"},
        {"user": "mission-bra", "fullname": "A group", "email": "x@example.org"},
        {"user": "secretariat-moderators", "fullname": "A group", "email": "x@example.org"},
        {"user": SITE_OWNER_NAME, "fullname": "The root's admin", "email": "x@example.org"},
        {"user": "Admin2", "fullname": "Upper case", "email": "x@example.org"},
        {"user": "<script>alert(1)</script>", "fullname": "Script", "email": "x@example.org"},
        {"user": "a" * 51, "fullname": "Too long", "email": "x@example.org"},
        {"user": "ok-name", "fullname": "", "email": "x@example.org"},
        {"user": "ok-name", "fullname": "x" * 101, "email": "x@example.org"},
        {"user": "ok-name", "fullname": "Line\nbreak", "email": "x@example.org"},
        {"user": "ok-name", "fullname": "Fine", "email": "not an address"},
        {"user": "ok-name", "fullname": "Fine", "email": ["x@example.org"]},
        {"user": ["ok-name"], "fullname": "Fine", "email": "x@example.org"},
        {"user": "ok-name", "fullname": "Fine", "email": "x@example.org", "function": "emperor"},
        {"user": "ok-name", "fullname": "Fine", "email": "x@example.org", "function": ["editor"]},
    ],
)
def test_bad_new_accounts_are_refused_in_the_users_language(site, body):
    before = groups(site.portal)
    response = assert_refused(
        site.portal,
        PLACES,
        lambda: site.api("POST", "@mission-staff/fra", "focal-fra", json=body, headers={"Accept-Language": "fr"}),
        statuses=(400,),
    )
    assert response.json()["error"]["message"]
    assert groups(site.portal) == before
    assert api.user.get(userid="ok-name") is None


@pytest.mark.parametrize("user", ["editor-fra", "delegate-ken", "editor-bra", "moderator", None])
def test_only_the_missions_focal_points_create_its_accounts(site, user):
    body = {"user": "intruder", "fullname": "Intruder", "email": "intruder@example.org", "function": "focalpoint"}
    refused(site, lambda: site.api("POST", "@mission-staff/fra", user, json=body))
    assert api.user.get(userid="intruder") is None


def test_malformed_staff_input_is_a_400(site):
    for body in ([1], "text", {"user": {"a": 1}}):
        response = assert_refused(
            site.portal,
            PLACES,
            lambda body=body: site.api("POST", "@mission-staff/fra", "focal-fra", json=body),
            statuses=(400,),
        )
        assert response.json()["error"]["message"]


# -- Who sees the staff and its changes ---------------------------------------------------------


def test_moderators_see_every_staff_change(site):
    created = site.api(
        "POST",
        "@mission-staff/fra",
        "focal-fra",
        json={"user": "stagiaire-fra", "fullname": "Stagiaire", "email": "stagiaire@fra.example"},
    )
    assert created.status_code == 201, created.text
    assert site.api("DELETE", "@mission-staff/fra/editor-fra", "focal-fra").status_code == 204
    staff = site.api("GET", "@mission-staff/fra", "moderator")
    assert staff.status_code == 200
    changes = [(e["actor"], e["action"], e["user"]) for e in staff.json()["history"]]
    assert changes[:2] == [("focal-fra", "removed", "editor-fra"), ("focal-fra", "created", "stagiaire-fra")]
    everything = site.api("GET", "@mission-staff", "moderator").json()["history"]
    assert [(e["mission"], e["user"]) for e in everything[:2]] == [("fra", "editor-fra"), ("fra", "stagiaire-fra")]
    # Also on the staff page, for every mission at once and for France.
    for path in ("en/@@mission-staff", "en/@@mission-staff?mission=fra"):
        page = site.page(path, "moderator")
        assert page.status_code == 200
        history = html.fromstring(page.content).xpath("//section[@id='staff-history']")[0].text_content()
        assert "stagiaire-fra" in history
        assert "editor-fra" in history
    # The moderator sees, but does not change, a mission's staff.
    refused(site, lambda: site.api("DELETE", "@mission-staff/fra/focal-fra", "moderator"))


@pytest.mark.parametrize("user", ["delegate-ken", "editor-bra", None])
def test_others_see_neither_the_staff_nor_its_changes(site, user):
    assert is_refusal(site.api("GET", "@mission-staff/fra", user))
    assert is_refusal(site.api("GET", "@mission-staff", user))
    assert is_refusal(site.page("en/@@mission-staff?mission=fra", user))
    # Staff of France see its list, not its history.
    mine = site.api("GET", "@mission-staff/fra", "editor-fra").json()
    assert "history" not in mine
    assert mine["can_manage"] is False


def test_site_admin_gets_the_staff(site):
    response = admin(site, "GET", "@mission-staff/fra")
    assert response.status_code == 200, response.text
    assert "history" in response.json()
    assert admin(site, "GET", "@mission-staff").status_code == 200
    # Site administrators may name any account.
    added = admin(site, "POST", "@mission-staff/ken", json={"user": "editor-bra", "function": "delegate"})
    assert added.status_code == 200, added.text
