from AccessControl import Unauthorized
from missionplace import _
from missionplace.common.rest import MissionPlaceService
from missionplace.missions import mission as missions
from missionplace.missions import staff as mission_staff
from plone import api
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError


class StaffService(MissionPlaceService):
    def mission(self):
        return missions.get(self.params[0]) if self.params else None

    def reply(self):
        if api.user.is_anonymous():
            return self.error(401, "Unauthorized", _("error_log_in_first", default="Log in first."))
        mission = self.mission()
        if mission is None:
            if not self.params and self.request.method == "GET":
                return self.everything()
            return self.error(404, "NotFound", _("error_no_such_mission", default="No such mission."))
        if self.request.method != "GET":
            self.writing()
        try:
            return self.act(mission)
        except mission_staff.StaffError as error:
            return self.error(400, "BadRequest", error.args[0])
        except Unauthorized as error:
            return self.error(403, "Forbidden", error.args[0])

    def everything(self):
        """Every staff change of every mission, for the Secretariat."""
        if not mission_staff.is_secretariat():
            return self.error(
                403,
                "Forbidden",
                _("error_staff_history_secretariat", default="Only the Secretariat sees every staff change."),
            )
        return {"@id": f"{self.context.absolute_url()}/@mission-staff", "history": mission_staff.staff_history()}

    def listing(self, mission):
        result = {
            "@id": f"{self.context.absolute_url()}/@mission-staff/{mission.code}",
            "mission": mission.code,
            "title": mission.name(api.portal.get_current_language()),
            "items": mission_staff.staff(mission),
            "can_manage": mission_staff.may_manage_staff(mission),
        }
        if mission_staff.may_see_history(mission):
            result["history"] = mission_staff.staff_history(mission)
        return result


class StaffGet(StaffService):
    def act(self, mission):
        if not mission_staff.may_see_staff(mission):
            raise Unauthorized(
                _("error_staff_list_private", default="Only the mission's own staff and the Secretariat see its staff.")
            )
        return self.listing(mission)


class StaffPost(StaffService):
    """{"user", "function"}: another function for a person of the mission;
    {"user", "fullname", "email", "function"}: a new account for the mission."""

    def act(self, mission):
        try:
            data = json_body(self.request)
        except DeserializationError:
            data = None
        if not isinstance(data, dict):
            raise mission_staff.StaffError(_("error_not_a_json_object", default="Send a JSON object."))
        function = data.get("function", missions.DELEGATE)
        if "fullname" in data or "email" in data:
            mission_staff.create_staff_account(
                mission, data.get("user"), data.get("fullname"), data.get("email"), function
            )
            self.request.response.setStatus(201)
        else:
            mission_staff.add_staff(mission, data.get("user"), function)
        return self.listing(mission)


class StaffDelete(StaffService):
    def act(self, mission):
        if len(self.params) != 2:
            raise mission_staff.StaffError(
                _("error_staff_delete_path", default="Name the person: DELETE @mission-staff/<mission>/<user>.")
            )
        mission_staff.remove_staff(mission, self.params[1])
        return self.reply_no_content()
