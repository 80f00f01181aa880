"""E-mail: translated for each recipient, queued on disk, delivered by a background thread.

``send()`` writes one message per person, in their preferred language, into
the MailHost's maildir queue (zope.sendmail).  The message reaches the queue
only when the transaction commits, and a thread of this process hands it to
the SMTP server, retrying while the server is down or slow: a page or a
workflow transition never waits for the mail server, never fails because of
it, and loses no mail.

The queue folder and the SMTP server are each process's own, read when a
message is queued and when the thread delivers, never written into the
database, which the instances of a cluster share (each start would overwrite
the others' settings, and a queue folder is a path on one machine's disk):

    MISSIONPLACE_MAIL_QUEUE          the queue folder (default: <instance>/var/mailqueue)
    MISSIONPLACE_SMTP_HOST / _PORT   the SMTP server (unset: the mail control panel's, shared
                                     by all instances on purpose; at first localhost 25)
    MISSIONPLACE_MAIL_FROM           the sender, if the site has none when the profile is installed

Products.MailHost reads both from the MailHost object, which lives in the
database.  Two hooks (configure.zcml) make every MailHost of the process
answer with the process's own: ``smtp_queue_directory`` (``QUEUE_DIRECTORY``)
and the server of the mailer it makes (``make_mailer``), so Plone's own mail
(password reset, contact form, forms) goes the same way.  Not a subclass of
MailHost: the site's persistent MailHost would have to be replaced (an upgrade
step, and a database depending on this package's class) for settings that are
not the database's anyway.  What all instances share stays in the database,
written when the profile is installed: mail goes through the queue, and the
sender (``configure_mailhost``).  Starting an instance writes nothing.
"""

from App.config import getConfiguration
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr
from email.utils import formatdate
from functools import partial
from missionplace import logger
from missionplace.common.languages import DEFAULT_LANGUAGE
from missionplace.common.languages import OFFICIAL_LANGUAGES
from pathlib import Path
from plone import api
from plone.base.interfaces import IPloneSiteRoot
from Products.MailHost.MailHost import MailBase
from Products.MailHost.MailHost import queue_threads
from zope.component.hooks import getSite
from zope.component.hooks import setSite
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.sendmail.maildir import Maildir
from zope.sendmail.queue import QueueProcessorThread
import os
import tempfile
import threading
import transaction


# A server that accepts the connection and then hangs must not stall the queue for ever.
SMTP_TIMEOUT = 60
DEFAULT_FROM = "missionplace@localhost"
# How often the queue is read (zope.sendmail's own default), and the longest wait while the server is down.
RETRY_INTERVAL = 3.0
MAX_RETRY_INTERVAL = 60.0


def process_smtp_server():
    """(host, port) of MISSIONPLACE_SMTP_HOST/_PORT, this process's own; None for what is unset."""
    port = os.environ.get("MISSIONPLACE_SMTP_PORT")
    return os.environ.get("MISSIONPLACE_SMTP_HOST") or None, int(port) if port else None


def smtp_server():
    """(host, port) from MISSIONPLACE_SMTP_HOST/_PORT, else the site's mail settings, else localhost:25.

    Unset variables leave what an administrator chose in the mail control panel.
    """
    record = partial(api.portal.get_registry_record, default=None)
    host, port = process_smtp_server()
    return host or record("plone.smtp_host") or "localhost", port or int(record("plone.smtp_port") or 25)


def queue_directory():
    """The maildir queue: MISSIONPLACE_MAIL_QUEUE, else ``mailqueue`` in the instance's var."""
    configured = os.environ.get("MISSIONPLACE_MAIL_QUEUE")
    if configured:
        return str(Path(configured).resolve())
    var = getConfiguration().clienthome
    # Without an instance folder (test runs) the temporary folder is as good a place as any.
    if not var or not Path(var).is_dir():
        return str(Path(tempfile.gettempdir(), "missionplace-mailqueue").resolve())
    return str(Path(var, "mailqueue").resolve())


# The queue folders this process has made sure of: a message queued in a missing one would be lost.
_maildirs = set()
_maildirs_lock = threading.Lock()


class _QueueDirectory:
    """``MailHost.smtp_queue_directory``, in every MailHost of the process: the process's queue folder.

    A data descriptor on the class, so it wins over the value the object holds
    in the database.  Products.MailHost's constructor, its ZMI form and
    GenericSetup's mailhost.xml still set the attribute: that is left unused.
    """

    def __get__(self, mailhost, owner=None):
        if mailhost is None:
            return self
        path = queue_directory()
        if path not in _maildirs:
            with _maildirs_lock:  # two threads making the same folder: one would fail
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                Maildir(path, create=True)
                _maildirs.add(path)
        return path

    def __set__(self, mailhost, value):
        pass  # the folder is the process's (MISSIONPLACE_MAIL_QUEUE), not the database's


