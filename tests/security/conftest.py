"""Fixtures of tests/security: the shared ones of ../conftest.py suffice (matrix.py and adversarial.py hold its helpers)."""
