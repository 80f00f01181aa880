from missionplace import _
from missionplace.place import create_place
from missionplace.place import PlaceTypeError
from plone.app.multilingual.interfaces import ITranslationManager
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.services import Service
from zope.component import getMultiAdapter
from zope.i18n import translate
from zope.interface import alsoProvides


class PlacesPost(Service):
    """Create a place from a place type, in all six languages."""

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        data = json_body(self.request)
        try:
            place = create_place(data.get("place_type"), data.get("id"), data.get("title"))
        except PlaceTypeError:
            self.request.response.setStatus(400)
            message = _(
                "error_unknown_place_type",
                default="Unknown place type: ${id}.",
                mapping={"id": str(data.get("place_type"))},
            )
            return {"error": {"type": "BadRequest", "message": translate(message, context=self.request)}}
        language = getattr(self.context, "Language", lambda: "")() or "en"
        place = ITranslationManager(place).get_translation(language) or place
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", place.absolute_url())
        return getMultiAdapter((place, self.request), ISerializeToJson)()
