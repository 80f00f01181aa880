"""Fixtures of tests/upgrades: test_upgrade.py opens its own database (a copy of fixtures/), not the shared layers."""
