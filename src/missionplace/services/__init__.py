"""REST services of MissionPlace (plone.restapi), one folder per service."""
