"""Malformed input is a 400 with the reason in the user's language, and changes nothing.

Wrong JSON types, missing or unknown values, bodies that are not JSON and
huge values, sent to MissionPlace's REST services and to the Members form:
each answered 500 with the exception's text, or worse.  Every case is sent
from the French pages with ``Accept-Language: fr``, and the items it aims at
are compared before and after (support.assert_refused with 400).
"""

from html import unescape
from missionplace import _
from zope.i18n import translate
import pytest
import re
import support


PLACE = "fr/candiweb"
ROOM = "fr/candiweb/candidatures"
FRENCH = {"Accept-Language": "fr"}


def fr(message):
    return translate(message, target_language="fr")


def not_text(name):
    return _("error_not_text", default="${name} must be a text.", mapping={"name": name})


def too_long(name, maximum):
    return _(
        "error_text_too_long",
        default="${name} is too long: at most ${max} characters.",
        mapping={"name": name, "max": maximum},
    )


NOT_JSON = _("error_not_a_json_object", default="Send a JSON object.")


def assert_bad_input(site, paths, attempt, message):
    """``attempt()`` answers 400 with ``message`` in French (no traceback), and changes nothing at ``paths``."""
    response = support.assert_refused(site.portal, paths, attempt, statuses=(400,))
    assert "Traceback" not in response.text
    assert response.json()["error"]["message"] == fr(message), response.text
    return response


@pytest.fixture
def pending(site):
    """France's page in the French CandiWeb, submitted for review."""
    path = site.draft("editor-fra", place=PLACE, title="Notre page")
    assert site.api("POST", f"{path}/@workflow/submit", "editor-fra").status_code == 200
    return path


def post_workflow(site, path, action, user="moderator", headers=(), **kwargs):
    headers = {**FRENCH, **dict(headers)}
    return lambda: site.api("POST", f"{path}/@workflow/{action}", user, headers=headers, **kwargs)


def test_a_comment_that_is_not_a_text(site, pending):
    # The case of the review: a number as the comment was a 500 with the exception's text.
    assert_bad_input(site, pending, post_workflow(site, pending, "reject", json={"comment": 123}), not_text("comment"))
    assert_bad_input(
        site, pending, post_workflow(site, pending, "approve", json={"comment": ["a"]}), not_text("comment")
    )


def test_a_huge_comment(site, pending):
    attempt = post_workflow(site, pending, "reject", json={"comment": "x" * 20_000})
    assert_bad_input(site, pending, attempt, too_long("comment", 10_000))


# collective.honeypot reads every JSON-typed POST with plone.restapi's json_body and
# does not catch its error: security/requests.py answers such a body first, with a 400.
@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"reject"', "{"])
def test_a_body_that_is_not_a_json_object(site, pending, body):
    attempt = post_workflow(site, pending, "reject", data=body, headers={**FRENCH, "Content-Type": "application/json"})
    assert_bad_input(site, pending, attempt, NOT_JSON)


def test_other_fields_of_the_wrong_type(site, pending):
    attempt = post_workflow(site, pending, "approve", json={"include_children": "yes"})
    assert_bad_input(site, pending, attempt, _("error_include_children", default="include_children is true or false."))
    attempt = post_workflow(site, pending, "approve", json={"effective": {"year": 2027}})
    assert_bad_input(site, pending, attempt, not_text("effective"))


def test_an_unknown_action(site, pending):
    attempt = post_workflow(site, pending, "destroy", json={"comment": "Bye"})
    message = _("error_unknown_action", default="Unknown action: ${action}.", mapping={"action": "destroy"})
    assert_bad_input(site, pending, attempt, message)


def test_the_action_still_works(site, pending):
    response = site.api("POST", f"{pending}/@workflow/reject", "moderator", json={"comment": "Merci de préciser."})
    assert response.status_code == 200, response.text
    assert site.api("GET", pending, "editor-fra").json()["review_state"] == "draft"


def test_an_unknown_version(site, pending):
    for version in ("999", "abc", "-1"):
        response = support.assert_refused(
            site.portal,
            pending,
            lambda version=version: site.api("GET", f"{pending}/@history/{version}", "editor-fra", headers=FRENCH),
            statuses=(400,),
        )
        message = _("error_no_such_version", default="No such version: ${version}.", mapping={"version": version})
        assert response.json()["error"]["message"] == fr(message)


# -- Places ------------------------------------------------------------------------------------


