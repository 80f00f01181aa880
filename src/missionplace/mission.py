"""Missions: the Permanent Missions of the 193 Member States and the two observer States.

Each mission is a Plone group ``mission-<iso3>`` (all its staff) with two
nested groups for the staff's functions: ``mission-<iso3>-editors`` and
``mission-<iso3>-focalpoints``.  Places grant roles to these groups (see
membership.py), so adding or removing a person from a mission takes effect in
every place at once.  The data ships in data/missions.csv.
"""

from AccessControl import Unauthorized
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from missionplace import _
from missionplace import logger
from missionplace import roles
from pathlib import Path
from plone import api
import csv
import re
import secrets
import unicodedata


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


# What an ordinary account holds site-wide; anything more is an office.
ORDINARY_SITE_ROLES = {"Member", "Authenticated"}
ADMIN_ROLES = {"Manager", "Site Administrator"}
# Place roles that are offices, not a mission's staff: a focal point never manages their holders.
OFFICE_ROLES = (roles.MODERATOR, roles.PLACE_MANAGER, roles.BUREAU, roles.OFFICER)
USER_ID = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{1,48}[a-z0-9])$")
MAX_FULLNAME = 100


def _site_roles(user):
    # getRolesInContext works for every kind of user, the Zope root's admin
    # included (who has no member data, so plone.api's get_roles fails on them).
    user = user if user is not None else api.user.get_current()
    return set(user.getRolesInContext(api.portal.get()))


def is_site_admin(user=None):
    return bool(ADMIN_ROLES & _site_roles(user))


def is_secretariat(user=None):
    """Site administrators and the Secretariat's moderators (the group that holds the role on the site)."""
    found = _site_roles(user)
    return bool(ADMIN_ROLES & found) or roles.MODERATOR in found


def holds_office(user):
    """Whether ``user`` holds more than a mission's staff do: any site-wide role
    (Manager, Site Administrator, Reviewer, the Secretariat's moderator role...)
    or a Secretariat, manager, bureau or officer role in any place."""
    from missionplace import membership

    if _site_roles(user) - ORDINARY_SITE_ROLES:
        return True
    return bool(set(membership.place_roles_of(user.getId())) & set(OFFICE_ROLES))


def may_manage_staff(mission, user=None):
    """Site administrators, and the mission's own focal points."""
    if is_site_admin(user):
        return True
    return mission.focal_points in _group_ids(user if user is not None else api.user.get_current())


def may_see_history(mission, user=None):
    """Who manages the staff, and the Secretariat, who sees every staff change."""
    return may_manage_staff(mission, user) or is_secretariat(user)


def may_see_staff(mission, user=None):
    user = user if user is not None else api.user.get_current()
    return may_see_history(mission, user) or mission.id in _group_ids(user)


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


def _mission_name(mission):
    return mission.name(api.portal.get_current_language())


def _check(mission):
    if not may_manage_staff(mission):
        raise Unauthorized(
            _(
                "error_not_focal_point",
                default="Only the focal points of ${mission} change its staff.",
                mapping={"mission": _mission_name(mission)},
            )
        )


def _check_function(function):
    if not isinstance(function, str) or function not in FUNCTIONS:
        raise StaffError(
            _("error_unknown_function", default="Unknown function: ${function}.", mapping={"function": str(function)})
        )


def _person(user_id):
    person = api.user.get(userid=user_id) if isinstance(user_id, str) and user_id else None
    if person is None or of_group(user_id) is not None or api.group.get(groupname=user_id) is not None:
        raise StaffError(_("error_unknown_user", default="No such person: ${user}.", mapping={"user": str(user_id)}))
    return person


def check_may_manage_person(mission, person):
    """A focal point manages only their own mission's ordinary staff.

    Never a person who is staff of another mission, or who holds an office
    (site-wide role, or a Secretariat, manager, bureau or officer role in a
    place): only site administrators change those.
    """
    if is_site_admin():
        return
    mapping = {"user": person.getId(), "mission": _mission_name(mission)}
    if mission.id not in _group_ids(person):
        raise Unauthorized(
            _(
                "error_not_own_staff",
                default="${user} is not staff of ${mission}: a focal point adds new people by creating their account.",
                mapping=mapping,
            )
        )
    if any(other != mission for other in of_user(person)):
        raise Unauthorized(
            _(
                "error_staff_of_other_mission",
                default="${user} is also staff of another mission: only a site administrator changes their functions.",
                mapping=mapping,
            )
        )
    if holds_office(person):
        raise Unauthorized(
            _(
                "error_staff_holds_office",
                default="${user} holds a Secretariat, manager, bureau or officer role: "
                "only a site administrator changes their functions.",
                mapping=mapping,
            )
        )


