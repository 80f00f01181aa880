"""Missions: the Permanent Missions of the 193 Member States and the two observer States.

Each mission is a Plone group ``mission-<iso3>`` (all its staff) with two
nested groups for the staff's functions: ``mission-<iso3>-editors`` and
``mission-<iso3>-focalpoints``.  Places grant roles to these groups (see
places/membership.py), so adding or removing a person from a mission takes
effect in every place at once.  The data ships in data/missions.csv.  Who
manages a mission's staff, and how, is in staff.py.
"""

from dataclasses import dataclass
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


def group_ids(user):
    """The ids of the groups ``user`` belongs to (none for the anonymous visitor)."""
    # The anonymous visitor (Zope's special user, without an id) belongs to no group.
    if user is None or user.getId() is None:
        return set()
    return set(user.getGroups())


def of_user(user, function=DELEGATE):
    """The missions in which ``user`` has ``function`` (delegate: any staff)."""
    groups = group_ids(user)
    return [m for m in missions().values() if m.function_group(function) in groups]


def functions_of(user, mission):
    groups = group_ids(user)
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


ADMIN_ROLES = {"Manager", "Site Administrator"}


def site_roles(user=None):
    """The roles ``user`` (default: the current user) holds on the site."""
    # getRolesInContext works for every kind of user, the Zope root's admin
    # included (who has no member data, so plone.api's get_roles fails on them).
    user = user if user is not None else api.user.get_current()
    return set(user.getRolesInContext(api.portal.get()))


def is_site_admin(user=None):
    return bool(ADMIN_ROLES & site_roles(user))
