"""Sessions end at logout: a session cookie or a REST token replayed after logout is refused.

plone.session signs its ``__ac`` ticket with the site's shared secret by
default, so a copied cookie stays valid after its owner logged out, until it
times out.  With ``per_user_keyring`` every user has a secret of their own,
which logging out replaces: every session of that user ends (on every
device), other users' sessions do not.

plone.restapi's JWT (``@login``) is likewise valid until it expires unless the
plugin keeps the tokens it issued (``store_tokens``): then ``@logout`` forgets
the token and a replay is refused.
"""

from AccessControl import getSecurityManager
from BTrees.OOBTree import OOBTree
from missionplace import logger
from plone import api
from plone.keyring.interfaces import IKeyManager
from plone.protect.utils import safeWrite
from plone.restapi.services.auth import logout as restapi_logout
from zope.component import getUtility
from zope.component import queryUtility
from zope.globalrequest import getRequest


def setup_sessions(portal):
    """Per-user session secrets and server-side REST tokens; safe to run again on an existing site."""
    pas = portal.acl_users
    session = pas._getOb("session", None)
    if session is not None and not session.getProperty("per_user_keyring"):
        session.per_user_keyring = True
        # Sessions (and REST tokens) signed with the shared secret until now would
        # never be revoked by a logout: everybody logs in again once.
        manager = getUtility(IKeyManager)
        manager.clear(ring="_system")
        manager.rotate(ring="_system")
        logger.info("sessions: per-user session secrets on; existing sessions ended")
    jwt = pas._getOb("jwt_auth", None)
    if jwt is not None and not jwt.store_tokens:
        jwt.store_tokens = True
        if jwt._tokens is None:
            jwt._tokens = OOBTree()
        logger.info("sessions: REST tokens kept server-side; @logout revokes them")


def keep_new_secret(event):
    """Logging out replaced the user's session secret: let that write be saved.

    Plone's logout is a link (a GET), and plone.protect aborts a GET that
    writes without a CSRF token: the old secret, and every session signed
    with it, would live on.  Only the user's own keyring is let through.
    """
    session = api.portal.get_tool("acl_users")._getOb("session", None)
    manager = queryUtility(IKeyManager)
    if session is None or manager is None or not session.getProperty("per_user_keyring"):
        return
    ring = manager.get(session._getSecretKey(event.object.getId()))
    if ring is not None:
        safeWrite(ring, getRequest())


class Logout(restapi_logout.Logout):
    """REST ``@logout`` whose revocation of the token is saved.

    plone.protect aborts the writes of a request without a CSRF token, and
    plone.restapi's ``@logout`` (unlike its other writes) does not say that its
    write is meant: the token was "deleted" and stayed valid.  Only the caller's
    own list of tokens is let through (their session secret by
    ``keep_new_secret``); a cross-site logout by cookie is refused by csrf.py.
    """

    def reply(self):
        plugin = api.portal.get_tool("acl_users")._getOb("jwt_auth", None)
        tokens = getattr(plugin, "_tokens", None)
        userid = getSecurityManager().getUser().getId()
        if tokens is not None and userid and userid in tokens:
            safeWrite(tokens[userid], self.request)
        return super().reply()
