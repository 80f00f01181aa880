"""Deleting a place or a room: the confirmation says what goes with it.

Who may delete a place or room at all is the policy's (policies/places.toml,
"delete": moderators and place managers).  Plone's delete confirmation (the
page and folder contents' dialog) asks the ``delete_confirmation_info`` view
what to add; for a place or room we say how many rooms and items it holds,
in the user's language, before plone.app.linkintegrity's warnings.
"""

from html import escape
from missionplace import _
from missionplace.interfaces import IPlace
from plone import api
from plone.app.linkintegrity.browser.info import DeleteConfirmationInfo
from zope.i18n import translate


def holdings(place):
    """(rooms, other items) inside ``place``, whoever may see them: all go with it."""
    path = "/".join(place.getPhysicalPath())
    # Unrestricted: the count must include what the deleting person cannot see (other missions' drafts).
    found = [b for b in api.content.find(context=place, unrestricted=True) if b.getPath() != path]
    rooms = sum(1 for b in found if b.portal_type == "Room")
    return rooms, len(found) - rooms


class PlaceDeleteConfirmationInfo(DeleteConfirmationInfo):
    def __call__(self, items=None):
        places = [item for item in (items if items is not None else [self.context]) if IPlace.providedBy(item)]
        notes = [self.note(place) for place in places]
        found = super().__call__(items)
        return "".join(notes) + (found or "")

    def note(self, place):
        rooms, items = holdings(place)
        if place.portal_type == "Room":
            message = _(
                "delete_room_holds",
                default="The room “${title}” holds ${items} items: deleting it deletes them all.",
                mapping={"title": place.Title(), "items": items},
            )
        else:
            message = _(
                "delete_place_holds",
                default="The place “${title}” holds ${rooms} rooms and ${items} other items: "
                "deleting it deletes them all, for every member. Its translations in the other languages stay.",
                mapping={"title": place.Title(), "rooms": rooms, "items": items},
            )
        text = escape(translate(message, context=self.request))
        return f'<div class="alert alert-warning missionplace-delete-place" role="alert">{text}</div>'
