"""Publication policies: the workflows of MissionPlace, read from policies/*.toml.

The TOML files are written for a Secretariat reader; this module reads and
checks them and says what each word means in Zope permissions.  generate.py
turns them into the profile's GenericSetup files (`make policies`), which
installing the profile imports.  Nothing else defines who may do what in a place.
"""

from Acquisition import aq_base
from Acquisition import aq_chain
from Acquisition import aq_inner
from DateTime import DateTime
from pathlib import Path
from plone import api
from Products.CMFPlacefulWorkflow.PlacefulWorkflowTool import WorkflowPolicyConfig_id
import functools
import tomllib


# The TOML files: src/missionplace/policies, a link to the top-level policies folder.
POLICIES = Path(__file__).parent.parent / "policies"
ADMINS = ("Manager", "Site Administrator")

ADD_TYPES = [
    "Add portal content",
    "plone.app.contenttypes: Add Document",
    "plone.app.contenttypes: Add Folder",
    "plone.app.contenttypes: Add File",
    "plone.app.contenttypes: Add Image",
    "plone.app.contenttypes: Add Link",
    "plone.app.contenttypes: Add News Item",
    "plone.app.contenttypes: Add Event",
]

# What each word of a policy allows, in Zope permissions.
VERBS = {
    "view": ["View", "Access contents information", "CMFEditions: Access previous versions"],
    # Editing saves a version (CMFEditions), so whoever edits may version.
    "edit": [
        "Modify portal content",
        "CMFEditions: Apply version control",
        "CMFEditions: Save new version",
        "CMFEditions: Revert to previous versions",
    ],
    "add": ADD_TYPES,
    "delete": ["Delete objects"],
    "comment": ["Reply to item"],
    "review": ["Review portal content"],
    "add rooms": ["MissionPlace: Add Room"],
    "add forms": ["collective.easyform: Add Content"],
    "see members": ["MissionPlace: View place membership"],
    "manage members": ["MissionPlace: Manage place membership"],
    "share": ["Change local roles", "Sharing page: Delegate roles"],
    "add places": ["MissionPlace: Add Place"],
    "add elections": ["MissionPlace: Add Organ", "MissionPlace: Add Election"],
    "add candidatures": ["MissionPlace: Add Candidature"],
    "record results": ["MissionPlace: Record results"],
    # Working copies (plone.app.iterate): "revise" a published item through a
    # copy; "check in" the approved copy over the published one.
    # Checking out first records the published text as a version when it is
    # not one yet (plone.app.iterate), so whoever revises may save that version.
    "revise": ["iterate : Check out content", "CMFEditions: Apply version control", "CMFEditions: Save new version"],
    "check in": ["iterate : Check in content"],
    # Plone shows the review history (who did what, when, with which comment)
    # to whoever has "Request review"; our workflows use it for nothing else.
    "see history": ["Request review"],
}
# Words a state may leave out: nobody but the site administrators may then.
OPTIONAL_VERBS = {
    "review",
    "add rooms",
    "add forms",
    "see members",
    "manage members",
    "share",
    "add places",
    "add elections",
    "add candidatures",
    "record results",
    "revise",
    "check in",
    "see history",
}
# What a state or action says besides who may do what.
META = ("title", "description", "kind")

# What each state is (its ``kind``, required): the code asks for states by kind
# (states_of_kind), never by id, so a policy may name its states as it likes.
STATE_KINDS = {
    "draft": "being written; not submitted for review",
    "pending": "submitted, waiting for someone's review",
    "published": "approved: the members of the place read it",
    "public": "published to everybody, visitors who have not logged in too (anyone may view it)",
    "archived": "kept for the record, no longer current",
    "open": "a place or room in use (places.toml)",
}
# What an action does (its ``kind``, optional): the queues offer, list and
# explain actions by kind (actions_of_kind).  An action of no kind (make
# public, retract, archive, restore) is offered only by the State menu.
ACTION_KINDS = {
    "submit": "sends the item to review; the review queue shows when and by whom",
    "withdraw": "the mission takes its submission back",
    "approve": "the reviewer approves (the review queue's approve button)",
    "reject": "the reviewer sends it back with a comment, shown to the mission (comment required)",
}


class PolicyError(ValueError):
    pass


def people():
    with (POLICIES / "people.toml").open("rb") as f:
        return {name: entry["roles"] for name, entry in tomllib.load(f)["people"].items()}


