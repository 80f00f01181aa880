from AccessControl import Unauthorized
from missionplace.common.rest import MissionPlaceService
from missionplace.places import membership


class MembersDelete(MissionPlaceService):
    def reply(self):
        self.writing()
        if len(self.params) != 1:
            return self.error(400, "BadRequest", "DELETE @members/<principal id>")
        try:
            membership.remove_member(self.context, self.params[0])
        except membership.MembershipError as error:
            return self.error(404, "NotFound", error.args[0])
        except Unauthorized as error:
            return self.error(403, "Forbidden", error.args[0])
        return self.reply_no_content()
