"""The policy matrix's machinery: personas, items, and the checks made as the real users.

Shared by test_policy_matrix.py (the matrix) and test_matrix_mutations.py (the
matrix's own regression tests: a mutated workflow must make it report
failures).  Expectations come only from policy_oracle (the TOML files read
here); the site is asked only what it does.
"""

from DateTime import DateTime
from lxml import html
from pathlib import Path
from plone import api
from policy_oracle import ITEM_WORDS
from policy_oracle import PERMISSIONS
from policy_oracle import Policy
from support import is_refusal
from support import PASSWORD
from support import snapshot
from zope.globalrequest import getRequest
import json
import re
import requests
import transaction


PLACE_TYPES = Path(__file__).resolve().parents[2] / "profiles" / "default" / "placetypes.json"

# The demo place of each place type.
PLACES = {"candiweb": "en/candiweb", "first-committee": "en/first-committee", "working-group": "en/informatics"}

MODERATOR = "SecretariatModerator"
PLACE_MANAGER = "PlaceManager"
MISSION_EDITOR = "MissionEditor"
FOCAL_POINT = "MissionFocalPoint"
DELEGATE = "Delegate"
BUREAU = "CommitteeBureau"
OFFICER = "GroupOfficer"
MISSION_AUTHOR = "MissionAuthor"
OWNER = "Owner"

# Roles no policy names: a person holding one of them as a local role (given
# by an administrator on the item or the room) must get nothing from it.
FOREIGN_ROLES = {"reader-x": "Reader", "editor-x": "Editor", "contributor-x": "Contributor", "reviewer-x": "Reviewer"}

# Who is tried, and the roles each holds in a place where France, Brazil and
# Kenya take part as Mission editor (the demo's CandiWeb and First Committee),
# before ownership: the owning mission (MissionAuthor) and the author (Owner)
# are added per item.  A role the kind of place does not offer is not held.
# Missions: editor-fra, editor2-fra, focal-fra are France's; editor-bra is
# Brazil's; delegate-ken is Kenya's delegate.
PLACE_ROLES_OF = {
    None: set(),
    "outsider": set(),
    "editor-fra": {MISSION_EDITOR, DELEGATE},
    "editor2-fra": {MISSION_EDITOR, DELEGATE},
    "focal-fra": {FOCAL_POINT, DELEGATE},
    "editor-bra": {MISSION_EDITOR, DELEGATE},
    "delegate-ken": {DELEGATE},
    "moderator": {MODERATOR},
    "manager-x": {PLACE_MANAGER},
    "bureau-x": {BUREAU},
    "officer-x": {OFFICER},
    **{user: set() for user in FOREIGN_ROLES},
}
MISSION_OF = {"editor-fra": "fra", "editor2-fra": "fra", "editor-bra": "bra"}
# Missions taking part as Mission editor, per demo place (src/missionplace/demo.py).
DRAFTING = {
    "candiweb": {"fra", "bra", "ken"},
    "first-committee": {"fra", "bra", "ken"},
    "working-group": {"fra", "ken"},
}
PERSONAS = list(PLACE_ROLES_OF)
TEST_USERS = ("outsider", "editor2-fra", "manager-x", "bureau-x", "officer-x", *FOREIGN_ROLES)


def place_types():
    """{id: place type} of profiles/default/placetypes.json, read here."""
    return {entry["id"]: entry for entry in json.loads(PLACE_TYPES.read_text())}


def held_in_place(user, place_type, without=()):
    """The roles ``user`` holds in the demo place of ``place_type`` (by the table above)."""
    offered = set(place_types()[place_type]["member_roles"])
    held = {role for role in PLACE_ROLES_OF[user] if role in offered}
    if MISSION_OF.get(user) and MISSION_OF[user] not in DRAFTING[place_type]:
        held = set()  # their mission takes no part here
    if user in without:
        held = set()
    return held


# -- Setting up, as the site administrator (in the test process) ------------------------------


def add_people(place_types_and_paths):
    """The test personas, with their roles in the given places: {place_type: place path}."""
    from missionplace.missions import mission as missions
    from missionplace.places import membership

    acl = api.portal.get_tool("acl_users")
    for user_id in TEST_USERS:
        if api.user.get(userid=user_id) is None:
            acl._doAddUser(user_id, PASSWORD, ["Member"], [])
    api.group.add_user(groupname=missions.get("fra").editors, username="editor2-fra")
    portal = api.portal.get()
    with api.env.adopt_roles(["Manager"]):
        for place_type, path in place_types_and_paths.items():
            place = portal.unrestrictedTraverse(path)
            offered = place_types()[place_type]["member_roles"]
            for user_id, role in (("manager-x", PLACE_MANAGER), ("bureau-x", BUREAU), ("officer-x", OFFICER)):
                if role in offered:
                    membership.set_member(place, user_id, role)


