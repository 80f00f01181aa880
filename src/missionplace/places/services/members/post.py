from AccessControl import Unauthorized
from missionplace import _
from missionplace.common.rest import MissionPlaceService
from missionplace.places import membership
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError


class MembersPost(MissionPlaceService):
    """Add a member, or change the role of one (the permission check is in membership)."""

    def reply(self):
        self.writing()
        try:
            data = json_body(self.request)
        except DeserializationError:
            data = None
        if not isinstance(data, dict):
            return self.error(400, "BadRequest", _("error_not_a_json_object", default="Send a JSON object."))
        try:
            membership.set_member(self.context, str(data.get("principal", "")), data.get("role"))
        except membership.MembershipError as error:
            return self.error(400, "BadRequest", error.args[0])
        except Unauthorized as error:
            return self.error(403, "Forbidden", error.args[0])
        return {"items": membership.members(self.context)}
