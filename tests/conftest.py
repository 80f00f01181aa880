"""Fixtures shared by the MissionPlace test suite: one meaning per name, in every folder.

``portal``        pytest-plone's: the add-on's site, in process (no demo content)
``demo_portal``   the demo site in process, without a server
``server_portal`` the demo site in the test server's process: what ``site`` serves
``site``          the demo site over HTTP (support.Site), as its users reach it
``site_url``      its address, for tests that speak HTTP themselves
``smtp``          a real SMTP server to which the demo server's site delivers its mail

The helpers (support.py, browser.py, mail_server.py, postgres.py) import from
every folder (pyproject.toml: pythonpath).
"""

from mail_server import delivering_to
from mail_server import SMTPServer
from missionplace.testing import MISSIONPLACE_DEMO_INTEGRATION_TESTING
from missionplace.testing import MISSIONPLACE_DEMO_SERVER_TESTING
from missionplace.testing import MISSIONPLACE_FUNCTIONAL_TESTING
from missionplace.testing import MISSIONPLACE_INTEGRATION_TESTING
from missionplace.testing import MISSIONPLACE_SERVER_TESTING
from pytest_plone import fixtures_factory
from support import Site
import os
import pytest
import tempfile
import transaction


# Compile the .po catalogs when the test layers load them, as zope.conf does.
os.environ.setdefault("zope_i18n_compile_mo_files", "true")
# Mail from tests waits in a queue of their own and is not delivered, unless a
# test (tests/mail/test_mail.py) runs an SMTP server and turns delivery on.
os.environ.setdefault("MAILHOST_QUEUE_ONLY", "1")
# One queue per test process: pytest-xdist's workers inherit the controller's
# environment, and a test that counts queued mails must see only its own.
os.environ["MISSIONPLACE_MAIL_QUEUE"] = os.path.join(tempfile.mkdtemp(prefix="missionplace-mail-"), "queue")

pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (MISSIONPLACE_SERVER_TESTING, "server"),
            (MISSIONPLACE_FUNCTIONAL_TESTING, "functional"),
            (MISSIONPLACE_INTEGRATION_TESTING, "integration"),
            (MISSIONPLACE_DEMO_SERVER_TESTING, "demo_server"),
            (MISSIONPLACE_DEMO_INTEGRATION_TESTING, "demo"),
        )
    )
)

from browser import chromium  # noqa: E402,F401
from browser import page  # noqa: E402,F401
from postgres import pg_dsn  # noqa: E402,F401
from postgres import pg_server  # noqa: E402,F401


@pytest.fixture
def site(demo_server):
    """The demo site over HTTP, as its users reach it (what the test set up is committed first)."""
    transaction.commit()
    return Site(demo_server)


@pytest.fixture
def site_url(site):
    """The demo site's address (``site.url``)."""
    return site.url


@pytest.fixture
def demo_portal(demo):
    """The demo site in process, without a server (pytest-plone's ``portal`` is the bare add-on's)."""
    return demo["portal"]


@pytest.fixture
def server_portal(demo_server):
    """The demo site in the test server's process: set up and check what ``site`` serves (commit first)."""
    return demo_server["portal"]


@pytest.fixture
def smtp(server_portal, tmp_path, monkeypatch):
    """A real SMTP server (aiosmtpd) to which the demo server's site delivers, through a queue of its own."""
    server = SMTPServer()
    server.start()
    with delivering_to(server, server_portal, tmp_path / "mailqueue", monkeypatch):
        yield server
    server.stop()
