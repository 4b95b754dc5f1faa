"""Commands and queries on invoice recipients: find them, read one with its properties and latest
invoices, and change its address, channel and invoice interval."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.account import Account, Channel, allowed_channels
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.billing_run import Invoice
from services.billing.domain.charges import Holding
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval, interval_on
from services.platform.errors import InvalidInput, NotFound, Violations
from services.platform.identity import NAME_LENGTH, check_free_text
from services.platform.paging import encode_token, parse_page

LATEST_INVOICES = 10  # how many of a recipient's invoices its view shows, newest first
PROPERTY_ID_LENGTH = 64  # as billing stores property ids
CUSTOMER_NUMBER_MAX = 2**31 - 1  # the column is a 32-bit integer


@dataclass(frozen=True)
class AccountView:
    account: Account
    interval: InvoiceInterval  # in force today
    holdings: list[tuple[str, Holding]]  # (property_id, holding), oldest first
    interval_changes: list[IntervalChoice]
    properties: dict[str, BillingProperty]  # the held properties billing has a record of
    latest_invoices: list[Invoice]  # newest first, at most LATEST_INVOICES


@dataclass(frozen=True)
class AccountFilter:
    """The filters as the caller gave them; empty ones are left out, at least one is needed."""

    name: str = ""  # anywhere in the name, case-insensitive
    property_id: str = ""  # recipients who hold or held it
    organisation_number: str = ""  # nine digits, spaces allowed
    customer_number: int = 0


@dataclass(frozen=True)
class FoundAccount:
    account: Account
    interval: InvoiceInterval  # in force today
    properties: int  # how many it holds (a part of) today


@dataclass(frozen=True)
class AccountChange:
    address_line: str = ""
    postcode: str = ""
    city: str = ""
    channel: Channel | None = None
    interval: InvoiceInterval | None = None
    interval_from: date | None = None


def _check_customer_number(problems: Violations, customer_number: int) -> None:
    if not 0 <= customer_number <= CUSTOMER_NUMBER_MAX:
        problems.add("customer_number", "a customer number (a positive whole number)")


def _check_recipient(problems: Violations, account_id: str, customer_number: int) -> None:
    _check_customer_number(problems, customer_number)
    if not account_id and not customer_number:
        problems.add("account_id", "is required (an account id or a customer number)")


def _load(uow: BillingUnitOfWork, account_id: str, customer_number: int) -> Account:
    """The recipient by its account id or, when that is not given, its customer number."""
    account = uow.accounts.get(account_id) if account_id else uow.accounts.by_customer_number(customer_number)
    if account is None:
        raise NotFound(
            f"no invoice recipient {account_id}" if account_id else f"no customer number {customer_number}"
        )
    return account


def find_accounts(
    uow: BillingUnitOfWork, filters: AccountFilter, page_size: int, page_token: str, today: date
) -> tuple[list[FoundAccount], str]:
    problems = Violations()
    name = filters.name.strip()
    check_free_text(problems, "name", filters.name, NAME_LENGTH)
    property_id = filters.property_id.strip()
    if len(property_id) > PROPERTY_ID_LENGTH:
        problems.add("property_id", f"at most {PROPERTY_ID_LENGTH} characters")
    organisation_number = "".join(filters.organisation_number.split())
    if organisation_number and not (len(organisation_number) == 9 and organisation_number.isdigit()):
        problems.add("organisation_number", "nine digits, e.g. 974683520")
    _check_customer_number(problems, filters.customer_number)
    try:
        page = parse_page(page_size, page_token)
    except InvalidInput as exc:
        for violation in exc.violations:
            problems.add(violation.field, violation.description)
    if not problems.count and not (name or property_id or organisation_number or filters.customer_number):
        # Listing every recipient is not a search: the register has tens of thousands.
        problems.add(
            "name", "give a name, a property, an organisation number or a customer number to search by"
        )
    problems.raise_if_any()
    with uow:
        found = uow.accounts.find(
            name=name,
            property_id=property_id,
            organisation_number=organisation_number,
            customer_number=filters.customer_number,
            offset=page.offset,
            limit=page.size + 1,
        )
        shown = found[: page.size]
        ids = [a.account_id for a in shown]
        choices = uow.accounts.intervals(ids)
        held = uow.holdings.properties_held(ids, today)
    next_token = encode_token(page.offset + page.size) if len(found) > page.size else ""
    return [
        FoundAccount(a, interval_on(choices.get(a.account_id, []), today), held.get(a.account_id, 0))
        for a in shown
    ], next_token


def get_account(
    uow: BillingUnitOfWork, account_id: str, today: date, customer_number: int = 0
) -> AccountView:
    """One recipient by its account id or, when that is not given, its customer number."""
    problems = Violations()
    _check_customer_number(problems, customer_number)
    if not account_id and not customer_number:
        problems.add("account_id", "is required (an account id or a customer number)")
    problems.raise_if_any()
    with uow:
        account = (
            uow.accounts.get(account_id) if account_id else uow.accounts.by_customer_number(customer_number)
        )
        if account is None:
            raise NotFound(
                f"no invoice recipient {account_id}"
                if account_id
                else f"no customer number {customer_number}"
            )
        key = account.account_id
        choices = sorted(uow.accounts.intervals([key]).get(key, []), key=lambda c: c.valid_from)
        held = sorted(uow.holdings.of_accounts([key]).get(key, []), key=lambda h: (h[1].start, h[0]))
        properties = uow.properties.get_many(sorted({property_id for property_id, _ in held}))
        latest = uow.invoices.search(account_id=key, limit=LATEST_INVOICES, newest_first=True)
    return AccountView(account, interval_on(choices, today), held, choices, properties, latest)


def recipients_of(uow: BillingUnitOfWork, invoices: list[Invoice]) -> dict[str, Account]:
    """The recipients of the invoices, by account id, to name them beside their invoices."""
    with uow:
        return uow.accounts.get_many(sorted({i.account_id for i in invoices}))


def update_account(
    uow: BillingUnitOfWork, account_id: str, change: AccountChange, today: date, customer_number: int = 0
) -> AccountView:
    """Changes the recipient named by its account id or, when that is not given, its customer number."""
    problems = Violations()
    _check_recipient(problems, account_id, customer_number)
    if change.postcode and not (len(change.postcode) == 4 and change.postcode.isdigit()):
        problems.add("postcode", "four digits")
    check_free_text(problems, "address_line", change.address_line, NAME_LENGTH)
    check_free_text(problems, "city", change.city, NAME_LENGTH)
    if change.interval is not None and (change.interval_from is None or change.interval_from.day != 1):
        problems.add("interval_from", "the first day of a month, e.g. 2025-01-01")
    problems.raise_if_any()
    with uow:
        account = _load(uow, account_id, customer_number)
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
            uow.accounts.set_interval(
                account.account_id, IntervalChoice(change.interval, change.interval_from)
            )
        uow.commit()
    return get_account(uow, account.account_id, today)
