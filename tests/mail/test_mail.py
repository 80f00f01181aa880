"""Review notifications by e-mail, through the queue, to a real SMTP server (aiosmtpd).

Each test starts an SMTP server on a free port and points the site's MailHost
at it, with a queue folder of its own; the messages are read back as the
server received them.  The outage and slow-server cases act over real HTTP.
"""

from mail_server import address
from missionplace import _
from missionplace.mail import queue as mail
from missionplace.review import notifications
from pathlib import Path
from plone import api
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.processlifetime import DatabaseOpenedWithRoot
import logging
import pytest
import re
import requests
import time
import transaction


PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password
ROOM = ("en", "candiweb", "candidatures")


def room(portal):
    return portal.unrestrictedTraverse("/".join(ROOM))


def draft(portal, title="Candidature of France to the Council", user="editor-fra", container=None):
    with api.env.adopt_user(username=user):
        page = api.content.create(container=container or room(portal), type="Document", title=title)
    transaction.commit()
    return page


def act(page, action, user, comment=""):
    with api.env.adopt_user(username=user):
        api.content.transition(obj=page, transition=action, comment=comment)
    transaction.commit()


def rest(site_url, page, action, user, **data):
    path = "/".join(page.getPhysicalPath()[2:])
    auth = (user, PASSWORD) if user else None
    started = time.monotonic()
    response = requests.post(
        f"{site_url}/++api++/{path}/@workflow/{action}",
        auth=auth,
        headers={"Accept": "application/json"},
        json=data,
        timeout=60,
    )
    return response, time.monotonic() - started


def in_language(message, language, **mapping):
    """``message`` as the catalog of ``language`` has it now (English until translated)."""
    return translate(Message(message, mapping=mapping), target_language=language)


def set_language(user_id, language):
    api.user.get(userid=user_id).setMemberProperties({"language": language})
    transaction.commit()


@pytest.mark.parametrize(
    ("preferred", "language"),
    [("fr", "fr"), ("es-ES", "es"), ("zh_CN", "zh"), ("", "en"), ("de", "en")],
)
def test_submit_mails_the_moderators_in_their_language(server_portal, smtp, preferred, language):
    set_language("moderator", preferred)
    page = draft(server_portal)
    act(page, "submit", "editor-fra")
    (message,) = smtp.wait_for(1)
    assert [str(m["To"]) for m in smtp.inbox.messages] == [f'"Secretariat Moderator (demo)" <{address("moderator")}>']
    assert message["Content-Language"] == language
    title = "Candidature of France to the Council"
    assert message["Subject"] == in_language(notifications.MESSAGES["submit"][1], language, title=title)
    body = message.get_content()
    place = server_portal["en"]["candiweb"].Title()
    actor = "Éditrice de la Mission de la France (demo)"
    assert in_language(notifications.MESSAGES["submit"][2], language, title=title, place=place, actor=actor) in body
    assert page.absolute_url() in body
    assert message["Auto-Submitted"] == "auto-generated"
    assert smtp.inbox.envelopes[0].rcpt_tos == [address("moderator")]


def test_english_is_the_fallback_text(server_portal, smtp):
    set_language("moderator", "")
    act(draft(server_portal, title="Kenya at the Council"), "submit", "editor-fra")
    (message,) = smtp.wait_for(1)
    assert message["Subject"] == "For review: Kenya at the Council"
    assert (
        "submitted “Kenya at the Council” in CandiWeb: elections and candidatures for review." in message.get_content()
    )


def test_reject_mails_the_owning_missions_editors_with_the_comment_and_link(server_portal, smtp):
    page = draft(server_portal)
    act(page, "submit", "editor-fra")
    smtp.wait_for(1)
    act(page, "reject", "moderator", comment="Please add the date of the election.")
    messages = smtp.wait_for(2)
    (rejected,) = smtp.inbox.to("editor-fra")
    assert rejected["Subject"] == "Returned to draft: Candidature of France to the Council"
    body = rejected.get_content()
    assert "Secretariat Moderator (demo) rejected “Candidature of France to the Council”" in body
    assert "Comment: Please add the date of the election." in body
    assert page.absolute_url() in body
    # Only France's editors: not its focal point, not Brazil's editor, not the moderator again.
    assert sorted(str(m["To"]) for m in messages[1:]) == [str(rejected["To"])]
    assert not smtp.inbox.to("editor-bra")
    assert not smtp.inbox.to("focal-fra")


