"""Reads and writes billing's property records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.billing.adapters.account_repository import AccountRepository
from services.billing.adapters.orm import (
    billing_properties,
    billing_runs,
    fee_schedules,
    held_documents,
    invoices,
    pending_corrections,
    property_taxes,
)
from services.billing.application.ports import YearSources
from services.billing.domain.account import Account, Channel, delivery_problem
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.billing_run import RunState
from services.billing.domain.property_tax import PropertyTax
from services.billing.domain.year_end import not_billed_to_its_end
from services.platform.bulk import bulk_insert
from services.platform.clock import Clock, utc_now
from services.platform.db import one_of
from services.platform.money import Money


class BillingPropertyRepository:
    def __init__(self, session: Session, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def get(self, property_id: str) -> BillingProperty | None:
        return self.get_many([property_id]).get(property_id)

    def get_many(self, property_ids: Sequence[str]) -> dict[str, BillingProperty]:
        """The properties billing has a record of, by id; unknown ids are left out."""
        rows = self._session.execute(
            select(billing_properties).where(
                one_of(self._session, billing_properties.c.property_id, property_ids)
            )
        )
        return {
            row.property_id: BillingProperty(
                property_id=row.property_id,
                cadastral_id=row.cadastral_id,
                address=row.address,
                category=row.category,
                dwelling_units=row.dwelling_units,
                source_event_id=row.source_event_id,
                bra_m2=row.bra_m2,
            )
            for row in rows.all()
        }

    def add(self, prop: BillingProperty) -> None:
        self._session.execute(
            insert(billing_properties).values(
                property_id=prop.property_id,
                cadastral_id=prop.cadastral_id,
                address=prop.address,
                category=prop.category,
                dwelling_units=prop.dwelling_units,
                source_event_id=prop.source_event_id,
                created_at=self._clock(),
                bra_m2=prop.bra_m2,
            )
        )

    def known(self, property_ids: Sequence[str]) -> set[str]:
        return set(
            self._session.scalars(
                select(billing_properties.c.property_id).where(
                    one_of(self._session, billing_properties.c.property_id, property_ids)
                )
            )
        )

    def add_many(self, props: Sequence[BillingProperty]) -> None:
        at = self._clock()
        bulk_insert(
            self._session,
            billing_properties,
            [
                {
                    "property_id": prop.property_id,
                    "cadastral_id": prop.cadastral_id,
                    "address": prop.address,
                    "category": prop.category,
                    "dwelling_units": prop.dwelling_units,
                    "source_event_id": prop.source_event_id,
                    "created_at": at,
                    "bra_m2": prop.bra_m2,
                }
                for prop in props
            ],
        )

    def save(self, prop: BillingProperty) -> None:
        self._session.execute(
            update(billing_properties)
            .where(billing_properties.c.property_id == prop.property_id)
            .values(
                cadastral_id=prop.cadastral_id,
                address=prop.address,
                category=prop.category,
                dwelling_units=prop.dwelling_units,
                source_event_id=prop.source_event_id,
                bra_m2=prop.bra_m2,
            )
        )


class PropertyTaxRepository:
    def __init__(self, session: Session, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def versions(self, property_ids: Sequence[str]) -> set[tuple[str, int, int]]:
        """(property, year, version) of every tax base version stored for the properties."""
        rows = self._session.execute(
            select(property_taxes.c.property_id, property_taxes.c.tax_year, property_taxes.c.version).where(
                one_of(self._session, property_taxes.c.property_id, property_ids)
            )
        )
        return {(pid, year, version) for pid, year, version in rows}

    def retire_many(self, keys: Sequence[tuple[str, int]]) -> None:
        by_year: dict[int, list[str]] = {}
        for property_id, year in keys:
            by_year.setdefault(year, []).append(property_id)
        for year, property_ids in sorted(by_year.items()):
            self._session.execute(
                update(property_taxes)
                .where(
                    property_taxes.c.tax_year == year,
                    one_of(self._session, property_taxes.c.property_id, property_ids),
                    property_taxes.c.is_current.is_(True),
                )
                .values(is_current=False)
            )

    def add_many(self, taxes: Sequence[tuple[PropertyTax, bool]]) -> None:
        at = self._clock()
        bulk_insert(
            self._session,
            property_taxes,
            [
                {
                    "property_id": tax.property_id,
                    "tax_year": tax.tax_year,
                    "version": tax.version,
                    "status": tax.status,
                    "tax_ore": tax.tax.ore,
                    "tax_base_ore": tax.tax_base.ore,
                    "terms": tax.terms,
                    "is_current": current,
                    "source_event_id": tax.source_event_id,
                    "received_at": at,
                    "decided_on": tax.decided_on,
                }
                for tax, current in taxes
            ],
        )

    def current_for(self, property_id: str) -> list[PropertyTax]:
        rows = self._session.execute(
            select(property_taxes)
            .where(property_taxes.c.property_id == property_id, property_taxes.c.is_current.is_(True))
            .order_by(property_taxes.c.tax_year.desc())
        )
        return [_tax(r) for r in rows.all()]

    def current_taxes(
        self, property_ids: list[str], year: int, as_of: date | None = None
    ) -> dict[str, PropertyTax]:
        return current_taxes(self._session, property_ids, year, as_of)

    def later_corrections(self, property_ids: list[str], year: int, as_of: date) -> dict[str, date]:
        return later_corrections(self._session, property_ids, year, as_of)


def _tax(r: Any) -> PropertyTax:
    return PropertyTax(
        property_id=r.property_id,
        tax_year=r.tax_year,
        version=r.version,
        status=r.status,
        tax=Money(r.tax_ore),
        tax_base=Money(r.tax_base_ore),
        terms=r.terms,
        source_event_id=r.source_event_id,
        decided_on=r.decided_on,
    )


def current_taxes(
    session: Session, property_ids: list[str], year: int, as_of: date | None = None
) -> dict[str, PropertyTax]:
    """The property tax of each property for the year: the current version, or with `as_of` (a run's issue
    date) the newest version in force on that day, so that a correction dated later waits for a later run."""
    return {pid: versions[-1] for pid, versions in _in_force(session, property_ids, year, as_of).items()}


def later_corrections(session: Session, property_ids: list[str], year: int, as_of: date) -> dict[str, date]:
    """Per property, the earliest business date of a correction of the year's tax that is dated after
    `as_of`: a run issued on `as_of` does not bill it yet."""
    found: dict[str, date] = {}
    for start in range(0, len(property_ids), 5000):
        rows = session.execute(
            select(property_taxes.c.property_id, property_taxes.c.decided_on).where(
                one_of(session, property_taxes.c.property_id, property_ids[start : start + 5000]),
                property_taxes.c.tax_year == year,
                property_taxes.c.decided_on > as_of,
            )
        )
        for pid, day in rows:
            found[pid] = min(found.get(pid, day), day)
    return found


# What _tax reads, and no more: a billing chunk reads the tax of every property it bills, and the columns
# it does not need (the time each version was received, above all) cost more to read than the rest.
_TAX_COLUMNS = (
    property_taxes.c.property_id,
    property_taxes.c.tax_year,
    property_taxes.c.version,
    property_taxes.c.status,
    property_taxes.c.tax_ore,
    property_taxes.c.tax_base_ore,
    property_taxes.c.terms,
    property_taxes.c.source_event_id,
    property_taxes.c.decided_on,
)


def _in_force(
    session: Session, property_ids: list[str], year: int, as_of: date | None
) -> dict[str, list[PropertyTax]]:
    """Each property's versions of the year in force (all current ones without `as_of`), by version."""
    found: dict[str, list[PropertyTax]] = {}
    for start in range(0, len(property_ids), 5000):
        query = select(*_TAX_COLUMNS).where(
            one_of(session, property_taxes.c.property_id, property_ids[start : start + 5000]),
            property_taxes.c.tax_year == year,
        )
        if as_of is None:
            query = query.where(property_taxes.c.is_current.is_(True))
        # Unpacked by position (in _TAX_COLUMNS' order): a billing chunk reads the tax of every property.
        for pid, tax_year, version, status, tax_ore, base_ore, terms, event_id, decided in session.execute(
            query
        ).all():
            tax = PropertyTax(
                property_id=pid,
                tax_year=tax_year,
                version=version,
                status=status,
                tax=Money(tax_ore),
                tax_base=Money(base_ore),
                terms=terms,
                source_event_id=event_id,
                decided_on=decided,
            )
            if as_of is None or tax.in_force_on(as_of):
                found.setdefault(pid, []).append(tax)
    for versions in found.values():
        versions.sort(key=lambda t: t.version)
    return found


