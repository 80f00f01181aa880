"""The GenericSetup files of the policies are what policies/*.toml generate, and a new site has them.

`make policies` (src/missionplace/workflows/generate.py) writes them; they are
committed, so a change to a policy shows in review as a change to the profile,
and reaches existing sites by an upgrade step.
"""

from missionplace.workflows import generate
from missionplace.workflows import policy
from plone import api
from Products.DCWorkflow.exportimport import WorkflowDefinitionConfigurator
from xml.dom.minidom import parseString


def test_the_committed_files_are_what_the_policies_generate():
    found = generate.differences()
    assert not found, (
        "These files of profiles/default are not what policies/*.toml generate:\n"
        + "\n".join(f"  {name}: {problem}" for name, problem in found)
        + "\nRun `make policies`, commit what it writes, and add an upgrade step (src/missionplace/upgrades)."
    )


def _parsed(xml):
    keys = ("id", "title", "state_variable", "initial_state", "states", "transitions", "variables", "worklists",
            "permissions", "groups", "scripts", "description", "manager_bypass", "creation_guard")  # fmt: skip
    return dict(zip(keys, WorkflowDefinitionConfigurator(None).parseWorkflowXML(xml), strict=True))


def test_a_definition_reads_back_as_the_policy_says():
    found = policy.load("mission-review")
    parsed = _parsed(generate.definition_xml(found))
    assert parsed["id"] == "missionplace_mission_review"
    assert parsed["initial_state"] == found["initial"]
    assert parsed["manager_bypass"] is False
    assert sorted(parsed["permissions"]) == policy.permissions_of(found)
    states = {state["state_id"]: state for state in parsed["states"]}
    assert list(states) == list(found["states"])
    for state_id, state in found["states"].items():
        assert states[state_id]["title"] == state["title"]
        assert states[state_id]["description"] == state.get("description", "")
        assert {perm: sorted(roles) for perm, roles in states[state_id]["permissions"].items()} == (
            policy.state_permissions(found, state)
        )
        exits = [action_id for action_id, action in found["actions"].items() if state_id in action["from"]]
        assert list(states[state_id]["transitions"]) == exits
    transitions = {transition["transition_id"]: transition for transition in parsed["transitions"]}
    for action_id, action in found["actions"].items():
        assert transitions[action_id]["title"] == action["title"]
        assert transitions[action_id]["new_state"] == action["to"]
        assert transitions[action_id]["action"]["name"] == action["title"]
        assert sorted(transitions[action_id]["guard"]["roles"]) == policy.roles_of(action["by"])


def test_text_is_escaped():
    found = policy.load("mission-review")
    tricky = 'Approve & publish <now> "quoted"'
    found["title"] = found["description"] = tricky
    found["states"]["draft"]["title"] = found["states"]["draft"]["description"] = tricky
    found["actions"]["approve"]["title"] = tricky
    xml = generate.definition_xml(found)
    parseString(xml)  # noqa: S318 (well-formed: our own output)
    parsed = _parsed(xml)
    assert parsed["title"] == parsed["description"] == tricky
    draft = next(state for state in parsed["states"] if state["state_id"] == "draft")
    assert draft["title"] == draft["description"] == tricky
    approve = next(transition for transition in parsed["transitions"] if transition["transition_id"] == "approve")
    assert approve["title"] == approve["action"]["name"] == tricky
    placeful = parseString(generate.placeful_policy_xml(found))  # noqa: S318 (our own output)
    assert placeful.getElementsByTagName("property")[0].firstChild.data == tricky


def test_a_new_site_has_the_generated_workflows_and_chains(portal):
    tool = api.portal.get_tool("portal_workflow")
    for found in policy.all_policies():
        workflow = tool[found["workflow"]]
        assert workflow.title == found["title"]
        assert list(workflow.states.objectIds()) == list(found["states"])
        assert sorted(workflow.transitions.objectIds()) == sorted(found.get("actions", {}))
        for state_id, state in found["states"].items():
            mapped = {perm: sorted(roles) for perm, roles in workflow.states[state_id].permission_roles.items()}
            assert mapped == policy.state_permissions(found, state), (found["name"], state_id)
    places = policy.load("places")["workflow"]
    assert tool.getChainForPortalType("Place") == (places,)
    assert tool.getChainForPortalType("Room") == (places,)
    # Comments follow their item (issue 9): nothing resets their chain after the profile's workflow step.
    assert tool.getChainForPortalType("Discussion Item") == ("missionplace_comment",)


def test_each_placeful_policy_names_every_type_of_a_new_site(portal):
    """A type a placeful policy does not name would follow the site's chain in places: SITE_TYPES must be complete."""
    tool = api.portal.get_tool("portal_placeful_workflow")
    type_ids = {fti.getId() for fti in api.portal.get_tool("portal_types").listTypeInfo()}
    assert type_ids == set(generate.type_ids()), "update generate.SITE_TYPES, then `make policies`"
    places = policy.load("places")["workflow"]
    for found in generate.publication_policies():
        placeful = tool.getWorkflowPolicyById(policy.placeful_policy_id(found["name"]))
        assert placeful.getTitle() == found["title"]
        assert placeful.getDefaultChain(portal) == (found["workflow"],)
        for type_id in type_ids:
            chain = placeful.getChainFor(type_id)
            if type_id in ("Place", "Room"):
                assert chain == (places,), type_id
            elif type_id == "Discussion Item":
                assert chain == ("missionplace_comment",)
            else:
                assert chain == (found["workflow"],), (found["name"], type_id)
