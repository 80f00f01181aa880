"""Rooms: the parts of a place; a room may follow another publication policy than its place."""

from missionplace import _
from missionplace.common.translations import translations
from missionplace.places.membership import top_place
from missionplace.places.types import place_types
from missionplace.workflows import policy


class RoomPolicyError(ValueError):
    """A policy a room cannot take; the message says why."""


def choosable_policies(room):
    """The policies ``room`` may follow: [{name, title, description}].

    A place whose type is not public keeps its promise in every room: no
    policy that shows anything to visitors.
    """
    place = top_place(room)
    place_type = place_types().get(getattr(place, "place_type", None), {})
    found = []
    for item in policy.all_policies():
        if item["name"] == "places":
            continue
        if policy.is_public(item) and not place_type.get("public", False):
            continue
        found.append({"name": item["name"], "title": item["title"], "description": item["description"]})
    return found


def set_room_policy(room, name):
    if room.portal_type != "Room":
        raise RoomPolicyError(_("error_policy_rooms_only", default="Only a room may follow another policy."))
    if name not in [item["name"] for item in choosable_policies(room)]:
        raise RoomPolicyError(
            _("error_policy_not_allowed", default="This room cannot follow the policy ${name}.", mapping={"name": name})
        )
    # Every translation of the room follows it, as they share their members.
    for translation in translations(room):
        policy.change_policy(translation, name)