def _exists(session: Session, query: Any) -> bool:
    return session.execute(query.limit(1)).first() is not None


def year_sources(session: Session, year: int) -> YearSources:
    taxed = select(property_taxes.c.property_id).where(
        property_taxes.c.tax_year == year,
        property_taxes.c.is_current.is_(True),
        property_taxes.c.status == "TAX_STATUS_TAXED",
        property_taxes.c.tax_ore > 0,
    )
    return YearSources(
        _exists(session, select(fee_schedules.c.year).where(fee_schedules.c.year == year)),
        _exists(session, taxed),
    )


def earlier_years_not_billed(session: Session, year: int) -> list[str]:
    """Each year before `year` with billable charges (a fee schedule, or a billable property tax above 0)
    that is not billed to its end, in words with the run to make (domain/year_end.py); oldest first.
    A few small queries per earlier year, never per recipient: a run of a later year does not bill what
    is left of an earlier one, so this is how a skipped last term comes to light."""
    taxed = select(property_taxes.c.tax_year).where(
        property_taxes.c.tax_year < year,
        property_taxes.c.is_current.is_(True),
        property_taxes.c.status == "TAX_STATUS_TAXED",
        property_taxes.c.tax_ore > 0,
    )
    scheduled = select(fee_schedules.c.year).where(fee_schedules.c.year < year)
    years = set(session.scalars(taxed.distinct())) | set(session.scalars(scheduled.distinct()))
    found = []
    for earlier in sorted(years):
        runs = set(
            session.scalars(
                select(billing_runs.c.month).where(
                    billing_runs.c.year == earlier, billing_runs.c.state == RunState.COMPLETED.value
                )
            )
        )
        spans = AccountRepository(session).interval_spans(earlier)
        why = not_billed_to_its_end(earlier, spans, runs)
        if why:
            found.append(why)
    return found


