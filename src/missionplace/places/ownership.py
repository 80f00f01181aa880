"""Mission ownership: what a mission editor creates in a place belongs to their mission.

The owning mission is recorded on the item (the ``missionplace.mission``
behavior), indexed (``mission``) and shown.  The editors of that mission get
the computed role *MissionAuthor* on it, for as long as their mission takes
part in the place as Mission editor: the publication policies give that role
what "the owning mission" may do.  Nothing is granted per person, so adding or
removing someone from the mission takes effect at once.

Which mission owns a new item is never the client's to forge: it is the
mission of the item it is created in, else the creator's own (a mission they
edit for that drafts in the place); a moderator may name any mission that
drafts there.  REST refuses any other value (400, in the user's language), on
creation and on change; whatever else adds an item (a copy, a paste, code)
gets the derived mission.  The roles themselves count on the item only, never
on what it holds (missionplace.security.localroles).
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from borg.localrole.interfaces import ILocalRoleProvider
from missionplace import _
from missionplace.interfaces import IMissionOwned
from missionplace.interfaces import IPlace
from missionplace.missions import mission as missions
from missionplace.places import roles
from missionplace.places.membership import drafting_missions
from missionplace.places.membership import drafts_in
from missionplace.places.membership import enclosing_place
from plone import api
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.indexer import indexer
from plone.restapi.deserializer.dxfields import ChoiceFieldDeserializer
from plone.restapi.interfaces import IFieldDeserializer
from plone.supermodel import model
from z3c.form.datamanager import AttributeField
from zExceptions import BadRequest
from zope import schema
from zope.component import adapter
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import provider
from zope.publisher.interfaces.browser import IBrowserRequest
from zope.schema.interfaces import IChoice


# Who may name the owning mission of an item (among those that draft in its place).
CHOOSERS = frozenset({roles.MODERATOR, "Manager", "Site Administrator"})


class IMissionOfItsOwn(Interface):
    """Marker of items whose mission follows a rule of their own, not the one below.

    A candidature's mission is the State that stands (candiweb.candidature.check_mission).
    """


class IMissionChoice(IChoice):
    """The owning-mission field: REST checks who may set it to what (MissionFieldDeserializer)."""


@implementer(IMissionChoice)
class MissionChoice(schema.Choice):
    pass


@provider(IFormFieldProvider)
class IMissionOwnership(model.Schema, IMissionOwned):
    directives.omitted("mission")
    mission = MissionChoice(
        title=_("label_owning_mission", default="Mission"),
        description=_("help_owning_mission", default="The mission this item belongs to."),
        vocabulary="missionplace.missions",
        required=False,
    )


def owning_mission(obj):
    return missions.get(getattr(aq_base(obj), "mission", None))


def container_mission(obj):
    """The mission owning the nearest item above ``obj`` in its place, or None.

    What is created in a mission's item is that mission's too.
    """
    for item in aq_inner(obj).aq_chain[1:]:
        if IPlace.providedBy(item):
            return None
        found = missions.get(getattr(aq_base(item), "mission", None))
        if found is not None:
            return found
    return None


def may_choose_any(context, user=None):
    """Moderators (and site administrators) name any mission that drafts in the place."""
    user = user or api.user.get_current()
    return bool(CHOOSERS & set(api.user.get_roles(user=user, obj=context)))


def assignable_missions(context, user=None):
    """The missions the current user may make own ``context`` (an item created or changed)."""
    inherited = container_mission(context)
    if inherited is not None:
        return [inherited]
    place = enclosing_place(context)
    drafting = drafting_missions(place)
    if place is None or may_choose_any(place, user):
        return drafting
    own = missions.of_user(user or api.user.get_current(), missions.EDITOR)
    return [m for m in own if m in drafting]


def _refusal(context, code):
    """Why ``code`` may not own ``context``, in words for the user; None when it may."""
    wanted = missions.get(code) if isinstance(code, str) else None
    if wanted is None:
        return _("error_unknown_mission", default="There is no such mission: ${mission}.", mapping={"mission": code})
    if wanted in assignable_missions(context):
        return None
    inherited = container_mission(context)
    if inherited is not None:
        return _(
            "error_mission_of_container",
            default="What is created in an item of ${mission} belongs to ${mission}.",
            mapping={"mission": inherited.name(api.portal.get_current_language())},
        )
    return _(
        "error_mission_not_yours",
        default="An item belongs to a mission you edit for and which drafts in this place; "
        "moderators may choose any mission that drafts here.",
    )


@implementer(IFieldDeserializer)
@adapter(IMissionChoice, IMissionOwned, IBrowserRequest)
class MissionFieldDeserializer(ChoiceFieldDeserializer):
    """The owning mission a REST client sends (create or change) must be one it may choose."""

    def __call__(self, value):
        if isinstance(value, dict) and "token" in value:
            value = value["token"]
        unchanged = value == getattr(aq_base(self.context), "mission", None)
        if not unchanged and not IMissionOfItsOwn.providedBy(self.context):
            problem = _refusal(self.context, value)
            if problem is not None:
                raise ValueError(translate(problem, context=self.request))
        return super().__call__(value)


@adapter(IMissionOwned, IMissionChoice)
class MissionDataManager(AttributeField):
    """Taking an item from its mission (REST sends null) is for moderators only.

    plone.restapi sets null values without a field deserializer, so this is
    where it is refused: before anything is changed.
    """

    def set(self, value):
        if value is None and self.get() is not None and not may_choose_any(self.context):
            raise BadRequest(
                translate(
                    _("error_mission_required", default="An item of a mission stays that mission's."),
                    context=getRequest(),
                )
            )
        super().set(value)


def _mission_on_add(obj, place, user):
    """The mission that owns ``obj`` when it is added in ``place`` by ``user``."""
    inherited = container_mission(obj)
    if inherited is not None:
        return inherited.code
    current = getattr(aq_base(obj), "mission", None)
    drafting = drafting_missions(place)
    own = [m for m in missions.of_user(user, missions.EDITOR) if m in drafting]
    # REST has checked what a client sent; a copy, paste or code keeps its
    # mission only where its creator could have chosen it.  Moderators keep
    # theirs (the Secretariat records candidatures of any State).
    if current and (may_choose_any(place, user) or missions.get(current) in own):
        return current
    return own[0].code if own else None


def record_owning_mission(obj, event):
    """On addition inside a place (created, copied, pasted): the mission that owns it."""
    if IPlace.providedBy(obj):
        return
    place = enclosing_place(obj)
    if place is None:
        return
    user = api.user.get_current()
    code = _mission_on_add(obj, place, user)
    changed = code != getattr(aq_base(obj), "mission", None)
    if changed:
        obj.mission = code
        # Queued like every index update; processed at the end of the request.
        obj.reindexObject(idxs=["mission"])
    mission = missions.get(code)
    if mission is not None and mission in missions.of_user(user, missions.EDITOR):
        # The mission owns it, not the person: whoever leaves the mission
        # loses access with it (the creator is still recorded as Creator).
        obj.manage_delLocalRoles([user.getId()])
        changed = True
    if changed:
        obj.reindexObjectSecurity()


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
        cache[key] = drafts_in(place, mission)
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