def set_state(obj, state):
    """Put ``obj`` in ``state`` of its workflow, as if the steps had been taken."""
    tool = api.portal.get_tool("portal_workflow")
    workflow = tool.getWorkflowsFor(obj)[0]
    if api.content.get_state(obj=obj) != state:
        tool.setStatusOf(
            workflow.getId(),
            obj,
            {"review_state": state, "action": None, "actor": "admin", "comments": "", "time": DateTime()},
        )
        workflow.updateRoleMappingsFor(obj)
        obj.reindexObject()
        obj.reindexObjectSecurity()


def create(container, portal_type, author, state=None, **fields):
    """A new item drafted by ``author`` (in the test process), put in ``state``."""
    fields.setdefault("title", f"Matrix {portal_type}")
    with api.env.adopt_user(username=author):
        obj = api.content.create(container=container, type=portal_type, **fields)
    if state:
        set_state(obj, state)
    return obj


def fresh():
    """See what the server committed, and forget what this process's request cached.

    The checks in the test process run in one long request: caches kept on
    it (the owning mission's participation, say) would outlive a membership
    change the server made.
    """
    transaction.abort()
    request = getRequest()
    if request is not None:
        for key in [key for key in request.other if str(key).startswith("_missionplace")]:
            del request.other[key]


def give_local_roles(obj):
    """Each foreign role to its persona, on ``obj`` (an item or a room)."""
    for user_id, role in FOREIGN_ROLES.items():
        api.user.grant_roles(username=user_id, obj=obj, roles=[role])
    obj.reindexObjectSecurity()


def path_of(obj):
    portal = api.portal.get()
    return "/".join(obj.getPhysicalPath()[len(portal.getPhysicalPath()) :])


# -- The expected roles of a persona on an item: the matrix's own model of ownership ------------


def expected_roles(user, place_type, obj_info, foreign_on=()):
    """What ``user`` must hold on an item: {roles}.

    ``obj_info``: {"mission": code or None, "author": user id, "foreign": bool}.
    The owning mission's editors hold MissionAuthor while it drafts in the
    place; the author holds Owner only when no mission owns the item; a
    foreign role is held where it was given.
    """
    held = held_in_place(user, place_type)
    mission = obj_info.get("mission")
    if mission and MISSION_OF.get(user) == mission and mission in DRAFTING[place_type]:
        held |= {MISSION_AUTHOR}
    if not mission and obj_info.get("author") == user:
        held |= {OWNER}
    if user in FOREIGN_ROLES and obj_info.get("foreign"):
        held |= {FOREIGN_ROLES[user]}
    return held


def actual_roles(user, obj):
    fresh()
    if user is None:
        return set()
    return set(api.user.get_roles(username=user, obj=obj)) - {"Member", "Authenticated"}


# -- The checks -------------------------------------------------------------------------------


class Users:
    """One keep-alive HTTP session per persona."""

    def __init__(self, site):
        self.site = site
        self.sessions = {}
        self.tokens = {}

    def session(self, user):
        if user not in self.sessions:
            session = requests.Session()
            if user:
                session.auth = (user, PASSWORD)
            self.sessions[user] = session
        return self.sessions[user]

    def api(self, method, path, user, **kwargs):
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        # A batching link is a whole URL already.
        url = path if path.startswith(("http://", "https://")) else f"{self.site.url}/++api++/{path}"
        return self.session(user).request(method, url, headers=headers, timeout=60, allow_redirects=False, **kwargs)

    def page(self, path, user, method="GET", **kwargs):
        return self.session(user).request(
            method, f"{self.site.url}/{path}", timeout=60, allow_redirects=False, **kwargs
        )

    def token(self, user):
        if user not in self.tokens:
            page = self.page("en/@@personal-information", user)
            found = re.search(r'name="_authenticator" value="([^"]+)"', page.text)
            self.tokens[user] = found.group(1) if found else ""
        return self.tokens[user]

    def close(self):
        for session in self.sessions.values():
            session.close()


def page_actions(page):
    """The workflow actions a page's menu offers."""
    if page.status_code != 200:
        return set()
    links = html.fromstring(page.content).xpath("//a[contains(@href, 'workflow_action=')]/@href")
    return {re.search(r"workflow_action=([\w-]+)", href).group(1) for href in links}


