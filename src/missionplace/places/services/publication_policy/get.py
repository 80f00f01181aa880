from missionplace.common.rest import MissionPlaceService
from missionplace.places import room
from missionplace.workflows import policy


class PolicyGet(MissionPlaceService):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@publication-policy",
            "policy": policy.policy_of(self.context),
            "choices": room.choosable_policies(self.context) if self.context.portal_type == "Room" else [],
        }
