"""Places: closed spaces with their own members, created from a place type in all six languages at once.

Creating a place makes it in every language root, linked as translations and
sharing one membership, with the rooms and pages its place type
(places/types.py) names; then ``IPlaceCreated`` is notified, so that what
builds on places (the forms of the place type) adds its part.
"""

from missionplace import _
from missionplace.common.languages import language_root
from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.common.translations import create_in_languages
from missionplace.interfaces import IPlace
from missionplace.places import membership
from missionplace.places import roles
from missionplace.places.events import PlaceCreated
from missionplace.places.types import place_types
from missionplace.places.types import PlaceTypeError
from missionplace.workflows import policy
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from zope import schema
from zope.event import notify
from zope.interface import provider


@provider(IFormFieldProvider)
class IPlaceSchema(model.Schema, IPlace):
    directives.omitted("place_type")
    place_type = schema.Choice(
        title=_("label_place_type", default="Place type"),
        vocabulary="missionplace.place_types",
        required=False,
    )


def _text(item, key, language):
    values = item.get(key) or {}
    return values.get(language) or values.get("en") or ""


def create_everywhere(containers, portal_type, item, **extra):
    """Create ``item`` of a place type (a room, page or form) in each language's container, linked as translations.

    Its title, description and text come from the item's {language: text}
    entries (English where a language has none); ``extra`` are further fields.
    """

    def fields(language):
        values = {"title": _text(item, "title", language), "description": _text(item, "description", language), **extra}
        text = _text(item, "text", language)
        if text:
            values["text"] = RichTextValue(text, "text/html", "text/x-html-safe")
        return values

    return create_in_languages(containers, portal_type, item["id"], fields)


def create_place(place_type_id, place_id=None, title=None):
    """Create a place of a place type in the six language roots; returns the English one.

    ``title`` (optional) replaces the place type's title: one text for every
    language, or a {language: text} mapping.
    The creator becomes the place's Secretariat moderator.
    """
    place_type = place_types().get(place_type_id)
    if place_type is None:
        raise PlaceTypeError(f"Unknown place type: {place_type_id}")
    portal = api.portal.get()
    roots = {lang: language_root(portal, lang) for lang in OFFICIAL_LANGUAGES}
    item = dict(place_type, id=place_id or place_type["id"])
    if title:
        item["title"] = title if isinstance(title, dict) else dict.fromkeys(OFFICIAL_LANGUAGES, title)
    places = create_everywhere(roots, "Place", item, place_type=place_type_id)
    for place in places.values():
        policy.apply_to_place(place, place_type["policy"])
    shared = membership.init_membership(places["en"])
    creator = api.user.get_current().getId()
    if creator:
        shared.set(creator, roles.MODERATOR, creator)
        membership.share(places["en"], shared)
    for room in place_type["rooms"]:
        create_everywhere(places, "Room", room)
    for page in place_type["pages"]:
        create_everywhere(places, "Document", page)
    # The forms (missionplace.forms), and whatever else builds on a new place.
    notify(PlaceCreated(places, roots, place_type))
    return places["en"]
