"""The policy matrix: the running site does exactly what policies/*.toml say.

For every publication policy (through the demo place whose type names it),
every state and every kind of person (every role of a place, the owning
mission, the author, the other mission, a member of no place, the anonymous
visitor), each word of the policy (view, edit, add, delete, comment, see
history, revise) and each action is tried as that real user, through the pages
and through the REST API, and the outcome compared with what the policy file
says.  ("check in" and "record results" have their own tests: test_workingcopy,
test_candiweb.)
"""

from DateTime import DateTime
from lxml import html
from missionplace import membership
from missionplace import mission as missions
from missionplace import policy
from missionplace import roles
from missionplace.place import place_types
from plone import api
from support import PASSWORD
import pytest
import re
import transaction


# The demo place of each place type, and so of each publication policy.
PLACES = {"candiweb": "en/candiweb", "first-committee": "en/first-committee", "working-group": "en/informatics"}

# Who is tried, with the roles each must hold on an item drafted by editor-fra
# (France's) -- checked first, so the matrix rests on the real local roles.
# "Anonymous" is everybody's: a permission given to anyone is given to all.
PERSONAS = {
    None: set(),
    "outsider": set(),
    "editor-fra": {roles.MISSION_EDITOR, roles.DELEGATE, roles.MISSION_AUTHOR},
    "editor2-fra": {roles.MISSION_EDITOR, roles.DELEGATE, roles.MISSION_AUTHOR},
    "focal-fra": {roles.FOCAL_POINT, roles.DELEGATE},
    "editor-bra": {roles.MISSION_EDITOR, roles.DELEGATE},
    "delegate-ken": {roles.DELEGATE},
    "moderator": {roles.MODERATOR},
    "manager-x": {roles.PLACE_MANAGER},
    "bureau-x": {roles.BUREAU},
    "officer-x": {roles.OFFICER},
}
# An item drafted by someone of no mission (here a place manager): the
# author is that person (Owner) and there is no owning mission.
AUTHOR_PERSONAS = {
    "manager-x": {roles.PLACE_MANAGER, "Owner"},
    "editor-fra": {roles.MISSION_EDITOR, roles.DELEGATE},
}

CASES = [
    (place_type, state)
    for place_type in PLACES
    for state in policy.load(
        {"candiweb": "mission-review", "first-committee": "two-step-review", "working-group": "members-only"}[
            place_type
        ]
    )["states"]
]


def may(policy_, people_names, held):
    """Whether someone holding ``held`` roles is among ``people_names``."""
    return bool(set(policy.roles_of(people_names)) & (held | {"Anonymous"}))


def may_verb(policy_, state, verb, held):
    return may(policy_, policy_["states"][state].get(verb, []), held)


def actions_for(policy_, state, held):
    return {
        action_id
        for action_id, action in policy_.get("actions", {}).items()
        if state in action["from"] and may(policy_, action["by"], held)
    }


def denied(response):
    """A refusal: REST says 401/403; a page sends to the login page or says so."""
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "login" in response.headers.get("Location", "")


