"""REST services of places, one folder per service."""
