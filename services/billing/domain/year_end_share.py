"""The share of a year's invoices paid by its year end (Oslo reports 99.3 %), overall and per charge code.

Of what was invoiced with an issue date in the year (invoices, VAT included) less what credit notes took off
them by 31 December (a credit note corrects the charge: it is not payment), the part covered by 31 December
by payments (matched by KID or allocated by hand) and by overpayments set off against the invoice. Fees and
interest are not what was invoiced, so only the principal that was covered counts; write-offs are not
payment. A credit note's part is taken off the invoice's codes the credit note names (pro rata to the
invoice's amounts of them; all its codes when those cannot carry it), and a payment's part per charge code is
split pro rata to what is left per code (largest remainder), so the codes' parts add up exactly to what was
credited and paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from services.billing.domain.allocation import split_pro_rata
from services.platform.money import Money


def percent(part: Money, whole: Money) -> Decimal:
    """part/whole in percent to one decimal (0 when nothing was invoiced)."""
    if whole.ore == 0:
        return Decimal(0)
    return (Decimal(100) * part.ore / whole.ore).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CodeShare:
    code: str
    invoiced: Money
    paid: Money

    @property
    def percent(self) -> Decimal:
        return percent(self.paid, self.invoiced)


@dataclass(frozen=True)
class YearEndShare:
    year: int
    invoices: int
    invoiced: Money
    paid: Money
    by_code: tuple[CodeShare, ...]  # by code

    @property
    def percent(self) -> Decimal:
        return percent(self.paid, self.invoiced)


@dataclass(frozen=True)
class Credited:
    """What one credit note took off an invoice by 31 December, and the charge codes the credit note names."""

    amount: Money
    codes: frozenset[str]


@dataclass(frozen=True)
class InvoiceOfYear:
    """An invoice of the year: its amount per charge code (VAT included), what payments and overpayments
    covered of it by 31 December, and what credit notes took off it by then."""

    by_code: Mapping[str, Money]
    paid: Money
    credited: tuple[Credited, ...] = ()


def _credited_by_code(codes: list[str], amounts: list[int], credits: Iterable[Credited]) -> list[int]:
    left = list(amounts)
    for credit in credits:
        named = [a if c in credit.codes else 0 for c, a in zip(codes, left, strict=True)]
        weights = named if sum(named) >= credit.amount.ore else left
        if credit.amount.ore > sum(weights):
            raise ValueError(f"{credit.amount.ore} øre credited of an invoice with {sum(left)} øre left")
        for n, part in enumerate(split_pro_rata(credit.amount.ore, weights)):
            left[n] -= part
    return [a - remaining for a, remaining in zip(amounts, left, strict=True)]


def year_end_share(year: int, invoices: Iterable[InvoiceOfYear]) -> YearEndShare:
    """From each invoice of the year (InvoiceOfYear). Raises ValueError if an invoice was credited or paid
    more than it charged (the ledger never covers more than is open)."""
    invoiced: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    count = 0
    for invoice in invoices:
        count += 1
        codes = sorted(invoice.by_code)
        amounts = [max(0, invoice.by_code[c].ore) for c in codes]
        credited = _credited_by_code(codes, amounts, invoice.credited)
        net = [a - c for a, c in zip(amounts, credited, strict=True)]
        if invoice.paid.ore > sum(net):
            raise ValueError(f"{invoice.paid.ore} øre paid of an invoice of {sum(net)} øre")
        for code, amount, part in zip(codes, net, split_pro_rata(invoice.paid.ore, net), strict=True):
            invoiced[code] += amount
            paid[code] += part
    return YearEndShare(
        year,
        count,
        Money(sum(invoiced.values())),
        Money(sum(paid.values())),
        tuple(CodeShare(c, Money(invoiced[c]), Money(paid[c])) for c in sorted(invoiced)),
    )
