"""What installing and uninstalling the MissionPlace profiles does beyond XML (the demo profile: demo.py)."""

from missionplace import logger
from missionplace.common.languages import setup_languages
from missionplace.missions import mission
from missionplace.places import roles
from missionplace.security import localroles
from missionplace.security import logins
from missionplace.security import sessions
from pathlib import Path
from plone import api
from plone.base.interfaces import INonInstallable
from zope.interface import implementer
import base64


LOGO = Path(__file__).parent / "logo.svg"


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Profiles that the add-ons control panel does not offer."""
        return ["missionplace:uninstall"]

    def getNonInstallableProducts(self):
        return []


def set_logo():
    """MissionPlace's logo, unless the site has one of its own already."""
    if api.portal.get_registry_record("plone.site_logo"):
        return
    name = base64.b64encode(LOGO.name.encode()).decode()
    data = base64.b64encode(LOGO.read_bytes()).decode()
    api.portal.set_registry_record("plone.site_logo", f"filenameb64:{name};datab64:{data}".encode())


def setup_secretariat(portal):
    """The group whose members may create places (and moderate the ones they create)."""
    if api.group.get(groupname=roles.SECRETARIAT_MODERATORS) is None:
        api.group.create(
            groupname=roles.SECRETARIAT_MODERATORS,
            title="Secretariat moderators",
            description="UN Secretariat staff who create places and moderate them.",
        )
    # Local, not global: places block inherited roles, so this role does not
    # reach into places the person does not moderate.
    portal.manage_setLocalRoles(roles.SECRETARIAT_MODERATORS, [roles.MODERATOR])


def post_install(context):
    """After missionplace:default: languages, logo, missions, the Secretariat.

    The policies' workflows, chains and placeful policies are the profile's
    own files (workflows.xml, portal_placeful_workflow.xml: `make policies`).
    """
    portal = api.portal.get()
    setup_languages(portal)
    set_logo()
    mission.load_missions(portal)
    setup_secretariat(portal)
    # Authorship roles stay on their item (borg's plugin let them reach down).
    localroles.install(portal)
    # Failed logins throttled and audited; sessions and REST tokens end at logout.
    logins.install(portal)
    sessions.setup_sessions(portal)
    logger.info("MissionPlace installed with its six languages")


def uninstall(context):
    """Beyond profiles/uninstall: borg's local-role plugin and Plone's comment workflow come back.

    Language folders hold user content: they stay.
    """
    portal = api.portal.get()
    localroles.uninstall(portal)
    logins.uninstall(portal)
    api.portal.get_tool("portal_workflow").setChainForPortalTypes(("Discussion Item",), ("comment_one_state_workflow",))
