"""Who takes part in a place, in which role, and the local roles that follows.

A place's membership maps principals to one role each: a mission (its group,
``mission-fra``) or an individual person.  A mission that takes part as
*Mission editor* gives its editors the Mission editor role, its focal points
the Mission focal point role and all its staff the Delegate role; a mission
that takes part as *Delegate* only reads.  The grants are computed when the
membership changes, so the local-role provider that Zope consults on every
permission check is a dictionary look-up.

All translations of a place share one membership object (the same persistent
object is referenced from each), so a change applies in every language.  A
room has no membership of its own and inherits its parent's, until one is
changed in the room: it then starts from a copy of the parent's and stops
inheriting.
"""

from AccessControl import Unauthorized
from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from borg.localrole.interfaces import ILocalRoleProvider
from datetime import datetime
from datetime import UTC
from missionplace import _
from missionplace.common.translations import translations
from missionplace.interfaces import IPlace
from missionplace.missions import mission as missions
from missionplace.permissions import MANAGE_MEMBERSHIP
from missionplace.places import grants
from missionplace.places import roles
from missionplace.places.types import place_types
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from zope.component import adapter
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import implementer


ATTRIBUTE = "_missionplace_membership"
MISSION_ROLES = (roles.MISSION_EDITOR, roles.DELEGATE)
# What an ordinary account holds site-wide; anything more is an office.
ORDINARY_SITE_ROLES = {"Member", "Authenticated"}
# Place roles that are offices, not a mission's staff: a focal point never manages their holders.
OFFICE_ROLES = (roles.MODERATOR, roles.PLACE_MANAGER, roles.BUREAU, roles.OFFICER)


class MembershipError(ValueError):
    """A membership change that cannot be made; the message says why."""


class Membership(Persistent):
    def __init__(self):
        self.members = PersistentMapping()  # principal id -> role
        self.grants = PersistentMapping()  # principal id -> tuple of local roles
        self.history = PersistentList()

    def _recompute(self):
        grants = {}
        for principal, role in self.members.items():
            mission = missions.of_group(principal)
            if mission is not None:
                grants.setdefault(mission.id, set()).add(roles.DELEGATE)
                if role == roles.MISSION_EDITOR:
                    grants.setdefault(mission.editors, set()).add(roles.MISSION_EDITOR)
                    grants.setdefault(mission.focal_points, set()).add(roles.FOCAL_POINT)
            else:
                grants.setdefault(principal, set()).add(role)
        self.grants = PersistentMapping({p: tuple(sorted(r)) for p, r in grants.items()})

    def set(self, principal, role, actor):
        previous = self.members.get(principal)
        self.members[principal] = role
        self._recompute()
        self._record(actor, "changed" if previous else "added", principal, role, previous)

    def remove(self, principal, actor):
        previous = self.members.pop(principal)
        self._recompute()
        self._record(actor, "removed", principal, None, previous)

    def _record(self, actor, action, principal, role, previous):
        self.history.append(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "actor": actor,
                "action": action,
                "principal": principal,
                "role": role,
                "previous": previous,
            }
        )

    def copy(self):
        other = Membership()
        other.members.update(self.members)
        other.grants.update(self.grants)
        return other


def own_membership(place):
    return getattr(aq_base(place), ATTRIBUTE, None)


def enclosing_place(obj):
    """The nearest place or room at or above ``obj`` (None outside places)."""
    for item in aq_inner(obj).aq_chain:
        if IPlace.providedBy(item):
            return item
    return None


def top_place(obj):
    """The place (not a room) at or above ``obj``, else None: places are not nested, rooms divide them."""
    for item in aq_inner(obj).aq_chain:
        if IPlace.providedBy(item) and item.portal_type != "Room":
            return item
    return None


def effective_membership(place):
    """The membership in force in ``place``: its own, or its parent's for a room."""
    while place is not None:
        found = own_membership(place)
        if found is not None:
            return found
        place = enclosing_place(aq_parent(aq_inner(place)))
    return None


def _drafts(membership, mission):
    # A mission drafts where it takes part as Mission editor: its editors then hold that role.
    return membership is not None and roles.MISSION_EDITOR in membership.grants.get(mission.editors, ())


