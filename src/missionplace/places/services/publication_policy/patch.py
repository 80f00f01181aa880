from missionplace.common.rest import json_object
from missionplace.common.rest import MissionPlaceService
from missionplace.common.rest import text
from missionplace.places import room
from missionplace.workflows import policy


class PolicyPatch(MissionPlaceService):
    def reply(self):
        self.writing()
        name = text(json_object(self.request), "policy", max_length=100)
        try:
            room.set_room_policy(self.context, name)
        except room.RoomPolicyError as error:
            return self.error(400, "BadRequest", error.args[0])
        return {"policy": policy.policy_of(self.context)}