def add_staff(mission, user_id, function):
    """Give a person ``function`` (delegate, editor, focalpoint) in ``mission``.

    Site administrators may name any account; a focal point only their own
    mission's staff (to give them another function): new people get a new
    account (create_staff_account).
    """
    _check(mission)
    _check_function(function)
    person = _person(user_id)
    check_may_manage_person(mission, person)
    api.group.add_user(groupname=mission.function_group(function), username=person.getId())
    _log(mission, "added", person.getId(), function)


def validate_new_account(user_id, fullname, email):
    """The reason a new account is refused, or None."""
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        return _(
            "error_bad_user_id",
            default="A user name has 3 to 50 characters: lower-case letters, digits, dots, hyphens "
            "and underscores, beginning and ending with a letter or digit.",
        )
    if not api.portal.get_tool("portal_registration").isMemberIdAllowed(user_id) or _root_user_exists(user_id):
        return _("error_user_id_taken", default="The user name ${user} is taken.", mapping={"user": user_id})
    if (
        not isinstance(fullname, str)
        or not fullname.strip()
        or len(fullname.strip()) > MAX_FULLNAME
        or any(unicodedata.category(c).startswith("C") for c in fullname)
    ):
        return _("error_bad_fullname", default="Give the person's full name (at most 100 characters).")
    if (
        not isinstance(email, str)
        or len(email) > 254
        or not api.portal.get_tool("portal_registration").isValidEmail(email.strip())
    ):
        return _("error_bad_email", default="Give a valid e-mail address.")
    return None


def _root_user_exists(user_id):
    # The Zope root's own users (the site owner) are not in the site's user folder.
    from Acquisition import aq_parent

    root = aq_parent(api.portal.get())
    users = getattr(root, "acl_users", None)
    return users is not None and users.getUserById(user_id) is not None


NEW_ACCOUNT_SUBJECT = _("mail_new_staff_account_subject", default="Your MissionPlace account for ${mission}")
NEW_ACCOUNT_BODY = _(
    "mail_new_staff_account_body",
    default="${actor} created a MissionPlace account for you, ${fullname}, as ${function} of ${mission}.\n\n"
    "Your user name: ${user}\nChoose your password here (the link works once, until ${expires}):\n${url}",
)


def create_staff_account(mission, user_id, fullname, email, function=DELEGATE):
    """A new account that is only ever ``mission``'s staff, created by its focal point.

    The person gets an e-mail with a link to choose their password.
    """
    _check(mission)
    _check_function(function)
    problem = validate_new_account(user_id, fullname, email)
    if problem:
        raise StaffError(problem)
    fullname, email = fullname.strip(), email.strip()
    # A focal point may not manage users in general: creating this one
    # account, with the Member role only, is all the elevation does.
    with api.env.adopt_roles(["Manager"]):
        api.user.create(
            email=email,
            username=user_id,
            password=secrets.token_urlsafe(32),
            roles=("Member",),
            properties={"fullname": fullname},
        )
        api.group.add_user(groupname=mission.function_group(function), username=user_id)
        reset = api.portal.get_tool("portal_password_reset").requestReset(user_id)
    _log(mission, "created", user_id, function)
    _mail_new_account(mission, user_id, fullname, function, reset)
    return api.user.get(userid=user_id)


def _mail_new_account(mission, user_id, fullname, function, reset):
    from missionplace import mail
    from zope.i18n import translate

    actor = api.user.get_current()
    mail.send(
        [user_id],
        NEW_ACCOUNT_SUBJECT,
        NEW_ACCOUNT_BODY,
        mapping={
            "actor": actor.getProperty("fullname", None) or actor.getId(),
            "fullname": fullname,
            # The mission's name and the function in English: mail.send translates the message only.
            "mission": mission.name("en"),
            "function": translate(FUNCTIONS[function], target_language="en"),
            "user": user_id,
            "expires": reset["expires"].strftime("%Y-%m-%d %H:%M UTC"),
            "url": f"{api.portal.get().absolute_url()}/passwordreset/{reset['randomstring']}?userid={user_id}",
        },
    )


def remove_staff(mission, user_id):
    """The person leaves the mission: every function, at once, in every place."""
    _check(mission)
    user = api.user.get(userid=user_id) if isinstance(user_id, str) and user_id else None
    functions = functions_of(user, mission) if user is not None else []
    if not functions:
        raise StaffError(
            _("error_not_staff", default="${user} is not staff of this mission.", mapping={"user": str(user_id)})
        )
    check_may_manage_person(mission, user)
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


def staff_history(mission=None):
    """The staff changes of ``mission`` (of every mission when None), newest first."""
    from zope.annotation.interfaces import IAnnotations

    logs = IAnnotations(api.portal.get()).get("missionplace.staff_history", [])
    return [dict(entry) for entry in reversed(logs) if mission is None or entry["mission"] == mission.code]
