"""MissionPlace: where Permanent Missions and the UN Secretariat work together."""

from zope.i18nmessageid import MessageFactory
import logging


PACKAGE_NAME = "missionplace"

_ = MessageFactory(PACKAGE_NAME)

logger = logging.getLogger(PACKAGE_NAME)
