"""A real SMTP server for the tests (aiosmtpd) that keeps the messages it receives."""

from aiosmtpd.controller import Controller
from contextlib import contextmanager
from email import message_from_bytes
from email import policy
import asyncio
import pytest
import socket
import time
import transaction


def address(user_id):
    return f"{user_id}@missionplace.example"


class Inbox:
    """An aiosmtpd handler that keeps what it receives; ``delay`` makes it a slow server."""

    def __init__(self):
        self.envelopes = []
        self.delay = 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [message_from_bytes(e.original_content or e.content, policy=policy.default) for e in self.envelopes]

    def to(self, user_id):
        return [m for m in self.messages if address(user_id) in str(m["To"])]


class SMTPServer:
    def __init__(self):
        self.inbox = Inbox()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count, timeout=30):
        """The messages once at least ``count`` arrived (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.inbox.envelopes) >= count:
                return self.inbox.messages
            time.sleep(0.2)
        pytest.fail(f"{count} message(s) expected within {timeout} s, {len(self.inbox.envelopes)} arrived")

    def wait_for_subject(self, subject, timeout=30):
        """The messages whose subject starts with ``subject``, once one arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.inbox.messages if str(m["Subject"]).startswith(subject)]
            if found:
                return found
            time.sleep(0.2)
        subjects = [str(m["Subject"]) for m in self.inbox.messages]
        pytest.fail(f"no message {subject!r} within {timeout} s: {subjects}")


@contextmanager
def delivering_to(server, portal, queue, monkeypatch):
    """The site's MailHost delivers to ``server`` through the queue folder ``queue``, as at instance start.

    The suite only queues mail (conftest.py); inside, it is delivered.
    """
    from missionplace.mail import queue as mail

    monkeypatch.setenv("MISSIONPLACE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MISSIONPLACE_SMTP_PORT", str(server.port))
    monkeypatch.setenv("MISSIONPLACE_MAIL_QUEUE", str(queue))
    monkeypatch.delenv("MAILHOST_QUEUE_ONLY", raising=False)
    mailhost = mail.configure_mailhost(portal)
    transaction.commit()
    try:
        yield
    finally:
        mail.stop_processor(mailhost)
