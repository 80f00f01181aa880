"""Review actions and their comments: required where the policy says, kept, and shown to the mission."""

from lxml import html
from missionplace.places import membership
from missionplace.workflows import policy
from plone import api
from support import PASSWORD
from zope.i18n import translate
import re
import transaction


def submitted(site, place="en/candiweb", title="Statement on elections"):
    path = site.draft("editor-fra", place, title)
    assert site.api("POST", f"{path}/@workflow/submit", "editor-fra").status_code == 200
    return path


def state(site, path, user="moderator"):
    return site.api("GET", f"{path}/@workflow", user).json()["state"]["id"]


def token(site, user):
    page = site.page("en/@@personal-information", user)
    return re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)


def test_policies_say_which_actions_need_a_comment():
    assert policy.comment_required("missionplace_mission_review", "reject")
    assert policy.comment_required("missionplace_two_step_review", "send_back")
    assert not policy.comment_required("missionplace_mission_review", "approve")
    assert not policy.comment_required("missionplace_mission_review", "submit")


def test_reject_without_comment_is_refused_over_rest_in_the_users_language(site):
    # The language of the French pages (plone.app.multilingual follows the content).
    path = submitted(site, place="fr/candiweb")
    response = site.api("POST", f"{path}/@workflow/reject", "moderator", json={}, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "commentaire" in message.lower(), message
    assert state(site, path) == "pending"
    # Blank is no comment either.
    assert site.api("POST", f"{path}/@workflow/reject", "moderator", json={"comment": "  "}).status_code == 400
    assert state(site, path) == "pending"


def test_reject_with_comment_keeps_it_in_the_history_and_shows_it_to_the_mission(site):
    path = submitted(site)
    comment = "Please add the date of the election."
    response = site.api("POST", f"{path}/@workflow/reject", "moderator", json={"comment": comment})
    assert response.status_code == 200, response.text
    assert state(site, path) == "draft"
    history = site.api("GET", f"{path}/@workflow", "editor-fra").json()["history"]
    assert history[-1]["action"] == "reject"
    assert history[-1]["comments"] == comment
    assert history[-1]["actor"] == "moderator"
    # The mission sees why, on the page itself ...
    page = site.page(path, "editor-fra")
    box = html.fromstring(page.content).xpath("//*[contains(@class, 'missionplace-review-comment')]")
    assert box
    assert comment in box[0].text_content()
    assert "Secretariat Moderator" in box[0].text_content()
    # ... until it acts on it.
    assert site.api("POST", f"{path}/@workflow/submit", "editor-fra").status_code == 200
    assert b"missionplace-review-comment" not in site.page(path, "editor-fra").content


def test_optional_comment_is_kept_too(site):
    path = submitted(site)
    response = site.api("POST", f"{path}/@workflow/approve", "moderator", json={"comment": "Thank you."})
    assert response.status_code == 200
    assert site.api("GET", f"{path}/@workflow", "editor-fra").json()["history"][-1]["comments"] == "Thank you."


def test_review_page_asks_for_the_required_comment(site):
    path = submitted(site)
    form = site.page(f"{path}/@@review-transition?workflow_action=reject", "moderator")
    assert form.status_code == 200
    textarea = html.fromstring(form.content).xpath("//form[@id='review-transition']//textarea[@name='comment']")
    assert textarea
    assert textarea[0].get("required") is not None
    data = {"workflow_action": "reject", "comment": "", "_authenticator": token(site, "moderator")}
    refused = site.post(f"{path}/@@review-transition", "moderator", data=data)
    assert refused.status_code == 400
    assert "comment is required" in refused.text
    assert state(site, path) == "pending"
    data["comment"] = "The title is not the one announced."
    done = site.post(f"{path}/@@review-transition", "moderator", data=data)
    assert done.status_code == 302
    assert state(site, path) == "draft"


def test_review_page_needs_the_csrf_token(site):
    path = submitted(site)
    response = site.post(f"{path}/@@review-transition", "moderator", data={"workflow_action": "approve"})
    assert response.status_code == 403
    assert state(site, path) == "pending"


def test_review_page_refuses_what_the_user_may_not_do(site):
    path = submitted(site)
    data = {"workflow_action": "approve", "comment": "", "_authenticator": token(site, "editor-fra")}
    response = site.post(f"{path}/@@review-transition", "editor-fra", data=data)
    assert response.status_code == 302
    assert state(site, path) == "pending"


def test_plones_own_action_page_refuses_with_a_message(site):
    path = submitted(site)
    data = {"workflow_action": "reject", "comment": "", "_authenticator": token(site, "moderator")}
    response = site.post(f"{path}/content_status_modify", "moderator", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/content_status_history")
    assert state(site, path) == "pending"


def test_workflow_menu_links_to_the_review_page(site):
    path = submitted(site)
    page = html.fromstring(site.page(path, "moderator").content)
    links = page.xpath("//a[contains(@href, 'workflow_action=reject')]/@href")
    assert links
    assert "@@review-transition" in links[0]


def test_state_and_action_titles_are_translated(site):
    path = submitted(site, place="fr/first-committee")
    assert site.api("POST", f"{path}/@workflow/approve", "moderator").status_code == 200
    response = site.api("GET", f"{path}/@workflow", "editor-fra")
    data = response.json()
    french = translate("Awaiting the bureau", domain="plone", target_language="fr")
    assert french != "Awaiting the bureau"
    assert data["state"]["title"] == french
    titles = {t["@id"].rsplit("/", 1)[1]: t["title"] for t in data["transitions"]}
    assert titles["withdraw"] == translate("Withdraw", domain="plone", target_language="fr") != "Withdraw"


def test_two_step_review_goes_through_the_bureau(site):
    api.portal.get_tool("acl_users")._doAddUser("bureau-chair", PASSWORD, ["Member"], [])
    with api.env.adopt_roles(["Manager"]):
        membership.set_member(site.portal["en"]["first-committee"], "bureau-chair", "CommitteeBureau")
    transaction.commit()
    path = submitted(site, place="en/first-committee", title="Draft resolution L.1")
    assert site.api("POST", f"{path}/@workflow/approve", "moderator").status_code == 200
    assert state(site, path) == "pending_bureau"
    # Members do not read it yet; the bureau does, and only the bureau decides.
    assert site.api("GET", path, "delegate-ken").status_code == 401
    assert site.api("GET", path, "bureau-chair").status_code == 200
    assert site.api("POST", f"{path}/@workflow/bureau_approve", "moderator").status_code in (400, 401, 403)
    assert site.api("POST", f"{path}/@workflow/send_back", "bureau-chair", json={}).status_code == 400
    response = site.api("POST", f"{path}/@workflow/send_back", "bureau-chair", json={"comment": "Check paragraph 3."})
    assert response.status_code == 200
    assert state(site, path) == "pending"
    assert site.api("POST", f"{path}/@workflow/approve", "moderator").status_code == 200
    assert site.api("POST", f"{path}/@workflow/bureau_approve", "bureau-chair").status_code == 200
    assert state(site, path) == "published"
    assert site.api("GET", path, "delegate-ken").status_code == 200


def test_working_group_items_never_become_public(site):
    path = submitted(site, place="en/informatics", title="Minutes of the first meeting")
    assert site.api("POST", f"{path}/@workflow/approve", "moderator").status_code == 200
    transitions = site.api("GET", f"{path}/@workflow", "moderator").json()["transitions"]
    assert "make_public" not in [t["@id"].rsplit("/", 1)[1] for t in transitions]
    assert site.api("POST", f"{path}/@workflow/make_public", "moderator").status_code == 400
    assert site.api("GET", path).status_code == 401


def test_public_item_is_read_by_anonymous_visitors(site):
    path = submitted(site, title="Calendar of elections")
    assert site.api("POST", f"{path}/@workflow/approve", "moderator").status_code == 200
    assert site.api("GET", path).status_code == 401
    assert site.api("POST", f"{path}/@workflow/make_public", "moderator").status_code == 200
    assert site.api("GET", path).status_code == 200
    assert site.page(path).status_code == 200


def test_a_room_may_follow_another_policy(site):
    room = "en/candiweb/candidatures"
    path = submitted(site, place=room, title="Announcement")
    current = site.api("GET", f"{room}/@publication-policy", "moderator").json()
    assert current["policy"] == "mission-review"
    assert "members-only" in [c["name"] for c in current["choices"]]
    # Only the place's moderators change it.
    for user in ("editor-fra", "delegate-ken"):
        response = site.api("PATCH", f"{room}/@publication-policy", user, json={"policy": "members-only"})
        assert response.status_code in (401, 403)
    response = site.api("PATCH", f"{room}/@publication-policy", "moderator", json={"policy": "members-only"})
    assert response.status_code == 200, response.text
    # In every language, and what the room holds keeps its state.
    french = site.api("GET", "fr/candiweb/candidatures/@publication-policy", "moderator").json()
    assert french["policy"] == "members-only"
    workflow = site.api("GET", f"{path}/@workflow", "moderator").json()
    assert workflow["state"]["id"] == "pending"
    assert site.api("POST", f"{path}/@workflow/approve", "moderator").status_code == 200
    transitions = site.api("GET", f"{path}/@workflow", "moderator").json()["transitions"]
    assert "make_public" not in [t["@id"].rsplit("/", 1)[1] for t in transitions]
    bad = site.api("PATCH", f"{room}/@publication-policy", "moderator", json={"policy": "no-such-policy"})
    assert bad.status_code == 400


def test_a_room_of_a_closed_place_cannot_become_public(site):
    room = "en/informatics/documents"
    choices = [c["name"] for c in site.api("GET", f"{room}/@publication-policy", "moderator").json()["choices"]]
    assert choices == ["members-only"]
    response = site.api("PATCH", f"{room}/@publication-policy", "moderator", json={"policy": "mission-review"})
    assert response.status_code == 400


def test_room_policy_page(site):
    room = "en/candiweb/elections"
    assert site.page(f"{room}/@@publication-policy", "editor-fra").status_code in (302, 401, 403)
    form = site.page(f"{room}/@@publication-policy", "moderator")
    assert form.status_code == 200
    assert b'value="members-only"' in form.content
    data = {"policy": "members-only", "_authenticator": token(site, "moderator")}
    assert site.post(f"{room}/@@publication-policy", "moderator", data=data).status_code == 302
    assert site.api("GET", f"{room}/@publication-policy", "moderator").json()["policy"] == "members-only"
