"""Missions in the pages: which mission an item belongs to, and a mission's staff page."""

from AccessControl import Unauthorized
from datetime import datetime
from datetime import UTC
from missionplace import _
from missionplace.common.browser.changes import ChangeForm
from missionplace.missions import mission as missions
from missionplace.missions import staff as mission_staff
from missionplace.places.membership import check_may_manage_person
from missionplace.places.ownership import owning_mission
from plone import api
from plone.app.layout.viewlets import ViewletBase
from Products.Five import BrowserView
from zope.i18n import translate


class OwningMissionViewlet(ViewletBase):
    def update(self):
        mission = owning_mission(self.context)
        self.mission = mission.name(api.portal.get_current_language()) if mission else None

    def render(self):
        return self.index() if self.mission else ""


class StaffView(ChangeForm, BrowserView):
    """A mission's staff page (``@@mission-staff?mission=fra``): its people and their functions.

    The mission's focal points give their colleagues functions, remove them
    and create accounts for newcomers; the Secretariat sees every mission's
    staff and every change (the history of all missions when none is chosen).
    """

    refusals = (mission_staff.StaffError,)

    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized(_("error_log_in_first", default="Log in first."))
        self.mission = self.chosen_mission()
        if self.mission is not None and not mission_staff.may_see_staff(self.mission):
            raise Unauthorized(
                _("error_staff_list_private", default="Only the mission's own staff and the Secretariat see its staff.")
            )
        if self.mission is None and not self.is_secretariat():
            raise Unauthorized(
                _("error_staff_history_secretariat", default="Only the Secretariat sees every staff change.")
            )
        if self.request.method == "POST" and self.mission is not None:
            return self.make_change(self.handle, self.url())
        return self.index()

    def chosen_mission(self):
        code = self.request.form.get("mission")
        if isinstance(code, str) and code:
            return missions.get(code)
        if self.is_secretariat():
            return None
        user = api.user.get_current()
        own = missions.of_user(user, missions.FOCAL_POINT) or missions.of_user(user)
        return own[0] if own else None

    def url(self):
        return f"{self.context.absolute_url()}/@@mission-staff?mission={self.mission.code}"

    def handle(self):
        """Make the change the form asks for; returns the message to show (StaffError, Unauthorized: refused)."""
        form = self.request.form
        action, user_id = form.get("action"), form.get("user")
        function = form.get("function") or missions.DELEGATE
        if action == "create":
            mission_staff.create_staff_account(self.mission, user_id, form.get("fullname"), form.get("email"), function)
            return _(
                "msg_staff_account_created",
                default="${user} has an account and got an e-mail to choose a password.",
                mapping={"user": user_id},
            )
        if action == "remove":
            mission_staff.remove_staff(self.mission, user_id)
            return _(
                "msg_staff_removed", default="${user} is no longer staff of the mission.", mapping={"user": user_id}
            )
        if action == "add":
            mission_staff.add_staff(self.mission, user_id, function)
            return _("msg_staff_function_added", default="${user} has the new function.", mapping={"user": user_id})
        raise mission_staff.StaffError(_("error_unknown_staff_action", default="Unknown change."))

    def is_secretariat(self):
        return mission_staff.is_secretariat()

    def title(self):
        return self.mission.name(api.portal.get_current_language()) if self.mission else ""

    def can_manage(self):
        return self.mission is not None and mission_staff.may_manage_staff(self.mission)

    def may_manage(self, user_id):
        try:
            check_may_manage_person(self.mission, api.user.get(userid=user_id))
        except Unauthorized:
            return False
        return True

    def staff(self):
        return mission_staff.staff(self.mission) if self.mission else []

    def function_title(self, function):
        return translate(missions.FUNCTIONS[function], context=self.request) if function in missions.FUNCTIONS else ""

    def functions(self):
        return [{"id": f, "title": self.function_title(f)} for f in missions.FUNCTIONS]

    def missions(self):
        language = api.portal.get_current_language()
        return sorted(((m.code, m.name(language)) for m in missions.missions().values()), key=lambda x: x[1])

    def mission_name(self, code):
        found = missions.get(code)
        return found.name(api.portal.get_current_language()) if found else code

    def history(self):
        if self.mission is None:
            entries = mission_staff.staff_history()
        elif mission_staff.may_see_history(self.mission):
            entries = mission_staff.staff_history(self.mission)
        else:
            entries = []
        return [{**entry, "stamp": entry["when"], "when": self.when(entry["when"])} for entry in entries]

    @staticmethod
    def when(stamp):
        """A history entry's time (ISO 8601, UTC) as the page shows it: the same in every language."""
        try:
            moment = datetime.fromisoformat(stamp).astimezone(UTC)
        except (TypeError, ValueError):
            return stamp
        return moment.strftime("%Y-%m-%d %H:%M UTC")

    def action_title(self, action):
        titles = {
            "added": _("staff_action_added", default="function given"),
            "created": _("staff_action_created", default="account created"),
            "removed": _("staff_action_removed", default="left the mission"),
        }
        return translate(titles[action], context=self.request) if action in titles else action
