"""MissionPlace's own permissions (declared in permissions.zcml, granted in rolemap.xml), and others' it checks."""

ADD_PLACE = "MissionPlace: Add Place"
ADD_ROOM = "MissionPlace: Add Room"
VIEW_MEMBERSHIP = "MissionPlace: View place membership"
MANAGE_MEMBERSHIP = "MissionPlace: Manage place membership"
ADD_ORGAN = "MissionPlace: Add Organ"
ADD_ELECTION = "MissionPlace: Add Election"
ADD_CANDIDATURE = "MissionPlace: Add Candidature"
RECORD_RESULTS = "MissionPlace: Record results"

# collective.easyform's, by its title (what Zope checks; easyform itself sometimes passes its id).
DOWNLOAD_SAVED_INPUT = "collective.easyform: Download Saved Input"