def load(name):
    with (POLICIES / f"{name}.toml").open("rb") as f:
        policy = tomllib.load(f)
    policy["name"] = name
    # [everywhere] holds in every state that does not say otherwise.
    for state in policy["states"].values():
        for verb, names in policy.get("everywhere", {}).items():
            state.setdefault(verb, names)
    check(policy)
    return policy


def all_policies():
    return [load(path.stem) for path in sorted(POLICIES.glob("*.toml")) if path.stem != "people"]


def check(policy):
    """Refuse a policy that names unknown people, states or words."""
    known = people()
    where = policy["name"]
    if policy["initial"] not in policy["states"]:
        raise PolicyError(f"{where}: the initial state {policy['initial']!r} is not a state")
    verbs = {verb for state in policy["states"].values() for verb in state} - set(META)
    for state_id, state in policy["states"].items():
        if state.get("kind") not in STATE_KINDS:
            raise PolicyError(
                f"{where}: state {state_id}: kind {state.get('kind')!r} is not one of {', '.join(STATE_KINDS)}"
            )
        # "public" is what visitors see: the kind and who may view must agree.
        if (state["kind"] == "public") != ("anyone" in state.get("view", ())):
            raise PolicyError(f"{where}: state {state_id}: a state anyone may view is of kind 'public', and only such")
        for verb, names in state.items():
            if verb in META:
                continue
            if verb not in VERBS:
                raise PolicyError(f"{where}: state {state_id}: unknown word {verb!r}")
            for name in names:
                if name not in known:
                    raise PolicyError(f"{where}: state {state_id}: {verb}: unknown people {name!r}")
        for verb in verbs - OPTIONAL_VERBS:
            if verb not in state:
                raise PolicyError(f"{where}: state {state_id} does not say who may {verb}")
    for action_id, action in policy.get("actions", {}).items():
        for state in [*action["from"], action["to"]]:
            if state not in policy["states"]:
                raise PolicyError(f"{where}: action {action_id}: unknown state {state!r}")
        for name in action["by"]:
            if name not in known:
                raise PolicyError(f"{where}: action {action_id}: unknown people {name!r}")
        if action.get("comment", "optional") not in ("optional", "required"):
            raise PolicyError(f"{where}: action {action_id}: comment is 'optional' or 'required'")
        if "kind" in action and action["kind"] not in ACTION_KINDS:
            raise PolicyError(
                f"{where}: action {action_id}: kind {action['kind']!r} is not one of {', '.join(ACTION_KINDS)}"
            )
        # The mission is told why: a rejection without a comment would leave it guessing.
        if action.get("kind") == "reject" and action.get("comment") != "required":
            raise PolicyError(f'{where}: action {action_id}: a rejection requires a comment (comment = "required")')


@functools.cache
def _workflows():
    # The files ship with the code: read once per process.
    return {policy["workflow"]: policy for policy in all_policies()}


def by_workflow(workflow_id):
    """The policy whose workflow is ``workflow_id``, or None."""
    return _workflows().get(workflow_id)


def states_of_kind(*kinds):
    """The ids of the states of ``kinds`` in every policy, e.g. ``states_of_kind("published", "public")``."""
    _known(kinds, STATE_KINDS)
    return _of_kind("states", kinds)


def actions_of_kind(*kinds):
    """The ids of the actions of ``kinds`` in every policy, e.g. ``actions_of_kind("reject")``."""
    _known(kinds, ACTION_KINDS)
    return _of_kind("actions", kinds)


def _known(kinds, known):
    # A misspelt kind would silently match nothing.
    unknown = [kind for kind in kinds if kind not in known]
    if unknown:
        raise PolicyError(f"unknown kind {unknown[0]!r}: one of {', '.join(known)}")


def _of_kind(section, kinds):
    return tuple(
        sorted(
            {
                found_id
                for found in _workflows().values()
                for found_id, entry in found.get(section, {}).items()
                if entry.get("kind") in kinds
            }
        )
    )


def comment_required(workflow_id, action_id):
    policy = by_workflow(workflow_id)
    action = (policy or {}).get("actions", {}).get(action_id, {})
    return action.get("comment") == "required"


def is_public(policy):
    """Whether anything under ``policy`` can be seen by visitors who have not logged in."""
    return any("anyone" in state.get("view", ()) for state in policy["states"].values())