def drafts_in(place, mission):
    """Whether ``mission`` drafts in ``place`` (a place or room, or None): one dictionary look-up."""
    return _drafts(effective_membership(place) if place is not None else None, mission)


def drafting_missions(place):
    """The missions that draft in ``place``: they take part as Mission editor."""
    membership = effective_membership(place) if place is not None else None
    return [mission for mission in missions.missions().values() if _drafts(membership, mission)]


def share(place, membership):
    """Make ``membership`` the one of ``place`` and all its translations."""
    for translation in translations(place):
        setattr(translation, ATTRIBUTE, membership)
        # A place is a closed space: roles from above do not reach into it.
        translation.__ac_local_roles_block__ = True
        translation._p_changed = True
        translation.reindexObjectSecurity()
        grants.reindex(translation)


def init_membership(place):
    """Give a new top-level place its (empty) membership, shared with its translations."""
    for translation in translations(place):
        if own_membership(translation) is not None:
            share(place, own_membership(translation))
            return own_membership(place)
    share(place, Membership())
    return own_membership(place)


def can_manage(place):
    return api.user.has_permission(MANAGE_MEMBERSHIP, obj=place)


def members(place):
    """[{principal, kind, title, role}] of the membership in force in ``place``."""
    membership = effective_membership(place)
    result = []
    language = api.portal.get_current_language()
    for principal, role in sorted((membership.members if membership else {}).items()):
        mission = missions.of_group(principal)
        if mission is not None:
            result.append({"principal": principal, "kind": "mission", "title": mission.name(language), "role": role})
            continue
        user = api.user.get(userid=principal)
        title = (user.getProperty("fullname") or principal) if user else principal
        result.append({"principal": principal, "kind": "person", "title": title, "role": role})
    return result


def validate(principal, role):
    """The reason a (principal, role) entry is refused, or None."""
    mission = missions.of_group(principal)
    if mission is not None:
        if principal != mission.id:
            return _("error_mission_group", default="Add a mission as a whole, not a group of its staff.")
        if role not in MISSION_ROLES:
            return _("error_mission_role", default="A mission takes part as Mission editor or as Delegate.")
        return None
    if role not in roles.PLACE_ROLES:
        return _("error_unknown_role", default="Unknown role: ${role}.", mapping={"role": role})
    if api.user.get(userid=principal) is None:
        return _(
            "error_unknown_principal",
            default="No such person or mission: ${principal}.",
            mapping={"principal": principal},
        )
    return None


def place_roles_of(principal):
    """The roles ``principal`` holds in person in the membership of any place or room."""
    found, seen = set(), set()
    # Unrestricted: whoever asks, the answer must cover the places they cannot see.
    for brain in api.content.find(object_provides=IPlace, unrestricted=True):
        membership = own_membership(brain._unrestrictedGetObject())
        if membership is None or id(membership) in seen:
            continue
        seen.add(id(membership))
        if principal in membership.members:
            found.add(membership.members[principal])
    return found


def holds_office(user):
    """Whether ``user`` holds more than a mission's staff do: any site-wide role
    (Manager, Site Administrator, Reviewer, the Secretariat's moderator role...)
    or a Secretariat, manager, bureau or officer role in any place."""
    if missions.site_roles(user) - ORDINARY_SITE_ROLES:
        return True
    return bool(set(place_roles_of(user.getId())) & set(OFFICE_ROLES))


def check_may_manage_person(mission, person):
    """A focal point manages only their own mission's ordinary staff.

    Never a person who is staff of another mission, or who holds an office
    (site-wide role, or a Secretariat, manager, bureau or officer role in a
    place): only site administrators change those.
    """
    if missions.is_site_admin():
        return
    mapping = {"user": person.getId(), "mission": mission.name(api.portal.get_current_language())}
    if mission.id not in missions.group_ids(person):
        raise Unauthorized(
            _(
                "error_not_own_staff",
                default="${user} is not staff of ${mission}: a focal point adds new people by creating their account.",
                mapping=mapping,
            )
        )
    if any(other != mission for other in missions.of_user(person)):
        raise Unauthorized(
            _(
                "error_staff_of_other_mission",
                default="${user} is also staff of another mission: only a site administrator changes their functions.",
                mapping=mapping,
            )
        )
    if holds_office(person):
        raise Unauthorized(
            _(
                "error_staff_holds_office",
                default="${user} holds a Secretariat, manager, bureau or officer role: "
                "only a site administrator changes their functions.",
                mapping=mapping,
            )
        )


