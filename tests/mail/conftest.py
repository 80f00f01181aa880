"""Fixtures of tests/mail: ``smtp`` and ``server_portal`` are shared with tests/security (../conftest.py)."""