QUEUE_DIRECTORY = _QueueDirectory()
# MailHost's own, before configure.zcml replaces it; Plone's patch of SMTPMailer fills in the control panel's server.
_makeMailer = MailBase._makeMailer


def make_mailer(mailhost):
    """``MailHost._makeMailer``: the mailer of the mail control panel, with this process's SMTP server if it has one."""
    mailer = _makeMailer(mailhost)
    host, port = process_smtp_server()
    mailer.hostname = host or mailer.hostname
    mailer.port = port or mailer.port
    return mailer


def configure_mailhost(portal=None):
    """What every instance shares: the site's mail goes through the MailHost's queue, from a sender.

    Written when the profile is installed (and by ``send`` should someone
    have turned the queue off in the ZMI), never when an instance starts.
    Where the queue is and which server delivers it are each process's own.
    Writes only what is missing.
    """
    portal = portal or api.portal.get()
    mailhost = portal.MailHost
    if not mailhost.smtp_queue:
        mailhost.smtp_queue = True
        logger.info("mail: the site's mail goes through the queue %s", mailhost.smtp_queue_directory)
    if not api.portal.get_registry_record("plone.email_from_address", default=None):
        api.portal.set_registry_record(
            "plone.email_from_address", os.environ.get("MISSIONPLACE_MAIL_FROM") or DEFAULT_FROM
        )
    if not api.portal.get_registry_record("plone.email_from_name", default=None):
        api.portal.set_registry_record("plone.email_from_name", portal.Title() or "MissionPlace")
    return mailhost


def configure_on_install(event):
    """After missionplace:default is applied: mail goes through the queue from the start."""
    if event.profile_id == "profile-missionplace:default" and event.full_import:
        configure_mailhost()


class _Attempt:
    """The processor's mailer, telling its thread when a delivery failed."""

    def __init__(self, mailer, thread):
        self.mailer = mailer
        self.thread = thread

    def send(self, fromaddr, toaddrs, message):
        # Failed until the server has taken the message; zope.sendmail logs why it did not.
        self.thread.failed = True
        self.mailer.send(fromaddr, toaddrs, message)
        self.thread.failed = False


class QueueProcessor(QueueProcessorThread):
    """zope.sendmail's queue processor, retrying as soon as the server is back.

    zope.sendmail marks a message being sent with a ``.sending-`` hard link and
    leaves that link behind when the server cannot be reached; the message is
    then skipped for three hours (``MAX_SEND_TIME``).  After a failed attempt
    of our own we remove our link, so the next round (every few seconds)
    tries again.  Links of another process that is sending are left alone.
    """

    failed = False

    def setMailer(self, mailer):
        # Swapped in place when the settings change: a request never waits for a send in progress.
        super().setMailer(_Attempt(mailer, self))

    @property
    def settings(self):
        mailer = self.mailer.mailer
        return {
            "hostname": mailer.hostname,
            "port": int(mailer.port),
            "username": mailer.username or None,
            "password": mailer.password or None,
        }

    def _process_one_file(self, filename):
        self.failed = False
        super()._process_one_file(filename)
        if self.failed and os.path.exists(filename):
            head, tail = os.path.split(filename)
            self._unlink_if_exists(os.path.join(head, ".sending-" + tail))
            # Wait longer while the server stays away (each attempt logs an error), up to a minute.
            self.interval = min(self.interval * 2, MAX_RETRY_INTERVAL)
        elif not os.path.exists(filename):
            self.interval = RETRY_INTERVAL


def _smtp_settings():
    """What the processor's mailer should be: this process's server (``smtp_server``), the control panel's login."""
    record = partial(api.portal.get_registry_record, default=None)
    hostname, port = smtp_server()
    return {
        "hostname": hostname,
        "port": port,
        "username": record("plone.smtp_userid") or None,
        "password": record("plone.smtp_pass") or None,
    }


def _mailer(mailhost):
    mailer = make_mailer(mailhost)
    mailer.smtp = partial(mailer.smtp, timeout=SMTP_TIMEOUT)
    return mailer


def start_processor(mailhost):
    """Start the queue's processor thread unless it runs; MailHost then reuses it.

    MailHost keys its threads by the queue folder and starts zope.sendmail's
    own processor only for a folder that has none.
    """
    if not mailhost.smtp_queue or os.environ.get("MAILHOST_QUEUE_ONLY"):
        return None
    key = os.path.realpath(mailhost.smtp_queue_directory)
    with MailBase.lock:
        thread = queue_threads.get(key)
        if isinstance(thread, QueueProcessor) and thread.is_alive():
            if thread.settings != _smtp_settings():
                thread.setMailer(_mailer(mailhost))
            return thread
        if thread is not None:
            thread.stop()
        thread = QueueProcessor()
        thread.setMailer(_mailer(mailhost))
        thread.setQueuePath(mailhost.smtp_queue_directory)
        thread.start()
        queue_threads[key] = thread
        logger.info("mail: delivering the queue %s to %s:%s", key, thread.settings["hostname"], thread.settings["port"])
        return thread


