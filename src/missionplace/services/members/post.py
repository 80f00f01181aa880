from AccessControl import Unauthorized
from missionplace import membership
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides


class MembersPost(Service):
    """Add a member, or change the role of one (the permission check is in membership)."""

    def reply(self):
        # Like plone.restapi's own write services: JSON clients send no CSRF token.
        alsoProvides(self.request, IDisableCSRFProtection)
        data = json_body(self.request)
        try:
            membership.set_member(self.context, str(data.get("principal", "")), data.get("role"))
        except membership.MembershipError as error:
            self.request.response.setStatus(400)
            return {"error": {"type": "BadRequest", "message": translate(error.args[0], context=self.request)}}
        except Unauthorized as error:
            self.request.response.setStatus(403)
            return {"error": {"type": "Forbidden", "message": translate(error.args[0], context=self.request)}}
        return {"items": membership.members(self.context)}
