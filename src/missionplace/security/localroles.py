"""Authorship does not reach down: Owner and MissionAuthor count only on the item they were given for.

borg.localrole's plugin asks every local-role provider of every container up
to a place, so a role given on a folder reached everything inside it: the
Owner of a folder (or the mission that owns it) read, edited and saw the
history of another mission's draft added in it later.  The policies mean
"author" and "owning mission" of the item itself.

This plugin replaces borg's (``acl_users/borg_localroles``, same id, so the
PAS registrations stay): walking up from the object checked, the authorship
roles count until, and including, the nearest content item (Dexterity
content that is not a comment); above it only the other roles do (a place's
or room's membership roles, which are meant to reach everything in them).
A comment, under its item through ``++conversation++``, so gets the roles of
its item (and its own Owner, its commenter).

It is on every permission check, so it adds only an interface test per step
of the chain, and does not even compute the owning mission of containers.

Comments follow their item in the catalog too: a comment is indexed as seen by
exactly whoever sees its item (``comment_allowed_roles_and_users``), not also
by its commenter through their Owner role on it; their workflow
(``missionplace_comment``, profiles/default) acquires View and Access contents
information from the item.
"""

from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from borg.localrole.workspace import clra_cache_key
from borg.localrole.workspace import store_on_request
from borg.localrole.workspace import WorkspaceLocalRoleManager
from missionplace.places import roles
from missionplace.places.ownership import MissionAuthorRoles
from plone.app.discussion.interfaces import IComment
from plone.dexterity.interfaces import IDexterityContent
from plone.indexer import indexer
from plone.memoize.volatile import cache
from Products.CMFPlone.CatalogTool import allowedRolesAndUsers
from Products.PlonePAS.interfaces.plugins import ILocalRolesPlugin
from Products.PluggableAuthService.utils import classImplements
import itertools


PLUGIN_ID = "borg_localroles"
AUTHORSHIP = frozenset({"Owner", roles.MISSION_AUTHOR})


def carries_ownership(obj):
    """Whether ``obj`` is an item of its own: authorship above it is another item's."""
    return IDexterityContent.providedBy(obj) and not IComment.providedBy(obj)


def granted_to(provider, principal_ids):
    """The roles ``provider`` grants to any of ``principal_ids``."""
    if isinstance(provider, MissionAuthorRoles):
        # It grants one group at most: its getRoles would look the owning mission up once per principal.
        return {role for principal, granted in provider.getAllRoles() if principal in principal_ids for role in granted}
    return {role for pid in principal_ids for role in provider.getRoles(pid)}


def has_own_path(obj):
    """Whether ``obj`` has a physical path of its own (not acquired): borg's cache keys it by that path."""
    return getattr(aq_base(obj), "getPhysicalPath", None) is not None


READ_METHODS = frozenset({"GET", "HEAD"})
HELD_KEY = "missionplace.security.localroles.held"


def read_cache(obj):
    """Where a published read (GET or HEAD, past traversal) remembers the roles held along chains; else None.

    Reads change no roles (plone.protect refuses writes on a GET), so what a user
    holds on an item stays true for the rest of the request.  A request that may
    write (a POST granting a role, then checking it), or code outside
    publication (tests, scripts, a request still traversing), computes afresh.
    """
    request = getattr(obj, "REQUEST", None)
    if request is None or not hasattr(request, "other") or "PUBLISHED" not in request.other:
        return None
    if request.get("REQUEST_METHOD", "GET").upper() not in READ_METHODS:
        return None
    return request.other.setdefault(HELD_KEY, {})


class HeldRoles:
    """The steps of one chain with the roles held on each, walked only as far as a check needed, and kept."""

    def __init__(self, walk):
        self._walk = walk  # makes the generator of steps
        self._steps = None
        self._walked = []
        self._walking = False

    def __iter__(self):
        index = 0
        while True:
            if index < len(self._walked):
                yield self._walked[index]
                index += 1
                continue
            if self._walking:
                # Asked again while a step is computed (a provider checking a permission): walk afresh.
                yield from itertools.islice(self._walk(), index, None)
                return
            if self._steps is None:
                self._steps = self._walk()
            self._walking = True
            try:
                step = next(self._steps, None)
            finally:
                self._walking = False
            if step is None:
                return
            self._walked.append(step)


