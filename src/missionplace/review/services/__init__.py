"""REST services of review, one folder per service."""
