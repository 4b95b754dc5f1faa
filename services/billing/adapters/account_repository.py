"""Invoice recipients, their intervals and their holdings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Date, func, insert, or_, select, update
from sqlalchemy.orm import Session

from services.billing.adapters.orm import (
    account_intervals,
    accounts,
    customer_number_counter,
    holdings,
)
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.charges import Holding
from services.billing.domain.intervals import DEFAULT_INTERVAL, IntervalChoice, InvoiceInterval
from services.billing.domain.year_end import IntervalSpan
from services.platform.db import one_of
from services.platform.search_text import LIKE_ESCAPE, contains_pattern, search_fold

_SHARES: dict[tuple[int, int], Fraction] = {}
# A holding's columns in the order the billing run's reads unpack them.
_HOLDING_COLUMNS = (
    holdings.c.property_id,
    holdings.c.account_id,
    holdings.c.valid_from,
    holdings.c.valid_to,
    holdings.c.share_numerator,
    holdings.c.share_denominator,
)


def _share(numerator: int, denominator: int) -> Fraction:
    # A share made once per distinct pair: a billing chunk reads tens of thousands of holdings, nearly
    # all 1/1, and making a Fraction costs a gcd each time (it is immutable, so holdings can share it).
    key = (numerator, denominator)
    share = _SHARES.get(key)
    if share is None:
        if len(_SHARES) >= 4096:  # bounded, whatever shares a register holds
            _SHARES.clear()
        share = _SHARES[key] = Fraction(numerator, denominator)
    return share


# The columns _to_account reads.
_ACCOUNT_COLUMNS = (
    accounts.c.account_id,
    accounts.c.kind,
    accounts.c.name,
    accounts.c.organisation_number,
    accounts.c.address_line,
    accounts.c.postcode,
    accounts.c.city,
    accounts.c.channel,
    accounts.c.customer_number,
)


def _to_account(row: Any) -> Account:
    return Account(
        account_id=row.account_id,
        kind=RecipientKind(row.kind),
        name=row.name,
        organisation_number=row.organisation_number,
        address_line=row.address_line,
        postcode=row.postcode,
        city=row.city,
        channel=Channel(row.channel),
        customer_number=row.customer_number,
    )


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, account_id: str) -> Account | None:
        row = self._session.execute(select(accounts).where(accounts.c.account_id == account_id)).first()
        return _to_account(row) if row else None

    def by_customer_number(self, customer_number: int) -> Account | None:
        row = self._session.execute(
            select(accounts).where(accounts.c.customer_number == customer_number)
        ).first()
        return _to_account(row) if row else None

    def find(
        self,
        *,
        name: str = "",
        property_id: str = "",
        organisation_number: str = "",
        customer_number: int = 0,
        offset: int = 0,
        limit: int = 100,
    ) -> list[Account]:
        """Recipients matching every given filter (empty ones are left out) in customer number order;
        `offset` and `limit` cut out one page. The name matches case-insensitively anywhere in it; a
        property matches those who hold or held it."""
        query = select(accounts)
        if name:
            query = query.where(accounts.c.name_search.like(contains_pattern(name), escape=LIKE_ESCAPE))
        if property_id:
            query = query.where(
                select(holdings.c.account_id)
                .where(holdings.c.account_id == accounts.c.account_id, holdings.c.property_id == property_id)
                .exists()
            )
        if organisation_number:
            query = query.where(accounts.c.organisation_number == organisation_number)
        if customer_number:
            query = query.where(accounts.c.customer_number == customer_number)
        rows = self._session.execute(query.order_by(accounts.c.customer_number).offset(offset).limit(limit))
        return [_to_account(r) for r in rows.all()]

    def get_many(self, account_ids: Sequence[str]) -> dict[str, Account]:
        if not account_ids:
            return {}
        rows = self._session.execute(
            select(*_ACCOUNT_COLUMNS).where(one_of(self._session, accounts.c.account_id, list(account_ids)))
        ).all()  # fetched at once: a row at a time costs more than the query over a chunk's thousands
        return {r.account_id: _to_account(r) for r in rows}

    def add(self, account: Account, at: datetime) -> int:
        """Stores a new recipient under the next customer number, which it returns."""
        number = self._next_customer_number()
        self._session.execute(
            insert(accounts).values(
                account_id=account.account_id,
                customer_number=number,
                kind=account.kind.value,
                name=account.name,
                organisation_number=account.organisation_number,
                address_line=account.address_line,
                postcode=account.postcode,
                city=account.city,
                channel=account.channel.value,
                created_at=at,
                name_search=search_fold(account.name),
            )
        )
        return number

    def _next_customer_number(self) -> int:
        # Updating the counter row first locks it until this transaction ends, so a concurrent one
        # waits and then reads the number after ours (see migration 0010).
        counter = customer_number_counter.c
        self._session.execute(
            update(customer_number_counter).where(counter.id == 1).values(last_number=counter.last_number + 1)
        )
        return int(self._session.execute(select(counter.last_number).where(counter.id == 1)).scalar_one())

    def save(self, account: Account) -> None:
        self._session.execute(
            update(accounts)
            .where(accounts.c.account_id == account.account_id)
            .values(
                name=account.name,
                name_search=search_fold(account.name),
                organisation_number=account.organisation_number,
                address_line=account.address_line,
                postcode=account.postcode,
                city=account.city,
                channel=account.channel.value,
            )
        )

    def set_interval(self, account_id: str, choice: IntervalChoice) -> None:
        self._session.execute(
            account_intervals.delete().where(
                account_intervals.c.account_id == account_id,
                account_intervals.c.valid_from == choice.valid_from,
            )
        )
        self._session.execute(
            insert(account_intervals).values(
                account_id=account_id, valid_from=choice.valid_from, interval=choice.interval.value
            )
        )

    def intervals(self, account_ids: Sequence[str]) -> dict[str, list[IntervalChoice]]:
        found: dict[str, list[IntervalChoice]] = {}
        rows = self._session.execute(
            select(account_intervals).where(
                one_of(self._session, account_intervals.c.account_id, account_ids)
            )
        )
        for r in rows.all():
            found.setdefault(r.account_id, []).append(
                IntervalChoice(InvoiceInterval(r.interval), r.valid_from)
            )
        return found

    def interval_spans(self, year: int) -> set[IntervalSpan]:
        """The invoice intervals in force during the year for the recipients who held a property in it, as
        the distinct spans they were in force (a few rows, whatever the number of recipients: choices
        start on the first of a month). The default interval counts from the year's start until a
        recipient's first choice, or throughout for one that never chose."""
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        held = (
            select(holdings.c.account_id)
            .where(
                holdings.c.valid_from < end, or_(holdings.c.valid_to.is_(None), holdings.c.valid_to > start)
            )
            .distinct()
            .subquery()
        )
        by_account, in_order = account_intervals.c.account_id, account_intervals.c.valid_from
        chosen = (
            select(
                account_intervals.c.account_id,
                account_intervals.c.interval,
                account_intervals.c.valid_from,
                func.lead(account_intervals.c.valid_from, type_=Date)
                .over(partition_by=by_account, order_by=in_order)
                .label("next_from"),
                func.lead(account_intervals.c.interval)
                .over(partition_by=by_account, order_by=in_order)
                .label("next_interval"),
            )
            .where(account_intervals.c.valid_from < end)
            .subquery()
        )
        spans = {
            IntervalSpan(
                InvoiceInterval(r.interval),
                r.valid_from,
                r.next_from,
                InvoiceInterval(r.next_interval) if r.next_interval else None,
            )
            for r in self._session.execute(
                select(chosen.c.interval, chosen.c.valid_from, chosen.c.next_from, chosen.c.next_interval)
                .where(
                    or_(chosen.c.next_from.is_(None), chosen.c.next_from > start),
                    chosen.c.account_id.in_(select(held.c.account_id)),
                )
                .distinct()
            )
        }
        first = (
            select(
                account_intervals.c.account_id,
                func.min(account_intervals.c.valid_from, type_=Date).label("first_from"),
            )
            .group_by(account_intervals.c.account_id)
            .subquery()
        )
        defaults = self._session.execute(
            select(first.c.first_from, account_intervals.c.interval)
            .select_from(
                held.outerjoin(first, first.c.account_id == held.c.account_id).outerjoin(
                    account_intervals,
                    (account_intervals.c.account_id == first.c.account_id)
                    & (account_intervals.c.valid_from == first.c.first_from),
                )
            )
            .where(or_(first.c.first_from.is_(None), first.c.first_from > start))
            .distinct()
        )
        spans.update(
            IntervalSpan(
                DEFAULT_INTERVAL, start, r.first_from, InvoiceInterval(r.interval) if r.interval else None
            )
            for r in defaults
        )
        return spans

    def count_through(self, cursor: str) -> tuple[int, int]:
        """(recipients up to and including `cursor` in account id order, all recipients): how far a run
        that goes through them in that order has come."""
        return (self.count_in("", cursor) if cursor else 0), self.count_in("", None)

    def count_in(self, after: str, through: str | None) -> int:
        """Recipients with after < account id <= through (None: to the last)."""
        query = select(func.count()).where(accounts.c.account_id > after)
        if through is not None:
            query = query.where(accounts.c.account_id <= through)
        return int(self._session.scalar(query) or 0)

    def split_points(self, parts: int) -> list[str]:
        """At most parts - 1 account ids that split the recipients (in account-id order) into `parts`
        ranges of about the same size, each id the last of its range; fewer when there are fewer
        recipients than that."""
        total = self.count_in("", None)
        found = [
            self._session.scalar(
                select(accounts.c.account_id)
                .order_by(accounts.c.account_id)
                .offset(total * n // parts - 1)
                .limit(1)
            )
            for n in range(1, parts)
            if total * n // parts >= 1
        ]
        return sorted({f for f in found if f is not None})

    def page_after(self, after_id: str, limit: int) -> list[Account]:
        rows = self._session.execute(
            select(*_ACCOUNT_COLUMNS)  # what an Account holds: a billing chunk reads thousands
            .where(accounts.c.account_id > after_id)
            .order_by(accounts.c.account_id)
            .limit(limit)
        )
        return [_to_account(r) for r in rows.all()]


class HoldingRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def close_open(self, property_id: str, on: date) -> None:
        self._session.execute(
            update(holdings)
            .where(holdings.c.property_id == property_id, holdings.c.valid_to.is_(None))
            .values(valid_to=on)
        )

    def add(self, property_id: str, account_id: str, valid_from: date, share: Fraction) -> None:
        self._session.execute(
            insert(holdings).values(
                property_id=property_id,
                account_id=account_id,
                valid_from=valid_from,
                valid_to=None,
                share_numerator=share.numerator,
                share_denominator=share.denominator,
            )
        )

    def properties_held(self, account_ids: Sequence[str], on: date) -> dict[str, int]:
        """account → how many properties it holds (a part of) on the day; those holding none are left out."""
        rows = self._session.execute(
            select(holdings.c.account_id, func.count(holdings.c.property_id.distinct()))
            .where(
                one_of(self._session, holdings.c.account_id, account_ids),
                holdings.c.valid_from <= on,
                or_(holdings.c.valid_to.is_(None), holdings.c.valid_to > on),
            )
            .group_by(holdings.c.account_id)
        )
        return {account_id: int(count) for account_id, count in rows.all()}

    def latest_start(self, property_id: str) -> date | None:
        rows = self._session.scalars(
            select(holdings.c.valid_from).where(holdings.c.property_id == property_id)
        )
        return max(rows, default=None)

    def of_accounts(self, account_ids: Sequence[str]) -> dict[str, list[tuple[str, Holding]]]:
        """account → [(property_id, holding)], open holdings ending at date.max."""
        found: dict[str, list[tuple[str, Holding]]] = {}
        rows = self._session.execute(
            select(*_HOLDING_COLUMNS).where(one_of(self._session, holdings.c.account_id, account_ids))
        )
        # Unpacked by position: a billing chunk reads every holding of its recipients.
        for property_id, account_id, valid_from, valid_to, numerator, denominator in rows.all():
            found.setdefault(account_id, []).append(
                (property_id, Holding(valid_from, valid_to or date.max, _share(numerator, denominator)))
            )
        return found

    def of_property(self, property_id: str) -> list[tuple[str, Holding]]:
        """(account, holding) of everyone who has held the property, oldest first."""
        rows = self._session.execute(
            select(holdings)
            .where(holdings.c.property_id == property_id)
            .order_by(holdings.c.valid_from, holdings.c.account_id)
        )
        return [
            (
                r.account_id,
                Holding(r.valid_from, r.valid_to or date.max, _share(r.share_numerator, r.share_denominator)),
            )
            for r in rows.all()
        ]

    def of_properties(self, property_ids: Sequence[str]) -> dict[str, list[tuple[str, Holding]]]:
        """property → [(account, holding)] of everyone who holds or held it, oldest first: co-owners'
        parts are split together."""
        found: dict[str, list[tuple[str, Holding]]] = {}
        rows = self._session.execute(
            select(*_HOLDING_COLUMNS)
            .where(one_of(self._session, holdings.c.property_id, property_ids))
            .order_by(holdings.c.property_id, holdings.c.valid_from, holdings.c.account_id)
        )
        # Unpacked by position: a billing chunk reads every holding of the properties it bills.
        for property_id, account_id, valid_from, valid_to, numerator, denominator in rows.all():
            found.setdefault(property_id, []).append(
                (account_id, Holding(valid_from, valid_to or date.max, _share(numerator, denominator)))
            )
        return found

    def change_dates(self, property_ids: Sequence[str]) -> dict[str, list[date]]:
        found: dict[str, list[date]] = {}
        rows = self._session.execute(
            select(holdings.c.property_id, holdings.c.valid_from).where(
                one_of(self._session, holdings.c.property_id, property_ids)
            )
        )
        for r in rows.all():
            found.setdefault(r.property_id, []).append(r.valid_from)
        return found