def test_approve_and_make_public_mail_the_owning_missions_editors(server_portal, smtp):
    page = draft(server_portal)
    act(page, "submit", "editor-fra")
    act(page, "approve", "moderator", comment="Thank you.")
    act(page, "make_public", "moderator")
    smtp.wait_for(3)
    subjects = [m["Subject"] for m in smtp.inbox.to("editor-fra")]
    assert sorted(subjects) == [
        "Approved and published: Candidature of France to the Council",
        "Made public: Candidature of France to the Council",
    ]
    approved = next(m for m in smtp.inbox.to("editor-fra") if m["Subject"].startswith("Approved"))
    assert "Comment: Thank you." in approved.get_content()
    made_public = next(m for m in smtp.inbox.to("editor-fra") if m["Subject"].startswith("Made public"))
    assert "Comment:" not in made_public.get_content()
    assert not smtp.inbox.to("editor-bra")


def test_item_no_mission_owns_tells_its_creator(server_portal, smtp):
    page = draft(server_portal, title="Secretariat note", user="moderator")
    assert getattr(page, "mission", None) is None
    act(page, "submit", "moderator")
    act(page, "approve", "moderator")
    smtp.wait_for(2)
    assert sorted(m["Subject"] for m in smtp.inbox.to("moderator")) == [
        "Approved and published: Secretariat note",
        "For review: Secretariat note",
    ]
    assert len(smtp.inbox.envelopes) == 2


def test_withdraw_tells_nobody(server_portal, smtp):
    page = draft(server_portal)
    act(page, "submit", "editor-fra")
    act(page, "withdraw", "editor-fra")
    act(page, "submit", "editor-fra")
    smtp.wait_for(2)
    assert [m["Subject"] for m in smtp.inbox.messages] == ["For review: Candidature of France to the Council"] * 2


def test_nothing_is_queued_when_the_transaction_is_aborted(server_portal, smtp):
    page = draft(server_portal)
    with api.env.adopt_user(username="editor-fra"):
        api.content.transition(obj=page, transition="submit")
    queue = Path(server_portal.MailHost.smtp_queue_directory)
    assert list((queue / "tmp").iterdir())  # written, waiting for the commit
    transaction.abort()
    assert not list((queue / "tmp").iterdir())
    assert mail.pending() == []
    assert api.content.get_state(page) == "draft"


@pytest.mark.parametrize("user", ["editor-bra", "delegate-ken", None])
def test_refused_submit_over_rest_sends_nothing(server_portal, smtp, site_url, user):
    page = draft(server_portal)
    response, _elapsed = rest(site_url, page, "submit", user)
    assert response.status_code in (401, 403, 404), response.text
    act(page, "submit", "editor-fra")  # the queue works: the next message is the only one
    (message,) = smtp.wait_for(1)
    assert message["Subject"].startswith("For review:")
    assert api.content.get_state(page) == "pending"


def test_reject_without_comment_over_rest_sends_nothing(server_portal, smtp, site_url):
    page = draft(server_portal)
    act(page, "submit", "editor-fra")
    smtp.wait_for(1)
    response, _elapsed = rest(site_url, page, "reject", "moderator")
    assert response.status_code >= 400, response.text
    act(page, "approve", "moderator")
    messages = smtp.wait_for(2)
    assert [m["Subject"].split(":")[0] for m in messages] == ["For review", "Approved and published"]


