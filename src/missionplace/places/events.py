"""Events of places, for what builds on places to react to them (places import none of it).

``IPlaceCreated`` is notified once a place exists in every language with its
rooms and pages: the forms of its place type are created by a subscriber
(missionplace.forms), not by the place itself.
"""

from zope.interface import Attribute
from zope.interface import implementer
from zope.interface.interfaces import IObjectEvent
from zope.interface.interfaces import ObjectEvent


class IPlaceCreated(IObjectEvent):
    """A place was created from a place type in the six languages; ``object`` is the English one."""

    places = Attribute("The new place in each language: {language: place}.")
    roots = Attribute("The language root folders it was created in: {language: folder}.")
    place_type = Attribute("The place type it was created from (a dict of placetypes.json).")


@implementer(IPlaceCreated)
class PlaceCreated(ObjectEvent):
    def __init__(self, places, roots, place_type):
        super().__init__(places["en"])
        self.places = places
        self.roots = roots
        self.place_type = place_type
