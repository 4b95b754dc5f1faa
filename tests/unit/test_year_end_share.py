"""The share paid by year end, overall and per charge code, split exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.billing.domain.year_end_share import Credited, InvoiceOfYear, year_end_share
from services.platform.money import Money


def test_a_payment_is_split_over_the_codes_pro_rata_and_exactly() -> None:
    share = year_end_share(
        2024,
        [
            InvoiceOfYear({"property_tax": Money(20_000), "water": Money(10_000)}, Money(10_001)),
            InvoiceOfYear({"property_tax": Money(50_000)}, Money(50_000)),
            InvoiceOfYear({"waste": Money(7_000)}, Money(0)),
        ],
    )
    assert (share.invoices, share.invoiced, share.paid) == (3, Money(87_000), Money(60_001))
    by_code = {c.code: (c.invoiced, c.paid) for c in share.by_code}
    assert by_code == {
        "property_tax": (Money(70_000), Money(56_667)),  # 6,667.33… + 50,000 → the leftover øre here
        "water": (Money(10_000), Money(3_334)),
        "waste": (Money(7_000), Money(0)),
    }
    assert sum(c.paid.ore for c in share.by_code) == share.paid.ore
    assert share.percent == Decimal("69.0")
    assert [c.percent for c in share.by_code] == [Decimal("81.0"), Decimal("0.0"), Decimal("33.3")]


def test_nothing_invoiced_is_0_percent_and_overpaying_an_invoice_is_refused() -> None:
    assert year_end_share(2025, []).percent == Decimal(0)
    with pytest.raises(ValueError):
        year_end_share(2025, [InvoiceOfYear({"water": Money(100)}, Money(101))])
    with pytest.raises(ValueError):  # credited 60 and paid 50 of 100
        year_end_share(
            2025, [InvoiceOfYear({"water": Money(100)}, Money(50), (Credited(Money(60), frozenset()),))]
        )


def test_a_credit_note_is_taken_off_the_codes_it_names_and_is_not_payment() -> None:
    water_credit = Credited(Money(4_000), frozenset({"water"}))
    share = year_end_share(
        2024,
        [
            InvoiceOfYear(
                {"property_tax": Money(30_000), "water": Money(10_000)}, Money(18_000), (water_credit,)
            )
        ],
    )
    assert (share.invoiced, share.paid) == (Money(36_000), Money(18_000))
    assert [(c.code, c.invoiced, c.paid) for c in share.by_code] == [
        ("property_tax", Money(30_000), Money(15_000)),
        ("water", Money(6_000), Money(3_000)),
    ]
    # A credit note larger than the codes it names on this invoice is taken off all of them.
    big = Credited(Money(20_000), frozenset({"water"}))
    share = year_end_share(
        2024, [InvoiceOfYear({"property_tax": Money(30_000), "water": Money(10_000)}, Money(0), (big,))]
    )
    assert [(c.code, c.invoiced) for c in share.by_code] == [
        ("property_tax", Money(15_000)),
        ("water", Money(5_000)),
    ]


def test_the_share_of_the_ledger_counts_payments_and_set_offs_by_31_december() -> None:
    from datetime import date

    from services.billing.application.import_payments import import_payments
    from services.billing.application.receivables_reports import paid_by_year_end
    from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat
    from services.platform.errors import InvalidInput
    from tests.fakes.billing import FakeBillingUnitOfWork
    from tests.fakes.ledger import an_invoice, issue

    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": 30_000, "water": 10_000})])
    issue(uow, [an_invoice(2, "acc-a", {"water": -4_000}, kind="credit_note", issue_date=date(2024, 6, 1))])

    def paid(kid: str, ore: int, on: date) -> None:
        # A transmission number per file: a bank never sends one twice (import_payments refuses a copy).
        parsed = PaymentFile(
            PaymentFileFormat.OCR_GIRO, f"{ore}{on}", on, "", (IncomingPayment(3, kid, Money(ore), on, "r"),)
        )
        import_payments(uow, lambda content, name: parsed, f"{ore}{on}".encode(), "ocr.txt")

    paid(uow.invoices.rows[1].kid, 16_000, date(2024, 12, 31))
    paid(uow.invoices.rows[1].kid, 20_000, date(2025, 1, 2))  # after the year end
    share = paid_by_year_end(uow, 2024)
    # The credit note's 4,000 (water) is taken off what was invoiced, not counted as paid.
    assert (share.invoices, share.invoiced, share.paid) == (1, Money(36_000), Money(16_000))
    assert [(c.code, c.invoiced, c.paid) for c in share.by_code] == [
        ("property_tax", Money(30_000), Money(13_333)),
        ("water", Money(6_000), Money(2_667)),
    ]
    assert share.percent == Decimal("44.4")
    with pytest.raises(InvalidInput):
        paid_by_year_end(uow, 1999)