def nothing_to_bill(session: Session, year: int) -> str:
    """Why a billing run of the year could issue nothing at all, or "" when it could: no fee schedule for
    the year, no billable property tax for the year (assessment's levy has not reached billing), and no
    correction or held document waiting that a run could issue now. Held documents (and corrections) of
    recipients whose details are still incomplete do not count: the run could only hold them again, and
    a completed empty run would use up the month."""
    sources = year_sources(session, year)
    if sources.fee_schedule or sources.property_tax:
        return ""
    held = {
        r.account_id
        for r in session.execute(
            select(held_documents.c.account_id).where(held_documents.c.released_run_id.is_(None)).distinct()
        )
    }
    flagged = {r.account_id for r in session.execute(select(pending_corrections.c.account_id).distinct())}
    waiting = held | flagged
    if not waiting:
        return (
            f"nothing to bill for {year}: there is no fee schedule for {year} (put it with `propertytax "
            f"billing schedule put`) and no property tax for {year} (assessment's levy for {year} has not "
            "reached billing), and no correction or held document is waiting; no run was started"
        )
    found = AccountRepository(session).get_many(sorted(waiting))
    if any(not delivery_problem(a) for a in found.values()):
        return ""  # a correction or held document the run can issue now
    return (
        f"nothing to bill for {year}: there is no fee schedule for {year} (put it with `propertytax billing "
        f"schedule put`) and no property tax for {year} (assessment's levy for {year} has not reached "
        f"billing); {undeliverable(session, held, flagged - held, found)}; a run would only hold them, so no "
        "run was started"
    )


def undeliverable(
    session: Session, held: set[str], flagged: set[str], accounts: Mapping[str, Account]
) -> str:
    """Who waits to be billed but cannot be reached, in words, telling apart documents held by earlier
    runs, amounts of recipients never invoiced (new owners) and corrections of invoices issued; with the
    accounts and the command that completes their details."""
    invoiced = (
        set(
            session.scalars(
                select(invoices.c.account_id).where(one_of(session, invoices.c.account_id, sorted(flagged)))
            )
        )
        if flagged
        else set()
    )
    never = flagged - invoiced
    parts = []
    if held:
        parts.append(f"{_recipients(len(held))} documents held by earlier runs still cannot be delivered")
    if never:
        parts.append(f"{_have(len(never))} amounts due but were never invoiced (new owners)")
    if flagged & invoiced:
        parts.append(f"{_have(len(flagged & invoiced))} a correction of the invoices issued to them waiting")
    ids = sorted(held | flagged)
    named = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    organisations = any(a.channel == Channel.EHF for a in accounts.values())
    return (
        "; ".join(parts)
        + f": no complete postal address or organisation number was given for them ({named}); give them one "
        '(`propertytax billing recipients update <recipient> --address "…" --postcode … --city …`'
        + (
            "; an organisation's number comes with its ownership from assessment, or it can be sent on "
            "paper: `--channel print` with the address"
            if organisations
            else ""
        )
        + ") and start again"
    )


class BillingYearRepository:
    """Questions about a whole tax year (application/ports.py BillingYears)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def sources(self, year: int) -> YearSources:
        return year_sources(self._session, year)

    def earlier_years_not_billed(self, year: int) -> list[str]:
        return earlier_years_not_billed(self._session, year)

    def nothing_to_bill(self, year: int) -> str:
        return nothing_to_bill(self._session, year)


def _have(n: int) -> str:
    return f"{n} recipient has" if n == 1 else f"{n} recipients have"


def _recipients(n: int) -> str:
    return f"{n} recipient's" if n == 1 else f"{n} recipients'"
