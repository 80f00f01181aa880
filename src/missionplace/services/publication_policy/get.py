from missionplace import policy
from missionplace import room
from missionplace.services import MissionPlaceService


class PolicyGet(MissionPlaceService):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@publication-policy",
            "policy": policy.policy_of(self.context),
            "choices": room.choosable_policies(self.context) if self.context.portal_type == "Room" else [],
        }
