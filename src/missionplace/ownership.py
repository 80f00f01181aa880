"""Mission ownership: what a mission editor creates in a place belongs to their mission.

The owning mission is recorded on the item (the ``missionplace.mission``
behavior), indexed (``mission``) and shown.  The editors of that mission get
the computed role *MissionAuthor* on it, for as long as their mission takes
part in the place as Mission editor: the publication policies give that role
what "the owning mission" may do.  Nothing is granted per person, so adding or
removing someone from the mission takes effect at once.
"""

from Acquisition import aq_base
from borg.localrole.interfaces import ILocalRoleProvider
from missionplace import _
from missionplace import mission as missions
from missionplace import roles
from missionplace.interfaces import IMissionOwned
from missionplace.interfaces import IPlace
from missionplace.membership import effective_membership
from missionplace.membership import enclosing_place
from plone import api
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.indexer import indexer
from plone.supermodel import model
from zope import schema
from zope.component import adapter
from zope.globalrequest import getRequest
from zope.interface import implementer
from zope.interface import provider


@provider(IFormFieldProvider)
class IMissionOwnership(model.Schema, IMissionOwned):
    directives.omitted("mission")
    mission = schema.Choice(
        title=_("label_owning_mission", default="Mission"),
        description=_("help_owning_mission", default="The mission this item belongs to."),
        vocabulary="missionplace.missions",
        required=False,
    )


def owning_mission(obj):
    return missions.get(getattr(aq_base(obj), "mission", None))


def record_owning_mission(obj, event):
    """On creation inside a place: the creator's mission, if they draft for one there."""
    if IPlace.providedBy(obj) or getattr(aq_base(obj), "mission", None):
        return
    place = enclosing_place(obj)
    if place is None:
        return
    user = api.user.get_current()
    grants = effective_membership(place)
    for mission in missions.of_user(user, missions.EDITOR):
        if grants is not None and roles.MISSION_EDITOR in grants.grants.get(mission.editors, ()):
            obj.mission = mission.code
            # The mission owns it, not the person: whoever leaves the mission
            # loses access with it (the creator is still recorded as Creator).
            obj.manage_delLocalRoles([user.getId()])
            # Queued like every index update; processed at the end of the request.
            obj.reindexObject(idxs=["mission"])
            obj.reindexObjectSecurity()
            return


def places_have_no_owner(obj, event):
    """Whoever creates a place or room does not own what it will hold.

    Local roles reach down: the creator's Owner role would make them the
    "author" of everything in it.  Their part in the place comes from its
    membership (moderators) alone.
    """
    user = api.user.get_current()
    if user is not None and user.getId() in obj.users_with_local_role("Owner"):
        obj.manage_delLocalRoles([user.getId()])
        obj.reindexObjectSecurity()


@indexer(IMissionOwned)
def mission_indexer(obj):
    return getattr(aq_base(obj), "mission", None) or None


def _participating(obj, mission):
    """Whether ``mission``'s editors draft in the place of ``obj``; memoized per request."""
    request = getRequest()
    cache = request.other.setdefault("_missionplace_author", {}) if request is not None else {}
    place = enclosing_place(obj)
    key = (id(aq_base(place)) if place is not None else None, mission.code)
    if key not in cache:
        membership = effective_membership(place) if place is not None else None
        cache[key] = membership is not None and roles.MISSION_EDITOR in membership.grants.get(mission.editors, ())
    return cache[key]


@implementer(ILocalRoleProvider)
@adapter(IMissionOwned)
class MissionAuthorRoles:
    def __init__(self, context):
        self.context = context

    def _grant(self):
        mission = owning_mission(self.context)
        if mission is None or not _participating(self.context, mission):
            return None
        return mission.editors

    def getRoles(self, principal_id):
        return (roles.MISSION_AUTHOR,) if principal_id == self._grant() else ()

    def getAllRoles(self):
        grant = self._grant()
        return [(grant, (roles.MISSION_AUTHOR,))] if grant else []
