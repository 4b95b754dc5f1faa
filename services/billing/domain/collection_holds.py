"""What holds reminders on an invoice: an objection to it (innsigelse) or an appeal case on the property
tax it carries. While a hold is open, the disputed amount is not reminded; the undisputed rest is (when the
rules say holds stop reminders, the default). An appeal's hold names the property and the tax year and
disputes the property-tax lines of that property and year on the invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.platform.money import Money


class HoldSource(StrEnum):
    OBJECTION = "objection"  # innsigelse registered on an invoice by an officer
    APPEAL = "appeal"  # a complaint on the property's tax (appeals' case), until it is closed


@dataclass(frozen=True)
class CollectionHold:
    hold_id: str
    account_id: str
    document_number: int
    source: HoldSource
    reference: str  # the appeal case id; "" for an objection
    disputed: Money  # 0: the whole open amount
    reason: str
    from_date: date
    until_date: date | None = None  # when settled / closed (the hold ends that day)
    property_id: str = ""  # an appeal's property ("" for an objection)
    tax_year: int = 0  # an appeal's tax year (0 for an objection)

    def active_on(self, day: date) -> bool:
        return self.from_date <= day and (self.until_date is None or day < self.until_date)


def disputed_amount(holds: Sequence[CollectionHold], open_total: Money, on: date) -> Money:
    """What of an invoice's open amount the holds active on `on` dispute: a whole-amount hold disputes all
    of it, else the sum of the disputed amounts, never more than the open amount."""
    active = [hold for hold in holds if hold.active_on(on)]
    if not active:
        return Money(0)
    if any(hold.disputed.ore == 0 for hold in active):
        return Money(max(open_total.ore, 0))
    return Money(max(0, min(open_total.ore, sum(hold.disputed.ore for hold in active))))
