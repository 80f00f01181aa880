"""REST services of CandiWeb, one folder per service."""
