"""What each state is and what each action does (``kind`` in policies/*.toml): checked, and asked for by kind."""

from missionplace.workflows import policy
import copy
import pytest


def test_states_of_kind_over_every_policy():
    assert policy.states_of_kind("draft") == ("draft",)
    # The Secretariat's and the bureau's queues alike.
    assert policy.states_of_kind("pending") == ("pending", "pending_bureau")
    assert policy.states_of_kind("published") == ("published",)
    assert policy.states_of_kind("published", "public") == ("public", "published")
    assert policy.states_of_kind("open") == ("open",)
    every = {state for found in policy.all_policies() for state in found["states"]}
    assert set(policy.states_of_kind(*policy.STATE_KINDS)) == every


def test_actions_of_kind_over_every_policy():
    assert policy.actions_of_kind("approve") == ("approve", "bureau_approve")
    assert policy.actions_of_kind("reject") == ("reject", "send_back")
    assert policy.actions_of_kind("submit", "withdraw") == ("submit", "withdraw")
    # Actions of no kind: the State menu offers them, nothing else asks for them.
    assert "make_public" not in policy.actions_of_kind(*policy.ACTION_KINDS)


def test_a_misspelt_kind_is_an_error_not_nothing():
    with pytest.raises(policy.PolicyError, match="unknown kind 'publised'"):
        policy.states_of_kind("publised")
    with pytest.raises(policy.PolicyError, match="unknown kind 'approved'"):
        policy.actions_of_kind("approved")


@pytest.fixture
def mission_review():
    return copy.deepcopy(policy.load("mission-review"))


def test_a_state_of_an_unknown_kind_is_refused(mission_review):
    mission_review["states"]["pending"]["kind"] = "waiting"
    with pytest.raises(policy.PolicyError) as error:
        policy.check(mission_review)
    assert str(error.value) == (
        "mission-review: state pending: kind 'waiting' is not one of draft, pending, published, public, archived, open"
    )


def test_a_state_must_say_its_kind(mission_review):
    del mission_review["states"]["archived"]["kind"]
    with pytest.raises(policy.PolicyError, match="state archived: kind None is not one of"):
        policy.check(mission_review)


def test_public_is_what_anyone_may_view(mission_review):
    mission_review["states"]["published"]["view"] = ["anyone"]
    with pytest.raises(policy.PolicyError, match="state published: a state anyone may view is of kind 'public'"):
        policy.check(mission_review)
    mission_review["states"]["published"]["view"] = ["members"]
    mission_review["states"]["public"]["view"] = ["members"]
    with pytest.raises(policy.PolicyError, match="state public: a state anyone may view is of kind 'public'"):
        policy.check(mission_review)


def test_an_action_of_an_unknown_kind_is_refused(mission_review):
    mission_review["actions"]["make_public"]["kind"] = "publish"
    with pytest.raises(policy.PolicyError) as error:
        policy.check(mission_review)
    assert str(error.value) == (
        "mission-review: action make_public: kind 'publish' is not one of submit, withdraw, approve, reject"
    )


def test_a_rejection_requires_a_comment(mission_review):
    del mission_review["actions"]["reject"]["comment"]
    with pytest.raises(policy.PolicyError, match="action reject: a rejection requires a comment"):
        policy.check(mission_review)


def test_the_policies_as_shipped_pass():
    for found in policy.all_policies():
        policy.check(found)