def roles_of(names):
    known = people()
    found = set(ADMINS)
    for name in names:
        found.update(known[name])
    return sorted(found)


def permissions_of(policy):
    """The permissions the workflow manages: those of the words the policy uses, or every word's.

    A policy that says ``complete = true`` (places and rooms) manages every
    word's permissions, so what it does not list nobody has there: nothing
    comes from the site root's defaults (which give Reviewer "review", Editor
    "revise", ...).  The publication policies leave the place-level words
    (share, add rooms, ...) to the place their item is in.
    """
    if policy.get("complete"):
        return sorted({perm for perms in VERBS.values() for perm in perms})
    verbs = {verb for state in policy["states"].values() for verb in state} - set(META)
    return sorted({perm for verb in verbs for perm in VERBS[verb]})


def state_permissions(policy, state):
    """{permission: roles} of one state; a permission no word grants is for admins only."""
    result = {perm: set(ADMINS) for perm in permissions_of(policy)}
    for verb, names in state.items():
        if verb in VERBS:
            for perm in VERBS[verb]:
                result[perm].update(roles_of(names))
    return {perm: sorted(roles) for perm, roles in result.items()}


def placeful_policy_id(name):
    return f"missionplace-{name}"


def policy_of(place):
    """The name of the publication policy in force in ``place`` (its own, or inherited)."""
    prefix = placeful_policy_id("")
    for item in aq_chain(aq_inner(place)):
        config = getattr(aq_base(item), WorkflowPolicyConfig_id, None)
        if config is not None and (config.getPolicyBelowId() or "").startswith(prefix):
            return config.getPolicyBelowId()[len(prefix) :]
    return None


def change_policy(room, name):
    """Make ``room`` use the publication policy ``name``; what it holds keeps its state where it can."""
    old = policy_of(room)
    new = load(name)
    if old == name:
        return
    old_workflow = load(old)["workflow"] if old else None
    apply_to_place(room, name)
    tool = api.portal.get_tool("portal_workflow")
    workflow = tool[new["workflow"]]
    # Everything in the room follows the new policy, also what the moderator may not see now.
    for brain in api.content.find(context=room, unrestricted=True):
        obj = brain._unrestrictedGetObject()
        if obj is room or not old_workflow or tool.getChainFor(obj) != (new["workflow"],):
            continue
        status = tool.getStatusOf(old_workflow, obj) or {}
        # The same state where the new policy has it; else back to its first state.
        state = status.get("review_state") if status.get("review_state") in new["states"] else new["initial"]
        tool.setStatusOf(
            new["workflow"],
            obj,
            {
                "review_state": state,
                "action": None,
                "actor": api.user.get_current().getId(),
                "comments": "",
                "time": DateTime(),
            },
        )
        workflow.updateRoleMappingsFor(obj)
        obj.reindexObject()


def apply_to_place(place, name):
    """Make the publication policy ``name`` govern what ``place`` holds (CMFPlacefulWorkflow's own add form's call)."""
    if WorkflowPolicyConfig_id not in place.objectIds():
        place.manage_addProduct["CMFPlacefulWorkflow"].manage_addWorkflowPolicyConfig()
    config = getattr(place, WorkflowPolicyConfig_id)
    config.setPolicyIn("")
    config.setPolicyBelow(placeful_policy_id(name))


def messages():
    """The policies' titles and descriptions, which Plone translates in its "plone" domain."""
    found = []
    for policy in all_policies():
        texts = [policy["title"], policy["description"]]
        for state in policy["states"].values():
            texts += [state["title"], state.get("description", "")]
        texts += [action["title"] for action in policy.get("actions", {}).values()]
        found += [text for text in texts if text and text not in found]
    return found


def pot():
    """policies.pot: the "plone"-domain catalog template of the policies' words (`make i18n`)."""

    def quote(text):
        return text.replace("\\", "\\\\").replace('"', '\\"')

    out = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Language-Code: en\\n"',
        '"Language-Name: English\\n"',
        '"Domain: plone\\n"',
        "",
    ]
    for text in sorted(messages()):
        out += ["#. Default: " + f'"{quote(text)}"', f'msgid "{quote(text)}"', 'msgstr ""', ""]
    return "\n".join(out)


if __name__ == "__main__":
    (Path(__file__).parent.parent / "locales" / "plone.pot").write_text(pot())
