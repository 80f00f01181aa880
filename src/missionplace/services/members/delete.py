from AccessControl import Unauthorized
from missionplace import membership
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


@implementer(IPublishTraverse)
class MembersDelete(Service):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        if len(self.params) != 1:
            self.request.response.setStatus(400)
            return {"error": {"type": "BadRequest", "message": "DELETE @members/<principal id>"}}
        try:
            membership.remove_member(self.context, self.params[0])
        except membership.MembershipError as error:
            self.request.response.setStatus(404)
            return {"error": {"type": "NotFound", "message": translate(error.args[0], context=self.request)}}
        except Unauthorized as error:
            self.request.response.setStatus(403)
            return {"error": {"type": "Forbidden", "message": translate(error.args[0], context=self.request)}}
        return self.reply_no_content()
