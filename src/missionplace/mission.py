"""Missions: the Permanent Missions of the 193 Member States and the two observer States.

Each mission is a Plone group ``mission-<iso3>`` (all its staff) with two
nested groups for the staff's functions: ``mission-<iso3>-editors`` and
``mission-<iso3>-focalpoints``.  Places grant roles to these groups (see
membership.py), so adding or removing a person from a mission takes effect in
every place at once.  The data ships in data/missions.csv.
"""

from dataclasses import dataclass
from datetime import UTC
from functools import cache
from missionplace import _
from missionplace import logger
from pathlib import Path
from plone import api
import csv


DATA = Path(__file__).parent / "data" / "missions.csv"
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")

REGIONAL_GROUPS = {
    "african": _("group_african", default="African States"),
    "asia-pacific": _("group_asia_pacific", default="Asia-Pacific States"),
    "eastern-european": _("group_eastern_european", default="Eastern European States"),
    "latin-american-caribbean": _("group_latin_american_caribbean", default="Latin American and Caribbean States"),
    "western-european-others": _("group_western_european_others", default="Western European and other States"),
}

# The functions a person can have in their mission.
EDITOR = "editor"
FOCAL_POINT = "focalpoint"
DELEGATE = "delegate"
FUNCTIONS = {
    DELEGATE: _("function_delegate", default="Delegate"),
    EDITOR: _("function_editor", default="Mission editor"),
    FOCAL_POINT: _("function_focal_point", default="Mission focal point"),
}


@dataclass(frozen=True)
class Mission:
    code: str  # ISO 3166 alpha-3, lower case
    regional_group: str  # "" for the observer States
    names: tuple  # ((language, name), ...)

    @property
    def id(self):
        return f"mission-{self.code}"

    @property
    def editors(self):
        return f"mission-{self.code}-editors"

    @property
    def focal_points(self):
        return f"mission-{self.code}-focalpoints"

    def function_group(self, function):
        return {DELEGATE: self.id, EDITOR: self.editors, FOCAL_POINT: self.focal_points}[function]

    def name(self, language="en"):
        names = dict(self.names)
        return names.get(language) or names["en"]


@cache
def missions():
    """All missions by code, in the order of their English names."""
    with DATA.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        row["iso3"].lower(): Mission(
            code=row["iso3"].lower(),
            regional_group=row["group"],
            names=tuple((lang, row[f"name_{lang}"]) for lang in LANGUAGES),
        )
        for row in rows
    }


def get(code):
    return missions().get((code or "").lower())


def of_group(group_id):
    """The mission whose group (or function group) this is, else None."""
    parts = (group_id or "").split("-")
    if len(parts) in (2, 3) and parts[0] == "mission":
        found = get(parts[1])
        if found is not None and group_id in (found.id, found.editors, found.focal_points):
            return found
    return None


def _group_ids(user):
    # The anonymous visitor (Zope's special user, without an id) belongs to no group.
    if user is None or user.getId() is None:
        return set()
    return set(user.getGroups())


def of_user(user, function=DELEGATE):
    """The missions in which ``user`` has ``function`` (delegate: any staff)."""
    groups = _group_ids(user)
    return [m for m in missions().values() if m.function_group(function) in groups]


def functions_of(user, mission):
    groups = _group_ids(user)
    return [f for f in FUNCTIONS if mission.function_group(f) in groups]


def load_missions(portal=None):
    """Create the mission groups that are missing; running it again changes nothing."""
    groups = api.portal.get_tool("portal_groups")
    existing = set(groups.getGroupIds())
    created = 0
    for index, mission in enumerate(missions().values(), start=1):
        name = mission.name("en")
        for group_id, title in (
            (mission.id, name),
            (mission.editors, f"{name}: mission editors"),
            (mission.focal_points, f"{name}: mission focal points"),
        ):
            if group_id not in existing:
                api.group.create(groupname=group_id, title=title, description=mission.regional_group)
                created += 1
        for sub in (mission.editors, mission.focal_points):
            # Nested groups: an editor of France is staff of France.
            if mission.id not in groups.getGroupById(sub).getGroups():
                groups.addPrincipalToGroup(sub, mission.id)
        if index % 50 == 0:
            logger.info("missions: %d of %d", index, len(missions()))
    logger.info("missions: %d loaded, %d groups created", len(missions()), created)


class StaffError(ValueError):
    """A staff change that cannot be made; the message says why."""


def may_manage_staff(mission, user=None):
    """Site administrators, and the mission's own focal points."""
    user = user or api.user.get_current()
    if api.user.has_permission("Manage portal", user=user) or "Site Administrator" in api.user.get_roles(user=user):
        return True
    return mission.focal_points in _group_ids(user)


def staff(mission):
    """[{user, fullname, functions}] of a mission."""
    found = {}
    for function in FUNCTIONS:
        # Only people: the function groups are themselves members of mission-xxx.
        for user in api.user.get_users(groupname=mission.function_group(function)):
            if of_group(user.getId()) is not None:
                continue
            found.setdefault(
                user.getId(),
                {"user": user.getId(), "fullname": user.getProperty("fullname") or user.getId(), "functions": set()},
            )
    for entry in found.values():
        user = api.user.get(userid=entry["user"])
        entry["functions"] = functions_of(user, mission)
    return sorted(found.values(), key=lambda e: e["fullname"].lower())


def _check(mission):
    from AccessControl import Unauthorized

    if not may_manage_staff(mission):
        raise Unauthorized(
            _(
                "error_not_focal_point",
                default="Only the focal points of ${mission} change its staff.",
                mapping={"mission": mission.name(api.portal.get_current_language())},
            )
        )


def add_staff(mission, user_id, function):
    """Make a person staff of ``mission`` with ``function`` (delegate, editor, focalpoint)."""
    _check(mission)
    if function not in FUNCTIONS:
        raise StaffError(
            _("error_unknown_function", default="Unknown function: ${function}.", mapping={"function": function})
        )
    if api.user.get(userid=user_id) is None:
        raise StaffError(_("error_unknown_user", default="No such person: ${user}.", mapping={"user": user_id}))
    api.group.add_user(groupname=mission.function_group(function), username=user_id)
    _log(mission, "added", user_id, function)


def remove_staff(mission, user_id):
    """The person leaves the mission: every function, at once, in every place."""
    _check(mission)
    user = api.user.get(userid=user_id)
    functions = functions_of(user, mission) if user is not None else []
    if not functions:
        raise StaffError(
            _("error_not_staff", default="${user} is not staff of this mission.", mapping={"user": user_id})
        )
    for function in FUNCTIONS:
        if user_id in [u.getId() for u in api.user.get_users(groupname=mission.function_group(function))]:
            api.group.remove_user(groupname=mission.function_group(function), username=user_id)
    _log(mission, "removed", user_id, None)


def _log(mission, action, user_id, function):
    from datetime import datetime
    from persistent.list import PersistentList
    from zope.annotation.interfaces import IAnnotations

    annotations = IAnnotations(api.portal.get())
    logs = annotations.setdefault("missionplace.staff_history", PersistentList())
    logs.append(
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor": api.user.get_current().getId(),
            "mission": mission.code,
            "action": action,
            "user": user_id,
            "function": function,
        }
    )


def staff_history(mission):
    from zope.annotation.interfaces import IAnnotations

    logs = IAnnotations(api.portal.get()).get("missionplace.staff_history", [])
    return [entry for entry in reversed(logs) if entry["mission"] == mission.code]
