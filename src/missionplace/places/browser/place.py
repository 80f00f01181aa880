"""The pages of a place: its home (rooms, what is new, members) and its Members tab."""

from AccessControl import Unauthorized
from missionplace import _
from missionplace.common.browser.changes import ChangeForm
from missionplace.missions import mission as missions
from missionplace.missions import staff as mission_staff
from missionplace.permissions import VIEW_MEMBERSHIP
from missionplace.places import membership
from missionplace.places import roles
from missionplace.places.place import create_place
from missionplace.places.types import place_types
from missionplace.places.types import PlaceTypeError
from plone import api
from plone.app.multilingual.interfaces import ITranslationManager
from plone.protect import CheckAuthenticator
from Products.Five import BrowserView
from zope.i18n import translate


class PlaceView(BrowserView):
    def rooms(self):
        return api.content.find(context=self.context, portal_type="Room", depth=1, sort_on="getObjPositionInParent")

    def whats_new(self):
        path = "/".join(self.context.getPhysicalPath())
        return [
            brain
            for brain in api.content.find(context=self.context, sort_on="modified", sort_order="descending")[:11]
            if brain.getPath() != path
        ][:10]

    def can_see_members(self):
        return api.user.has_permission(VIEW_MEMBERSHIP, obj=self.context)

    def members(self):
        return membership.members(self.context)

    def role_title(self, role):
        return translate(roles.TITLES[role], context=self.request)

    def owning_mission(self, brain):
        found = missions.get(brain.mission)
        return found.name(api.portal.get_current_language()) if found else ""


class MembersView(ChangeForm, PlaceView):
    """The Members tab: who takes part, in which role; changes and their history."""

    refusals = (membership.MembershipError,)

    def __call__(self):
        if self.request.method == "POST":
            # Only those who may change something get as far as the form's handling.
            if not (self.can_manage() or self.is_focal_point()):
                raise Unauthorized(
                    _("error_not_member_manager", default="You may not change the members of this place.")
                )
            return self.make_change(self.handle, f"{self.context.absolute_url()}/@@members")
        return self.index()

    def handle(self):
        """Make the change the form asks for; returns the message to show (MembershipError, Unauthorized: refused)."""
        form = self.request.form
        principal = form.get("principal") or ""
        role = form.get("role")
        if not isinstance(principal, str) or not isinstance(role, (str, type(None))):
            raise membership.MembershipError(_("error_bad_member_form", default="Choose one person and one role."))
        principal = principal.strip()
        if form.get("mission"):
            found = missions.get(form["mission"]) if isinstance(form["mission"], str) else None
            if found is None:
                raise membership.MembershipError(_("error_no_such_mission", default="No such mission."))
            principal = found.id
        if form.get("action") == "remove":
            membership.remove_member(self.context, principal)
            return _(
                "msg_member_removed", default="${principal} no longer takes part.", mapping={"principal": principal}
            )
        membership.set_member(self.context, principal, role)
        return _(
            "msg_member_saved",
            default="${principal} takes part as ${role}.",
            mapping={"principal": principal, "role": self.role_title(role)},
        )

    def can_manage(self):
        return membership.can_manage(self.context)

    def is_focal_point(self):
        return roles.FOCAL_POINT in api.user.get_roles(obj=self.context)

    def may_change(self, principal):
        """Whether the current user may change or remove this entry (the form's buttons follow it)."""
        try:
            membership.check_may_change(self.context, principal)
        except Unauthorized:
            return False
        return True

    def roles(self):
        offered = membership.member_roles(self.context)
        if not self.can_manage():
            # A focal point gives their own staff only the roles of a mission's staff.
            offered = [r for r in offered if r in membership.MISSION_ROLES]
        return [{"id": r, "title": self.role_title(r)} for r in offered]

    def own_staff(self):
        """For a focal point: the people of their missions they may add ([(user id, full name)])."""
        user = api.user.get_current()
        found = {}
        for mission in missions.of_user(user, missions.FOCAL_POINT):
            for entry in mission_staff.staff(mission):
                if entry["user"] not in found and self.may_change(entry["user"]):
                    found[entry["user"]] = entry["fullname"]
        return sorted(found.items(), key=lambda item: item[1].lower())

    def mission_roles(self):
        return [{"id": r, "title": self.role_title(r)} for r in membership.MISSION_ROLES]

    def missions(self):
        language = api.portal.get_current_language()
        return sorted(((m.code, m.name(language)) for m in missions.missions().values()), key=lambda x: x[1])

    def history(self):
        return membership.history(self.context) if self.can_manage() else []


class CreatePlaceView(BrowserView):
    """Secretariat moderators create a place from a place type."""

    def place_types(self):
        language = api.portal.get_current_language()
        return [
            {"id": pid, "title": pt["title"].get(language) or pt["title"]["en"]}
            for pid, pt in sorted(place_types().items())
        ]

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            form = self.request.form
            try:
                place = create_place(form.get("place_type"), form.get("id") or None, form.get("title") or None)
            except PlaceTypeError:
                api.portal.show_message(
                    _("error_choose_place_type", default="Choose a place type."), request=self.request, type="error"
                )
                return self.index()
            language = api.portal.get_current_language()
            place = ITranslationManager(place).get_translation(language) or place
            api.portal.show_message(_("msg_place_created", default="The place was created."), request=self.request)
            return self.request.response.redirect(place.absolute_url())
        return self.index()