def places(site, headers=(), **kwargs):
    headers = {**FRENCH, **dict(headers)}
    return lambda: site.api("POST", "fr/@places", "moderator", headers=headers, **kwargs)


ROOTS = ["en", "fr"]


def test_a_list_as_place_type(site):
    assert_bad_input(site, ROOTS, places(site, json={"place_type": ["candiweb"]}), not_text("place_type"))


def test_an_unknown_place_type_in_french(site):
    response = assert_bad_input(
        site,
        ROOTS,
        places(site, json={"place_type": "nope"}),
        _("error_unknown_place_type", default="Unknown place type: ${id}.", mapping={"id": "nope"}),
    )
    assert response.json()["error"]["message"] == "Type d'espace inconnu : nope."


def test_a_place_without_its_type(site):
    assert_bad_input(
        site,
        ROOTS,
        places(site, json={}),
        _("error_unknown_place_type", default="Unknown place type: ${id}.", mapping={"id": ""}),
    )


@pytest.mark.parametrize("place_id", ["../evil", "Capitals", "a b", "x" * 61])
def test_a_bad_place_id(site, place_id):
    message = _("error_place_id", default="A place's id has lowercase letters, digits, - and _ (at most 60).")
    assert_bad_input(site, ROOTS, places(site, json={"place_type": "candiweb", "id": place_id}), message)


def test_a_bad_place_title(site):
    message = _("error_title_languages", default="Give the title in the official languages: ar zh en fr ru es.")
    assert_bad_input(site, ROOTS, places(site, json={"place_type": "candiweb", "title": {"xx": "Bad"}}), message)
    attempt = places(site, json={"place_type": "candiweb", "title": {"fr": 3}})
    assert_bad_input(site, ROOTS, attempt, not_text("fr"))
    assert_bad_input(site, ROOTS, places(site, json={"place_type": "candiweb", "title": 7}), not_text("title"))
    attempt = places(site, json={"place_type": "candiweb", "title": "T" * 201})
    assert_bad_input(site, ROOTS, attempt, too_long("title", 200))


def test_places_body_not_json(site):
    attempt = places(site, data="place_type=candiweb", headers={**FRENCH, "Content-Type": "application/json"})
    assert_bad_input(site, ROOTS, attempt, NOT_JSON)


# -- A room's policy ---------------------------------------------------------------------------


def test_a_list_as_policy(site):
    def attempt():
        return site.api(
            "PATCH", f"{ROOM}/@publication-policy", "moderator", json={"policy": ["members-only"]}, headers=FRENCH
        )

    assert_bad_input(site, ROOM, attempt, not_text("policy"))


def test_a_policy_body_not_json(site):
    def attempt():
        headers = {**FRENCH, "Content-Type": "application/json"}
        return site.api("PATCH", f"{ROOM}/@publication-policy", "moderator", data="members-only", headers=headers)

    assert_bad_input(site, ROOM, attempt, NOT_JSON)


# -- Review queue ------------------------------------------------------------------------------


def test_a_queue_filter_given_twice(site):
    def attempt():
        return site.api("GET", "fr/@review-queue?sort_on=title&sort_on=place", "moderator", headers=FRENCH)

    message = _("error_listing_parameter_twice", default="Give ${name} only once.", mapping={"name": "sort_on"})
    assert_bad_input(site, PLACE, attempt, message)


# -- The Members form --------------------------------------------------------------------------


def token(site, user):
    page = site.page("fr/@@personal-information", user)
    return re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize(
    "fields",
    [
        {"principal:list": ["editor-bra", "delegate-ken"], "role": "Delegate"},
        {"principal": "editor-bra", "role:list": ["Delegate", "Mission editor"]},
        {"principal": "", "mission:list": ["fra", "bra"], "role": "Delegate"},
    ],
)
def test_the_members_form_with_lists(site, fields):
    data = {**fields, "_authenticator": token(site, "moderator")}

    def attempt():
        return site.post(f"{PLACE}/@@members", "moderator", data=data, headers=FRENCH)

    response = support.assert_refused(site.portal, PLACE, attempt, statuses=(400,))
    assert "Traceback" not in response.text
    messages = [
        fr(_("error_bad_member_form", default="Choose one person and one role.")),
        fr(_("error_no_such_mission", default="No such mission.")),
    ]
    assert any(message in unescape(response.text) for message in messages), response.text[-2000:]
