"""Upgrade steps of the missionplace:default profile (see configure.zcml)."""
