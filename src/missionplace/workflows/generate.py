"""``make policies``: the GenericSetup files of the publication policies, written from policies/*.toml.

    python -m missionplace.workflows.generate           write them into profiles/default
    python -m missionplace.workflows.generate --check   list the files that differ; exit 1 if any

It writes ``workflows.xml`` (every workflow of the profile and the type chains
that places and rooms, and comments, follow), ``workflows/<id>/definition.xml``
for each policy, and one placeful workflow policy per publication policy
(``portal_placeful_workflow.xml`` and ``portal_placeful_workflow/<id>.xml``, in
CMFPlacefulWorkflow's format), which places point to.  The output is
committed; installing the profile imports it through GenericSetup's
``workflow`` and ``placeful_workflow`` steps, and a change reaches existing
sites by an upgrade step (src/missionplace/upgrades).  tests/workflows/
test_generated.py fails when the committed files differ from the TOML's.

Every text is written through ElementTree, which escapes it.
"""

from missionplace.workflows import policy
from pathlib import Path
from xml.etree import ElementTree as ET
import argparse
import sys


# src/missionplace/profiles links to the top-level profiles folder.
PROFILE = Path(__file__).parent.parent / "profiles" / "default"
WORKFLOWS_XML = "workflows.xml"
PLACEFUL_XML = "portal_placeful_workflow.xml"
PLACEFUL_DIR = "portal_placeful_workflow"
NOTICE = " Generated from policies/*.toml by `make policies`: edit those files, not this one. "

# Workflows of the profile written by hand (their definition.xml is not
# generated), with the types they are bound to.  Comments follow the item they
# comment on (issue 9): whoever sees the item sees, lists and finds its comments.
HAND_WRITTEN = {"missionplace_comment": ("Discussion Item",)}

# The types of a MissionPlace site that profiles/default/types.xml does not
# name (its dependencies': Plone, plone.app.contenttypes, plone.app.multilingual,
# plone.app.discussion).  A placeful policy names every type: a type it does not
# name would follow the site's chain inside places.  tests/workflows checks
# that a new site has no other type.
SITE_TYPES = ("Collection", "Discussion Item", "LIF", "LRF", "Plone Site", "TempFolder")

# Plone's workflow variables: the history shows who did what, when, with which
# comment, to whoever may "see history" (Request review) or review, as in
# Plone's own workflows; readers of an item do not get it.
# (id, description, default expression, for_status, update_always, guard permissions)
VARIABLES = (
    ("action", "Previous transition", "transition/getId|nothing", True, True, ()),
    ("actor", "The ID of the user who performed the previous transition", "user/getId", True, True, ()),
    (
        "comments",
        "Comment about the last transition",
        "python:state_change.kwargs.get('comment', '')",
        True,
        True,
        (),
    ),
    (
        "review_history",
        "Provides access to workflow history",
        "state_change/getHistory",
        False,
        False,
        ("Request review", "Review portal content"),
    ),
    ("time", "When the previous transition was performed", "state_change/getDateTime", True, True, ()),
)


