from missionplace.places.types import place_types
from plone import api
from plone.restapi.services import Service


class PlaceTypesGet(Service):
    def reply(self):
        language = api.portal.get_current_language()
        return {
            "items": [
                {
                    "id": pid,
                    "title": pt["title"].get(language) or pt["title"]["en"],
                    "policy": pt["policy"],
                    "member_roles": pt["member_roles"],
                    "rooms": [room["id"] for room in pt["rooms"]],
                    "forms": [form["id"] for form in pt["forms"]],
                }
                for pid, pt in sorted(place_types().items())
            ]
        }