class Report:
    """Failures, each said with who, where and what."""

    def __init__(self):
        self.failures = []

    def expect(self, who, label, allowed, response, ok_statuses):
        """An allowed request must succeed; a refused one must be a refusal (never followed)."""
        if allowed and response.status_code not in ok_statuses:
            self.fail(f"{who}: {label} should be allowed, got {response.status_code}")
        if not allowed and not is_refusal(response):
            self.fail(f"{who}: {label} should be refused, got {response.status_code}")

    def fail(self, message):
        # Said at once too (pytest -s shows them while a long matrix runs).
        print(f"MATRIX FAILURE: {message}", flush=True)
        self.failures.append(message)


class Unchanged:
    """A before/after snapshot of items around requests that must change nothing."""

    def __init__(self, portal, report, paths, label):
        self.portal, self.report, self.paths, self.label = portal, report, list(paths), label

    def __enter__(self):
        self.before = {path: snapshot(self.portal, path) for path in self.paths}
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False
        for path in self.paths:
            after = snapshot(self.portal, path)
            if after != self.before[path]:
                self.report.fail(f"{self.label}: a refused request changed {path}:\n{self.before[path]}\n!=\n{after}")
        return False


def check_permissions(report, policy, state, who, user, obj, held, words=ITEM_WORDS):
    """The second oracle: every permission of the table, asked of the running site for ``user``."""
    fresh()
    for permission, allowed in policy.expected_permissions(state, held, words).items():
        if user is None:
            from AccessControl.SecurityManagement import getSecurityManager
            from AccessControl.SecurityManagement import newSecurityManager
            from AccessControl.SecurityManagement import setSecurityManager
            from AccessControl.SpecialUsers import nobody

            old = getSecurityManager()
            newSecurityManager(None, nobody)
            try:
                has = bool(getSecurityManager().checkPermission(permission, obj))
            finally:
                setSecurityManager(old)
        else:
            has = bool(api.user.has_permission(permission, username=user, obj=obj))
        if has != allowed:
            report.fail(
                f"{who}: has {'' if has else 'no '}{permission!r} ({PERMISSIONS[permission]}), "
                f"policy says {'yes' if allowed else 'no'}"
            )


