"""AvtaleGiro commands on fakes: agreements stored under the recipients' KIDs (unknown KIDs refused by line,
nothing stored), and a run's invoices turned into direct-debit claims for recipients with an agreement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from services.billing.application.avtalegiro import (
    AgreementImport,
    direct_debit_claims,
    import_agreements,
)
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.avtalegiro import (
    Agreement,
    AgreementChange,
    DirectDebitClaim,
    customer_number_of,
    recipient_kid,
)
from services.billing.domain.billing_run import CREDIT_NOTE, INVOICE, BillingRun, Invoice, RunState
from services.billing.domain.intervals import Period
from services.platform.errors import InvalidInput, NotFound
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.unit_of_work import FIXED_NOW

ON = date(2026, 3, 2)


def recipients(uow: FakeBillingUnitOfWork, *names: str) -> list[Account]:
    made = []
    for index, name in enumerate(names, start=1):
        account = Account(
            f"owner-{index}", RecipientKind.PERSON, name, "", "Storgata 1", "0155", "OSLO", Channel.PRINT
        )
        uow.accounts.add(account, FIXED_NOW)
        made.append(uow.accounts.rows[account.account_id])
    return made


def reader(*changes: AgreementChange) -> Callable[[bytes], list[AgreementChange]]:
    def read(content: bytes) -> list[AgreementChange]:
        assert content == b"agreements file"
        return list(changes)

    return read


def test_a_recipients_kid_is_its_customer_number_with_a_mod10_check_digit() -> None:
    assert recipient_kid(1234) == "12344"  # DOMAIN.md §5 test vector
    assert customer_number_of("12344") == 1234
    assert customer_number_of("00012344") == 1234  # zeros the payer typed in front change nothing
    assert customer_number_of("12345") is None
    assert customer_number_of("0") is None
    with pytest.raises(ValueError, match="customer number"):
        recipient_kid(0)


def test_agreements_are_stored_under_the_recipients_kids() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola, _ = recipients(uow, "Kari Nordmann", "Ola Nordmann", "Per Hansen")
    read = reader(
        AgreementChange(3, "000" + recipient_kid(kari.customer_number), active=True, notify=True),
        AgreementChange(4, recipient_kid(ola.customer_number), active=True, notify=False),
    )

    result = import_agreements(uow, read, b"agreements file", ON)

    assert result == AgreementImport(agreements=2, active=2, deleted=0, accounts=("owner-1", "owner-2"))
    assert uow.agreements.get(recipient_kid(kari.customer_number)) == Agreement(
        recipient_kid(kari.customer_number), "owner-1", active=True, notify=True, registered_on=ON
    )
    assert set(uow.agreements.active_for(["owner-1", "owner-2", "owner-3"])) == {"owner-1", "owner-2"}
    assert uow.commits == 1


def test_a_deleted_agreement_is_no_longer_active() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)
    import_agreements(uow, reader(AgreementChange(3, kid, True, True)), b"agreements file", ON)

    result = import_agreements(
        uow, reader(AgreementChange(3, kid, False, True)), b"agreements file", date(2026, 4, 1)
    )

    assert (result.active, result.deleted) == (0, 1)
    assert uow.agreements.active_for(["owner-1"]) == {}
    stored = uow.agreements.get(kid)
    assert stored is not None and (stored.active, stored.registered_on) == (False, date(2026, 4, 1))


def test_kids_naming_no_recipient_are_refused_by_line_and_nothing_is_stored() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    read = reader(
        AgreementChange(3, recipient_kid(kari.customer_number), True, True),
        AgreementChange(4, recipient_kid(999), True, True),  # a valid KID, but no customer 999
        AgreementChange(5, "12345", True, False),  # wrong check digit
        AgreementChange(6, recipient_kid(10**12), True, False),  # past any customer number
    )

    with pytest.raises(InvalidInput) as caught:
        import_agreements(uow, read, b"agreements file", ON)

    assert [(v.field, v.description) for v in caught.value.violations] == [
        (
            "line 4",
            "KID 9993 names no recipient: a recipient's AvtaleGiro KID is its customer number with a "
            "MOD10 check digit",
        ),
        (
            "line 5",
            "KID 12345 names no recipient: a recipient's AvtaleGiro KID is its customer number with a "
            "MOD10 check digit (this KID's check digit is wrong)",
        ),
        (
            "line 6",
            f"KID {recipient_kid(10**12)} names no recipient: a recipient's AvtaleGiro KID is its customer "
            "number with a MOD10 check digit",
        ),
    ]
    assert uow.agreements.rows == {}
    assert uow.commits == 0


def invoice(number: int, account_id: str, total: str, kind: str = INVOICE) -> Invoice:
    amount = Money.of(total)
    return Invoice(
        invoice_number=number,
        kind=kind,
        run_id="run-2026-03",
        account_id=account_id,
        channel=Channel.PRINT,
        kid=f"{number:014d}0",
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 3, 31),
        period=Period(date(2026, 1, 1), date(2026, 7, 1)),
        lines=(),
        net=amount,
        vat=Money(0),
        total=amount,
    )


def billed_run(uow: FakeBillingUnitOfWork, *invoices: Invoice) -> None:
    uow.runs.rows["run-2026-03"] = BillingRun("run-2026-03", 2026, 3, date(2026, 3, 2), RunState.COMPLETED)
    for item in invoices:
        uow.invoices.rows[item.invoice_number] = item


def test_claims_are_made_for_the_invoices_of_recipients_with_an_active_agreement() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola, per = recipients(uow, "Kari Nordmann", "Ola Nordmann", "Per Hansen")
    import_agreements(
        uow,
        reader(
            AgreementChange(3, recipient_kid(kari.customer_number), True, notify=True),
            AgreementChange(4, recipient_kid(ola.customer_number), True, notify=False),
        ),
        b"agreements file",
        ON,
    )
    billed_run(
        uow,
        invoice(12, "owner-2", "2241.50"),
        invoice(11, "owner-1", "4480.00"),
        invoice(13, "owner-3", "1000.00"),  # Per has no agreement: a paper invoice
        invoice(14, "owner-1", "-300.00", kind=CREDIT_NOTE),  # nothing to debit
    )

    claims = direct_debit_claims(uow, "run-2026-03")

    assert claims == [
        DirectDebitClaim(
            kid="000000000000110",
            amount=Money(448000),
            due_date=date(2026, 3, 31),
            payer_name="Kari Nordm",
            reference="Faktura 11",
            notify=True,
            text="Faktura 11 datert mandag 2. mars 2026\n"
            "Beløp 4 480,00 kr trekkes fra kontoen din tirsdag 31. mars 2026.\n"
            "KID 000000000000110",
            invoice_number=11,
        ),
        DirectDebitClaim(
            kid="000000000000120",
            amount=Money(224150),
            due_date=date(2026, 3, 31),
            payer_name="Ola Nordma",
            reference="Faktura 12",
            notify=False,
            text="",
            invoice_number=12,
        ),
    ]
    assert per.customer_number == 3


def test_claims_of_an_unknown_run_are_not_found() -> None:
    with pytest.raises(NotFound, match="run-1999-01"):
        direct_debit_claims(FakeBillingUnitOfWork(), "run-1999-01")
