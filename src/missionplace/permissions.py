"""MissionPlace's own permissions (declared in permissions.zcml, granted in rolemap.xml)."""

ADD_PLACE = "MissionPlace: Add Place"
ADD_ROOM = "MissionPlace: Add Room"
VIEW_MEMBERSHIP = "MissionPlace: View place membership"
MANAGE_MEMBERSHIP = "MissionPlace: Manage place membership"
