"""What billing's application layer needs from outside: storage (repositories in one unit of work),
the fee schedule's file form, the rendering of invoice documents and the files a completed run writes.

The service's wiring (service.py) supplies the implementations (SQL, YAML, PDF/EHF, files); tests/fakes/
billing.py keeps storage in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from services.billing.application.avtalegiro_ports import AgreementStore
from services.billing.application.collection_ports import CollectionStore
from services.billing.application.ledger_ports import LedgerStore, PaymentStore
from services.billing.domain.account import Account, Channel
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.billing_run import BillingRun, Invoice, RunState, RunTotals
from services.billing.domain.charges import Holding
from services.billing.domain.document_parties import DocumentParties, RecipientSnapshot
from services.billing.domain.fee_schedule import FeeFacts, FeeSchedule
from services.billing.domain.intervals import IntervalChoice, Period
from services.billing.domain.property_tax import PropertyTax
from services.billing.domain.seller import Seller
from services.billing.domain.term_charges import Invoiced
from services.platform.money import Money
from services.platform.ports import TransactionalWork

# --- What the stores hand over besides domain objects -------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A recipient flagged for a correction of its invoices of a tax year, and when it was flagged."""

    account_id: str
    tax_year: int
    flagged_at: datetime


@dataclass(frozen=True)
class Hold:
    """A recipient's documents a run held because they cannot be delivered through its channel: what they
    carry of one tax year (a recipient held with amounts of two years has two)."""

    run_id: str
    account_id: str
    tax_year: int
    period: Period | None  # what the held lines of the year cover: first day to the day after the last
    reason: str
    documents: int  # the recipient's held documents that carry lines of the year
    total: Money  # the year's part of what they add up to, VAT included (credit notes negative)
    due_end: date | None = None  # the end of the period the recipient was due up to (None: corrections)


@dataclass(frozen=True)
class YearSoFar:
    """What a recipient has been invoiced of a tax year: to which day, by which latest invoice, and the
    amounts per (property, charge code)."""

    billed_through: date
    latest_invoice: int
    lines: dict[tuple[str, str], Invoiced]


@dataclass(frozen=True)
class StoredSchedule:
    """A fee schedule as it was put: its YAML text, numbered per year."""

    year: int
    version: int
    document: str
    stored_at: datetime


@dataclass(frozen=True)
class OwnFacts:
    """The facts billing keeps itself; a property without a row has the defaults."""

    chimneys: int = 0
    connected_to_water: bool = True
    summer_only: bool = False
    no_wc: bool = False


@dataclass(frozen=True)
class YearSources:
    """What a year's charges come from: its fee schedule and assessment's property tax."""

    fee_schedule: bool
    property_tax: bool  # a billable tax above 0 for at least one property


# A run's journal as bookkeeping reads it: one row per document, by column name, in number order.
JournalRow = Mapping[str, Any]


# --- Repositories -------------------------------------------------------------------------------------


class AccountStore(Protocol):
    def get(self, account_id: str) -> Account | None: ...
    def by_customer_number(self, customer_number: int) -> Account | None: ...
    def find(
        self,
        *,
        name: str = "",
        property_id: str = "",
        organisation_number: str = "",
        customer_number: int = 0,
        offset: int = 0,
        limit: int = 100,
    ) -> list[Account]: ...
    def get_many(self, account_ids: Sequence[str]) -> dict[str, Account]: ...
    def add(self, account: Account, at: datetime) -> int: ...
    def save(self, account: Account) -> None: ...
    def set_interval(self, account_id: str, choice: IntervalChoice) -> None: ...
    def intervals(self, account_ids: Sequence[str]) -> dict[str, list[IntervalChoice]]: ...
    def count_through(self, cursor: str) -> tuple[int, int]: ...
    def count_in(self, after: str, through: str | None) -> int:
        """Recipients with after < account id <= through (None: to the last)."""
        ...

    def split_points(self, parts: int) -> list[str]:
        """At most parts - 1 account ids splitting the recipients into `parts` ranges of about one size
        (each the last of its range)."""
        ...

    def page_after(self, after_id: str, limit: int) -> list[Account]: ...


