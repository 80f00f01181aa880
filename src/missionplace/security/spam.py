"""Spam protection of the public forms: one-time form tokens and rate limits, stored in the ZODB.

Three measures, none of which needs an outside service:

- a honeypot field (collective.honeypot, included in dependencies.zcml): a
  field hidden from people that robots fill in; a post with it filled is
  refused (403) before it reaches the form;
- a one-time token: every rendering of the form carries a new signed token
  (HMAC of the site's keyring, valid for ``TOKEN_MAX_AGE``); an accepted post
  spends it, so a token cannot be replayed;
- rate limits: so many accepted requests per client address, per e-mail
  address and for the whole site in a time window (``LIMITS``).

Why the ZODB: the limits must hold when several Zope instances (or threads)
serve the site, which rules out a dictionary in memory (each instance would
allow its own share); an outside store (memcached, Redis) is a service more to
run.  Counters and spent tokens live in BTrees keyed by time window, so
memory stays bounded: windows no check reads any more are dropped as new ones
start, and the site-wide limit caps what one window holds.

The decision is taken and committed in a short transaction of its own, one
thread of an instance at a time: two posts that spend the same token or count
against the same key in two instances change the same BTree entry, the ZODB
refuses the second commit with a ConflictError, and that decision is simply
taken again on fresh data.  So a token is spent once and a limit is exact
across instances; a refused post writes nothing; and the request's own
transaction (saving the request, queueing the mail) never conflicts over the
counters, so a burst gets refusals, not error pages.
"""

from BTrees.OOBTree import OOBTree
from missionplace import _
from missionplace import logger
from missionplace.security.logins import client_address
from persistent import Persistent
from plone import api
from plone.keyring.interfaces import IKeyManager
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations
from zope.component import queryUtility
import hashlib
import hmac
import random
import secrets
import threading
import time
import transaction


ANNOTATION = "missionplace.security.spam"
TOKEN_FIELD = "missionplace_form_token"  # noqa: S105 - a field name, not a secret
TOKEN_MAX_AGE = 12 * 3600  # time enough to fill in a form at leisure
TOKEN_WINDOW = 3600
RING = "_system"

# kind -> (accepted requests, per this many seconds)
LIMITS = {
    "address": (5, 3600),  # one office behind one address may send a few
    "email": (2, 24 * 3600),  # one person asks once, maybe twice
    "site": (200, 3600),  # caps the whole site, and the store's size
}

# The decision's own transaction: tries against other instances' commits.
ATTEMPTS = 10
_LOCK = threading.Lock()
ADMITTED = "missionplace.security.spam.admitted"

ERROR_TOKEN = _(
    "error_form_token",
    default="This form was already sent or has expired. Please check your entries and send it again.",
)
ERROR_TOO_MANY = _(
    "error_too_many_requests",
    default="Too many requests have come from your address or for this e-mail address. Please try again later.",
)


class Store(Persistent):
    """Counters of accepted requests and spent tokens, by time window."""

    def __init__(self):
        self.counts = OOBTree()  # (kind, window start, key) -> accepted requests
        self.spent = OOBTree()  # (window start of issue, nonce) -> 1


def store(create=False, portal=None):
    annotations = IAnnotations(portal or api.portal.get())
    found = annotations.get(ANNOTATION)
    if found is None and create:
        found = annotations[ANNOTATION] = Store()
    return found


def reset(portal=None):
    """Forget every counter and spent token (tests; an administrator after an attack)."""
    annotations = IAnnotations(portal or api.portal.get())
    if ANNOTATION in annotations:
        del annotations[ANNOTATION]


def clock():
    """Seconds since the epoch (one place for tests to move the server's clock)."""
    return time.time()


# -- Tokens ---------------------------------------------------------------------------------------


def _secrets():
    manager = queryUtility(IKeyManager)
    if manager is None:  # pragma: no cover - plone.keyring is part of every Plone site
        raise RuntimeError("no key manager")
    return [secret for secret in manager[RING] if secret]


def _signature(secret, purpose, issued, nonce):
    message = f"{purpose}|{issued}|{nonce}".encode()
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_token(purpose, now=None):
    """A fresh token for a form of ``purpose``: "<issued>.<nonce>.<signature>"."""
    issued = int(now or clock())
    nonce = secrets.token_urlsafe(16)
    return f"{issued}.{nonce}.{_signature(_secrets()[0], purpose, issued, nonce)}"


