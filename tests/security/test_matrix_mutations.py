"""The policy matrix's own tests: a wrong workflow on the site must make it report failures.

Each test installs the policies as usual, then changes the *installed*
workflow the way a faulty generator would (Delegates get every permission in
a state; a role dropped from a transition's guard; mission editors may delete
rooms, as places.toml said before issue 9), runs the matrix's checking code
for an affected case and asserts that it reports the fault.  (The functional
layer throws every change away after each test.)
"""

from matrix import add_people
from matrix import check_item
from matrix import check_permissions
from matrix import check_place
from matrix import create
from matrix import expected_roles
from matrix import held_in_place
from matrix import path_of
from matrix import PLACES
from matrix import Report
from matrix import Users
from plone import api
from policy_oracle import Policy
import transaction


def workflow(policy):
    return api.portal.get_tool("portal_workflow")[policy.workflow]


def remap(*objs):
    for obj in objs:
        api.portal.get_tool("portal_workflow").getWorkflowsFor(obj)[0].updateRoleMappingsFor(obj)
        obj.reindexObjectSecurity()


def test_matrix_catches_delegates_with_every_permission(site):
    """A generator that gave Delegates every permission of the working group's draft state."""
    policy = Policy("members-only")
    place = site.portal.unrestrictedTraverse(PLACES["working-group"])
    add_people({"working-group": PLACES["working-group"]})
    obj = create(place, "Folder", "editor-fra", "draft")
    page = create(place, "Document", "editor-fra", "draft")
    state = workflow(policy).states["draft"]
    for permission, roles in state.permission_roles.items():
        state.setPermission(permission, 0, sorted({*roles, "Delegate"}))
    remap(obj, page)
    transaction.commit()

    users, report = Users(site), Report()
    held = expected_roles("delegate-ken", "working-group", {"mission": "fra", "author": "editor-fra"})
    check_permissions(report, policy, "draft", "delegate-ken", "delegate-ken", obj, held)
    assert any("has 'View'" in failure for failure in report.failures), report.failures
    assert any("has 'Delete objects'" in failure for failure in report.failures), report.failures
    in_process = len(report.failures)
    check_item(users, report, policy, "draft", obj, page, "delegate-ken", held)
    users.close()
    real = report.failures[in_process:]
    for label in ("view (REST) should be refused", "edit (page) should be refused", "delete (page) should be refused"):
        assert any(label in failure for failure in real), real


def test_matrix_catches_a_role_dropped_from_a_guard(site):
    """A generator that forgot the moderators in the guard of "approve" (mission review)."""
    policy = Policy("mission-review")
    place = site.portal.unrestrictedTraverse(PLACES["candiweb"])
    add_people({"candiweb": PLACES["candiweb"]})
    obj = create(place, "Folder", "editor-fra", "pending")
    page = create(place, "Document", "editor-fra", "pending")
    guard = workflow(policy).transitions["approve"].getGuard()
    guard.roles = tuple(role for role in guard.roles if role != "SecretariatModerator")
    workflow(policy).transitions["approve"].guard = guard
    transaction.commit()

    users, report = Users(site), Report()
    held = expected_roles("moderator", "candiweb", {"mission": "fra", "author": "editor-fra"})
    check_item(users, report, policy, "pending", obj, page, "moderator", held)
    users.close()
    assert any("actions (REST)" in failure and "approve" in failure for failure in report.failures), report.failures
    assert any("actions (page)" in failure for failure in report.failures), report.failures


def test_matrix_catches_mission_editors_deleting_rooms(site):
    """places.toml before issue 9 (item 3): "delete" on places and rooms for mission editors and officers.

    Installed on the site (never in the shared policies/places.toml): the
    matrix, reading today's places.toml, must report that editor-fra may
    delete the Elections room, and the refused request must not have deleted it.
    """
    policy = Policy("places")
    assert not ({"mission editors", "officers"} & set(policy.who("open", "delete"))), (
        "places.toml lets mission editors or officers delete places and rooms (issue 9, item 3)"
    )
    place = site.portal.unrestrictedTraverse(PLACES["candiweb"])
    add_people({"candiweb": PLACES["candiweb"]})
    room = place["elections"]
    state = workflow(policy).states["open"]
    roles = state.getPermissionInfo("Delete objects")["roles"]
    state.setPermission("Delete objects", 0, sorted({*roles, "MissionEditor", "GroupOfficer"}))
    remap(place, room)
    transaction.commit()

    users, report = Users(site), Report()
    check_place(users, report, policy, room, "editor-fra", held_in_place("editor-fra", "candiweb"), is_room=True)
    users.close()
    assert any("has 'Delete objects'" in failure for failure in report.failures), report.failures
    assert any("delete (REST) should be refused" in failure for failure in report.failures), report.failures
    assert any(f"a refused request changed {path_of(room)}" in failure for failure in report.failures), report.failures
