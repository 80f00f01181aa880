from AccessControl import Unauthorized
from missionplace import mission as missions
from missionplace.services import MissionPlaceService
from plone import api
from plone.restapi.deserializer import json_body


class StaffService(MissionPlaceService):
    def mission(self):
        return missions.get(self.params[0]) if self.params else None

    def reply(self):
        mission = self.mission()
        if mission is None:
            return self.error(404, "NotFound", "No such mission.")
        if api.user.is_anonymous():
            return self.error(401, "Unauthorized", "Log in first.")
        self.writing()
        try:
            return self.act(mission)
        except missions.StaffError as error:
            return self.error(400, "BadRequest", error.args[0])
        except Unauthorized as error:
            return self.error(403, "Forbidden", error.args[0])

    def listing(self, mission):
        result = {
            "@id": f"{self.context.absolute_url()}/@mission-staff/{mission.code}",
            "mission": mission.code,
            "title": mission.name(api.portal.get_current_language()),
            "items": missions.staff(mission),
        }
        if missions.may_manage_staff(mission):
            result["history"] = missions.staff_history(mission)
        return result


class StaffGet(StaffService):
    def act(self, mission):
        user = api.user.get_current()
        if not (missions.may_manage_staff(mission) or mission.id in user.getGroups()):
            raise Unauthorized("Only the mission's own staff see its staff list.")
        return self.listing(mission)


class StaffPost(StaffService):
    def act(self, mission):
        data = json_body(self.request)
        missions.add_staff(mission, str(data.get("user", "")), data.get("function", missions.DELEGATE))
        return self.listing(mission)


class StaffDelete(StaffService):
    def act(self, mission):
        if len(self.params) != 2:
            raise missions.StaffError("DELETE @mission-staff/<mission>/<user>")
        missions.remove_staff(mission, self.params[1])
        return self.reply_no_content()
