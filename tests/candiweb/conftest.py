"""Fixtures of tests/candiweb: the shared ones of ../conftest.py suffice."""
