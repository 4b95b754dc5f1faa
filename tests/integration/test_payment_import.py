"""Payments in on PostgreSQL, end to end below the API: a billing run's invoices are in the ledger; an OCR
giro file (read by adapters/payment_file.read_payment_file) paying one in full, one in part, one twice and
one with an unknown KID is imported once (the second import changes nothing, a copy with other bytes is
refused); a refused file leaves no rows; a payment made before its invoice is held and allocated when the
next run issues it; the statement, the ageing and the year-end share come out exact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.billing.adapters.ocr_giro_writer import write_ocr_giro
from services.billing.adapters.orm import ledger_entries, ledger_postings, payment_files, payments
from services.billing.adapters.payment_file import read_payment_file
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.import_payments import import_payments
from services.billing.application.ledger_ports import StoredPaymentFile
from services.billing.application.payments import unmatched_payments
from services.billing.application.receivables_reports import ageing, paid_by_year_end
from services.billing.application.run_billing import (
    BillingPolicy,
)
from services.billing.application.statement import statement
from services.billing.domain.billing_run import Invoice, RunState
from services.billing.domain.kid import KidMethod, new_kid
from services.billing.domain.payments import PaymentFileFormat
from services.billing.domain.property_tax import PropertyTax
from services.platform.errors import AlreadyExists, InvalidInput
from services.platform.ids import new_id
from services.platform.money import Money
from tests.integration.billing_units import person, run_to_end, seed_holders, sql_billing_units

pytestmark = pytest.mark.postgres
POLICY = BillingPolicy(minimum_amount=Money.of(50), payment_days=21)
HOLDERS = ("acc-a", "acc-b", "acc-c", "acc-d", "acc-e")


@pytest.fixture
def make(postgres_url: str) -> Iterator[UowFactory]:
    with sql_billing_units(postgres_url) as units:
        yield units


def _seed(make: UowFactory) -> None:
    """p1…p5 held by acc-a…acc-e from 2024, 3,660 NOK tax each (quarterly: 915 NOK a term)."""
    seed_holders(
        make,
        [
            PropertyTax(f"p{n}", 2024, 1, "TAX_STATUS_TAXED", Money.of(3660), Money(0), 4, f"p{n}-2024")
            for n in range(1, len(HOLDERS) + 1)
        ],
        [(f"p{n}", date(2024, 1, 1), person(holder)) for n, holder in enumerate(HOLDERS, start=1)],
        datetime(2024, 1, 2, tzinfo=UTC),
        HOLDERS,
    )


def _run(make: UowFactory, month: int, issue_date: date) -> dict[str, Invoice]:
    run = run_to_end(make, 2024, month, issue_date, POLICY, 2)
    assert run.state == RunState.COMPLETED
    with make() as uow:
        return {i.account_id: i for i in uow.invoices.for_run(run.run_id)}


def _counts(make: UowFactory) -> tuple[int, ...]:
    with make() as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (payment_files, payments, ledger_entries, ledger_postings)
        )


def test_a_term_paid_by_file_in_full_in_part_twice_and_unknown(make: UowFactory) -> None:
    _seed(make)
    january = _run(make, 1, date(2024, 1, 10))
    a, b, c = january["acc-a"], january["acc-b"], january["acc-c"]
    assert a.total == Money.of(915)  # a quarter of 3,660 NOK
    assert _counts(make) == (0, 0, 5, 10)  # five invoices: receivables and revenue each
    next_number = max(i.invoice_number for i in january.values()) + 1
    early_kid = new_kid(next_number, KidMethod.MOD10)  # the April invoice acc-a will get, paid early

    content = write_ocr_giro(
        [
            (a.kid, a.total.ore),  # in full
            (b.kid, 50_000),  # in part: 415 NOK left
            (c.kid, c.total.ore),  # twice: the second a credit
            (c.kid, c.total.ore),
            ("12345678903", 12_345),  # unknown KID
            (early_kid, 20_000),  # before its invoice: held in the queue
        ],
        date(2024, 1, 29),
    )
    first = import_payments(make(), read_payment_file, content, "ocr-1.txt")
    assert (first.payments, first.total, first.matched, first.unmatched) == (6, Money(356_845), 4, 2)
    assert (first.fully_paid, first.partly_paid, first.overpaid) == (2, 1, 1)
    assert first.unmatched_total == Money(32_345)
    counts = _counts(make)
    assert counts == (1, 6, 11, 10 + 6 * 2)  # each payment: the bank and one claim

    again = import_payments(make(), read_payment_file, content, "ocr-1-again.txt")
    assert again.already_imported and again.file_id == first.file_id and again.matched == 4
    assert _counts(make) == counts

    with pytest.raises(InvalidInput) as refused:
        cut = b"\n".join(content.splitlines()[:-1]) + b"\n"  # without its transmission end record
        import_payments(make(), read_payment_file, cut, "cut.txt")
    assert refused.value.violations[0].field.startswith("line")
    assert _counts(make) == counts

    # April: acc-a's new invoice takes the early payment; acc-c's credit is set off against its invoice.
    april = _run(make, 4, date(2024, 4, 10))
    assert april["acc-a"].kid == early_kid
    assert [p.kid for p in unmatched_payments(make())] == ["12345678903"]

    s = statement(make(), "acc-c", None, date(2024, 12, 31))
    texts = [(line.text, line.debit.ore, line.credit.ore, line.balance.ore) for line in s.lines]
    later = april["acc-c"].invoice_number
    assert texts == [
        (f"Faktura {c.invoice_number}", 91_500, 0, 91_500),
        (f"Innbetaling KID {c.kid}", 0, 91_500, 0),
        (f"Innbetaling KID {c.kid}", 0, 91_500, -91_500),
        (f"Faktura {later}", 91_500, 0, 0),
        ("Motregning", 91_500, 91_500, 0),
    ]
    assert (s.closing, s.open_invoices, s.credits) == (Money(0), (), ())

    s = statement(make(), "acc-a", date(2024, 4, 1), date(2024, 12, 31))
    assert s.opening == Money(0)
    assert [(line.text, line.credit.ore) for line in s.lines][-1] == (f"Innbetaling KID {early_kid}", 20_000)
    assert [(o.document_number, o.open) for o in s.open_invoices] == [
        (april["acc-a"].invoice_number, Money(71_500))
    ]

    # On 15 March: b's 415 NOK and d's and e's 915 NOK are 44 days past their due date (31 January).
    march = ageing(make(), date(2024, 3, 15))
    assert [(x.key, x.count, x.amount.ore) for x in march.buckets] == [
        ("not_due", 0, 0),
        ("1_30", 0, 0),
        ("31_60", 3, 41_500 + 91_500 + 91_500),
        ("61_90", 0, 0),
        ("over_90", 0, 0),
    ]
    april_20 = ageing(make(), date(2024, 4, 20))  # April's invoices are due 1 May; January's 80 days late
    assert [(x.key, x.count, x.amount.ore) for x in april_20.buckets if x.count] == [
        ("not_due", 4, 71_500 + 91_500 + 91_500 + 91_500),
        ("61_90", 3, 41_500 + 91_500 + 91_500),
    ]
    assert april_20.total == Money(71_500 + 5 * 91_500 + 41_500)

    share = paid_by_year_end(make(), 2024)
    assert (share.invoices, share.invoiced, share.paid) == (
        10,
        Money(915_000),
        Money(91_500 + 50_000 + 91_500 + 91_500 + 20_000),
    )
    assert share.percent == Decimal("37.7")
    assert [(x.code, x.paid) for x in share.by_code] == [("property_tax", share.paid)]


def test_a_copy_of_an_imported_transmission_is_refused_and_the_table_keeps_one_per_identity(
    make: UowFactory,
) -> None:
    """Trial, issue 16: the same transmission saved with CRLF line ends was booked a second time."""
    _seed(make)
    january = _run(make, 1, date(2024, 1, 10))
    a = january["acc-a"]
    content = write_ocr_giro([(a.kid, a.total.ore)], date(2024, 1, 29))
    first = import_payments(make(), read_payment_file, content, "OCR.D290124.txt")
    counts = _counts(make)
    with make() as uow:
        stored = uow.session.execute(select(payment_files.c.file_reference)).scalar_one()
    assert stored.endswith("/" + first.file_reference) and len(stored) == 8 + 1 + 7

    with pytest.raises(AlreadyExists) as refused:
        import_payments(make(), read_payment_file, content.replace(b"\n", b"\r\n"), "OCR.D290124-crlf.txt")
    assert str(refused.value).startswith(
        f"transmission {first.file_reference} from data transmitter {stored[:8]} was imported on "
    )
    assert "from OCR.D290124.txt; a bank never sends the same transmission twice" in str(refused.value)
    assert _counts(make) == counts

    # Two imports checking at the same moment: the table's unique constraint refuses the second.
    with make() as uow, pytest.raises(AlreadyExists, match="imported by another import at the same moment"):
        uow.payments.add_file(
            StoredPaymentFile(
                new_id(),
                "0" * 64,
                PaymentFileFormat.OCR_GIRO,
                "x.txt",
                stored,
                date(2024, 1, 29),
                1,
                Money(1),
                {},
            ),
            datetime(2024, 1, 30, tzinfo=UTC),
        )
    assert _counts(make) == counts