def check_item(users, report, policy, state, obj, page_obj, user, held, review_queue=None):
    """Every word and action of ``state`` on ``obj`` (a folder), through REST and pages, as ``user``.

    Only refusals and reads: what is allowed and changes the item is done by
    check_allowed_changes on items of its own.  ``page_obj`` is a page in the
    same state (working copies are made of pages); ``review_queue`` the paths
    in ``user``'s review queue.
    """
    path, page_path = path_of(obj), path_of(page_obj)
    who = f"{policy.name}/{state}/{user or 'anonymous'} on {obj.portal_type} {path}"
    may = {verb: policy.may(state, verb, held) for verb in ITEM_WORDS}

    with Unchanged(users.site.portal, report, [path, page_path], who):
        response = users.api("GET", path, user)
        report.expect(who, "view (REST)", may["view"], response, (200,))
        view_page = users.page(path, user)
        report.expect(who, "view (page)", may["view"], view_page, (200,))

        if not may["edit"]:
            response = users.api("PATCH", path, user, json={"description": f"edited by {user}"})
            report.expect(who, "edit (REST)", False, response, ())
        response = users.page(f"{path}/@@edit", user)
        report.expect(who, "edit (page)", may["edit"], response, (200,))
        if not may["edit"]:
            # Reverting to a version is editing.
            response = users.api("PATCH", path + "/@history", user, json={"version": 0})
            report.expect(who, "revert (REST @history)", False, response, ())

        if not may["add"]:
            response = users.api("POST", path, user, json={"@type": "Document", "title": "Inside"})
            report.expect(who, "add (REST)", False, response, ())
        response = users.page(f"{path}/++add++Document", user)
        report.expect(who, "add (page)", may["add"], response, (200,))

        if not may["comment"]:
            response = users.api("POST", f"{path}/@comments", user, json={"text": f"A comment by {user}"})
            report.expect(who, "comment (REST)", False, response, ())
        if may["view"]:
            has_form = b'id="commenting"' in view_page.content
            if has_form != may["comment"]:
                report.fail(f"{who}: comment form shown={has_form}, policy says {may['comment']}")

        if may["view"]:
            response = users.api("GET", f"{path}/@history", user)
            entries = response.json() if response.status_code == 200 else []
            if response.status_code != 200:
                report.fail(f"{who}: @history (REST) should answer a reader, got {response.status_code}")
            sees = any(entry.get("type") == "workflow" for entry in entries)
            if sees != may["see history"]:
                report.fail(f"{who}: sees the review history (REST @history)={sees}, policy says {may['see history']}")

        if not may["revise"]:
            response = users.api("POST", f"{page_path}/@workingcopy", user)
            report.expect(who, "revise (REST)", False, response, ())
        if not may["check in"]:
            response = users.api("PATCH", f"{page_path}/@workingcopy", user)
            report.expect(who, "check in (REST)", False, response, ())

        response = users.page(f"{path}/@@delete_confirmation", user)
        report.expect(who, "delete (page)", may["delete"], response, (200,))
        if not may["delete"]:
            response = users.api("DELETE", path, user)
            report.expect(who, "delete (REST)", False, response, ())

        if review_queue is not None and (path in review_queue) != may["review"]:
            report.fail(f"{who}: in the review queue={path in review_queue}, policy says {may['review']}")

        allowed = policy.actions_for(state, held)
        response = users.api("GET", f"{path}/@workflow", user)
        if may["view"]:
            sees = bool(response.json().get("history"))
            if sees != may["see history"]:
                report.fail(f"{who}: sees the history (REST @workflow)={sees}, policy says {may['see history']}")
            rest_actions = {t["@id"].rsplit("/", 1)[1] for t in response.json().get("transitions", [])}
        else:
            report.expect(who, "@workflow (REST)", False, response, ())
            rest_actions = set()
        if rest_actions != allowed:
            report.fail(f"{who}: actions (REST) {sorted(rest_actions)} != policy {sorted(allowed)}")
        offered = page_actions(view_page)
        if offered != allowed:
            report.fail(f"{who}: actions (page) {sorted(offered)} != policy {sorted(allowed)}")
        for action_id, action in policy.actions.items():
            if state in action["from"] and action_id not in allowed:
                response = users.api("POST", f"{path}/@workflow/{action_id}", user, json={"comment": "Not mine"})
                if response.status_code not in (400, 401, 403):
                    report.fail(f"{who}: {action_id} (REST) should be refused, got {response.status_code}")
                response = users.page(
                    f"{path}/@@review-transition",
                    user,
                    method="POST",
                    data={"workflow_action": action_id, "comment": "Not mine", "_authenticator": users.token(user)},
                )
                if response.status_code >= 500:
                    report.fail(f"{who}: {action_id} (page) gave {response.status_code}")


def check_allowed_changes(users, report, policy, state, make_item, user, held):
    """What is allowed and changes an item is done for real, each on an item of its own.

    ``make_item(portal_type)`` returns a new item in ``state`` (committed).
    """
    who = f"{policy.name}/{state}/{user}"
    may = {verb: policy.may(state, verb, held) for verb in ITEM_WORDS}
    if may["edit"] or may["add"] or may["comment"]:
        obj = make_item("Folder")
        path = path_of(obj)
        if may["edit"]:
            response = users.api("PATCH", path, user, json={"description": f"edited by {user}"})
            report.expect(who, "edit (REST)", True, response, (204,))
        if may["add"]:
            response = users.api("POST", path, user, json={"@type": "Document", "title": "Inside"})
            report.expect(who, "add (REST)", True, response, (201,))
        if may["comment"]:
            response = users.api("POST", f"{path}/@comments", user, json={"text": f"A comment by {user}"})
            report.expect(who, "comment (REST)", True, response, (204,))
    if may["delete"]:
        obj = make_item("Folder")
        report.expect(who, "delete (REST)", True, users.api("DELETE", path_of(obj), user), (204,))
    if may["revise"]:
        obj = make_item("Document")
        report.expect(who, "revise (REST)", True, users.api("POST", f"{path_of(obj)}/@workingcopy", user), (201,))
    for action_id in sorted(policy.actions_for(state, held)):
        target = policy.actions[action_id]["to"]
        for channel in ("REST", "page"):
            obj = make_item("Folder")
            if channel == "REST":
                response = users.api("POST", f"{path_of(obj)}/@workflow/{action_id}", user, json={"comment": "Matrix"})
                ok = response.status_code == 200
            else:
                response = users.page(
                    f"{path_of(obj)}/@@review-transition",
                    user,
                    method="POST",
                    data={"workflow_action": action_id, "comment": "Matrix", "_authenticator": users.token(user)},
                )
                ok = response.status_code == 302
            transaction.abort()
            if not ok or api.content.get_state(obj=obj) != target:
                report.fail(f"{who}: {action_id} ({channel}) should lead to {target}: {response.status_code}")


