"""Test layers of MissionPlace (plone.app.testing), used by tests/conftest.py."""

from plone.app.contenttypes.testing import PLONE_APP_CONTENTTYPES_FIXTURE
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE
import missionplace


class MissionPlaceLayer(PloneSandboxLayer):
    """A Plone site with missionplace:default installed, as an admin would."""

    defaultBases = (PLONE_APP_CONTENTTYPES_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        from missionplace.common.languages import alias_chinese_catalogs

        self.loadZCML(package=missionplace)
        self.loadZCML(name="overrides.zcml", package=missionplace)
        alias_chinese_catalogs()

    def setUpPloneSite(self, portal):
        applyProfile(portal, "missionplace:default")


def testing_layers(fixture, name):
    """The integration, functional and server layers over ``fixture``, named MissionPlace:<name>Integration...

    The server layer runs a real waitress server on a free port, for HTTP and browser tests.
    """
    return (
        IntegrationTesting(bases=(fixture,), name=f"MissionPlace:{name}Integration"),
        FunctionalTesting(bases=(fixture,), name=f"MissionPlace:{name}Functional"),
        FunctionalTesting(bases=(fixture, WSGI_SERVER_FIXTURE), name=f"MissionPlace:{name}Server"),
    )


MISSIONPLACE_FIXTURE = MissionPlaceLayer()
MISSIONPLACE_INTEGRATION_TESTING, MISSIONPLACE_FUNCTIONAL_TESTING, MISSIONPLACE_SERVER_TESTING = testing_layers(
    MISSIONPLACE_FIXTURE, ""
)


class MissionPlaceDemoLayer(PloneSandboxLayer):
    """The site as `make run` makes it: the demo accounts and places too."""

    defaultBases = (MISSIONPLACE_FIXTURE,)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "missionplace:demo")


MISSIONPLACE_DEMO_FIXTURE = MissionPlaceDemoLayer()
(
    MISSIONPLACE_DEMO_INTEGRATION_TESTING,
    MISSIONPLACE_DEMO_FUNCTIONAL_TESTING,
    MISSIONPLACE_DEMO_SERVER_TESTING,
) = testing_layers(MISSIONPLACE_DEMO_FIXTURE, "Demo")
