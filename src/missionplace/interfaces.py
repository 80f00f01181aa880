"""Marker interfaces of MissionPlace."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IMissionPlaceLayer(IDefaultBrowserLayer):
    """Browser layer: active on sites where the missionplace profile is installed."""
