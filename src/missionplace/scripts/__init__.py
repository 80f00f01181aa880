"""Command-line tools of MissionPlace."""
