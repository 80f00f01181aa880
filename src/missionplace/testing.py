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


MISSIONPLACE_FIXTURE = MissionPlaceLayer()

MISSIONPLACE_INTEGRATION_TESTING = IntegrationTesting(
    bases=(MISSIONPLACE_FIXTURE,),
    name="MissionPlace:Integration",
)

MISSIONPLACE_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(MISSIONPLACE_FIXTURE,),
    name="MissionPlace:Functional",
)

# A real waitress server on a free port, for HTTP and browser tests.
MISSIONPLACE_SERVER_TESTING = FunctionalTesting(
    bases=(MISSIONPLACE_FIXTURE, WSGI_SERVER_FIXTURE),
    name="MissionPlace:Server",
)


class MissionPlaceDemoLayer(PloneSandboxLayer):
    """The site as `make run` makes it: the demo accounts and places too."""

    defaultBases = (MISSIONPLACE_FIXTURE,)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "missionplace:demo")


MISSIONPLACE_DEMO_FIXTURE = MissionPlaceDemoLayer()

MISSIONPLACE_DEMO_INTEGRATION_TESTING = IntegrationTesting(
    bases=(MISSIONPLACE_DEMO_FIXTURE,),
    name="MissionPlace:DemoIntegration",
)

MISSIONPLACE_DEMO_SERVER_TESTING = FunctionalTesting(
    bases=(MISSIONPLACE_DEMO_FIXTURE, WSGI_SERVER_FIXTURE),
    name="MissionPlace:DemoServer",
)
