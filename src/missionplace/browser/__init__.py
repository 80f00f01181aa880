"""Views of MissionPlace."""
