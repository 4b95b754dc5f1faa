"""What an invoice recipient owes in a billing run, per property and charge, split into what the new
invoice carries and what corrects invoices already issued.

Everything is worked out from two sums per property and charge: what is due for the year up to a day
(the yearly amount spread over the months and prorated by day and share, `holder_parts`: the parts of
all holders of a property are worked out together, so co-owners' parts add up to the property's) and what
has been invoiced for the year so far. `billed_through` is the end of the last period the recipient was
invoiced for that year:

- over-invoiced up to `billed_through` (a lower tax base, a sale, a fee that no longer applies) → credit
  lines, which go on a credit note of their own, because an issued invoice is never changed;
- due for the new period, plus anything earlier that was never invoiced (carried forward under the
  minimum, a higher tax base) → the lines of the new invoice;
- a recipient who is not due this month but was flagged for correction gets its under-invoiced part as a
  supplementary invoice; one flagged but never invoiced to the end of its current term (a new owner) is
  given that term as `period` by the plan (application/term_plan.py), and invoiced for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.billing.domain.charges import Holding, amount_in_months, holder_parts, whole_months_held
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.platform.money import Money


@dataclass(frozen=True)
class AnnualCharge:
    """One charge a property pays for a year: the property tax, or one fee line."""

    code: str
    description: str  # Norwegian: printed on the invoice
    annual: Money  # excluding VAT
    vat_rate: Decimal = Decimal(0)
    basis: str = ""  # a fee's quantity × unit price, as the invoice shows it ("98,3 m³ × 13,40 kr")


@dataclass(frozen=True)
class PropertyCharges:
    property_id: str
    charges: tuple[AnnualCharge, ...]
    changes: tuple[date, ...] = ()  # ownership change dates: amounts are split by day at them
    # Everyone who holds or held the property, (account, holding): co-owners' parts are split together.
    # Empty: only the recipient's own holdings are known (each share is then split off alone).
    holders: tuple[tuple[str, Holding], ...] = ()


@dataclass(frozen=True)
class Invoiced:
    amount: Money
    description: str
    vat_rate: Decimal


@dataclass(frozen=True)
class AccountYear:
    """One recipient's year: what it holds, what it has been invoiced and for which days."""

    account_id: str
    year: int
    holdings: Sequence[tuple[str, Holding]]
    invoiced: Mapping[tuple[str, str], Invoiced]  # (property_id, code) → invoiced so far this year
    billed_through: date | None  # end (exclusive) of the last period invoiced this year


@dataclass(frozen=True)
class Owed:
    new: list[ChargeLine] = field(default_factory=list)  # the due period's invoice (or a supplement)
    credits: list[ChargeLine] = field(default_factory=list)  # negative: a credit note


def owed(account: AccountYear, properties: Mapping[str, PropertyCharges], period: Period | None) -> Owed:
    """`period` is the recipient's period starting this run, or None when it is not due (then only
    corrections of what was invoiced are owed)."""
    year_start = date(account.year, 1, 1)
    billed = account.billed_through
    if period is not None and billed is not None and period.end <= billed:
        period = None  # already invoiced beyond this period (the interval changed): corrections only
    past = Period(year_start, billed) if billed is not None and billed > year_start else None
    held: dict[str, list[Holding]] = {}
    for property_id, holding in account.holdings:
        held.setdefault(property_id, []).append(holding)  # twice when sold and bought back
    invoiced_codes: dict[str, set[str]] = {}
    for property_id, code in account.invoiced:
        invoiced_codes.setdefault(property_id, set()).add(code)
    to_date = Period(year_start, period.end) if period is not None else None

    all_holders: dict[str, tuple[list[Holding], list[int]]] = {}

    def holders_of(property_id: str, holdings: list[Holding]) -> tuple[list[Holding], list[int]]:
        """All holdings of the property in a fixed order, and which of them are this recipient's."""
        if property_id not in all_holders:
            prop = properties.get(property_id)
            everyone = {*(prop.holders if prop else ()), *((account.account_id, h) for h in holdings)}
            ordered = sorted(everyone, key=lambda ah: (ah[1].start, ah[0], ah[1].end, ah[1].share))
            mine = [i for i, (a, _) in enumerate(ordered) if a == account.account_id]
            all_holders[property_id] = ([h for _, h in ordered], mine)
        return all_holders[property_id]

    def due(
        annual: Money, span: Period | None, holdings: list[Holding], changes: Sequence[date], property_id: str
    ) -> int:
        if span is None or not annual.ore:
            return 0
        everyone, mine = holders_of(property_id, holdings)
        parts = holder_parts(annual, account.year, span, everyone, changes)
        return sum(parts[i].ore for i in mine)

    result = Owed()
    new, credits = result.new, result.credits
    invoiced_before = account.invoiced
    for property_id in sorted(held):
        holdings = held[property_id]
        prop = properties.get(property_id)
        charges = {c.code: c for c in prop.charges} if prop else {}
        codes = sorted(charges.keys() | invoiced_codes.get(property_id, set()))
        changes = prop.changes if prop else ()
        # What the new invoice carries runs from the first day not yet invoiced (or held) to the period's
        # end: earlier months carried forward under the minimum are printed as what they are.
        first = max(billed or year_start, min(h.start for h in holdings))
        # Whole months held alone (the usual case): every charge's share is a slice of its monthly parts;
        # otherwise (None) the parts of all holders are worked out together (`due`).
        past_months = whole_months_held(account.year, past, holdings, changes) if past else None
        to_date_months = whole_months_held(account.year, to_date, holdings, changes) if to_date else None
        # What a credit note gives back is for the days invoiced after the recipient's last day as holder
        # (a sale: from the sale date); while it still holds the property, for all it was invoiced.
        held_until = max(h.end for h in holdings)
        credited = past
        if past is not None and past.start < held_until < past.end:
            credited = Period(held_until, past.end)
        carries = Period(min(first, period.end), period.end) if period is not None else None
        for code in codes:
            charge = charges.get(code)
            before = invoiced_before.get((property_id, code))
            invoiced = before.amount.ore if before else 0
            if charge is not None:
                annual, description, vat_rate, basis = (
                    charge.annual,
                    charge.description,
                    charge.vat_rate,
                    charge.basis,
                )
            else:
                annual = Money(0)
                description = before.description if before else code
                vat_rate = before.vat_rate if before else Decimal(0)
                basis = ""
            if past is None:  # nothing invoiced this year yet: nothing due up to then
                difference = -invoiced
            elif past_months is not None:
                difference = amount_in_months(annual, past_months) - invoiced
            else:
                difference = due(annual, past, holdings, changes, property_id) - invoiced
            if difference < 0 and credited is not None:
                credits.append(
                    ChargeLine(property_id, code, description, credited, Money(difference), vat_rate)
                )
            if carries is not None:
                if to_date_months is not None:
                    rest = amount_in_months(annual, to_date_months)
                else:
                    rest = due(annual, to_date, holdings, changes, property_id)
                rest -= invoiced + min(0, difference)
                if rest:
                    new.append(
                        ChargeLine(property_id, code, description, carries, Money(rest), vat_rate, basis)
                    )
            elif difference > 0 and past is not None:
                new.append(
                    ChargeLine(property_id, code, description, past, Money(difference), vat_rate, basis)
                )
    return result
