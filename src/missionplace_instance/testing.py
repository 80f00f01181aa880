"""Test layers of the instance's own part (tests/instance): the add-on's site, the root traverser loaded too."""

from missionplace.testing import MISSIONPLACE_FIXTURE
from plone.app.testing import FunctionalTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGIServer
import missionplace_instance


class MissionPlaceInstanceLayer(PloneSandboxLayer):
    """What instance/site.zcml loads besides the add-on."""

    defaultBases = (MISSIONPLACE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        self.loadZCML(package=missionplace_instance)
        self.loadZCML(name="overrides.zcml", package=missionplace_instance)


MISSIONPLACE_INSTANCE_FIXTURE = MissionPlaceInstanceLayer()

# A real waitress server on a free port of its own, answering at the Zope root as the instance
# does.  Not the shared WSGI_SERVER_FIXTURE: its threads keep the component registry they first
# met, so a server started before this layer would never see the root traverser.
MISSIONPLACE_INSTANCE_SERVER = WSGIServer(
    bases=(MISSIONPLACE_INSTANCE_FIXTURE,), name="MissionPlaceInstance:WSGIServer"
)

MISSIONPLACE_INSTANCE_SERVER_TESTING = FunctionalTesting(
    bases=(MISSIONPLACE_INSTANCE_SERVER,),
    name="MissionPlaceInstance:Server",
)
