"""What installing and uninstalling the MissionPlace profiles does beyond XML."""

from missionplace import logger
from missionplace.languages import setup_languages
from pathlib import Path
from plone import api
from plone.base.interfaces import INonInstallable
from zope.interface import implementer
import base64


LOGO = Path(__file__).parent / "browser" / "static" / "logo.svg"


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


def post_install(context):
    """After missionplace:default: the six language root folders and the logo."""
    portal = api.portal.get()
    setup_languages(portal)
    set_logo()
    logger.info("MissionPlace installed with its six languages")


def uninstall(context):
    """Nothing beyond profiles/uninstall yet: language folders hold user content."""
