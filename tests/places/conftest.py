"""Fixtures of tests/places: the shared ones of ../conftest.py suffice."""
