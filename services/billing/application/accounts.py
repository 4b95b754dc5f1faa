"""Commands and queries on invoice recipients: address, channel and invoice interval."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.account import Account, Channel, allowed_channels
from services.billing.domain.charges import Holding
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval, interval_on
from services.platform.errors import InvalidInput, NotFound, Violations
from services.platform.identity import NAME_LENGTH, check_free_text


@dataclass(frozen=True)
class AccountView:
    account: Account
    interval: InvoiceInterval  # in force today
    holdings: list[tuple[str, Holding]]  # (property_id, holding), oldest first
    interval_changes: list[IntervalChoice]


@dataclass(frozen=True)
class AccountChange:
    address_line: str = ""
    postcode: str = ""
    city: str = ""
    channel: Channel | None = None
    interval: InvoiceInterval | None = None
    interval_from: date | None = None


def get_account(uow: SqlBillingUnitOfWork, account_id: str, today: date) -> AccountView:
    if not account_id:
        raise InvalidInput.single("account_id", "is required")
    with uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise NotFound(f"no invoice recipient {account_id}")
        choices = sorted(uow.accounts.intervals([account_id]).get(account_id, []), key=lambda c: c.valid_from)
        held = sorted(
            uow.holdings.of_accounts([account_id]).get(account_id, []), key=lambda h: (h[1].start, h[0])
        )
    return AccountView(account, interval_on(choices, today), held, choices)


def update_account(
    uow: SqlBillingUnitOfWork, account_id: str, change: AccountChange, today: date
) -> AccountView:
    problems = Violations()
    if change.postcode and not (len(change.postcode) == 4 and change.postcode.isdigit()):
        problems.add("postcode", "four digits")
    check_free_text(problems, "address_line", change.address_line, NAME_LENGTH)
    check_free_text(problems, "city", change.city, NAME_LENGTH)
    if change.interval is not None and (change.interval_from is None or change.interval_from.day != 1):
        problems.add("interval_from", "the first day of a month, e.g. 2025-01-01")
    problems.raise_if_any()
    with uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise NotFound(f"no invoice recipient {account_id}")
        allowed = ", ".join(sorted(allowed_channels(account.kind)))
        if change.channel is not None and change.channel not in allowed_channels(account.kind):
            raise InvalidInput.single("channel", f"a {account.kind.value} can be invoiced by {allowed}")
        updated = replace(
            account,
            address_line=change.address_line.strip() or account.address_line,
            postcode=change.postcode or account.postcode,
            city=change.city.strip() or account.city,
            channel=change.channel or account.channel,
        )
        uow.accounts.save(updated)
        if change.interval is not None and change.interval_from is not None:
            uow.accounts.set_interval(account_id, IntervalChoice(change.interval, change.interval_from))
        uow.commit()
    return get_account(uow, account_id, today)
