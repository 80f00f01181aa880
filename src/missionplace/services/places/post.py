from missionplace import _
from missionplace.place import create_place
from missionplace.place import PlaceTypeError
from missionplace.services import MissionPlaceService
from plone.app.multilingual.interfaces import ITranslationManager
from plone.restapi.deserializer import json_body
from plone.restapi.interfaces import ISerializeToJson
from zope.component import getMultiAdapter


class PlacesPost(MissionPlaceService):
    """Create a place from a place type, in all six languages."""

    def reply(self):
        self.writing()
        data = json_body(self.request)
        try:
            place = create_place(data.get("place_type"), data.get("id"), data.get("title"))
        except PlaceTypeError:
            message = _(
                "error_unknown_place_type",
                default="Unknown place type: ${id}.",
                mapping={"id": str(data.get("place_type"))},
            )
            return self.error(400, "BadRequest", message)
        language = getattr(self.context, "Language", lambda: "")() or "en"
        place = ITranslationManager(place).get_translation(language) or place
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", place.absolute_url())
        return getMultiAdapter((place, self.request), ISerializeToJson)()
