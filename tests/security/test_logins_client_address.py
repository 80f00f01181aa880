"""Whose address a login failure or a public form's post counts against, behind proxies or not.

X-Forwarded-For is a list each proxy appends the address it got the request
from to: the left part is whatever the client wrote, and only the entries
appended by our own proxies can be believed.  The address is the right-most
entry that is not one of our proxies, and the header is read at all only when
the request comes from one of them.  Which proxies those are is each
process's own (MISSIONPLACE_TRUSTED_PROXIES, the cluster sets it), else the
registry's record.  Through the real Varnish and HAProxy: tests/instance/test_cluster.py.
"""

from missionplace.security import logins
from missionplace.security import spam
from plone import api
import pytest


VARIABLE = "MISSIONPLACE_TRUSTED_PROXIES"


class Request:
    """What the functions read of a request: its WSGI environ."""

    def __init__(self, peer, forwarded=None):
        self.environ = {"REMOTE_ADDR": peer}
        if forwarded is not None:
            self.environ["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.fixture
def registry_trusts(portal, monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)

    def trust(*proxies):
        api.portal.set_registry_record(logins.REGISTRY_PREFIX + "trusted_proxies", list(proxies))

    return trust


def test_without_trusted_proxies_x_forwarded_for_is_ignored(registry_trusts):
    registry_trusts()
    assert logins.client_address(Request("198.51.100.20", "203.0.113.7")) == "198.51.100.20"


def test_behind_varnish_and_haproxy_the_client_is_the_right_most_untrusted_entry(registry_trusts, monkeypatch):
    registry_trusts()
    monkeypatch.setenv(VARIABLE, "127.0.0.1")
    # The client wrote "invented"; Varnish appended the client's address, HAProxy Varnish's (127.0.0.1).
    through_both = Request("127.0.0.1", "invented, 203.0.113.7, 127.0.0.1")
    assert logins.client_address(through_both) == "203.0.113.7"
    # A client that writes our proxy's address itself gains nothing: its own comes after it.
    posing = Request("127.0.0.1", "203.0.113.9, 127.0.0.1, 198.51.100.20, 127.0.0.1")
    assert logins.client_address(posing) == "198.51.100.20"
    # Proxies on other machines, named by their network; every hop of ours is skipped.
    monkeypatch.setenv(VARIABLE, "10.0.0.0/24, 10.0.1.5")
    assert logins.client_address(Request("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.1.5, 10.0.0.1")) == "203.0.113.7"


def test_a_forged_x_forwarded_for_sent_straight_to_an_instance_is_not_believed(registry_trusts, monkeypatch):
    monkeypatch.setenv(VARIABLE, "127.0.0.1")
    registry_trusts("192.0.2.50")
    # From a machine that is not one of this process's proxies: its own address, whatever it claims.
    for forged in ("203.0.113.7", "203.0.113.7, 127.0.0.1"):
        direct = Request("192.0.2.50", forged)
        assert logins.client_address(direct) == "192.0.2.50"
        assert spam.keys_of(direct, "a@example.org")["address"] == "192.0.2.50"
    # The process's setting replaces the shared record: without it, the record's proxy is believed.
    monkeypatch.delenv(VARIABLE)
    assert logins.client_address(Request("192.0.2.50", "203.0.113.7")) == "203.0.113.7"


def test_public_forms_count_the_same_address_as_logins(registry_trusts, monkeypatch):
    registry_trusts()
    monkeypatch.setenv(VARIABLE, "127.0.0.1")
    keys = spam.keys_of(Request("127.0.0.1", "invented, 203.0.113.7, 127.0.0.1"), " A@Example.org ")
    assert keys == {"address": "203.0.113.7", "email": "a@example.org", "site": "all"}
    # Behind no trusted proxy, every visitor of the same proxy would be one address: not here.
    monkeypatch.delenv(VARIABLE)
    assert spam.keys_of(Request("127.0.0.1", "203.0.113.7, 127.0.0.1"), "")["address"] == "127.0.0.1"
