"""The policy matrix: the running site does exactly what policies/*.toml say, no more, no less.

Expectations come from the TOML files read by the matrix itself
(policy_oracle.py), never from missionplace.workflows.policy, which generates the
workflows.  For every place type (its demo place), every state of its
publication policy and every kind of person -- every role of a place, the
owning mission, the author, the other mission, a member of no place, the
anonymous visitor, and people holding roles no policy names (Reader,
Editor, Contributor, Reviewer) as local roles -- each word of the policy is
tried as that real user through the pages and the REST API, refusals with
support's snapshot (a refused request that changes something fails), and each
permission of the word table is also asked of the site in the test process.
Places and rooms follow places.toml; a room with its own membership and a room
following another policy are tried too; every content type is tried at the
place, in a room and in a folder.

The matrix's own regression tests (mutated workflows it must catch) are in
test_matrix_mutations.py.
"""

from matrix import actual_roles
from matrix import add_people
from matrix import check_allowed_changes
from matrix import check_item
from matrix import check_permissions
from matrix import check_place
from matrix import create
from matrix import expected_roles
from matrix import FOREIGN_ROLES
from matrix import fresh
from matrix import give_local_roles
from matrix import held_in_place
from matrix import MISSION_AUTHOR
from matrix import OWNER
from matrix import path_of
from matrix import PERSONAS
from matrix import PLACE_ROLES_OF
from matrix import place_types
from matrix import PLACES
from matrix import Report
from matrix import review_queues
from matrix import set_state
from matrix import Unchanged
from matrix import Users
from missionplace.candiweb.records import relation_to
from plone import api
from policy_oracle import every_role
from policy_oracle import PERMISSIONS
from policy_oracle import Policy
from policy_oracle import policy_names
from support import assert_refused
import pytest
import transaction


CONTENT_TYPES = ("Document", "Folder", "File", "Image", "Link", "News Item", "Event")
# Kept small on purpose: the people whose refusals matter most for every type.
CONTENT_PERSONAS = (None, "outsider", "editor-bra", "delegate-ken", "editor2-fra", "reader-x", "editor-x")


# -- Coverage: a new role, place type or policy cannot be left out silently -----------------------


def test_personas_cover_every_role():
    from missionplace.places.roles import PLACE_ROLES

    covered = set().union(*PLACE_ROLES_OF.values(), FOREIGN_ROLES.values(), {MISSION_AUTHOR, OWNER})
    wanted = every_role() | set(PLACE_ROLES) | {MISSION_AUTHOR, OWNER}
    assert wanted <= covered, f"no persona holds {sorted(wanted - covered)}"


def test_places_cover_every_place_type_and_policy():
    types = place_types()
    assert set(PLACES) == set(types), "each place type needs its demo place in the matrix"
    used = {entry["policy"] for entry in types.values()}
    # Every publication policy is tried: through a place type, or a room (see test_room_with_another_policy).
    assert set(policy_names()) - {"places"} <= used | {ROOM_POLICY[1]}
    # Every word of the table is a word some policy or places.toml uses.
    words = {verb for name in policy_names() for state in Policy(name).states.values() for verb in state}
    assert set(PERMISSIONS.values()) <= words | {"review", "check in", "record results"}


# -- Items: every state, every persona, at the place root -------------------------------------------


