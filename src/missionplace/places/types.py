"""Place types: the templates new places are made from (profiles/default/placetypes.json).

A place type names the starting rooms, pages and forms of a place, the roles
its members may have, its publication policy and, for CandiWeb, the record
types it holds.  The types are read by a GenericSetup step into the site's
annotations.
"""

from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.places import roles
from missionplace.workflows import policy
from plone import api
from zope.annotation.interfaces import IAnnotations
import json


# Where the site keeps them; existing sites hold them under this key.
ANNOTATION = "missionplace.place_types"


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
