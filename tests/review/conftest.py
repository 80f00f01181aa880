"""Fixtures of tests/review: the shared ones of ../conftest.py suffice."""