class Matrix:
    def __init__(self, site, place_type, state):
        self.site = site
        self.portal = site.portal
        self.place_path = PLACES[place_type]
        self.place = self.portal.unrestrictedTraverse(self.place_path)
        self.policy = policy.load(place_types()[place_type]["policy"])
        self.state = state
        self.tokens = {}
        self.counter = 0

    # -- setting up, as the site administrator -------------------------------------------------

    def add_people(self):
        for user_id in ("outsider", "editor2-fra", "manager-x", "bureau-x", "officer-x"):
            if api.user.get(userid=user_id) is None:
                api.portal.get_tool("acl_users")._doAddUser(user_id, PASSWORD, ["Member"], [])
        api.group.add_user(groupname=missions.get("fra").editors, username="editor2-fra")
        with api.env.adopt_roles(["Manager"]):
            for user_id, role in (
                ("manager-x", roles.PLACE_MANAGER),
                ("bureau-x", roles.BUREAU),
                ("officer-x", roles.OFFICER),
            ):
                # Only the roles this kind of place has (no bureau in a working group).
                if role in membership.member_roles(self.place):
                    membership.set_member(self.place, user_id, role)

    def item(self, author="editor-fra", portal_type="Folder"):
        """A new item drafted by ``author``, put in the state.

        A folder, so that adding inside it can be tried; a page where it is
        revised (plone.app.iterate makes working copies of pages, not folders).
        """
        self.counter += 1
        transaction.abort()  # see what the server committed since
        with api.env.adopt_user(username=author):
            obj = api.content.create(container=self.place, type=portal_type, title=f"Matrix item {self.counter}")
        tool = api.portal.get_tool("portal_workflow")
        workflow = tool.getWorkflowsFor(obj)[0]
        assert workflow.getId() == self.policy["workflow"]
        if self.state != workflow.initial_state:
            tool.setStatusOf(
                workflow.getId(),
                obj,
                {"review_state": self.state, "action": None, "actor": "admin", "comments": "", "time": DateTime()},
            )
            workflow.updateRoleMappingsFor(obj)
            obj.reindexObject()
        transaction.commit()  # for the server to see it
        return obj

    def path(self, obj):
        return "/".join(obj.getPhysicalPath()[len(self.portal.getPhysicalPath()) :])

    def state_of(self, obj):
        transaction.abort()  # see what the server committed since
        return api.content.get_state(obj=obj)

    # -- as the real users ----------------------------------------------------------------------

    def token(self, user):
        if user not in self.tokens:
            page = self.site.page("en/@@personal-information", user)
            found = re.search(r'name="_authenticator" value="([^"]+)"', page.text)
            self.tokens[user] = found.group(1) if found else ""
        return self.tokens[user]

    def page_actions(self, page):
        """The actions the page's workflow menu offers."""
        if page.status_code != 200:
            return set()
        links = html.fromstring(page.content).xpath("//a[contains(@href, 'workflow_action=')]/@href")
        return {re.search(r"workflow_action=([\w-]+)", href).group(1) for href in links}

    def check(self, obj, page_obj, user, held):
        """Every word and action of the state, through REST and pages, for one user."""
        site, path, state = self.site, self.path(obj), self.state
        who = f"{self.policy['name']}/{state}/{user or 'anonymous'}"
        failures = []

        def expect(label, allowed, refused, ok):
            if allowed and not ok:
                failures.append(f"{who}: {label} should be allowed")
            if not allowed and not refused:
                failures.append(f"{who}: {label} should be refused")

        can_view = may_verb(self.policy, state, "view", held)
        response = site.api("GET", path, user)
        expect("view (REST)", can_view, denied(response), response.status_code == 200)
        view_page = site.page(path, user)
        expect("view (page)", can_view, denied(view_page), view_page.status_code == 200)

        can_edit = may_verb(self.policy, state, "edit", held)
        response = site.api("PATCH", path, user, json={"description": f"edited by {user}"})
        expect("edit (REST)", can_edit, denied(response), response.status_code == 204)
        response = site.page(f"{path}/@@edit", user)
        expect("edit (page)", can_edit, denied(response), response.status_code == 200)

        can_add = may_verb(self.policy, state, "add", held)
        response = site.api("POST", path, user, json={"@type": "Document", "title": "Inside"})
        expect("add (REST)", can_add, denied(response), response.status_code == 201)
        response = site.page(f"{path}/++add++Document", user)
        expect("add (page)", can_add, denied(response), response.status_code == 200)

        can_comment = may_verb(self.policy, state, "comment", held)
        response = site.api("POST", f"{path}/@comments", user, json={"text": f"A comment by {user}"})
        expect("comment (REST)", can_comment, denied(response), response.status_code == 204)
        if can_view:
            has_form = b'id="commenting"' in view_page.content
            expect("comment (page)", can_comment, not has_form, has_form)

        if can_view:
            entries = site.api("GET", f"{path}/@history", user).json()
            sees = any(entry.get("type") == "workflow" for entry in entries)
            expect("see history (REST)", may_verb(self.policy, state, "see history", held), not sees, sees)

        if not may_verb(self.policy, state, "revise", held):
            response = site.api("POST", f"{self.path(page_obj)}/@workingcopy", user)
            expect("revise (REST)", False, response.status_code in (401, 403), False)

        can_delete = may_verb(self.policy, state, "delete", held)
        response = site.page(f"{path}/@@delete_confirmation", user)
        expect("delete (page)", can_delete, denied(response), response.status_code == 200)
        if not can_delete:
            expect("delete (REST)", False, denied(site.api("DELETE", path, user)), False)
            transaction.abort()
            if obj.getId() not in obj.aq_parent.objectIds():
                return [*failures, f"{who}: deleted the item, which the policy does not allow"]

        allowed = actions_for(self.policy, state, held)
        response = site.api("GET", f"{path}/@workflow", user)
        if can_view:
            sees = bool(response.json().get("history"))
            expect("see history (REST @workflow)", may_verb(self.policy, state, "see history", held), not sees, sees)
        rest_actions = (
            {t["@id"].rsplit("/", 1)[1] for t in response.json().get("transitions", [])} if can_view else set()
        )
        if rest_actions != allowed:
            failures.append(f"{who}: actions (REST) {sorted(rest_actions)} != policy {sorted(allowed)}")
        page_actions = self.page_actions(view_page)
        if page_actions != allowed:
            failures.append(f"{who}: actions (page) {sorted(page_actions)} != policy {sorted(allowed)}")
        for action_id, action in self.policy.get("actions", {}).items():
            if state in action["from"] and action_id not in allowed:
                response = site.api("POST", f"{path}/@workflow/{action_id}", user, json={"comment": "Not mine"})
                expect(f"{action_id} (REST)", False, response.status_code in (400, 401, 403), False)
                site.post(
                    f"{path}/@@review-transition",
                    user,
                    data={"workflow_action": action_id, "comment": "Not mine", "_authenticator": self.token(user)},
                )
                if self.state_of(obj) != state:
                    failures.append(f"{who}: {action_id} should be refused, but it was taken")
                    return failures
        return failures

    def check_allowed_deletes_and_actions(self, user, held, author="editor-fra"):
        """What is allowed is done for real, each on an item of its own."""
        failures = []
        who = f"{self.policy['name']}/{self.state}/{user}"
        if may_verb(self.policy, self.state, "delete", held):
            obj = self.item(author)
            response = self.site.api("DELETE", self.path(obj), user)
            if response.status_code != 204:
                failures.append(f"{who}: delete (REST) should be allowed, got {response.status_code}")
        if may_verb(self.policy, self.state, "revise", held):
            obj = self.item(author, "Document")
            response = self.site.api("POST", f"{self.path(obj)}/@workingcopy", user)
            if response.status_code != 201:
                failures.append(f"{who}: revise (REST) should be allowed, got {response.status_code}")
        for action_id in sorted(actions_for(self.policy, self.state, held)):
            target = self.policy["actions"][action_id]["to"]
            for channel in ("REST", "page"):
                obj = self.item(author)
                if channel == "REST":
                    response = self.site.api(
                        "POST", f"{self.path(obj)}/@workflow/{action_id}", user, json={"comment": "Matrix"}
                    )
                    ok = response.status_code == 200
                else:
                    response = self.site.post(
                        f"{self.path(obj)}/@@review-transition",
                        user,
                        data={"workflow_action": action_id, "comment": "Matrix", "_authenticator": self.token(user)},
                    )
                    ok = response.status_code == 302
                if not ok or self.state_of(obj) != target:
                    failures.append(f"{who}: {action_id} ({channel}) should lead to {target}: {response.status_code}")
        return failures


