"""Fixtures of tests/workflows: the shared ones of ../conftest.py suffice."""
