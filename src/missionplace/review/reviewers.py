"""Who may review an item, as a catalog index, so that the review queue never wakes every pending item.

The queue used to load each pending item in the moderator's places and ask
whether the moderator held "Review portal content" on it: at 1,000 pending
items, a second per page.  Each item in a state that someone reviews is now
indexed (``review_grants``) with who holds that permission on it, as Plone's
own ``allowedRolesAndUsers`` holds who may view it: the roles the workflow
state grants it to, and ``user:<principal>`` for every principal holding one
of those roles locally (memberships, rooms, the Sharing page, the owning
mission).  The queue asks with the user's roles, id and groups, exactly as
the catalog filters for viewing.

The index is a security index (common/security_indexes.py): whatever
recomputes ``allowedRolesAndUsers`` recomputes it too, which is every
workflow transition (the state changes who reviews), every change on the
Sharing page, every membership change (``membership.share``) and every
change of ownership.  Items in no reviewed state hold no entry.
"""

from AccessControl.PermissionRole import rolesForPermissionOn
from Acquisition import aq_base
from missionplace.common import security_indexes
from missionplace.workflows.policy import ADMINS
from plone import api
from plone.dexterity.interfaces import IDexterityContent
from plone.indexer import indexer
from zope.globalrequest import getRequest


INDEX = "review_grants"
REVIEW = "Review portal content"


# Recomputed with allowedRolesAndUsers (common/security_indexes.py).
security_indexes.register(INDEX)


def _workflows():
    tool = api.portal.get_tool("portal_workflow")
    return [wf for wf in tool.objectValues() if getattr(aq_base(wf), "states", None) is not None]


def _review_roles_by_state():
    # Site administrators may review in every state: they say nothing about which
    # states are under review (but they do see every place's queue).
    for workflow in _workflows():
        for state in workflow.states.objectValues():
            yield state.getId(), set(state.getPermissionInfo(REVIEW).get("roles") or ()) - set(ADMINS)


def reviewable_states():
    """The states in which someone besides the administrators may review (pending, pending_bureau, ...)."""
    request = getRequest()
    cache = request.other if request is not None else {}
    # Asked for each item reindexed: once per request (a workflow change takes a new request).
    if "_missionplace_reviewable" not in cache:
        cache["_missionplace_reviewable"] = tuple(sorted({s for s, roles in _review_roles_by_state() if roles}))
    return cache["_missionplace_reviewable"]


def reviewing_roles():
    """The roles that may review in some state of some workflow."""
    return set(ADMINS).union(*(roles for _state, roles in _review_roles_by_state()))


@indexer(IDexterityContent)
def review_grants_indexer(obj):
    if api.content.get_state(obj=obj, default=None) not in reviewable_states():
        return []
    allowed = set(rolesForPermissionOn(REVIEW, obj))
    plugin = api.portal.get_tool("acl_users").borg_localroles
    for principal, roles in plugin.getAllLocalRolesInContext(obj).items():
        if allowed.intersection(roles):
            allowed.add(f"user:{principal}")
    # As in allowedRolesAndUsers: the Owner role is local, its holders are listed by name.
    allowed.discard("Owner")
    return sorted(allowed)


def tokens(user):
    """The terms a ``review_grants`` query asks with for ``user``: their roles, id and groups."""
    groups = getattr(user, "getGroups", tuple)() or ()
    return sorted({*user.getRoles(), "Anonymous", f"user:{user.getId()}", *(f"user:{group}" for group in groups)})


def reindex_pending(obj):
    """Recompute ``review_grants`` for the items at and below ``obj`` that are in a reviewed state.

    For what changes who reviews without going through reindexObjectSecurity
    (a policy's roles changed by an upgrade).
    """
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(obj.getPhysicalPath())
    brains = api.content.find(path=path, review_state=list(reviewable_states()), unrestricted=True)
    for brain in brains:
        catalog.reindexObject(brain._unrestrictedGetObject(), idxs=[INDEX], update_metadata=False)
    return len(brains)
