from missionplace import policy
from missionplace import room
from missionplace.services import MissionPlaceService
from plone.restapi.deserializer import json_body


class PolicyPatch(MissionPlaceService):
    def reply(self):
        self.writing()
        name = json_body(self.request).get("policy", "")
        try:
            room.set_room_policy(self.context, name)
        except room.RoomPolicyError as error:
            return self.error(400, "BadRequest", error.args[0])
        return {"policy": policy.policy_of(self.context)}
