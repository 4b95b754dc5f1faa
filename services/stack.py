"""Moved to devstack/stack.py (development tools apart from the product). This alias remains only while
tests/conftest.py imports it from here; delete it when that import names devstack.stack."""

from devstack.stack import Stack

__all__ = ["Stack"]
