"""Fixtures of tests/setuphandlers (installing the profiles, the demo content): the shared ones of ../conftest.py suffice."""