def check_may_change(place, principal, role=None):
    """Moderators change anything; a focal point only their own mission's people.

    A focal point may add, change or remove an individual member who is
    ordinary staff of a mission they are focal point of (no other mission, no
    office anywhere: check_may_manage_person), as Delegate or Mission
    editor, and only an entry that is now absent, Delegate or Mission editor:
    never a mission, never someone the place gave another role.
    """
    if can_manage(place):
        return
    user = api.user.get_current()
    refused = Unauthorized(
        _(
            "error_focal_point_own_mission",
            default="A focal point adds and removes only people of their own mission, as Delegate or Mission editor.",
        )
    )
    if roles.FOCAL_POINT not in api.user.get_roles(user=user, obj=place):
        raise Unauthorized(_("error_not_member_manager", default="You may not change the members of this place."))
    if not isinstance(principal, str) or missions.of_group(principal) is not None:
        raise refused
    person = api.user.get(userid=principal)
    if person is None or api.group.get(groupname=principal) is not None:
        raise refused
    membership = effective_membership(place)
    current = membership.members.get(principal) if membership is not None else None
    if role not in (None, *MISSION_ROLES) or current not in (None, *MISSION_ROLES):
        raise refused
    own = [m for m in missions.of_user(user, missions.FOCAL_POINT) if m.id in person.getGroups()]
    if not own:
        raise refused
    # Raises, with the reason, for another mission's staff or the holder of an office.
    check_may_manage_person(own[0], person)


def _writable(place):
    """The membership to change in ``place``; a room gets its own on first change."""
    own = own_membership(place)
    if own is None:
        inherited = effective_membership(place)
        own = inherited.copy() if inherited is not None else Membership()
    return own


def _forget_cached_grants():
    request = getRequest()
    if request is not None:
        request.other.pop("_missionplace_author", None)


def member_roles(place):
    """The roles the type of ``place`` (or of the place a room is in) offers its members."""
    place_type = place_types().get(getattr(top_place(place), "place_type", None))
    return tuple(place_type["member_roles"]) if place_type else roles.PLACE_ROLES


def set_member(place, principal, role):
    set_members(place, {principal: role})


def set_members(place, entries):
    """Add members or change their roles, {principal: role}: every entry checked first, then one reindex.

    A membership change reindexes the security of all the place holds (in its
    six translations); several at once cost one reindex, not one each.
    """
    for principal, role in entries.items():
        problem = validate(principal, role)
        if not problem and role not in member_roles(place):
            problem = _(
                "error_role_not_in_place",
                default="This kind of place has no role ${role}.",
                mapping={"role": translate(roles.TITLES.get(role, role), context=getRequest())},
            )
        if problem:
            raise MembershipError(problem)
        check_may_change(place, principal, role)
    membership = _writable(place)
    actor = api.user.get_current().getId()
    for principal, role in entries.items():
        membership.set(principal, role, actor)
    # One share per change: links translations, blocks inheritance, reindexes security.
    share(place, membership)
    _forget_cached_grants()


def remove_member(place, principal):
    check_may_change(place, principal)
    membership = _writable(place)
    if principal not in membership.members:
        raise MembershipError(
            _(
                "error_not_a_member",
                default="${principal} is not a member of this place.",
                mapping={"principal": principal},
            )
        )
    membership.remove(principal, api.user.get_current().getId())
    share(place, membership)
    _forget_cached_grants()


def history(place):
    membership = effective_membership(place)
    return list(reversed(membership.history)) if membership else []


@implementer(ILocalRoleProvider)
@adapter(IPlace)
class PlaceRoles:
    """Local roles of a place from its membership: one dictionary look-up."""

    def __init__(self, context):
        self.context = context

    def _grants(self):
        membership = own_membership(self.context)
        return membership.grants if membership is not None else {}

    def getRoles(self, principal_id):
        return self._grants().get(principal_id, ())

    def getAllRoles(self):
        return self._grants().items()


def share_with_new_translation(place, event):
    """A translation made later joins the membership of the place it translates."""
    for translation in translations(place):
        found = own_membership(translation)
        if found is not None and translation is not place:
            share(place, found)
            return
