"""Where a person holds a role, answered by the catalog instead of by waking every place.

"In which places and rooms may this user review?" was asked on every page (the
personal bar's review-queue link) by computing the user's roles on each place
and room: a cost that grew with the number of places for every user.  Each
place and room is instead indexed (``place_grants``) with the local roles it
grants, as ``role:principal`` tokens, computed by the same local-role plugin
that permission checks use (memberships, rooms that inherit them, the
Sharing page's roles); a question is then one catalog query over the user's
principals (their id and groups).

The index follows the grants: a membership change reindexes the place and
the rooms below it (``reindex``, called by ``membership.share``), and so does
a change on the Sharing page (``ILocalrolesModifiedEvent``).  Group
membership needs no reindexing: groups are expanded when asking.
"""

from missionplace.common import security_indexes
from missionplace.interfaces import IPlace
from plone import api
from plone.indexer import indexer


INDEX = "place_grants"
# Recomputed with allowedRolesAndUsers (common/security_indexes.py): whatever changes
# local roles and reindexes security (plone.api's grant_roles, ownership) keeps it true.
security_indexes.register(INDEX)


def token(role, principal):
    return f"{role}:{principal}"


@indexer(IPlace)
def place_grants_indexer(obj):
    plugin = api.portal.get_tool("acl_users").borg_localroles
    return sorted(
        token(role, principal)
        for principal, granted in plugin.getAllLocalRolesInContext(obj).items()
        for role in granted
    )


def reindex(obj):
    """Reindex the grants of the places and rooms at and below ``obj``; returns how many."""
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(obj.getPhysicalPath())
    # Unrestricted: the grants change for everybody, also in rooms the person changing them cannot see.
    brains = api.content.find(path=path, object_provides=IPlace.__identifier__, unrestricted=True)
    for brain in brains:
        catalog.reindexObject(brain._unrestrictedGetObject(), idxs=[INDEX], update_metadata=False)
    return len(brains)


def reindex_after_sharing(obj, event):
    """The Sharing page changed local roles of ``obj``: the places at and below it follow."""
    reindex(obj)


def principals_of(user):
    """The ids a local role may be granted to for ``user``: their own and their groups'."""
    return [user.getId(), *(getattr(user, "getGroups", tuple)() or ())]


def places_where(user, wanted_roles):
    """Paths of the places and rooms where ``user`` holds one of ``wanted_roles``, among those they can see.

    A role held site-wide (an administrator's) counts in every place.
    """
    query = {"object_provides": IPlace.__identifier__}
    if not set(wanted_roles) & set(api.user.get_roles(user=user)):
        query[INDEX] = [token(role, principal) for role in wanted_roles for principal in principals_of(user)]
    catalog = api.portal.get_tool("portal_catalog")
    if user.getId() == api.user.get_current().getId():
        return [brain.getPath() for brain in catalog(**query)]
    with api.env.adopt_user(user=user):
        return [brain.getPath() for brain in catalog(**query)]