@pytest.mark.parametrize("place_type", list(PLACES))
def test_policy_matrix(site, place_type):
    portal = site.portal
    policy = Policy(place_types()[place_type]["policy"])
    place = portal.unrestrictedTraverse(PLACES[place_type])
    add_people({place_type: PLACES[place_type]})
    items = {}
    for state in policy.states:
        items[state] = {
            "mission": create(place, "Folder", "editor-fra", state),
            "author": create(place, "Folder", "manager-x", state),
            "mission-page": create(place, "Document", "editor-fra", state),
            "author-page": create(place, "Document", "manager-x", state),
        }
        give_local_roles(items[state]["mission"])
        give_local_roles(items[state]["mission-page"])
    transaction.commit()

    users, report = Users(site), Report()
    queues = review_queues(users, PERSONAS)
    for state, found in items.items():
        for kind, author, personas in (
            ("mission", "editor-fra", PERSONAS),
            ("author", "manager-x", ("manager-x", "editor-fra", "editor-bra")),
        ):
            obj = found[kind]
            info = {"mission": "fra" if kind == "mission" else None, "author": author, "foreign": kind == "mission"}

            def make_item(portal_type, author=author, state=state):
                fresh()
                obj = create(place, portal_type, author, state)
                transaction.commit()
                return obj

            for user in personas:
                held = expected_roles(user, place_type, info)
                who = f"{policy.name}/{state}/{user or 'anonymous'} on the {kind}'s item"
                actual = actual_roles(user, obj)
                if actual != held:
                    report.fail(f"{who}: holds {sorted(actual)}, the matrix expects {sorted(held)}")
                check_permissions(report, policy, state, who, user, obj, held)
                check_item(users, report, policy, state, obj, found[f"{kind}-page"], user, held, queues.get(user))
                if user and user not in FOREIGN_ROLES:
                    check_allowed_changes(users, report, policy, state, make_item, user, held)
    users.close()
    assert not report.failures, "\n".join(report.failures)


# -- Every content type, at the place, in a room and in a folder --------------------------------------


def _candiweb_records(place):
    """(container, portal type, author, fields) of the CandiWeb records, where CandiWeb keeps them."""
    election = place["elections"].objectValues()[0]
    return [
        (place["organs"], "Organ", "moderator", {}),
        (place["elections"], "Election", "moderator", {}),
        (place["candidatures"], "Candidature", "editor-fra", {"election": relation_to(election)}),
    ]


@pytest.mark.parametrize("place_type", list(PLACES))
def test_every_content_type(site, place_type):
    """Each type in each location, in its first state and when published: permissions and REST."""
    portal = site.portal
    types = place_types()
    policy = Policy(types[place_type]["policy"])
    place = portal.unrestrictedTraverse(PLACES[place_type])
    add_people({place_type: PLACES[place_type]})
    room = place[types[place_type]["rooms"][0]["id"]]
    # France's folder: what is drafted in it is France's, as at the place.
    folder = create(place, "Folder", "editor-fra", title="France's folder")
    states = [policy.initial, "published"]
    items = []  # (obj, info, state)
    for state in states:
        for container in (place, room, folder):
            for portal_type in CONTENT_TYPES:
                obj = create(container, portal_type, "editor-fra")
                items.append((obj, {"mission": "fra", "author": "editor-fra"}, state))
        if "types" in types[place_type]:
            for container, portal_type, author, fields in _candiweb_records(place):
                obj = create(container, portal_type, author, **fields)
                mission = getattr(obj, "mission", None)
                items.append((obj, {"mission": mission, "author": author}, state))
    for obj, _info, state in items:
        set_state(obj, state)
    set_state(folder, "published")
    transaction.commit()

    users, report = Users(site), Report()
    seen = {}
    for user in CONTENT_PERSONAS:
        response = users.api("GET", "@search", user, params={"path": "/".join(place.getPhysicalPath()), "b_size": 1000})
        seen[user] = {site.path_of(item["@id"]) for item in response.json().get("items", [])}
    for obj, info, state in items:
        path = path_of(obj)
        for user in PERSONAS:
            held = expected_roles(user, place_type, info)
            who = f"{policy.name}/{state}/{user or 'anonymous'} on {obj.portal_type} {path}"
            actual = actual_roles(user, obj)
            if actual != held:
                report.fail(f"{who}: holds {sorted(actual)}, the matrix expects {sorted(held)}")
            check_permissions(report, policy, state, who, user, obj, held)
            if user not in CONTENT_PERSONAS:
                continue
            may_view, may_edit = policy.may(state, "view", held), policy.may(state, "edit", held)
            if (path in seen[user]) != may_view:
                report.fail(f"{who}: found by search={path in seen[user]}, policy says view={may_view}")
            with Unchanged(portal, report, [path], who):
                report.expect(who, "view (REST)", may_view, users.api("GET", path, user), (200,))
                if not may_edit:
                    response = users.api("PATCH", path, user, json={"title": "Not mine"})
                    report.expect(who, "edit (REST)", False, response, ())
                if not policy.may(state, "delete", held):
                    report.expect(who, "delete (REST)", False, users.api("DELETE", path, user), ())
    users.close()
    assert not report.failures, "\n".join(report.failures)


