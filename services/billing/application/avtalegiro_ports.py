"""What AvtaleGiro (direct debit) needs from storage: the agreements the bank reported (part of the billing
unit of work). SQL: adapters/avtalegiro_repository.py; in memory: tests/fakes/avtalegiro.py."""

from __future__ import annotations

from typing import Protocol


class AgreementStore(Protocol):
    """Recipients' AvtaleGiro agreements by KID, as the bank's agreements files reported them."""