def _parse(token, purpose, now):
    """(issued, nonce) of a valid, unexpired token of ``purpose``; None otherwise."""
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 200:
        return None
    issued, nonce, signature = token.split(".")
    if not issued.isdigit() or not nonce:
        return None
    issued = int(issued)
    if not 0 <= now - issued <= TOKEN_MAX_AGE:
        return None
    # Any key of the ring: tokens stay valid across a key rotation.
    if not any(hmac.compare_digest(signature, _signature(s, purpose, issued, nonce)) for s in _secrets()):
        return None
    return issued, nonce


# -- Limits ---------------------------------------------------------------------------------------


def _window(seconds, now):
    return int(now // seconds) * seconds


def _count(found, kind, key, now):
    """Accepted requests of ``key`` in the current window and the one before."""
    if found is None:
        return 0
    seconds = LIMITS[kind][1]
    current = _window(seconds, now)
    return found.counts.get((kind, current, key), 0) + found.counts.get((kind, current - seconds, key), 0)


def _prune(found, now):
    """Drop windows no check reads any more: the memory a limit needs stays bounded."""
    for kind, (_limit, seconds) in LIMITS.items():
        oldest = _window(seconds, now) - seconds
        for key in list(found.counts.keys(min=(kind,), max=(kind, oldest), excludemax=True)):
            del found.counts[key]
    oldest = _window(TOKEN_WINDOW, now - TOKEN_MAX_AGE) - TOKEN_WINDOW
    for key in list(found.spent.keys(max=(oldest,), excludemax=True)):
        del found.spent[key]


def keys_of(request, email):
    """What a request counts against: kind -> key.

    The address is the one the login throttle counts (behind this process's
    trusted proxies, the client's): behind Varnish and HAProxy every visitor
    would otherwise be one address.
    """
    address = client_address(request) or "unknown"
    return {"address": address, "email": (email or "").strip().lower(), "site": "all"}


def _decide(found, spent_key, keys, now):
    """Refuse (the message) or accept (None) and record, in ``found``."""
    if spent_key in found.spent:
        return ERROR_TOKEN
    for kind, key in keys.items():
        if key and _count(found, kind, key, now) >= LIMITS[kind][0]:
            return ERROR_TOO_MANY
    _prune(found, now)
    found.spent[spent_key] = 1
    for kind, key in keys.items():
        if key:
            counted = (kind, _window(LIMITS[kind][1], now), key)
            found.counts[counted] = found.counts.get(counted, 0) + 1
    return None


def _in_own_transaction(portal, decide):
    """Run ``decide(store)`` in a short transaction of its own, committed at once.

    The request's own transaction runs for the whole page (saving, mailing)
    and would meet every concurrent post in a ConflictError, which after
    Zope's three retries becomes an error page.  Here one thread of this
    process decides at a time (``_LOCK``), in a transaction of a few writes;
    against another instance's commit it simply tries again.
    """
    database = portal._p_jar.db()
    path = portal.getPhysicalPath()
    for _attempt in range(ATTEMPTS):
        manager = transaction.TransactionManager()
        connection = database.open(transaction_manager=manager)
        try:
            with _LOCK:
                manager.begin()
                site = connection.root()["Application"].unrestrictedTraverse(path)
                answer = decide(store(create=True, portal=site))
                if answer is None:
                    manager.commit()
                else:
                    manager.abort()
                return answer
        except ConflictError:
            manager.abort()
            time.sleep(random.uniform(0.01, 0.1))  # noqa: S311 - jitter, not a secret
        finally:
            connection.close()
    logger.warning("spam: no decision after %d attempts, refusing the post", ATTEMPTS)
    return ERROR_TOO_MANY


def admit(request, purpose, email, now=None):
    """Check a post's token and limits; spend the token and count the post if accepted.

    Returns None when the post is accepted, else the message (an i18n
    message) saying why it is refused.  The decision is committed at once, in
    a transaction of its own (``_in_own_transaction``): a refused post
    changes nothing, and an accepted one holds its place even if the page
    that follows is retried by Zope after a conflict.
    """
    now = now or clock()
    parsed = _parse(request.form.get(TOKEN_FIELD), purpose, now)
    if parsed is None:
        return ERROR_TOKEN
    issued, nonce = parsed
    # Zope retries a request after a ConflictError with a copy made from the
    # same original environment: the mark tells the retry it was admitted.
    # (``_orig_env`` is ZPublisher's; no public attribute survives a retry.)
    original = getattr(request, "_orig_env", None)
    if original is not None and original.get(ADMITTED) == nonce:
        return None
    spent_key = (_window(TOKEN_WINDOW, issued), nonce)
    keys = keys_of(request, email)
    answer = _in_own_transaction(api.portal.get(), lambda found: _decide(found, spent_key, keys, now))
    if answer is None and original is not None:
        original[ADMITTED] = nonce
    if answer is ERROR_TOO_MANY:
        request.response.setStatus(429)
    return answer
