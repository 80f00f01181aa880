"""Marker interfaces of MissionPlace."""

from zope.interface import Interface
from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IMissionPlaceLayer(IDefaultBrowserLayer):
    """Browser layer: active on sites where the missionplace profile is installed."""


class IPlace(Interface):
    """Marker of places and rooms: folderish spaces with their own members."""


class IMissionOwned(Interface):
    """Marker of content that belongs to the mission whose editor created it."""