def test_submit_through_the_review_page_mails_the_moderator(server_portal, smtp, site_url):
    page = draft(server_portal)
    url = page.absolute_url().replace(server_portal.absolute_url(), site_url)
    session = requests.Session()
    session.auth = ("editor-fra", PASSWORD)
    form = session.get(f"{url}/@@review-transition?workflow_action=submit", timeout=60)
    assert form.status_code == 200, form.text
    token = re.search(r'name="_authenticator" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{url}/@@review-transition",
        data={"workflow_action": "submit", "comment": "Ready.", "_authenticator": token},
        timeout=60,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    (message,) = smtp.wait_for(1)
    assert message["Subject"] == "For review: Candidature of France to the Council"
    assert "Comment: Ready." in message.get_content()
    assert url in message.get_content()


def test_a_transition_goes_through_while_the_mail_server_is_down(server_portal, smtp, site_url):
    page = draft(server_portal)
    smtp.stop()
    response, elapsed = rest(site_url, page, "submit", "editor-fra", comment="Ready for review.")
    assert response.status_code == 200, response.text
    assert elapsed < 5
    transaction.begin()  # see what the server committed
    assert api.content.get_state(page) == "pending"
    time.sleep(4)  # the processor tried (and failed) at least once
    assert len(mail.pending()) == 1
    assert smtp.inbox.envelopes == []
    smtp.start()
    (message,) = smtp.wait_for(1)
    assert message["Subject"] == "For review: Candidature of France to the Council"
    assert "Comment: Ready for review." in message.get_content()
    # The link the moderator gets is the page's, not the API's.
    assert f"{site_url}/en/candiweb/candidatures/" in message.get_content()
    assert "++api++" not in message.get_content()
    deadline = time.monotonic() + 10
    while mail.pending() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert mail.pending() == []


def test_a_slow_mail_server_does_not_slow_the_transition(server_portal, smtp, site_url):
    smtp.inbox.delay = 10
    page = draft(server_portal)
    response, elapsed = rest(site_url, page, "submit", "editor-fra")
    assert response.status_code == 200, response.text
    assert elapsed < 5
    (message,) = smtp.wait_for(1, timeout=40)
    assert message["Subject"] == "For review: Candidature of France to the Council"


def test_queued_mail_is_delivered_after_a_restart(server_portal, smtp, monkeypatch):
    # The process that queues does not deliver (as if it stopped right after the commit).
    monkeypatch.setenv("MAILHOST_QUEUE_ONLY", "1")
    act(draft(server_portal), "submit", "editor-fra")
    (waiting,) = mail.pending()
    assert Path(waiting).parent.name == "new"  # on disk, in the maildir
    time.sleep(4)
    assert smtp.inbox.envelopes == []
    # The next start finds it and delivers it, without a new message to trigger the queue.
    monkeypatch.delenv("MAILHOST_QUEUE_ONLY")
    mail.start_on_startup(DatabaseOpenedWithRoot(server_portal._p_jar.db()))
    (message,) = smtp.wait_for(1)
    assert message["Subject"] == "For review: Candidature of France to the Council"


def test_send_expands_groups_once_per_address(server_portal, smtp):
    user = api.user.create(email="no@where.example", username="no-address", password="a long enough password")  # noqa: S106
    user.setMemberProperties({"email": ""})
    api.group.add_user(groupname="mission-fra-focalpoints", username="no-address")
    set_language("focal-fra", "fr")
    subject = _("mail_test_subject", default="About ${mission}")
    body = _("mail_test_body", default="Hello from ${mission}.")
    queued = mail.send(
        ["mission-fra", "editor-fra", "mission-fra-editors"],
        subject,
        body,
        mapping={"mission": "France"},
        reply_to="editor-bra",
    )
    transaction.commit()
    assert queued == 2
    messages = smtp.wait_for(2)
    assert sorted(e.rcpt_tos[0] for e in smtp.inbox.envelopes) == [address("editor-fra"), address("focal-fra")]
    (focal,) = smtp.inbox.to("focal-fra")
    assert focal["Content-Language"] == "fr"
    assert focal["Subject"] == in_language(subject, "fr", mission="France")
    assert all(m["Reply-To"] == address("editor-bra") for m in messages)
    assert all(
        m["From"].addresses[0].addr_spec == api.portal.get_registry_record("plone.email_from_address") for m in messages
    )


def test_a_message_that_cannot_be_composed_never_breaks_the_transition(server_portal, smtp, monkeypatch, caplog):
    def broken(obj, action):
        raise KeyError("no such recipients")

    monkeypatch.setattr(notifications, "recipients", broken)
    page = draft(server_portal)
    with caplog.at_level(logging.ERROR, logger="missionplace"):
        act(page, "submit", "editor-fra")
    assert api.content.get_state(page) == "pending"
    assert "could not tell about submit" in caplog.text
    assert mail.pending() == []


def test_queue_and_server_are_the_processs_never_the_databases(demo, tmp_path, monkeypatch):
    from App.config import getConfiguration

    portal = demo["portal"]
    mailhost = portal.MailHost
    for name in ("MISSIONPLACE_SMTP_HOST", "MISSIONPLACE_SMTP_PORT", "MISSIONPLACE_MAIL_QUEUE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(getConfiguration(), "clienthome", str(tmp_path))
    api.portal.set_registry_record("plone.smtp_host", "mail.un.example")
    api.portal.set_registry_record("plone.smtp_port", 2525)
    transaction.savepoint()
    # Unset variables: the server the administrator chose in the mail control panel, for every
    # mailer the MailHost makes (Plone's password reset sends at once, through it).
    assert mail.smtp_server() == ("mail.un.example", 2525)
    assert (mailhost._makeMailer().hostname, mailhost._makeMailer().port) == ("mail.un.example", 2525)
    # Always through the queue, in the instance's var folder.
    assert mailhost.smtp_queue is True
    assert mailhost.smtp_queue_directory == str(tmp_path / "mailqueue")
    assert {p.name for p in (tmp_path / "mailqueue").iterdir()} == {"cur", "new", "tmp"}

    # The process's own settings are read where mail is queued and delivered, and written nowhere.
    monkeypatch.setenv("MISSIONPLACE_SMTP_HOST", "smtp.missions.example")
    monkeypatch.setenv("MISSIONPLACE_SMTP_PORT", "587")
    monkeypatch.setenv("MISSIONPLACE_MAIL_QUEUE", str(tmp_path / "elsewhere"))
    assert mail.smtp_server() == ("smtp.missions.example", 587)
    assert (mailhost._makeMailer().hostname, mailhost._makeMailer().port) == ("smtp.missions.example", 587)
    assert mailhost.smtp_queue_directory == str(tmp_path / "elsewhere")
    assert {p.name for p in (tmp_path / "elsewhere").iterdir()} == {"cur", "new", "tmp"}
    mail.configure_mailhost(portal)  # what installing the profile writes
    assert not mailhost._p_changed
    assert (api.portal.get_registry_record("plone.smtp_host"), api.portal.get_registry_record("plone.smtp_port")) == (
        "mail.un.example",
        2525,
    )
    assert api.portal.get_registry_record("plone.email_from_address")
    # Nor can the ZMI (or a mailhost.xml) send this process's queue elsewhere.
    mailhost.manage_makeChanges("Mail", "localhost", 25, smtp_queue=True, smtp_queue_directory=str(tmp_path / "zmi"))
    assert mailhost.smtp_queue_directory == str(tmp_path / "elsewhere")
    assert not (tmp_path / "zmi").exists()


def test_mail_is_queued_in_the_folder_of_the_process_that_sends_it(server_portal, smtp, tmp_path, monkeypatch):
    # As in another instance of the same site, started with another queue folder and delivering nothing.
    monkeypatch.setenv("MAILHOST_QUEUE_ONLY", "1")
    monkeypatch.setenv("MISSIONPLACE_MAIL_QUEUE", str(tmp_path / "other-instance"))
    act(draft(server_portal), "submit", "editor-fra")
    (waiting,) = mail.pending()
    assert Path(waiting).parent.parent == tmp_path / "other-instance"
    assert smtp.inbox.envelopes == []
    # Back in the instance that delivers: its own queue, which the other one never touched.
    monkeypatch.setenv("MISSIONPLACE_MAIL_QUEUE", str(tmp_path / "mailqueue"))
    monkeypatch.delenv("MAILHOST_QUEUE_ONLY")
    assert mail.pending() == []
    act(draft(server_portal, title="Candidature of Brazil"), "submit", "editor-fra")
    (message,) = smtp.wait_for(1)
    assert message["Subject"] == "For review: Candidature of Brazil"
    assert len(list((tmp_path / "other-instance" / "new").iterdir())) == 1
