"""The invoice issuer: the municipality (its revenue office)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seller:
    name: str
    organisation_number: str
    vat_number: str
    street: str
    postcode: str
    city: str
    bank_account: str
    complaints_to: str