def check_place(users, report, policy, target, user, held, is_room):
    """places.toml on a place or room, as ``user``: refusals with snapshots, what is allowed done for real."""
    path = path_of(target)
    state = policy.initial
    who = f"places/{user or 'anonymous'} on {target.portal_type} {path}"
    actual = actual_roles(user, target)
    if actual != held:
        report.fail(f"{who}: holds {sorted(actual)}, the matrix expects {sorted(held)}")
    check_permissions(report, policy, state, who, user, target, held, words=None)
    may = {verb: policy.may(state, verb, held) for verb in set(PERMISSIONS.values())}
    with Unchanged(users.site.portal, report, [path], who):
        report.expect(who, "view (REST)", may["view"], users.api("GET", path, user), (200,))
        report.expect(who, "view (page)", may["view"], users.page(path, user), (200,))
        report.expect(who, "edit (page)", may["edit"], users.page(f"{path}/@@edit", user), (200,))
        report.expect(who, "delete (page)", may["delete"], users.page(f"{path}/@@delete_confirmation", user), (200,))
        response = users.api("GET", f"{path}/@members", user)
        report.expect(who, "see members (REST)", may["see members"], response, (200,))
        if not may["edit"]:
            response = users.api("PATCH", path, user, json={"title": "Not mine"})
            report.expect(who, "edit (REST)", False, response, ())
        if not may["delete"]:
            report.expect(who, "delete (REST)", False, users.api("DELETE", path, user), ())
        if not may["add"]:
            response = users.api("POST", path, user, json={"@type": "Document", "title": "Inside"})
            report.expect(who, "add (REST)", False, response, ())
        if not may["add rooms"]:
            response = users.api("POST", path, user, json={"@type": "Room", "title": "A room"})
            report.expect(who, "add rooms (REST)", False, response, ())
        if not may["manage members"]:
            response = users.api(
                "POST",
                f"{path}/@members",
                user,
                json={"principal": user or "outsider", "role": "SecretariatModerator"},
            )
            report.expect(who, "manage members (REST POST)", False, response, ())
            response = users.api("DELETE", f"{path}/@members/mission-fra", user)
            report.expect(who, "manage members (REST DELETE)", False, response, ())
            if is_room:
                response = users.api("PATCH", f"{path}/@publication-policy", user, json={"policy": "members-only"})
                report.expect(who, "publication policy (REST)", False, response, ())
        if not may["share"]:
            entries = [{"id": user or "outsider", "type": "user", "roles": {"Editor": True}}]
            response = users.api("POST", f"{path}/@sharing", user, json={"entries": entries})
            report.expect(who, "share (REST)", False, response, ())
    if user is None or user in FOREIGN_ROLES:
        return
    # What is allowed is done for real: in a room of its own, for the deletion.
    if may["add"] or may["add rooms"]:
        fresh()
        with api.env.adopt_roles(["Manager"]):
            scratch = api.content.create(container=target, type="Room", title=f"Scratch for {user}")
        transaction.commit()
        if may["add"]:
            response = users.api("POST", path_of(scratch), user, json={"@type": "Document", "title": "In"})
            report.expect(who, "add (REST)", True, response, (201,))
        if may["add rooms"]:
            response = users.api("POST", path_of(scratch), user, json={"@type": "Room", "title": "A room"})
            report.expect(who, "add rooms (REST)", True, response, (201,))
    if may["delete"]:
        fresh()
        with api.env.adopt_roles(["Manager"]):
            scratch = api.content.create(container=target, type="Room", title=f"To delete by {user}")
        transaction.commit()
        report.expect(who, "delete (REST)", True, users.api("DELETE", path_of(scratch), user), (204,))


def review_queues(users, personas):
    """{user: set of paths} of each persona's review queue (one request each)."""
    found = {}
    for user in personas:
        if user is None:
            continue
        found[user] = set()
        # Every page of the queue (batched like plone.restapi's listings), following its "next" link.
        url, params = "en/@review-queue", {"b_size": 100}
        while url:
            response = users.api("GET", url, user, params=params)
            assert response.status_code == 200, (user, url, response.status_code, response.text[:300])
            data = response.json()
            found[user] |= {users.site.path_of(item["url"]) for item in data.get("items", ())}
            url, params = data.get("batching", {}).get("next"), None
    return found


__all__ = ["PERSONAS", "PLACES", "Policy"]
