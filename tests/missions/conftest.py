"""Fixtures of tests/missions: the shared ones of ../conftest.py suffice."""
