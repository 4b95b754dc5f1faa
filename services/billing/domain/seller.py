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


# The example issuer of services/billing/seller.yaml: what a policy names when it is given none (tests,
# benchmarks). A deployment reads its own file (Settings.seller_file); a unit test keeps the two equal.
EXAMPLE_SELLER = Seller(
    name="Oslo kommune Eiendomsskatte- og gebyrkontoret (eksempel)",
    organisation_number="974760673",
    vat_number="NO974760673MVA",
    street="Postboks 1, Sentrum",
    postcode="0037",
    city="Oslo",
    bank_account="12345678903",
    complaints_to="Skriv til oss innen seks uker etter at regningen ble sendt.",
)
