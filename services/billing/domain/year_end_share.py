"""The share of a year's invoices paid by its year end (Oslo reports 99.3 %), overall and per charge code.

Of what was invoiced with an issue date in the year (invoices, VAT included; credit notes are not counted as
invoiced), the part covered by 31 December by payments (matched by KID or allocated by hand) and by set-offs
(credit notes and overpayments applied to the invoice). Fees and interest are not what was invoiced, so only
the principal that was covered counts; write-offs are not payment. A payment's part per charge code is
split pro rata to the invoice's amounts per code (largest remainder), so the codes' parts add up exactly to
what was paid.
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


def year_end_share(year: int, invoices: Iterable[tuple[Mapping[str, Money], Money]]) -> YearEndShare:
    """From each invoice of the year: (its amount per charge code, VAT included; what was paid of it by
    31 December). Raises ValueError if an invoice was paid more than it charged (the ledger never covers
    more than is open)."""
    invoiced: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    count = 0
    for by_code, paid_on_invoice in invoices:
        count += 1
        codes = sorted(by_code)
        amounts = [max(0, by_code[c].ore) for c in codes]
        if paid_on_invoice.ore > sum(amounts):
            raise ValueError(f"{paid_on_invoice.ore} øre paid of an invoice of {sum(amounts)} øre")
        for code, amount, part in zip(
            codes, amounts, split_pro_rata(paid_on_invoice.ore, amounts), strict=True
        ):
            invoiced[code] += amount
            paid[code] += part
    return YearEndShare(
        year,
        count,
        Money(sum(invoiced.values())),
        Money(sum(paid.values())),
        tuple(CodeShare(c, Money(invoiced[c]), Money(paid[c])) for c in sorted(invoiced)),
    )
