"""Fixtures of tests/common (the languages, pages and theme): the shared ones of ../conftest.py suffice."""
