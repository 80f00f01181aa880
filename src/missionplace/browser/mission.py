"""Shows which mission an item belongs to, under its title."""

from missionplace.ownership import owning_mission
from plone import api
from plone.app.layout.viewlets import ViewletBase


class OwningMissionViewlet(ViewletBase):
    def update(self):
        mission = owning_mission(self.context)
        self.mission = mission.name(api.portal.get_current_language()) if mission else None

    def render(self):
        return self.index() if self.mission else ""
