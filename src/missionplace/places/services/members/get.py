from missionplace.places import membership
from plone.restapi.services import Service


class MembersGet(Service):
    def reply(self):
        result = {
            "@id": f"{self.context.absolute_url()}/@members",
            "items": membership.members(self.context),
            "can_manage": membership.can_manage(self.context),
        }
        if membership.can_manage(self.context):
            result["history"] = membership.history(self.context)
        return result
