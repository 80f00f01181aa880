"""Fixtures of tests/instance: the instance's own part (src/missionplace_instance) over a real server."""

from missionplace_instance.testing import MISSIONPLACE_INSTANCE_SERVER_TESTING
from pytest_plone import fixtures_factory
import pytest


globals().update(fixtures_factory(((MISSIONPLACE_INSTANCE_SERVER_TESTING, "instance_server"),)))


@pytest.fixture
def root_url(instance_server):
    """The Zope root of the test server, where the instance sends visitors on to the site."""
    return f"http://{instance_server['host']}:{instance_server['port']}"
