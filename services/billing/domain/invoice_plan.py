"""Planning one invoice: the lines an invoice recipient owes for a period, what was carried forward, the
minimum amount rule, and the due date. Pure: the billing run stores and numbers what this decides."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

from services.billing.domain.intervals import Period
from services.platform.business_days import on_or_after_banking_day
from services.platform.money import Money

_T = TypeVar("_T")


@dataclass(frozen=True)
class ChargeLine:
    property_id: str
    code: str  # "property_tax", "water_consumption", "waste", …
    description: str  # Norwegian: printed on the invoice
    period: Period
    amount: Money  # excluding VAT
    vat_rate: Decimal = Decimal(0)
    # What the year's charge is reckoned from ("98,3 m³ × 13,40 kr"), for the document issued now: the
    # invoice keeps it with its parties (document_parties_store), not with its lines.
    basis: str = field(default="", compare=False)


class _ComputedOnce(Generic[_T]):
    """functools.cached_property without its lock: Python 3.11 takes one lock, shared by every instance,
    on each first read, which cost a billing run more than the sums it guards. A draft is made and read
    by one thread (two threads would at worst work out the same value twice)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self._compute = compute
        self._name = compute.__name__

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> _ComputedOnce[_T]: ...

    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> _T: ...

    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> _T | _ComputedOnce[_T]:
        if instance is None:
            return self
        value = self._compute(instance)
        instance.__dict__[self._name] = value  # read from the instance from now on, as cached_property does
        return value


@dataclass(frozen=True)
class InvoiceDraft:
    account_id: str
    period: Period
    lines: tuple[ChargeLine, ...]

    @_ComputedOnce
    def _vat(self) -> dict[Decimal, Money]:
        return self.vat_by_rate()

    def vat_by_rate(self) -> dict[Decimal, Money]:
        sums: dict[Decimal, int] = {}
        for line in self.lines:
            sums[line.vat_rate] = sums.get(line.vat_rate, 0) + line.amount.ore
        return {rate: Money.rounded(Money(ore).nok * rate) for rate, ore in sorted(sums.items()) if rate}

    @_ComputedOnce
    def net(self) -> Money:
        return Money(sum(line.amount.ore for line in self.lines))

    @_ComputedOnce
    def total(self) -> Money:
        return self.net + Money(sum(v.ore for v in self._vat.values()))


@dataclass(frozen=True)
class CarriedForward:
    """Too little to invoice now: the lines wait for the recipient's next invoice."""

    account_id: str
    lines: tuple[ChargeLine, ...]
    total: Money


def plan_invoice(
    account_id: str,
    period: Period,
    lines: Sequence[ChargeLine],
    carried_in: Sequence[ChargeLine],
    minimum: Money,
) -> InvoiceDraft | CarriedForward | None:
    """An invoice for the period's lines plus what was carried forward, unless the total is positive and
    under the minimum (then everything is carried forward again). Credits are never held back."""
    all_lines = tuple(
        sorted([*carried_in, *lines], key=lambda line: (line.property_id, line.period, line.code))
    )
    if not all_lines:
        return None
    draft = InvoiceDraft(account_id, period, all_lines)
    if 0 < draft.total.ore < minimum.ore:
        return CarriedForward(account_id, all_lines, draft.total)
    if draft.total.ore == 0:
        return None
    return draft


def due_date(issue_date: date, payment_days: int) -> date:
    """`payment_days` after issue, moved to the next banking day when it falls on a weekend, a public
    holiday or a day banks do not settle (24 December): a payment is only settled on a banking day."""
    if payment_days < 0:
        raise ValueError("payment days are not negative")
    return on_or_after_banking_day(issue_date + timedelta(days=payment_days))
