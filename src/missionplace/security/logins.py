"""Login throttling: failed logins counted per account and per address, locks, unlocking, audit.

A PAS authentication plugin (``login_throttle`` in the site's ``acl_users``,
first among the authenticators) sees every login with a password, whatever
the way in: the login form, REST ``@login``, HTTP Basic auth.  It checks the
password by asking the other authenticators itself, so it knows the outcome:

- a failure counts against the account and against the client's address;
  ``max_failures_per_account`` failures within ``window_minutes`` lock the
  account, ``max_failures_per_address`` lock the address (all in the registry,
  ``missionplace.login.*``);
- while the account or the address is locked, even the right password is
  refused, and the answer is exactly the one of a wrong password (same status,
  same text, and every refusal takes at least ``failure_delay_ms``, so its time
  says nothing either).  Unknown accounts are counted and locked the same way;
- a locked account's owner gets an e-mail (through the mail queue) with a
  signed, expiring, one-time link that lifts the lock; Secretariat moderators
  lift locks on ``@@login-locks``; locks also expire after ``lock_minutes``;
- failures, locks and unlocks are kept for ``audit_days`` and listed for site
  administrators on ``@@login-audit``.

Why not Products.LoginLockout (0.5.0, evaluated on Plone 6.2): it counts only
failures of a *different* password per account, has no per-address counter
(its IP setting is an allow-list), trusts X-Forwarded-For from anyone, loses
the count of a Basic-auth failure (the request ends in Unauthorized and its
transaction is aborted), tells the client how many attempts are left and that
the account is locked, has no unlock by e-mail, no audit of unlocks, no
Arabic, Chinese or Russian, installs itself into the Zope root's user folder
and monkeypatches PlonePAS.

Counters live in the plugin, in BTrees whose values are replaced whole, and
are written in a transaction of their own (``_apart``): a failed login often
ends in Unauthorized, whose transaction is aborted, and a write that conflicts
with another instance's is retried.  Several Zope instances on one database
therefore share the counters.
"""

from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from Acquisition import aq_base
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import UTC
from ipaddress import ip_address
from ipaddress import ip_network
from missionplace import _
from missionplace import logger
from missionplace.mail import queue as mail
from missionplace.places.roles import MODERATOR
from plone import api
from plone.protect import CheckAuthenticator
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services.auth import login as restapi_login
from Products.Five import BrowserView
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.PluggableAuthService import _SWALLOWABLE_PLUGIN_EXCEPTIONS
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from Products.PluggableAuthService.utils import classImplements
from ZODB.POSException import ConflictError
from zope.component.hooks import getSite
from zope.component.hooks import setSite
from zope.globalrequest import getRequest
from zope.interface import alsoProvides
import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import transaction


PLUGIN_ID = "login_throttle"
UNLOCK_PERMISSION = "MissionPlace: Unlock logins"
REGISTRY_PREFIX = "missionplace.login."
DEFAULTS = {
    "max_failures_per_account": 10,
    "max_failures_per_address": 50,
    "window_minutes": 15,
    "lock_minutes": 60,
    "failure_delay_ms": 300,
    "unlock_link_hours": 24,
    "audit_days": 90,
    "trusted_proxies": (),
}
# This process's trusted proxies, which replace the registry's (trusted_proxies).
TRUSTED_PROXIES_VARIABLE = "MISSIONPLACE_TRUSTED_PROXIES"
# Kinds of audit events.
FAILURE, LOCK, UNLOCK = "failure", "lock", "unlock"


def setting(name):
    value = api.portal.get_registry_record(REGISTRY_PREFIX + name, default=None)
    return DEFAULTS[name] if value is None else value


