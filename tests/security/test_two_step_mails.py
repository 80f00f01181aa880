"""The First Committee's two-step review by e-mail: the bureau's "send back" and "final approval".

Through a real SMTP server (tests/mail_server.py), as tests/mail/test_mail.py
does for the one-step policy: who gets each message, in their language,
with the comment.  The Secretariat's approval is no longer announced to the
mission as a publication (it only reaches the bureau); a page sent back is
in the Secretariat's queue again, so its moderators are told too.
"""

from mail_server import address
from missionplace.places import membership
from missionplace.places import roles
from missionplace.review import notifications
from plone import api
from zope.i18n import translate
from zope.i18nmessageid import Message
import pytest
import support
import transaction


ROOM = ("en", "first-committee", "statements")
TITLE = "Statement of France on outer space"
BUREAU = "bureau-1c"


@pytest.fixture
def bureau(server_portal):
    """A member of the Committee bureau in the First Committee place, who reads Spanish."""
    # As the other tests add people: the demo accounts' password is shorter than the site's rule.
    server_portal.acl_users._doAddUser(BUREAU, support.PASSWORD, ["Member"], [])
    api.user.get(userid=BUREAU).setMemberProperties(
        {"fullname": "Committee Bureau (test)", "email": address(BUREAU), "language": "es"}
    )
    with api.env.adopt_user(username="moderator"):
        membership.set_member(server_portal["en"]["first-committee"], BUREAU, roles.BUREAU)
    transaction.commit()
    return BUREAU


def set_language(user_id, language):
    api.user.get(userid=user_id).setMemberProperties({"language": language})
    transaction.commit()


def in_language(message, language, **mapping):
    return translate(Message(message, mapping=mapping), target_language=language)


def act(site, path, action, user, comment=""):
    response = site.api("POST", f"{path}/@workflow/{action}", user, json={"comment": comment} if comment else {})
    assert response.status_code == 200, (action, user, response.text)


@pytest.fixture
def awaiting_bureau(site, smtp, bureau):
    """France's statement, submitted and approved by the Secretariat: the bureau decides now."""
    set_language("editor-fra", "fr")
    set_language("moderator", "es")
    response = site.api("POST", "/".join(ROOM), "editor-fra", json={"@type": "Document", "title": TITLE})
    assert response.status_code == 201, response.text
    path = site.path_of(response.json()["@id"])
    act(site, path, "submit", "editor-fra")
    act(site, path, "approve", "moderator", "Conforme; au bureau.")
    smtp.wait_for(2)
    assert site.api("GET", path, "moderator").json()["review_state"] == "pending_bureau"
    return path


def place_title(portal):
    return portal["en"]["first-committee"].Title()


def test_the_secretariats_approval_tells_the_mission_it_awaits_the_bureau(site, smtp, awaiting_bureau):
    (approved,) = smtp.inbox.to("editor-fra")
    assert approved["Content-Language"] == "fr"
    subject = notifications.MESSAGES["approve:pending_bureau"][1]
    assert approved["Subject"] == in_language(subject, "fr", title=TITLE)
    assert not str(approved["Subject"]).startswith(in_language(notifications.MESSAGES["approve"][1], "fr", title=""))
    assert "Conforme; au bureau." in approved.get_content()


def test_send_back_tells_the_moderators_and_the_mission_with_the_comment(site, smtp, server_portal, awaiting_bureau):
    comment = "El Buró pide precisar el párrafo 3."
    act(site, awaiting_bureau, "send_back", BUREAU, comment)
    messages = smtp.wait_for(4)[2:]
    assert sorted(str(m["To"]).rsplit("<", 1)[-1].rstrip(">") for m in messages) == [
        address("editor-fra"),
        address("moderator"),
    ]
    actor = "Committee Bureau (test)"
    for user, language in (("editor-fra", "fr"), ("moderator", "es")):
        (message,) = [m for m in messages if address(user) in str(m["To"])]
        assert message["Content-Language"] == language
        assert message["Subject"] == in_language(notifications.MESSAGES["send_back"][1], language, title=TITLE)
        body = message.get_content()
        what = in_language(
            notifications.MESSAGES["send_back"][2], language, title=TITLE, place=place_title(server_portal), actor=actor
        )
        assert what in body
        assert comment in body
        assert f"{site.url}/{awaiting_bureau}" in body
    # Nobody else: not Brazil, not France's focal point, not the bureau itself.
    for user in ("editor-bra", "focal-fra", "delegate-ken", BUREAU):
        assert not smtp.inbox.to(user), user
    assert site.api("GET", awaiting_bureau, "moderator").json()["review_state"] == "pending"


def test_send_back_needs_a_comment_and_mails_nobody_without_one(site, smtp, awaiting_bureau):
    response = support.assert_refused(
        site.portal,
        awaiting_bureau,
        lambda: site.api("POST", f"{awaiting_bureau}/@workflow/send_back", BUREAU, json={}),
        statuses=(400,),
    )
    assert "comment" in response.json()["error"]["message"].lower()
    # The bureau's final approval then arrives alone: the refused send-back queued nothing.
    act(site, awaiting_bureau, "bureau_approve", BUREAU)
    messages = smtp.wait_for(3)
    assert len(messages) == 3
    assert str(messages[2]["Subject"]) == in_language(notifications.MESSAGES["bureau_approve"][1], "fr", title=TITLE)


def test_bureau_approve_tells_the_mission_in_its_language_with_the_comment(site, smtp, server_portal, awaiting_bureau):
    comment = "Aprobado por el Buró."
    act(site, awaiting_bureau, "bureau_approve", BUREAU, comment)
    (message,) = smtp.wait_for(3)[2:]
    assert str(message["To"]).endswith(f"<{address('editor-fra')}>")
    assert message["Content-Language"] == "fr"
    assert message["Subject"] == in_language(notifications.MESSAGES["bureau_approve"][1], "fr", title=TITLE)
    body = message.get_content()
    what = in_language(
        notifications.MESSAGES["bureau_approve"][2],
        "fr",
        title=TITLE,
        place=place_title(server_portal),
        actor="Committee Bureau (test)",
    )
    assert what in body
    assert comment in body
    assert site.api("GET", awaiting_bureau, "delegate-ken").json()["review_state"] == "published"


def test_only_the_bureau_sends_back_or_gives_final_approval(site, smtp, awaiting_bureau):
    for user in ("moderator", "editor-fra", "editor-bra"):
        for action in ("send_back", "bureau_approve"):
            support.assert_refused(
                site.portal,
                awaiting_bureau,
                lambda user=user, action=action: site.api(
                    "POST", f"{awaiting_bureau}/@workflow/{action}", user, json={"comment": "No."}
                ),
                statuses=(400, 401, 403),
            )
    assert site.api("GET", awaiting_bureau, "moderator").json()["review_state"] == "pending_bureau"
    assert len(smtp.inbox.messages) == 2