@pytest.mark.parametrize(("place_type", "state"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_policy_matrix(site, place_type, state):
    matrix = Matrix(site, place_type, state)
    matrix.add_people()
    transaction.commit()
    items = {"mission": matrix.item("editor-fra"), "author": matrix.item("manager-x")}
    pages = {"mission": matrix.item("editor-fra", "Document"), "author": matrix.item("manager-x", "Document")}
    failures = []
    mission_personas = dict(PERSONAS)
    offered = membership.member_roles(matrix.place)
    for user_id, role in (("bureau-x", roles.BUREAU), ("officer-x", roles.OFFICER)):
        if role not in offered:
            mission_personas[user_id] = set()  # a stranger here
    if missions.get("bra").id not in membership.effective_membership(matrix.place).members:
        # Brazil takes no part in this place (the working group): editor-bra is a stranger there.
        mission_personas["editor-bra"] = set()
    for kind, personas in (("mission", mission_personas), ("author", AUTHOR_PERSONAS)):
        obj = items[kind]
        for user, held in personas.items():
            if user:
                local = set(api.user.get_roles(username=user, obj=obj)) - {"Member", "Authenticated"}
                assert local == held, f"{user} holds {sorted(local)} on the {kind} item, not {sorted(held)}"
            failures += matrix.check(obj, pages[kind], user, held)
            if user:
                failures += matrix.check_allowed_deletes_and_actions(
                    user, held, author="editor-fra" if kind == "mission" else "manager-x"
                )
    assert not failures, "\n".join(failures)