def _in_networks(address, networks):
    try:
        address = ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if address in ip_network(network.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def trusted_proxies():
    """The proxies trusted to forward the client's address: MISSIONPLACE_TRUSTED_PROXIES, else the registry's.

    The variable (comma-separated addresses or networks) is this process's:
    which proxies stand in front of an instance is each machine's own, while
    the registry record is shared by every instance of a cluster.  When set,
    it replaces the record rather than adding to it, so that an address
    trusted through the web for one machine is not trusted on another, where
    it may be a client's.
    """
    configured = os.environ.get(TRUSTED_PROXIES_VARIABLE, "")
    listed = configured.split(",") if configured.strip() else setting("trusted_proxies") or ()
    return [proxy.strip() for proxy in listed if proxy.strip()]


def client_address(request):
    """The client's address: the connection's, or the one a trusted proxy forwarded.

    X-Forwarded-For is anybody's to write: it is read only when the request
    comes from a trusted proxy (``trusted_proxies``), and then from the right,
    skipping the trusted proxies (the left-most entries are the client's to
    invent; each proxy appends the address it got the request from).
    """
    environ = getattr(request, "environ", {}) or {}
    address = environ.get("REMOTE_ADDR", "") or ""
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    proxies = trusted_proxies() if forwarded else ()
    if proxies and _in_networks(address, proxies):
        for entry in reversed([e.strip() for e in forwarded.split(",") if e.strip()]):
            address = entry
            if not _in_networks(entry, proxies):
                break
    return address[:64]


def _is_locked(record, now):
    if not record or not record.get("locked"):
        return False
    minutes = setting("lock_minutes")
    return not minutes or now - record["locked"] < minutes * 60


def _counted(record, now):
    """A counter record after one more failure (a new window when the last one is over)."""
    record = dict(record or {})
    if record.get("locked") and not _is_locked(record, now):
        record = {}  # an expired lock starts afresh
    if not record.get("since") or now - record["since"] > setting("window_minutes") * 60:
        record.update(count=0, since=now)
    record["count"] = record.get("count", 0) + 1
    return record


class LoginThrottle(BasePlugin):
    """Refuses password logins of locked accounts and addresses, and counts failures."""

    meta_type = "MissionPlace Login Throttle"
    security = ClassSecurityInfo()

    def __init__(self, id, title=None):
        self._setId(id)
        self.title = title
        self.accounts = OOBTree()  # login -> {count, since, locked, nonce, address}
        self.addresses = OOBTree()  # address -> {count, since, locked}
        self.events = LOBTree()  # time in ns -> {kind, login, address, actor, via}
        self.secret = secrets.token_hex(32)  # signs the e-mailed unlock links

    # -- IAuthenticationPlugin ---------------------------------------------------------------------

    @security.private
    def authenticateCredentials(self, credentials):
        login, password = credentials.get("login"), credentials.get("password")
        if not login or password is None or not isinstance(login, str):
            return None  # not a password login: a session cookie, a token
        request = getRequest() or getattr(self, "REQUEST", None)
        # The same login may be checked more than once in a request (the user folder, @login): count it once.
        seen = request.other.setdefault("_missionplace_logins", {}) if request is not None else {}
        key = (login, hashlib.sha256(str(password).encode()).hexdigest())
        if key in seen:
            result, _refused = seen[key]
        else:
            started = time.monotonic()
            result, refused = seen[key] = self._check(login, password, credentials, request)
            if refused:
                # Every refusal takes as long: locked, unknown and wrong look the same.
                time.sleep(max(0.0, setting("failure_delay_ms") / 1000 - (time.monotonic() - started)))
        # The check is done: the other authenticators must neither repeat it nor let a locked login in.
        credentials.clear()
        return result

    def _check(self, login, password, credentials, request):
        """(what the other authenticators answer, whether the login is refused)."""
        now = time.time()
        address = client_address(request) if request is not None else ""
        account, origin = self.accounts.get(login), self.addresses.get(address)
        if _is_locked(account, now) or _is_locked(origin, now):
            logger.info("login: refused %r from %s (locked)", login, address)
            return None, True
        result = self._authenticate_with_others(credentials)
        if result is None and self._known_above(login, password, request):
            return None, False  # the Zope root's user (the instance's admin): its own user folder lets it in
        if result is None:
            # The unlock link is made here: the thread that records the failure has no request to make URLs with.
            _apart(self, _record_failure, login, address, _via(request, credentials), api.portal.get().absolute_url())
        elif account and account.get("count"):
            _apart(self, _forget_failures, login)
        return result, result is None

    def _authenticate_with_others(self, credentials):
        for plugin_id, plugin in self._getPAS().plugins.listPlugins(IAuthenticationPlugin):
            if plugin_id == self.getId():
                continue
            try:
                found = plugin.authenticateCredentials(dict(credentials))
            except _SWALLOWABLE_PLUGIN_EXCEPTIONS:
                logger.debug("login: authenticator %s failed", plugin_id, exc_info=True)
                continue
            if found is not None and found[0] is not None:
                return found
        return None

    def _known_above(self, login, password, request):
        """Whether the Zope root's user folder knows this login and password (not a failure, then).

        That user folder checks them itself, after ours: we neither count nor
        lock its users (README, "Security", says to keep such accounts for
        emergencies).
        """
        users = getattr(self.getPhysicalRoot(), "acl_users", None)
        authenticate = getattr(users, "authenticate", None)
        if authenticate is None or aq_base(users) is aq_base(self._getPAS()):
            return False
        try:
            return authenticate(login, password, request) is not None
        except _SWALLOWABLE_PLUGIN_EXCEPTIONS:
            return False

    # -- State, read in the request's own transaction ----------------------------------------------

    @security.private
    def locked_accounts(self):
        now = time.time()
        return [(login, record) for login, record in self.accounts.items() if _is_locked(record, now)]

    @security.private
    def locked_addresses(self):
        now = time.time()
        return [(address, record) for address, record in self.addresses.items() if _is_locked(record, now)]

    @security.private
    def is_locked(self, login=None, address=None):
        now = time.time()
        if login is not None and _is_locked(self.accounts.get(login), now):
            return True
        return address is not None and _is_locked(self.addresses.get(address), now)

    # -- Unlock links --------------------------------------------------------------------------------

    @security.private
    def sign(self, payload):
        data = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode().rstrip("=")
        signature = hmac.new(self.secret.encode(), data.encode(), hashlib.sha256).hexdigest()
        return f"{data}.{signature}"

    @security.private
    def verify(self, token):
        """The payload of a token we signed and which has not expired, else None."""
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 2000:
            return None
        data, signature = token.split(".")
        expected = hmac.new(self.secret.encode(), data.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        except ValueError:
            return None
        if not isinstance(payload, dict) or payload.get("expires", 0) < time.time():
            return None
        return payload


classImplements(LoginThrottle, IAuthenticationPlugin)
InitializeClass(LoginThrottle)


def _via(request, credentials):
    """How the password came: the login form, REST @login or HTTP Basic auth."""
    if "basic" in (credentials.get("extractor") or ""):
        return "basic"
    if (getattr(request, "ACTUAL_URL", "") or "").rstrip("/").endswith("@login"):
        return "rest"
    return "form"


# -- Writes, each in a transaction of its own -------------------------------------------------------


def _apart(plugin, change, *args):
    """Run ``change(plugin, *args)`` in a transaction of its own, committed whatever becomes of the request's.

    A thread of our own has a transaction and a database connection of its
    own, and the mail queue joins that transaction too.  A conflict with
    another instance's write is retried.
    """
    db = plugin._p_jar.db() if plugin._p_jar is not None else None
    if db is None or plugin._p_oid is None:  # not committed yet (a site being set up)
        return change(plugin, *args)
    site_path = api.portal.get().getPhysicalPath()
    outcome = {}

    def run():
        connection = db.open()
        try:
            for _attempt in range(5):
                try:
                    site = connection.root()["Application"].unrestrictedTraverse(site_path)
                    setSite(site)
                    outcome["value"] = change(connection.get(plugin._p_oid).__of__(site.acl_users), *args)
                    transaction.commit()
                    return
                except ConflictError:
                    transaction.abort()
            logger.error("login: could not record %s for %s (conflicts)", change.__name__, args)
        except Exception:
            # The thread's boundary: what escapes a thread is lost.  Logged with its traceback;
            # the caller gets None (nothing recorded, nothing unlocked) and the request goes on.
            logger.exception("login: could not record %s for %s", change.__name__, args)
        finally:
            transaction.abort()
            setSite(None)
            connection.close()

    previous = getSite()
    thread = threading.Thread(target=run, name="missionplace-login-throttle")
    thread.start()
    thread.join()
    setSite(previous)
    return outcome.get("value")


def _event(plugin, kind, login="", address="", actor="", via=""):
    now = time.time()
    key = time.time_ns()
    while key in plugin.events:  # two events in the same nanosecond
        key += 1
    plugin.events[key] = {"kind": kind, "login": login, "address": address, "actor": actor, "via": via}
    # Forget what is older than the audit keeps (a few at a time: this runs on every failure).
    horizon = int((now - setting("audit_days") * 86400) * 1e9)
    for old in list(plugin.events.keys(max=horizon, excludemax=True))[:100]:
        del plugin.events[old]


def _record_failure(plugin, login, address, via, portal_url):
    now = time.time()
    _event(plugin, FAILURE, login, address, via=via)
    account = _counted(plugin.accounts.get(login), now)
    account["address"] = address
    if not account.get("locked") and account["count"] >= setting("max_failures_per_account"):
        account.update(locked=now, nonce=secrets.token_urlsafe(16))
        _event(plugin, LOCK, login, address, via=via)
        logger.warning("login: account %r locked after %s failures (last from %s)", login, account["count"], address)
        _send_unlock_link(plugin, login, account["nonce"], portal_url)
    plugin.accounts[login] = account
    if address:
        origin = _counted(plugin.addresses.get(address), now)
        if not origin.get("locked") and origin["count"] >= setting("max_failures_per_address"):
            origin["locked"] = now
            _event(plugin, LOCK, "", address, via=via)
            logger.warning("login: address %s locked after %s failures", address, origin["count"])
        plugin.addresses[address] = origin


def _forget_failures(plugin, login):
    """A successful login: the account's count starts again (the address's does not)."""
    if login in plugin.accounts and not _is_locked(plugin.accounts[login], time.time()):
        del plugin.accounts[login]


def _unlock(plugin, login=None, address=None, actor="", nonce=None):
    """Lift the lock of an account or an address; with ``nonce``, only the lock that link was sent for."""
    if login is not None:
        record = plugin.accounts.get(login)
        if not _is_locked(record, time.time()) or (nonce is not None and record.get("nonce") != nonce):
            return False
        del plugin.accounts[login]
        _event(plugin, UNLOCK, login, record.get("address", ""), actor=actor)
        return True
    record = plugin.addresses.get(address)
    if not _is_locked(record, time.time()):
        return False
    del plugin.addresses[address]
    _event(plugin, UNLOCK, "", address, actor=actor)
    return True


def _send_unlock_link(plugin, login, nonce, portal_url):
    """Tell the account's owner, with a link that lifts this lock (nobody is told for an unknown account)."""
    pas = api.portal.get_tool("acl_users")
    info = pas._verifyUser(pas.plugins, login=login)
    if not info:
        return
    hours = setting("unlock_link_hours")
    token = plugin.sign({"login": login, "nonce": nonce, "expires": time.time() + hours * 3600})
    link = f"{portal_url}/@@unlock-login?token={token}"
    mail.send(
        info["id"],
        _("mail_login_locked_subject", default="Your account was locked after failed logins"),
        _(
            "mail_login_locked_body",
            default=(
                "Someone tried to log in to your account ${login} with wrong passwords, ${count} times, "
                "so it is locked for now: even the right password is refused.\n\n"
                "If it was you, open this link (valid ${hours} hours, once) to unlock it:\n\n${link}\n\n"
                "If it was not you, you may ignore this message; a Secretariat moderator can also unlock "
                "your account. Consider changing your password once you are back in."
            ),
        ),
        mapping={"login": login, "count": setting("max_failures_per_account"), "hours": hours, "link": link},
    )


# -- Installation -----------------------------------------------------------------------------------


def install(portal):
    """The plugin first among the site's authenticators; moderators and administrators may unlock."""
    pas = portal.acl_users
    if PLUGIN_ID not in pas.objectIds():
        # PAS has no public way to add a plugin of a class without a ZMI factory: _setObject is its API.
        pas._setObject(PLUGIN_ID, LoginThrottle(PLUGIN_ID, "MissionPlace login throttling"))
    plugin = pas[PLUGIN_ID]
    plugin.manage_activateInterfaces(["IAuthenticationPlugin"])
    registry = pas.plugins
    registry.movePluginsTop(IAuthenticationPlugin, [PLUGIN_ID])
    # Moderators hold their role on the site root (setuphandlers.setup_secretariat), where @@login-locks is.
    portal.manage_permission(UNLOCK_PERMISSION, ["Manager", "Site Administrator", MODERATOR], acquire=True)
    return plugin


def uninstall(portal):
    """Remove the plugin (its counters and audit with it): its class goes away with the add-on."""
    if PLUGIN_ID in portal.acl_users.objectIds():
        portal.acl_users.manage_delObjects([PLUGIN_ID])  # PAS also drops its registrations


def plugin_of(portal=None):
    portal = portal or api.portal.get()
    return portal.acl_users._getOb(PLUGIN_ID, None)


# -- REST -------------------------------------------------------------------------------------------


class Login(restapi_login.Login):
    """REST ``@login`` that checks unknown login names too.

    plone.restapi answers an unknown login name at once, without checking a
    password: faster than a wrong password (which tells who has an account)
    and never counted.  Asking the site's user folder anyway makes both the
    same: counted, throttled, as slow, and the same 401.
    """

    def _find_userfolder(self, userid):
        return super()._find_userfolder(userid) or api.portal.get_tool("acl_users")


# -- Views ------------------------------------------------------------------------------------------


def _when(seconds):
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class LoginLocksView(BrowserView):
    """@@login-locks: locked accounts and addresses; a moderator lifts a lock (POST)."""

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST" and ("login" in form or "address" in form):
            return self.unlock(form)
        return self.index()

    def unlock(self, form):
        CheckAuthenticator(self.request)
        login, address = form.get("login"), form.get("address")
        messages = api.portal.show_message
        if not isinstance(login, (str, type(None))) or not isinstance(address, (str, type(None))):
            self.request.response.setStatus(400)
            messages(
                _("msg_unlock_bad_request", default="Choose one account or address to unlock."), self.request, "error"
            )
            return self.index()
        actor = api.user.get_current().getUserName()
        plugin = plugin_of()
        done = _apart(plugin, _unlock, login, None if login is not None else address, actor)
        if done:
            messages(_("msg_unlocked", default="Unlocked: ${what}.", mapping={"what": login or address}), self.request)
        else:
            messages(
                _("msg_not_locked", default="${what} is not locked.", mapping={"what": login or address}),
                self.request,
                "warning",
            )
        self.request.response.redirect(f"{self.context.absolute_url()}/@@login-locks")
        return ""

    def accounts(self):
        return [
            {
                "login": login,
                "since": _when(record["locked"]),
                "address": record.get("address", ""),
                "count": record.get("count", 0),
            }
            for login, record in sorted(plugin_of().locked_accounts())
        ]

    def addresses(self):
        return [
            {"address": address, "since": _when(record["locked"]), "count": record.get("count", 0)}
            for address, record in sorted(plugin_of().locked_addresses())
        ]


EVENT_TITLES = {
    FAILURE: _("login_event_failure", default="Failed login"),
    LOCK: _("login_event_lock", default="Locked"),
    UNLOCK: _("login_event_unlock", default="Unlocked"),
}
# Who lifted a lock, when it was no user: the owner through the e-mailed link (UnlockLoginView).
MAILED_LINK = "e-mail link"
ACTOR_TITLES = {
    MAILED_LINK: _("login_actor_mailed_link", default="the owner, through the e-mailed link"),
}
VIA_TITLES = {
    "form": _("login_via_form", default="login form"),
    "rest": _("login_via_rest", default="REST @login"),
    "basic": _("login_via_basic", default="HTTP Basic"),
}


class LoginAuditView(BrowserView):
    """@@login-audit: failures, locks and unlocks (who, from where, when), newest first."""

    LIMIT = 1000

    def events(self):
        found = []
        for key, event in reversed(plugin_of().events.items()):
            found.append(
                {
                    "when": _when(key / 1e9),
                    "kind": event["kind"],
                    "title": EVENT_TITLES.get(event["kind"], event["kind"]),
                    "login": event.get("login", ""),
                    "address": event.get("address", ""),
                    "actor": ACTOR_TITLES.get(event.get("actor", ""), event.get("actor", "") or ""),
                    "via": VIA_TITLES.get(event.get("via", ""), ""),
                }
            )
            if len(found) >= self.LIMIT:
                break
        return found


class UnlockLoginView(BrowserView):
    """@@unlock-login?token=...: the e-mailed link; the lock is lifted by the button (POST), once."""

    def __call__(self):
        # Our writes go through a transaction of their own; the page itself writes nothing.
        alsoProvides(self.request, IDisableCSRFProtection)
        token = self.request.form.get("token")
        plugin = plugin_of()
        payload = plugin.verify(token) if plugin is not None else None
        self.token = token if payload else ""
        self.done = False
        if (
            payload is None
            or not plugin.is_locked(login=payload.get("login"))
            or (plugin.accounts.get(payload.get("login"), {}).get("nonce") != payload.get("nonce"))
        ):
            self.request.response.setStatus(403)
            self.invalid = True
            return self.index()
        self.invalid = False
        if self.request.method == "POST":
            if not _apart(plugin, _unlock, payload["login"], None, MAILED_LINK, payload["nonce"]):
                self.request.response.setStatus(403)
                self.invalid = True
            else:
                self.done = True
        return self.index()
