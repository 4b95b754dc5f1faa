"""Event handler: a property changed hands in assessment; its new owners become (or stay) invoice
recipients and hold it from the effective date, so that billing prorates by day. A new recipient gets the
postal address, channel and invoice interval the register passed on; an existing one only an address it
lacks (what an officer set with `billing account update` wins over the register)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction

from services.billing.application.flag_corrections import flag_holders
from services.billing.application.ports import AccountStore, BillingUnitOfWork, HoldingStore
from services.billing.domain.account import Account, Channel, RecipientKind, allowed_channels, default_channel
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval
from services.platform.clock import oslo_date
from services.platform.errors import InvalidInput


@dataclass(frozen=True)
class NewHolder:
    account_id: str
    kind: RecipientKind
    name: str
    organisation_number: str
    share: Fraction
    # Where and how the register says the owner is invoiced ("" and None: not given).
    address_line: str = ""
    postcode: str = ""
    city: str = ""
    channel: Channel | None = None
    interval: InvoiceInterval | None = None


def take_over_property(
    accounts: AccountStore,
    holdings: HoldingStore,
    property_id: str,
    effective: date,
    holders: list[NewHolder],
    now: datetime,
) -> bool:
    """Returns False when the change is older than what billing has (a late, superseded event)."""
    if not holders or sum((h.share for h in holders), Fraction(0)) != 1:
        raise InvalidInput.single("owners", "the shares must add up to exactly 1")
    latest = holdings.latest_start(property_id)
    if latest is not None and effective <= latest:
        return False
    for holder in holders:
        existing = accounts.get(holder.account_id)
        if existing is None:
            accounts.add(
                Account(
                    account_id=holder.account_id,
                    kind=holder.kind,
                    name=holder.name,
                    organisation_number=holder.organisation_number,
                    address_line=holder.address_line,
                    postcode=holder.postcode,
                    city=holder.city,
                    channel=_channel(holder),
                ),
                now,
            )
            if holder.interval is not None:  # billed by it from the month the ownership starts in
                accounts.set_interval(
                    holder.account_id, IntervalChoice(holder.interval, effective.replace(day=1))
                )
        else:
            updated = replace(existing, name=holder.name, organisation_number=holder.organisation_number)
            if not existing.address_line.strip() and holder.address_line:
                # The register fills an address the recipient lacks; one an officer set is left as it is.
                updated = replace(
                    updated, address_line=holder.address_line, postcode=holder.postcode, city=holder.city
                )
            if updated != existing:
                accounts.save(updated)
    holdings.close_open(property_id, effective)
    for holder in holders:
        holdings.add(property_id, holder.account_id, effective, holder.share)
    return True


def ownership_changed(
    uow: BillingUnitOfWork, property_id: str, effective: date, holders: list[NewHolder]
) -> bool:
    """The new owners take the property over; everyone who held it in a year from the effective date's to
    this one (in Oslo) is flagged, so that the next run settles the sellers' and buyers' invoices. False for
    a change older than what billing has (nothing changes)."""
    with uow:
        now = uow.now()
        taken = take_over_property(uow.accounts, uow.holdings, property_id, effective, holders, now)
        if taken:
            years = range(effective.year, max(effective.year, oslo_date(now).year) + 1)
            flag_holders(uow.corrections, property_id, years, now)
        uow.commit()
    return taken


def _channel(holder: NewHolder) -> Channel:
    """The channel the register gave, when the recipient's kind can be invoiced by it; else the default."""
    if holder.channel is not None and holder.channel in allowed_channels(holder.kind):
        return holder.channel
    return default_channel(holder.kind)
