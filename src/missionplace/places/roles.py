"""The roles people hold in a place, with the titles the Sharing page shows.

The roles are granted only inside places (see membership.py), never globally:
a place is a closed space, so roles held elsewhere do not reach into it.
"""

from missionplace import _
from missionplace.interfaces import IPlace
from missionplace.permissions import MANAGE_MEMBERSHIP
from plone.app.workflow.interfaces import ISharingPageRole
from zope.interface import implementer


MODERATOR = "SecretariatModerator"
PLACE_MANAGER = "PlaceManager"
MISSION_EDITOR = "MissionEditor"
FOCAL_POINT = "MissionFocalPoint"
DELEGATE = "Delegate"
# First Committee places: the Committee's bureau gives the final approval.
BUREAU = "CommitteeBureau"
# Working-group places: the group's officers (chair, vice-chairs) publish.
OFFICER = "GroupOfficer"
# Computed, never assigned: the editors of the mission that owns an item.
MISSION_AUTHOR = "MissionAuthor"

# The group of the Secretariat's moderators: they hold MODERATOR on the site
# (setuphandlers), so they may create places and moderate those they create.
SECRETARIAT_MODERATORS = "secretariat-moderators"

PLACE_ROLES = (MODERATOR, PLACE_MANAGER, MISSION_EDITOR, FOCAL_POINT, DELEGATE, BUREAU, OFFICER)

TITLES = {
    MODERATOR: _("role_secretariat_moderator", default="Secretariat moderator"),
    PLACE_MANAGER: _("role_place_manager", default="Place manager"),
    MISSION_EDITOR: _("role_mission_editor", default="Mission editor"),
    FOCAL_POINT: _("role_mission_focal_point", default="Mission focal point"),
    DELEGATE: _("role_delegate", default="Delegate"),
    BUREAU: _("role_committee_bureau", default="Committee bureau"),
    OFFICER: _("role_group_officer", default="Working group officer"),
    MISSION_AUTHOR: _("role_mission_author", default="Editor of the owning mission"),
}


def _sharing_role(role):
    @implementer(ISharingPageRole)
    class SharingRole:
        title = TITLES[role]
        required_permission = MANAGE_MEMBERSHIP
        required_interface = IPlace

    SharingRole.__name__ = f"{role}SharingRole"
    return SharingRole


ModeratorRole = _sharing_role(MODERATOR)
PlaceManagerRole = _sharing_role(PLACE_MANAGER)
MissionEditorRole = _sharing_role(MISSION_EDITOR)
FocalPointRole = _sharing_role(FOCAL_POINT)
DelegateRole = _sharing_role(DELEGATE)
BureauRole = _sharing_role(BUREAU)
OfficerRole = _sharing_role(OFFICER)
