from missionplace import _
from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.common.rest import BadInput
from missionplace.common.rest import json_object
from missionplace.common.rest import MissionPlaceService
from missionplace.common.rest import text
from missionplace.places.place import create_place
from missionplace.places.types import place_types
from plone.app.multilingual.interfaces import ITranslationManager
from plone.restapi.interfaces import ISerializeToJson
from zope.component import getMultiAdapter
import re


# A place's id is the last part of its address in every language.
PLACE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
MAX_TITLE = 200


class PlacesPost(MissionPlaceService):
    """Create a place from a place type, in all six languages."""

    def reply(self):
        self.writing()
        data = json_object(self.request)
        place_type, place_id, title = self.checked(data)
        place = create_place(place_type, place_id, title)
        language = getattr(self.context, "Language", lambda: "")() or "en"
        place = ITranslationManager(place).get_translation(language) or place
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", place.absolute_url())
        return getMultiAdapter((place, self.request), ISerializeToJson)()

    def checked(self, data):
        """(place type, id, title) as sent, checked before anything is created; BadInput says what is wrong."""
        place_type = text(data, "place_type", max_length=100)
        if place_type not in place_types():
            raise BadInput(
                _("error_unknown_place_type", default="Unknown place type: ${id}.", mapping={"id": place_type})
            )
        place_id = text(data, "id", default=None)
        if place_id is not None and not PLACE_ID.fullmatch(place_id):
            raise BadInput(
                _("error_place_id", default="A place's id has lowercase letters, digits, - and _ (at most 60).")
            )
        title = data.get("title")
        if isinstance(title, dict):
            if not set(title) <= set(OFFICIAL_LANGUAGES):
                raise BadInput(
                    _("error_title_languages", default="Give the title in the official languages: ar zh en fr ru es.")
                )
            title = {language: text(title, language, max_length=MAX_TITLE) for language in title}
        else:
            title = text(data, "title", default=None, max_length=MAX_TITLE)
        return place_type, place_id, title