# -- Places and rooms: places.toml ------------------------------------------------------------------


@pytest.mark.parametrize("place_type", list(PLACES))
def test_places_and_rooms(site, place_type):
    """view, edit, add, delete, add rooms, see and manage members, share: on the place and a room."""
    portal = site.portal
    policy = Policy("places")
    types = place_types()
    place = portal.unrestrictedTraverse(PLACES[place_type])
    add_people({place_type: PLACES[place_type]})
    room = place[types[place_type]["rooms"][0]["id"]]
    give_local_roles(room)
    transaction.commit()

    users, report = Users(site), Report()
    for target, foreign in ((place, False), (room, True)):
        for user in PERSONAS:
            held = held_in_place(user, place_type)
            if foreign and user in FOREIGN_ROLES:
                held = {FOREIGN_ROLES[user]}
            check_place(users, report, policy, target, user, held, is_room=target is room)
    users.close()
    assert not report.failures, "\n".join(report.failures)


def test_mission_editors_never_delete_a_place_or_room(site):
    """Issue 9, item 3: editor-fra deleted the Elections room and the Informatics place."""
    for path in ("en/candiweb/elections", "en/informatics", "en/first-committee/statements"):
        assert_refused(site.portal, [path], lambda path=path: site.api("DELETE", path, "editor-fra"))


# -- A room with its own membership ----------------------------------------------------------------


def test_room_with_its_own_membership(site):
    """In CandiWeb's Candidatures room, Brazil only reads and an outsider is a delegate.

    Brazil's published page in the room stays published, but Brazil stops
    drafting there: its editors lose the owning mission's rights with it.
    """
    portal = site.portal
    place_type, policy = "candiweb", Policy("mission-review")
    place = portal.unrestrictedTraverse(PLACES[place_type])
    add_people({place_type: PLACES[place_type]})
    room = place["candidatures"]
    brazil_page = create(room, "Document", "editor-bra", "published")
    transaction.commit()
    room_path = path_of(room)
    for principal in ("mission-bra", "outsider"):
        response = site.api(
            "POST", f"{room_path}/@members", "moderator", json={"principal": principal, "role": "Delegate"}
        )
        assert response.status_code == 200, response.text
    # Not by the mission editors, nor by a focal point for someone not of their mission.
    for user in ("editor-fra", "focal-fra", "delegate-ken"):
        assert_refused(
            portal,
            [room_path],
            lambda user=user: site.api(
                "POST", f"{room_path}/@members", user, json={"principal": "editor-bra", "role": "MissionEditor"}
            ),
            statuses=(401, 403),
        )
    transaction.abort()
    items = {state: create(room, "Folder", "editor-fra", state) for state in policy.states}
    pages = {state: create(room, "Document", "editor-fra", state) for state in policy.states}
    transaction.commit()

    def held(user, info):
        found = expected_roles(user, place_type, info)
        if user == "editor-bra":
            found = {"Delegate"}  # Brazil takes part as Delegate in this room
        if user == "outsider":
            found = {"Delegate"}
        return found

    users, report = Users(site), Report()
    personas = [p for p in PERSONAS if p not in FOREIGN_ROLES]
    for state, obj in items.items():
        for user in personas:
            expected = held(user, {"mission": "fra", "author": "editor-fra"})
            who = f"room membership/{state}/{user or 'anonymous'}"
            actual = actual_roles(user, obj)
            if actual != expected:
                report.fail(f"{who}: holds {sorted(actual)}, the matrix expects {sorted(expected)}")
            check_permissions(report, policy, state, who, user, obj, expected)
            check_item(users, report, policy, state, obj, pages[state], user, expected)
    # Brazil's own page: no longer Brazil's to revise, still readable by its delegates.
    for user in ("editor-bra", "moderator", "editor-fra"):
        expected = held(user, {"mission": "bra", "author": "editor-bra"})
        who = f"room membership/published/{user} on Brazil's page"
        actual = actual_roles(user, brazil_page)
        if actual != expected:
            report.fail(f"{who}: holds {sorted(actual)}, the matrix expects {sorted(expected)}")
        check_permissions(report, policy, "published", who, user, brazil_page, expected)
    users.close()
    assert not report.failures, "\n".join(report.failures)