class HoldingStore(Protocol):
    """Who holds (held) which property from when, with which share: (property_id or account_id, Holding)."""

    def close_open(self, property_id: str, on: date) -> None: ...
    def add(self, property_id: str, account_id: str, valid_from: date, share: Fraction) -> None: ...
    def properties_held(self, account_ids: Sequence[str], on: date) -> dict[str, int]: ...
    def latest_start(self, property_id: str) -> date | None: ...
    def of_accounts(self, account_ids: Sequence[str]) -> dict[str, list[tuple[str, Holding]]]: ...
    def of_property(self, property_id: str) -> list[tuple[str, Holding]]: ...
    def of_properties(self, property_ids: Sequence[str]) -> dict[str, list[tuple[str, Holding]]]: ...


class BillingRunStore(Protocol):
    def add_unless_taken(self, run: BillingRun, at: datetime) -> BillingRun: ...
    def advance(self, run: BillingRun) -> None: ...
    def mark_state(
        self,
        run_id: str,
        state: RunState,
        *,
        was: Collection[RunState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool: ...
    def note_nothing_issued(self, run_id: str, why: str) -> None: ...
    def get(self, run_id: str, lock: bool = False) -> BillingRun | None: ...
    def for_month(self, year: int, month: int) -> BillingRun | None: ...
    def latest_completed_month(self, year: int) -> int | None: ...
    def latest_completed_before(self, year: int, month: int) -> BillingRun | None: ...
    def unfinished(self) -> list[BillingRun]: ...


class HeldDocumentStore(Protocol):
    def hold(self, holds: Sequence[Hold], at: datetime) -> None: ...
    def open_holds(self, account_ids: Sequence[str]) -> list[Hold]: ...
    def release(self, account_ids: Sequence[str], run_id: str) -> None: ...
    def for_run(self, run_id: str) -> list[Hold]: ...


class InvoiceStore(Protocol):
    @property
    def held(self) -> HeldDocumentStore:
        """Documents not issued: they could not be delivered."""
        ...

    def lock_series(self) -> int: ...
    def take_numbers(self, count: int) -> int: ...
    def add_many(
        self,
        items: Sequence[Invoice],
        at: datetime,
        recipients: Mapping[str, RecipientSnapshot],
        seller: Seller,
    ) -> None: ...
    def parties(self, numbers: Sequence[int]) -> dict[int, DocumentParties]: ...
    def add_prepaid(self, amounts: Mapping[int, Money]) -> None:
        """Keeps, by invoice number, what the recipient's credits paid of each invoice as it was issued
        (in the issuing transaction); parties() hands it over from then on (DocumentParties.prepaid)."""
        ...

    def totals_for_run(self, run_id: str) -> RunTotals: ...
    def invoiced_in_year(self, account_ids: Sequence[str], year: int) -> dict[str, YearSoFar]: ...
    def documents_by_code(self, run_id: str) -> list[tuple[str, dict[str, Money], Money, Money]]: ...
    def for_run(self, run_id: str, channel: Channel | None = None) -> list[Invoice]: ...
    def journal(self, run_id: str) -> Sequence[JournalRow]: ...
    def search(
        self,
        *,
        account_id: str = "",
        property_id: str = "",
        run_id: str = "",
        kind: str = "",
        issued_from: date | None = None,
        issued_to: date | None = None,
        offset: int = 0,
        limit: int = 100,
        newest_first: bool = False,
    ) -> list[Invoice]: ...
    def by_number(self, invoice_number: int) -> Invoice | None: ...


class FeeScheduleStore(Protocol):
    def add(self, year: int, document: str, at: datetime) -> int: ...
    def current(self, year: int) -> StoredSchedule | None: ...
    def current_schedule(self, year: int) -> FeeSchedule | None:
        """The year's current schedule, read from its stored document; None without one."""
        ...


class FeeFactsStore(Protocol):
    def is_known(self, property_id: str) -> bool: ...
    def set_own(self, property_id: str, facts: OwnFacts, at: datetime) -> None: ...
    def record_meter_reading(self, property_id: str, year: int, m3: Decimal, at: datetime) -> None: ...
    def facts_for(self, property_ids: Sequence[str], year: int) -> dict[str, FeeFacts]: ...


class CorrectionFlagStore(Protocol):
    def flag(self, pairs: Iterable[tuple[str, int]], at: datetime) -> None: ...
    def holders_between(self, property_id: str, start: date, end: date) -> list[str]: ...
    def flagged(self, account_ids: Sequence[str], lock: bool = True) -> list[Flag]: ...
    def clear(self, settled: Sequence[Flag]) -> None: ...


class BillingPropertyStore(Protocol):
    def get(self, property_id: str) -> BillingProperty | None: ...
    def get_many(self, property_ids: Sequence[str]) -> dict[str, BillingProperty]: ...
    def add(self, prop: BillingProperty) -> None: ...
    def save(self, prop: BillingProperty) -> None: ...
    def known(self, property_ids: Sequence[str]) -> set[str]: ...
    def add_many(self, props: Sequence[BillingProperty]) -> None: ...


class PropertyTaxStore(Protocol):
    def versions(self, property_ids: Sequence[str]) -> set[tuple[str, int, int]]: ...
    def retire_many(self, keys: Sequence[tuple[str, int]]) -> None: ...
    def add_many(self, taxes: Sequence[tuple[PropertyTax, bool]]) -> None: ...
    def current_for(self, property_id: str) -> list[PropertyTax]: ...
    def current_taxes(
        self, property_ids: list[str], year: int, as_of: date | None = None
    ) -> dict[str, PropertyTax]:
        """Each property's tax for the year: the current version, or with `as_of` (a run's issue date) the
        newest version in force on that day."""
        ...

    def later_corrections(self, property_ids: list[str], year: int, as_of: date) -> dict[str, date]:
        """Per property, the earliest business date of a correction of the year's tax dated after `as_of`."""
        ...


class BillingYears(Protocol):
    """Questions about a whole tax year, asked once per run or preview, never per recipient."""

    def sources(self, year: int) -> YearSources: ...
    def earlier_years_not_billed(self, year: int) -> list[str]:
        """Each earlier year with billable charges not billed to its end, in words; oldest first."""
        ...

    def nothing_to_bill(self, year: int) -> str:
        """Why a run of the year could issue nothing at all, in words; "" when it could."""
        ...


class BillingUnitOfWork(TransactionalWork, Protocol):
    """Billing's repositories in one transaction (read-only members, so that an implementation may type
    them as its own classes)."""

    @property
    def accounts(self) -> AccountStore: ...

    @property
    def holdings(self) -> HoldingStore: ...

    @property
    def runs(self) -> BillingRunStore: ...

    @property
    def invoices(self) -> InvoiceStore: ...

    @property
    def fee_schedules(self) -> FeeScheduleStore: ...

    @property
    def fee_facts(self) -> FeeFactsStore: ...

    @property
    def corrections(self) -> CorrectionFlagStore: ...

    @property
    def properties(self) -> BillingPropertyStore: ...

    @property
    def taxes(self) -> PropertyTaxStore: ...

    @property
    def years(self) -> BillingYears: ...

    @property
    def ledger(self) -> LedgerStore: ...

    @property
    def payments(self) -> PaymentStore: ...

    @property
    def collection(self) -> CollectionStore: ...

    @property
    def agreements(self) -> AgreementStore: ...


UowFactory = Callable[[], BillingUnitOfWork]


# --- Outside the database -----------------------------------------------------------------------------

# The fee schedule from its file form (the request's document), every bad field named (InvalidInput).
ScheduleReader = Callable[[str], FeeSchedule]


class InvoiceRenderer(Protocol):
    """An issued invoice's document from the invoice and the parties stored with it at issue."""

    def pdf(self, invoice: Invoice, parties: DocumentParties) -> bytes: ...
    def ehf(self, invoice: Invoice, parties: DocumentParties) -> bytes: ...


@dataclass(frozen=True)
class HeldLine:
    """One line of a run's report of held documents: the hold and the recipient as it stands now."""

    hold: Hold
    name: str
    channel: str


class RunFiles(Protocol):
    """Where and how a completed run's output is written: its documents (rendered as each recipient gets
    them), its journal and its report of held documents. Writing again overwrites: a crash after the
    documents writes them again."""

    @property
    def pdf_for_persons(self) -> bool:
        """Whether recipients who get no EHF get a PDF written (off where print is sent elsewhere)."""
        ...

    def write_documents(
        self, run: BillingRun, documents: Sequence[tuple[Invoice, DocumentParties]]
    ) -> None: ...
    def write_journal(self, run: BillingRun, rows: Sequence[JournalRow]) -> None: ...
    def write_held_report(self, run: BillingRun, held: Sequence[HeldLine]) -> None: ...
    def journal_path(self, run: BillingRun) -> Path:
        """Where the run's journal is (to be) written."""
        ...
