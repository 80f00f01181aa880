"""What policies/*.toml say, read independently of the code that generates the workflows.

The policy matrix must not take its expectations from missionplace.workflows.policy
(a generator that gave Delegates every permission would then agree with
itself): this module reads the TOML files with tomllib, resolves
``[everywhere]`` and the people of people.toml, and answers "may someone
holding these roles do this word in this state?".  It follows the policies'
README: site administrators may do everything; nobody else may do anything a
policy does not list.
"""

from pathlib import Path
import tomllib


POLICIES = Path(__file__).resolve().parents[2] / "policies"
META = ("title", "description")

# The Zope permissions each word must give (and the only words that give
# them).  Written here, not imported: a word that stops giving its
# permission, or a permission given to someone no word names, shows.
PERMISSIONS = {
    "View": "view",
    "Access contents information": "view",
    "Modify portal content": "edit",
    "CMFEditions: Revert to previous versions": "edit",
    "Add portal content": "add",
    "plone.app.contenttypes: Add Document": "add",
    "plone.app.contenttypes: Add Folder": "add",
    "plone.app.contenttypes: Add File": "add",
    "plone.app.contenttypes: Add Image": "add",
    "plone.app.contenttypes: Add Link": "add",
    "plone.app.contenttypes: Add News Item": "add",
    "plone.app.contenttypes: Add Event": "add",
    "Delete objects": "delete",
    "Reply to item": "comment",
    "Review portal content": "review",
    "Request review": "see history",
    "iterate : Check out content": "revise",
    "iterate : Check in content": "check in",
    "MissionPlace: Record results": "record results",
    "MissionPlace: Add Room": "add rooms",
    "collective.easyform: Add Content": "add forms",
    "MissionPlace: Add Organ": "add elections",
    "MissionPlace: Add Election": "add elections",
    "MissionPlace: Add Candidature": "add candidatures",
    "MissionPlace: View place membership": "see members",
    "MissionPlace: Manage place membership": "manage members",
    "Change local roles": "share",
    "MissionPlace: Add Place": "add places",
}
# Words about what an item is, checked on every item whatever its policy
# says: a word a policy leaves out is then nobody's.  The other words
# (add rooms, manage members, ...) are about places and rooms only.
ITEM_WORDS = (
    "view",
    "edit",
    "add",
    "delete",
    "comment",
    "review",
    "see history",
    "revise",
    "check in",
    "record results",
)


def _read(name):
    with (POLICIES / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


def people():
    """{name: set of roles} of people.toml."""
    return {name: set(entry["roles"]) for name, entry in _read("people")["people"].items()}


def policy_names():
    return sorted(path.stem for path in POLICIES.glob("*.toml") if path.stem != "people")


class Policy:
    """One policy file, as its reader understands it."""

    def __init__(self, name):
        raw = _read(name)
        self.name = name
        self.workflow = raw["workflow"]
        self.initial = raw["initial"]
        self.people = people()
        everywhere = raw.get("everywhere", {})
        self.states = {}
        for state_id, state in raw["states"].items():
            words = {**everywhere, **{verb: names for verb, names in state.items() if verb not in META}}
            self.states[state_id] = words
        self.actions = raw.get("actions", {})

    def roles(self, names):
        found = set()
        for name in names:
            found |= self.people[name]
        return found

    def who(self, state, verb):
        """The people names who may ``verb`` in ``state`` (none when the policy does not list the word)."""
        return list(self.states[state].get(verb, []))

    def may(self, state, verb, held):
        """Whether someone holding the roles ``held`` may ``verb`` in ``state``."""
        names = self.who(state, verb)
        return "anyone" in names or bool(self.roles(names) & set(held))

    def actions_for(self, state, held):
        return {
            action_id
            for action_id, action in self.actions.items()
            if state in action["from"] and self.roles(action["by"]) & set(held)
        }

    def expected_permissions(self, state, held, words=None):
        """{permission: allowed} for the words ``words`` (default: every word of the table)."""
        return {
            permission: self.may(state, verb, held)
            for permission, verb in PERMISSIONS.items()
            if words is None or verb in words
        }


def place_policy():
    return Policy("places")


def every_role():
    """Every role a policy may name: people.toml's roles (Anonymous aside)."""
    return set().union(*people().values()) - {"Anonymous"}
