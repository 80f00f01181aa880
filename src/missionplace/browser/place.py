"""The pages of a place: its home (rooms, what is new, members) and its Members tab."""

from AccessControl import Unauthorized
from missionplace import _
from missionplace import membership
from missionplace import mission as missions
from missionplace import roles
from missionplace.permissions import VIEW_MEMBERSHIP
from missionplace.place import create_place
from missionplace.place import place_types
from missionplace.place import PlaceTypeError
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


class MembersView(PlaceView):
    """The Members tab: who takes part, in which role; changes and their history."""

    def __call__(self):
        if self.request.method == "POST":
            self.handle()
            return self.request.response.redirect(f"{self.context.absolute_url()}/@@members")
        return self.index()

    def handle(self):
        CheckAuthenticator(self.request)
        form = self.request.form
        principal = (form.get("principal") or "").strip()
        if form.get("mission"):
            principal = missions.get(form["mission"]).id if missions.get(form["mission"]) else form["mission"]
        try:
            if form.get("action") == "remove":
                membership.remove_member(self.context, principal)
                message = _(
                    "msg_member_removed", default="${principal} no longer takes part.", mapping={"principal": principal}
                )
            else:
                membership.set_member(self.context, principal, form.get("role"))
                message = _(
                    "msg_member_saved",
                    default="${principal} takes part as ${role}.",
                    mapping={"principal": principal, "role": self.role_title(form.get("role"))},
                )
            api.portal.show_message(message, request=self.request)
        except (membership.MembershipError, Unauthorized) as error:
            api.portal.show_message(error.args[0], request=self.request, type="error")

    def can_manage(self):
        return membership.can_manage(self.context)

    def is_focal_point(self):
        return roles.FOCAL_POINT in api.user.get_roles(obj=self.context)

    def roles(self):
        return [{"id": r, "title": self.role_title(r)} for r in membership.member_roles(self.context)]

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