# -- A room following another publication policy ----------------------------------------------------

ROOM_POLICY = ("first-committee", "mission-review", "statements")


def test_room_with_another_policy(site):
    """The First Committee's Statements room follows Mission review: the bureau has no part in it."""
    portal = site.portal
    place_type, name, room_id = ROOM_POLICY
    policy = Policy(name)
    place = portal.unrestrictedTraverse(PLACES[place_type])
    add_people({place_type: PLACES[place_type]})
    room = place[room_id]
    transaction.commit()
    room_path = path_of(room)
    for user in ("editor-fra", "bureau-x", "manager-x", "focal-fra"):
        assert_refused(
            portal,
            [room_path],
            lambda user=user: site.api("PATCH", f"{room_path}/@publication-policy", user, json={"policy": name}),
        )
    response = site.api("PATCH", f"{room_path}/@publication-policy", "moderator", json={"policy": name})
    assert response.status_code == 200, response.text
    transaction.abort()
    items = {state: create(room, "Folder", "editor-fra", state) for state in policy.states}
    pages = {state: create(room, "Document", "editor-fra", state) for state in policy.states}
    transaction.commit()
    for obj in items.values():
        workflow = api.portal.get_tool("portal_workflow").getWorkflowsFor(obj)[0].getId()
        assert workflow == policy.workflow

    users, report = Users(site), Report()
    queues = review_queues(users, PERSONAS)
    personas = [p for p in PERSONAS if p not in FOREIGN_ROLES]
    for state, obj in items.items():

        def make_item(portal_type, state=state):
            fresh()
            obj = create(room, portal_type, "editor-fra", state)
            transaction.commit()
            return obj

        for user in personas:
            held = expected_roles(user, place_type, {"mission": "fra", "author": "editor-fra"})
            who = f"{room_path} ({name})/{state}/{user or 'anonymous'}"
            check_permissions(report, policy, state, who, user, obj, held)
            check_item(users, report, policy, state, obj, pages[state], user, held, queues.get(user))
            if user in ("bureau-x", "moderator", "editor2-fra"):
                check_allowed_changes(users, report, policy, state, make_item, user, held)
    users.close()
    assert not report.failures, "\n".join(report.failures)


def test_record_results(site):
    """Only moderators record results: a mission editor's status change is refused, in every state."""
    portal = site.portal
    policy = Policy("mission-review")
    place = portal.unrestrictedTraverse(PLACES["candiweb"])
    add_people({"candiweb": PLACES["candiweb"]})
    election = place["elections"].objectValues()[0]
    records = {
        state: create(place["candidatures"], "Candidature", "editor-fra", state, election=relation_to(election))
        for state in policy.states
    }
    transaction.commit()
    users, report = Users(site), Report()
    for state, obj in records.items():
        path = path_of(obj)
        for user in ("editor-fra", "editor-bra", "manager-x", "moderator"):
            held = expected_roles(user, "candiweb", {"mission": "fra", "author": "editor-fra"})
            who = f"record results/{state}/{user}"
            check_permissions(report, policy, state, who, user, obj, held, words=("record results",))
            transaction.abort()
            before = obj.status
            response = users.api("PATCH", path, user, json={"status": "elected"})
            transaction.abort()
            changed = obj.status != before
            if policy.may(state, "record results", held) and policy.may(state, "edit", held):
                if response.status_code != 204 or obj.status != "elected":
                    report.fail(f"{who}: recording a result should work, got {response.status_code}")
                obj.status = "announced"
                transaction.commit()
            elif changed and not policy.may(state, "record results", held):
                report.fail(f"{who}: recorded a result ({response.status_code}), which only moderators may")
    users.close()
    assert not report.failures, "\n".join(report.failures)
