"""Moved to devstack/synthetic_register.py (development tools apart from the product). This alias remains
only while tests/unit/test_identity.py and tests/unit/test_owners_file.py import it from here; delete it
when those imports name devstack.synthetic_register."""

from devstack.synthetic_register import synthetic_national_id, synthetic_organisation_number

__all__ = ["synthetic_national_id", "synthetic_organisation_number"]
