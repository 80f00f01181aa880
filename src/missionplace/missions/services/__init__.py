"""REST services of missions, one folder per service."""
