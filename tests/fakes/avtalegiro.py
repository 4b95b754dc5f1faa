"""AvtaleGiro agreements in memory (services/billing/application/avtalegiro_ports.py)."""

from __future__ import annotations


class FakeAgreements:
    pass
