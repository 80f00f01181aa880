"""A mission's staff: who manages it, giving functions, new accounts, leaving, and the record of it all.

A mission's focal points manage its ordinary staff; site administrators
manage anyone.  Someone who holds an office (a site-wide role, or a
Secretariat, manager, bureau or officer role in a place) is never a focal
point's to manage (places/membership.py: check_may_manage_person).  Staff
management therefore builds on places: it sits with the features, above them
(tests/layers.toml).
"""

from AccessControl import Unauthorized
from Acquisition import aq_parent
from datetime import datetime
from datetime import UTC
from missionplace import _
from missionplace.mail.queue import send
from missionplace.missions.mission import ADMIN_ROLES
from missionplace.missions.mission import DELEGATE
from missionplace.missions.mission import FUNCTIONS
from missionplace.missions.mission import functions_of
from missionplace.missions.mission import group_ids
from missionplace.missions.mission import is_site_admin
from missionplace.missions.mission import of_group
from missionplace.missions.mission import site_roles
from missionplace.places.membership import check_may_manage_person
from missionplace.places.roles import MODERATOR
from persistent.list import PersistentList
from plone import api
from zope.annotation.interfaces import IAnnotations
from zope.i18n import translate
import re
import secrets
import unicodedata


class StaffError(ValueError):
    """A staff change that cannot be made; the message says why."""


USER_ID = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{1,48}[a-z0-9])$")
MAX_FULLNAME = 100


def is_secretariat(user=None):
    """Site administrators and the Secretariat's moderators (the group that holds the role on the site)."""
    found = site_roles(user)
    return bool(ADMIN_ROLES & found) or MODERATOR in found


def may_manage_staff(mission, user=None):
    """Site administrators, and the mission's own focal points."""
    if is_site_admin(user):
        return True
    return mission.focal_points in group_ids(user if user is not None else api.user.get_current())


def may_see_history(mission, user=None):
    """Who manages the staff, and the Secretariat, who sees every staff change."""
    return may_manage_staff(mission, user) or is_secretariat(user)


def may_see_staff(mission, user=None):
    user = user if user is not None else api.user.get_current()
    return may_see_history(mission, user) or mission.id in group_ids(user)


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
    # account, with the Member role only, is all the elevation does.  Manager,
    # because adding to a group ("Manage Groups") and the password reset
    # ("Manage portal") are Manager's alone; Site Administrator has neither.
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
    actor = api.user.get_current()
    send(
        [user_id],
        NEW_ACCOUNT_SUBJECT,
        NEW_ACCOUNT_BODY,
        mapping={
            "actor": actor.getProperty("fullname", None) or actor.getId(),
            "fullname": fullname,
            # The mission's name and the function in English: mail.queue.send translates the message only.
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
    logs = IAnnotations(api.portal.get()).get("missionplace.staff_history", [])
    return [dict(entry) for entry in reversed(logs) if mission is None or entry["mission"] == mission.code]