class MissionLocalRoleManager(WorkspaceLocalRoleManager):
    """borg's local-role plugin, with authorship roles kept to the item they were given on."""

    meta_type = "Workspace Roles Manager"
    security = ClassSecurityInfo()

    def _chain_with_authorship(self, obj):
        """(object, whether its authorship roles count) for each step of the containment chain."""
        counts = True
        for item in self._parent_chain(obj):
            yield item, counts
            if counts and carries_ownership(item):
                counts = False

    def _adapters_for(self, obj, authorship):
        for provider in self._getAdapters(obj):
            # The owning mission of a container never counts: not even computed.
            if authorship or not isinstance(provider, MissionAuthorRoles):
                yield provider

    @security.private
    def getRolesInContext(self, user, object):
        uf = self._get_userfolder(user)
        if uf is not None:
            user = aq_inner(user).__of__(uf)
        principal_ids = self._get_principal_ids(user)
        found = set()
        for obj, authorship in self._chain_with_authorship(object):
            if not user._check_context(obj):
                continue
            for provider in self._adapters_for(obj, authorship):
                granted = granted_to(provider, principal_ids)
                found.update(granted if authorship else granted - AUTHORSHIP)
        return list(found)

    def _held_along(self, user, principal_ids, object):
        """(step, roles the user's principals hold there) along the chain of ``object`` (which has a path).

        Remembered for the rest of a published read (``read_cache``): a page asks
        about its item for dozens of permissions (every action, viewlet and addable
        type), each for another set of roles, which borg's cache keeps apart, and
        each walked the chain again.
        """
        cache = read_cache(object)
        if cache is None:
            return HeldRoles(lambda: self._held_steps(user, principal_ids, object))
        key = (user.getId(), tuple(object.getPhysicalPath()))
        if key not in cache:
            cache[key] = HeldRoles(lambda: self._held_steps(user, principal_ids, object))
        return cache[key]

    def _held_steps(self, user, principal_ids, object):
        for obj, authorship in self._chain_with_authorship(object):
            if obj is not object and authorship and has_own_path(obj):
                yield from self._held_along(user, principal_ids, obj)
                return
            held = set()
            for provider in self._adapters_for(obj, authorship):
                held.update(granted_to(provider, principal_ids))
            if not authorship:
                held -= AUTHORSHIP
            if held:
                yield obj, frozenset(held)

    @security.private
    @cache(get_key=clra_cache_key, get_cache=store_on_request)
    def checkLocalRolesAllowed(self, user, object, object_roles):
        uf = self._get_userfolder(user)
        if uf is not None:
            user = aq_inner(user).__of__(uf)
        wanted = set(object_roles)
        principal_ids = self._get_principal_ids(user)
        if has_own_path(object):
            for obj, held in self._held_along(user, principal_ids, object):
                if not wanted.isdisjoint(held):
                    return 1 if user._check_context(obj) else 0
            return None
        for obj, authorship in self._chain_with_authorship(object):
            if obj is not object and authorship and has_own_path(obj):
                # The rest of the chain is obj's own: ask (and remember) about obj.  A view,
                # viewlet or method has no path of its own, so borg's cache keys it by id()
                # (every viewlet's render a new key) and each of them walked the whole chain.
                return self.checkLocalRolesAllowed(user, obj, object_roles)
            check = wanted if authorship else wanted - AUTHORSHIP
            if not check:
                continue
            for provider in self._adapters_for(obj, authorship):
                if check.intersection(granted_to(provider, principal_ids)):
                    return 1 if user._check_context(obj) else 0
        return None

    @security.private
    def getAllLocalRolesInContext(self, object):
        # What the catalog indexes (allowedRolesAndUsers): the same rule, so
        # search and listings show exactly what the checks allow.
        rolemap = {}
        for obj, authorship in self._chain_with_authorship(object):
            for provider in self._adapters_for(obj, authorship):
                for principal, granted in provider.getAllRoles():
                    granted = set(granted) if authorship else set(granted) - AUTHORSHIP
                    if granted:
                        rolemap.setdefault(principal, set()).update(granted)
        return rolemap


classImplements(MissionLocalRoleManager, ILocalRolesPlugin)
InitializeClass(MissionLocalRoleManager)


def install(portal):
    """Put our plugin in place of borg's, keeping its id and PAS registrations."""
    _replace(portal, MissionLocalRoleManager)


def uninstall(portal):
    """Give borg's own plugin back."""
    _replace(portal, WorkspaceLocalRoleManager)


def _replace(portal, klass):
    uf = portal.acl_users
    current = uf._getOb(PLUGIN_ID, None)
    if current is not None and type(aq_base(current)) is klass:
        return
    title = getattr(aq_base(current), "title", "") if current is not None else ""
    active = current is not None and PLUGIN_ID in uf.plugins.listPluginIds(ILocalRolesPlugin)
    if current is not None:
        uf.manage_delObjects([PLUGIN_ID])  # PAS also drops its registrations
    # PAS has no public way to add a plugin of a class without a ZMI factory: _setObject is its API.
    uf._setObject(PLUGIN_ID, klass(PLUGIN_ID, title))
    if active or current is None:
        uf.plugins.activatePlugin(ILocalRolesPlugin, PLUGIN_ID)


@indexer(IComment)
def comment_allowed_roles_and_users(comment):
    """Who may find a comment: exactly who may find its item (comment, conversation, item)."""
    item = aq_parent(aq_parent(aq_inner(comment)))
    return allowedRolesAndUsers(item)()