def _element(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _serialize(root):
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _root(tag, **attributes):
    root = ET.Element(tag, attributes)
    root.append(ET.Comment(NOTICE))
    return root


def publication_policies():
    """The policies that places and rooms point to (all but the place workflow's own)."""
    return [found for found in policy.all_policies() if found["name"] != "places"]


def definition_xml(found):
    """The DCWorkflow definition of one policy, as Plone's workflow XML."""
    root = _root(
        "dc-workflow",
        workflow_id=found["workflow"],
        title=found["title"],
        description=found["description"],
        state_variable="review_state",
        initial_state=found["initial"],
        manager_bypass="False",
    )
    for perm in policy.permissions_of(found):
        _element(root, "permission", perm)
    actions = found.get("actions", {})
    for state_id, state in found["states"].items():
        node = _element(root, "state", state_id=state_id, title=state["title"])
        _element(node, "description", state.get("description", ""))
        for action_id, action in actions.items():
            if state_id in action["from"]:
                _element(node, "exit-transition", transition_id=action_id)
        for perm, roles in policy.state_permissions(found, state).items():
            mapping = _element(node, "permission-map", name=perm, acquired="False")
            for role in roles:
                _element(mapping, "permission-role", role)
    for action_id, action in actions.items():
        node = _element(
            root,
            "transition",
            transition_id=action_id,
            title=action["title"],
            new_state=action["to"],
            trigger="USER",
            before_script="",
            after_script="",
        )
        # Our action page asks for the comment the policy may require.
        url = f"%(content_url)s/@@review-transition?workflow_action={action_id}"
        _element(node, "action", action["title"], url=url, category="workflow", icon="")
        guard = _element(node, "guard")
        for role in policy.roles_of(action["by"]):
            _element(guard, "guard-role", role)
    for variable_id, description, expression, for_status, update_always, permissions in VARIABLES:
        node = _element(
            root,
            "variable",
            variable_id=variable_id,
            for_catalog="False",
            for_status=str(for_status),
            update_always=str(update_always),
        )
        _element(node, "description", description)
        _element(_element(node, "default"), "expression", expression)
        guard = _element(node, "guard")
        for perm in permissions:
            _element(guard, "guard-permission", perm)
    return _serialize(root)


def chains():
    """{type: workflow id} of the site: places and rooms follow the place workflow, comments theirs."""
    places = policy.load("places")["workflow"]
    found = {"Place": places, "Room": places}
    for workflow_id, type_ids in HAND_WRITTEN.items():
        found.update(dict.fromkeys(type_ids, workflow_id))
    return dict(sorted(found.items()))


def workflows_xml():
    root = _root("object", name="portal_workflow", meta_type="Plone Workflow Tool")
    for workflow_id in [*HAND_WRITTEN, *(found["workflow"] for found in policy.all_policies())]:
        _element(root, "object", name=workflow_id, meta_type="Workflow")
    bindings = _element(root, "bindings")
    for type_id, workflow_id in chains().items():
        _element(_element(bindings, "type", type_id=type_id), "bound-workflow", workflow_id=workflow_id)
    return _serialize(root)


def type_ids(profile=PROFILE):
    """Every type of a MissionPlace site: the profile's types.xml and its dependencies' (SITE_TYPES)."""
    names = {node.get("name") for node in ET.parse(profile / "types.xml").getroot().iter("object")}  # noqa: S314 (our own file)
    names.discard("portal_types")
    return sorted(names | set(SITE_TYPES))


def placeful_tool_xml():
    root = _root("object", name="portal_placeful_workflow", meta_type="Placeful Workflow Tool")
    for found in publication_policies():
        _element(root, "object", name=policy.placeful_policy_id(found["name"]), meta_type="WorkflowPolicy")
    return _serialize(root)


def placeful_policy_xml(found, profile=PROFILE):
    """A placeful policy: everything follows ``found``, but places, rooms and comments keep the site's chain."""
    root = _root("object", name=policy.placeful_policy_id(found["name"]), meta_type="WorkflowPolicy")
    _element(root, "property", found["title"], name="title")
    bindings = _element(root, "bindings")
    _element(_element(bindings, "default"), "bound-workflow", workflow_id=found["workflow"])
    own = chains()
    for type_id in type_ids(profile):
        if type_id in own:
            _element(_element(bindings, "type", type_id=type_id), "bound-workflow", workflow_id=own[type_id])
        else:
            _element(bindings, "type", type_id=type_id, default_chain="true")
    return _serialize(root)


def files(profile=PROFILE):
    """{path relative to the profile: text} of every generated file."""
    found = {WORKFLOWS_XML: workflows_xml(), PLACEFUL_XML: placeful_tool_xml()}
    for each in policy.all_policies():
        found[f"workflows/{each['workflow']}/definition.xml"] = definition_xml(each)
    for each in publication_policies():
        found[f"{PLACEFUL_DIR}/{policy.placeful_policy_id(each['name'])}.xml"] = placeful_policy_xml(each, profile)
    return found


def _leftovers(profile, expected):
    """Files of a generated kind that nothing generates any more (a policy removed or renamed)."""
    written = {f"workflows/{workflow_id}/definition.xml" for workflow_id in HAND_WRITTEN}
    candidates = [*profile.glob("workflows/*/definition.xml"), *profile.glob(f"{PLACEFUL_DIR}/*.xml")]
    return sorted(
        path.relative_to(profile).as_posix()
        for path in candidates
        if path.relative_to(profile).as_posix() not in expected | written
    )


def differences(profile=PROFILE):
    """[(path, what is wrong)] of the committed files against what the TOML generates."""
    expected = files(profile)
    found = []
    for name, text in expected.items():
        path = profile / name
        if not path.exists():
            found.append((name, "missing"))
        elif path.read_text(encoding="utf-8") != text:
            found.append((name, "differs from what policies/*.toml generate"))
    found += [(name, "generated by no policy") for name in _leftovers(profile, set(expected))]
    for workflow_id in HAND_WRITTEN:
        if not (profile / "workflows" / workflow_id / "definition.xml").exists():
            found.append((f"workflows/{workflow_id}/definition.xml", "missing (written by hand)"))
    return found


def write(profile=PROFILE):
    """Write every generated file, remove the leftovers; return the paths changed."""
    expected = files(profile)
    changed = []
    for name, text in expected.items():
        path = profile / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    for name in _leftovers(profile, set(expected)):
        (profile / name).unlink()
        if not any((profile / name).parent.iterdir()):
            (profile / name).parent.rmdir()
        changed.append(name)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file differs")
    parser.add_argument("--profile", type=Path, default=PROFILE, help="the profile folder (profiles/default)")
    args = parser.parse_args(argv)
    if args.check:
        found = differences(args.profile)
        for name, problem in found:
            print(f"{name}: {problem}")
        if found:
            sys.exit("Run `make policies` and commit the files it writes (and an upgrade step).")
        print("The GenericSetup files match policies/*.toml.")
        return
    changed = write(args.profile)
    for name in changed:
        print(f"wrote {name} (in {args.profile})")
    print(f"{len(changed)} file(s) changed." if changed else "Nothing changed: the files match policies/*.toml.")
    if changed:
        print("A site made before needs an upgrade step for this change (src/missionplace/upgrades).")


if __name__ == "__main__":
    main()
