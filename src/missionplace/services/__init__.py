"""REST services of MissionPlace (plone.restapi), one folder per service."""

from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


@implementer(IPublishTraverse)
class MissionPlaceService(Service):
    """Path parameters (``@members/<principal>``) and errors in the user's language."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def writing(self):
        # Like plone.restapi's own write services: JSON clients send no CSRF token.
        alsoProvides(self.request, IDisableCSRFProtection)

    def error(self, status, kind, message):
        self.request.response.setStatus(status)
        return {"error": {"type": kind, "message": translate(message, context=self.request)}}
