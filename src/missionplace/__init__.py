"""MissionPlace: where Permanent Missions and the UN Secretariat work together."""

from zope.i18nmessageid import MessageFactory
import logging


PACKAGE_NAME = "missionplace"

_ = MessageFactory(PACKAGE_NAME)

logger = logging.getLogger(PACKAGE_NAME)


# Existing sites' data holds some old dotted names (see _moved.py).
from missionplace import _moved  # noqa: E402


_moved.register()
