"""Places and rooms, and the place types they are created from.

A place type (profiles/default/placetypes.json) names the starting rooms,
pages and forms of a place, the roles its members may have and its
publication policy.  Creating a place makes it in all six languages at once,
linked as translations and sharing one membership.
"""

from missionplace import _
from missionplace import forms
from missionplace import membership
from missionplace import policy
from missionplace import roles
from missionplace.interfaces import IPlace
from missionplace.languages import language_root
from missionplace.languages import OFFICIAL_LANGUAGES
from plone import api
from plone.app.multilingual.interfaces import ITranslationManager
from plone.app.textfield.value import RichTextValue
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.dexterity.utils import createContentInContainer
from plone.supermodel import model
from zope import schema
from zope.annotation.interfaces import IAnnotations
from zope.interface import provider
import json


ANNOTATION = "missionplace.place_types"


@provider(IFormFieldProvider)
class IPlaceSchema(model.Schema, IPlace):
    directives.omitted("place_type")
    place_type = schema.Choice(
        title=_("label_place_type", default="Place type"),
        vocabulary="missionplace.place_types",
        required=False,
    )


class PlaceTypeError(ValueError):
    pass


def place_types():
    """{id: place type} as the profiles defined them."""
    portal = api.portal.get()
    return dict(IAnnotations(portal).get(ANNOTATION, {}))


def import_place_types(context):
    """GenericSetup step: read placetypes.json of the profile being imported."""
    data = context.readDataFile("placetypes.json")
    if data is None:
        return
    annotations = IAnnotations(context.getSite())
    known = dict(annotations.get(ANNOTATION, {}))
    for place_type in json.loads(data):
        check_place_type(place_type)
        known[place_type["id"]] = place_type
    annotations[ANNOTATION] = known


def check_place_type(place_type):
    for key in ("id", "title", "policy", "member_roles", "rooms", "pages", "forms"):
        if key not in place_type:
            raise PlaceTypeError(f"place type {place_type.get('id')!r} does not say its {key!r}")
    found = policy.load(place_type["policy"])
    # "public": false is a promise: nothing in such a place is ever shown to visitors.
    if not place_type.get("public", False) and policy.is_public(found):
        raise PlaceTypeError(f"place type {place_type['id']!r} is not public, but policy {found['name']!r} is")
    unknown = set(place_type["member_roles"]) - set(roles.PLACE_ROLES)
    if unknown:
        raise PlaceTypeError(f"place type {place_type['id']!r}: unknown roles {sorted(unknown)}")
    for item in [place_type, *place_type["rooms"], *place_type["pages"], *place_type["forms"]]:
        missing = set(OFFICIAL_LANGUAGES) - set(item["title"])
        if missing:
            raise PlaceTypeError(f"{item.get('id', place_type['id'])!r}: no title in {sorted(missing)}")


def _text(item, key, language):
    values = item.get(key) or {}
    return values.get(language) or values.get("en") or ""


def _free_id(container, wanted):
    candidate, number = wanted, 1
    while candidate in container.objectIds():
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def _create_everywhere(containers, portal_type, item, **extra):
    """Create ``item`` in each language's container, linked as translations."""
    created = {}
    for language, container in containers.items():
        fields = {
            "title": _text(item, "title", language),
            "description": _text(item, "description", language),
            **extra,
        }
        text = _text(item, "text", language)
        if text:
            fields["text"] = RichTextValue(text, "text/html", "text/x-html-safe")
        # Created under its own id, with the type's add permission checked:
        # api.content.create renames a temporary id, which needs more rights.
        obj = createContentInContainer(
            container, portal_type, checkConstraints=True, id=_free_id(container, item["id"]), **fields
        )
        obj.setLanguage(language)
        created[language] = obj
    manager = ITranslationManager(created["en"])
    for language, obj in created.items():
        if language != "en" and not manager.has_translation(language):
            manager.register_translation(language, obj)
    return created


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
    places = _create_everywhere(roots, "Place", item, place_type=place_type_id)
    for place in places.values():
        policy.apply_to_place(place, place_type["policy"])
    shared = membership.init_membership(places["en"])
    creator = api.user.get_current().getId()
    if creator:
        shared.set(creator, roles.MODERATOR, creator)
        membership.share(places["en"], shared)
    for room in place_type["rooms"]:
        _create_everywhere(places, "Room", room)
    for page in place_type["pages"]:
        _create_everywhere(places, "Document", page)
    for form in place_type["forms"]:
        # With the fields and actions of its model, published; a "site" form lives in the language roots.
        forms.create_form(form, places, roots, _create_everywhere)
    return places["en"]