def stop_processor(mailhost):
    """Stop the processor thread of the MailHost's queue (it finishes the message it sends)."""
    key = os.path.realpath(getattr(mailhost, "smtp_queue_directory", "") or "/tmp")  # noqa: S108
    with MailBase.lock:
        thread = queue_threads.pop(key, None)
    if thread is not None:
        thread.stop()
        thread.join(SMTP_TIMEOUT)


def pending(mailhost=None):
    """Paths of the messages waiting in the queue."""
    mailhost = mailhost or api.portal.get().MailHost
    return list(Maildir(mailhost.smtp_queue_directory, create=True))


def start_on_startup(event):
    """At process start: deliver what an earlier run queued, without waiting for a new message."""
    previous = getSite()
    # Its own transaction manager: never end the transaction of whoever opened the database.
    connection = event.database.open(transaction_manager=transaction.TransactionManager())
    try:
        app = connection.root()["Application"]
        for site in app.objectValues():
            if IPloneSiteRoot.providedBy(site) and getattr(site._getOb("MailHost", None), "smtp_queue", False):
                if pending(site.MailHost):
                    setSite(site)  # the SMTP server is in the site's registry
                    start_processor(site.MailHost)
    except Exception:
        # A subscriber of Zope's start: whatever fails here must not stop the instance from
        # starting (the queue waits on disk for the next start or the next message); logged.
        logger.exception("mail: could not start delivering the queue")
    finally:
        setSite(previous)
        connection.transaction_manager.abort()
        connection.close()


def language_of(user):
    """The official language a person prefers (their ``language`` property), else English."""
    preferred = (user.getProperty("language", "") or "").lower().replace("_", "-")
    for candidate in (preferred, preferred.split("-")[0]):
        if candidate in OFFICIAL_LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def people(recipients):
    """[(address, name, language)] of user and group ids; groups expanded, addresses once each."""
    if isinstance(recipients, str):
        recipients = [recipients]
    groups = api.portal.get_tool("portal_groups")
    found, seen = {}, set()
    todo = list(recipients)
    while todo:
        principal = todo.pop(0)
        if not principal or principal in seen:
            continue
        seen.add(principal)
        group = groups.getGroupById(principal)
        if group is not None:
            # Direct members only: nested groups come back as ids and are expanded in turn.
            todo.extend(sorted(groups.getGroupMembers(principal)))
            continue
        user = api.user.get(userid=principal)
        address = user.getProperty("email", "") if user is not None else ""
        if not address:
            logger.info("mail: %s has no e-mail address, not told", principal)
            continue
        name = user.getProperty("fullname", "") or principal
        found.setdefault(address.lower(), (address, name, language_of(user)))
    return list(found.values())


def _in(language, text, mapping):
    if isinstance(text, Message):
        text = Message(text, mapping={**(text.mapping or {}), **(mapping or {})})
    return translate(text, mapping=mapping, target_language=language)


def _reply_to(reply_to):
    if not reply_to or "@" in reply_to:
        return reply_to
    user = api.user.get(userid=reply_to)
    return user.getProperty("email", "") if user is not None else None


def send(recipients, subject, body, mapping=None, reply_to=None):
    """Queue ``subject`` and ``body`` for each person among ``recipients``, in their language.

    ``recipients``: user ids and group ids.  ``subject``, ``body``: i18n
    messages of the missionplace domain, with ``mapping`` for their ${names}.
    ``reply_to``: an address or a user id.  Delivery happens when the
    transaction commits, through the queue; this never raises (problems are
    logged) and returns how many messages were queued.
    """
    try:
        portal = api.portal.get()
        mailhost = portal.MailHost
        if not mailhost.smtp_queue:
            logger.warning("mail: the MailHost did not queue; configuring it to")
            mailhost = configure_mailhost(portal)
        sender = formataddr(
            (
                api.portal.get_registry_record("plone.email_from_name", default="") or "MissionPlace",
                api.portal.get_registry_record("plone.email_from_address", default="") or DEFAULT_FROM,
            )
        )
        answer_to = _reply_to(reply_to)
        queued = 0
        for address, name, language in people(recipients):
            message = MIMEText(_in(language, body, mapping), "plain", "utf-8")
            message["Subject"] = Header(_in(language, subject, mapping), "utf-8")
            message["Date"] = formatdate(localtime=True)
            message["Content-Language"] = language
            # RFC 3834: no vacation replies to notifications.
            message["Auto-Submitted"] = "auto-generated"
            if answer_to:
                message["Reply-To"] = answer_to
            start_processor(mailhost)
            mailhost.send(message, mto=[formataddr((name, address))], mfrom=sender, immediate=False)
            queued += 1
        return queued
    except Exception:
        # The promise above: a workflow transition or a form never fails because of mail.
        logger.exception("mail: could not queue %r for %s", subject, recipients)
        return 0
