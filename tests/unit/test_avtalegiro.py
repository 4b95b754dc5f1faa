"""AvtaleGiro commands on fakes: agreements stored under the recipients' KIDs (unknown KIDs refused by line,
nothing stored), and a run's invoices turned into direct-debit claims for recipients with an agreement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from itertools import count

import pytest

from services.billing.application.avtalegiro import (
    AgreementImport,
    ClaimFile,
    EndedAgreement,
    direct_debit_claims,
    import_agreements,
    recipient_agreement,
)
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.avtalegiro import (
    Agreement,
    AgreementChange,
    DirectDebitClaim,
    EndedBy,
    customer_number_of,
    earliest_due_date,
    recipient_kid,
)
from services.billing.domain.billing_run import CREDIT_NOTE, BillingRun, Invoice, RunState
from services.billing.domain.ledger import Component, Entry, EntryKind, LedgerAccount, Posting, document_claim
from services.platform.errors import AlreadyExists, InvalidInput, NotFound
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.ledger import an_invoice, issue
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
        assert content.startswith(b"agreements file")
        return list(changes)

    return read


_files = count(1)


def a_file() -> bytes:
    """Another agreements file's bytes (a file read again is recognised by them)."""
    return b"agreements file %d" % next(_files)


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

    result = import_agreements(uow, read, a_file(), ON)

    assert result == AgreementImport(
        agreements=2, active=2, deleted=0, accounts=("owner-1", "owner-2"), added=2, changed=0, unchanged=0
    )
    assert uow.agreements.get(recipient_kid(kari.customer_number)) == Agreement(
        recipient_kid(kari.customer_number),
        "owner-1",
        active=True,
        notify=True,
        registered_on=ON,
        active_since=ON,
    )
    assert set(uow.agreements.active_for(["owner-1", "owner-2", "owner-3"])) == {"owner-1", "owner-2"}
    assert uow.commits == 1


def test_a_deleted_agreement_is_no_longer_active() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)
    import_agreements(uow, reader(AgreementChange(3, kid, True, True)), a_file(), ON)

    result = import_agreements(uow, reader(AgreementChange(3, kid, False, True)), a_file(), date(2026, 4, 1))

    assert (result.active, result.deleted) == (0, 1)
    # counted once, as deleted by its payer (new, changed, unchanged and deleted add up to the records)
    assert (result.added, result.changed, result.unchanged) == (0, 0, 0)
    deleted = EndedAgreement(kid, kari.customer_number, missing_from_full_list=False)
    assert result.ended_agreements == (deleted,)
    assert uow.agreements.active_for(["owner-1"]) == {}
    stored = uow.agreements.get(kid)
    assert stored is not None and (stored.active, stored.registered_on) == (False, date(2026, 4, 1))
    assert recipient_agreement(uow, "owner-1") == stored  # shown as ended, not as never had one


def test_a_file_dated_before_the_last_change_is_refused_and_changes_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)
    import_agreements(uow, reader(AgreementChange(3, kid, True, True)), a_file(), ON)
    import_agreements(uow, reader(AgreementChange(3, kid, False, True)), a_file(), date(2026, 4, 1))
    with pytest.raises(InvalidInput) as older:
        import_agreements(uow, reader(AgreementChange(3, kid, True, True, True)), a_file(), ON)
    [(field, message)] = [(v.field, v.description) for v in older.value.violations]
    assert field == "received_on" and "is before 01.04.2026" in message
    stored = uow.agreements.get(kid)
    assert stored is not None and not stored.active  # the payer's deletion stands
    # the same day as the last change is not before it
    import_agreements(uow, reader(AgreementChange(3, kid, False, True)), a_file(), date(2026, 4, 1))


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
        import_agreements(uow, read, a_file(), ON)

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


def test_the_same_file_again_changes_nothing_and_says_so() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola = recipients(uow, "Kari Nordmann", "Ola Nordmann")
    first = reader(
        AgreementChange(3, recipient_kid(kari.customer_number), True, notify=True),
        AgreementChange(4, recipient_kid(ola.customer_number), True, notify=False),
    )
    content = a_file()
    import_agreements(uow, first, content, ON)

    again = import_agreements(uow, first, content, date(2026, 4, 1))

    assert (again.agreements, again.added, again.changed, again.unchanged) == (2, 0, 0, 2)
    # an agreement the file only repeats keeps the day it became what it is: its "active since"
    assert recipient_agreement(uow, "owner-1") == Agreement(
        recipient_kid(kari.customer_number),
        "owner-1",
        active=True,
        notify=True,
        registered_on=ON,
        active_since=ON,
    )
    assert again.already_read_on == ON


def test_an_old_file_read_again_after_later_changes_brings_back_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)
    old = a_file()
    import_agreements(uow, reader(AgreementChange(3, kid, True, True)), old, ON)
    import_agreements(uow, reader(AgreementChange(3, kid, False, True)), a_file(), date(2026, 4, 1))

    again = import_agreements(uow, reader(AgreementChange(3, kid, True, True)), old, date(2026, 5, 1))

    assert (again.already_read_on, again.changed, again.unchanged) == (ON, 0, 1)
    stored = uow.agreements.get(kid)
    assert stored is not None and not stored.active  # the payer's deletion stands


def test_a_file_the_bank_sent_before_the_last_one_read_is_refused() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)
    sent = date(2026, 3, 20)
    made = reader(AgreementChange(3, kid, True, True, sent_on=date(2026, 3, 1)))
    import_agreements(uow, made, a_file(), ON)
    import_agreements(uow, reader(AgreementChange(3, kid, False, True, sent_on=sent)), a_file(), sent)
    older = reader(AgreementChange(3, kid, True, True, sent_on=date(2026, 3, 10)))
    with pytest.raises(InvalidInput) as refused:
        import_agreements(uow, older, a_file(), date(2026, 4, 1))
    [(field, message)] = [(v.field, v.description) for v in refused.value.violations]
    assert field == "content" and "sent this file on 10.03.2026, before the last agreements file" in message
    assert uow.agreements.get(kid) is not None and not uow.agreements.get(kid).active  # type: ignore[union-attr]


def test_a_changed_agreement_is_told_apart_from_a_repeated_one() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola = recipients(uow, "Kari Nordmann", "Ola Nordmann")
    kari_kid, ola_kid = recipient_kid(kari.customer_number), recipient_kid(ola.customer_number)
    import_agreements(uow, reader(AgreementChange(3, kari_kid, True, notify=True)), a_file(), ON)

    result = import_agreements(
        uow,
        reader(
            AgreementChange(3, kari_kid, True, notify=False),  # Kari no longer wants the bank's notice
            AgreementChange(4, ola_kid, True, notify=False),  # new
            AgreementChange(5, ola_kid, True, notify=False),  # the same record twice: repeats line 4
        ),
        a_file(),
        date(2026, 4, 1),
    )

    assert (result.added, result.changed, result.unchanged) == (1, 1, 1)
    # only the notice changed: active since the day it became active, not the day of the change
    assert recipient_agreement(uow, "owner-1") == Agreement(kari_kid, "owner-1", True, False, ON, ON)
    assert recipient_agreement(uow, "owner-3") is None


def test_an_agreement_signed_again_after_it_ended_is_new_and_active_from_that_day() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)
    import_agreements(uow, reader(AgreementChange(3, kid, True, notify=True)), a_file(), ON)
    import_agreements(uow, reader(AgreementChange(3, kid, False, notify=True)), a_file(), date(2026, 4, 1))

    again = import_agreements(
        uow, reader(AgreementChange(3, kid, True, notify=False)), a_file(), date(2026, 5, 4)
    )

    assert (again.added, again.changed, again.unchanged) == (1, 0, 0)
    assert recipient_agreement(uow, "owner-1") == Agreement(
        kid, "owner-1", True, False, date(2026, 5, 4), date(2026, 5, 4)
    )


def listed(line: int, kid: str, notify: bool = True) -> AgreementChange:
    """A record of the bank's full list of active agreements (registration type 0)."""
    return AgreementChange(line, kid, active=True, notify=notify, complete_list=True)


def test_a_full_list_ends_the_active_agreements_it_leaves_out_and_keeps_the_listed() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola, per = recipients(uow, "Kari Nordmann", "Ola Nordmann", "Per Hansen")
    kari_kid, ola_kid, per_kid = (recipient_kid(r.customer_number) for r in (kari, ola, per))
    import_agreements(
        uow,
        reader(
            AgreementChange(3, kari_kid, True, notify=True),
            AgreementChange(4, ola_kid, True, notify=False),
            AgreementChange(5, per_kid, False, notify=True),  # deleted already: nothing to end
        ),
        a_file(),
        ON,
    )
    later = date(2026, 4, 1)

    result = import_agreements(uow, reader(listed(3, "000" + kari_kid)), a_file(), later)

    assert result == AgreementImport(
        agreements=1,
        active=1,
        deleted=0,
        accounts=("owner-1",),
        added=0,
        changed=0,
        unchanged=1,
        ended=1,
        ended_agreements=(EndedAgreement(ola_kid, ola.customer_number, missing_from_full_list=True),),
    )
    # Kari is listed: her agreement keeps the day it became active; Ola's the list left out has ended
    assert uow.agreements.get(kari_kid) == Agreement(kari_kid, "owner-1", True, True, ON, ON)
    assert uow.agreements.get(ola_kid) == Agreement(
        ola_kid, "owner-2", False, False, later, ON, EndedBy.FULL_LIST
    )
    assert uow.agreements.get(per_kid) is None  # a deletion of an agreement never registered stores nothing
    assert set(uow.agreements.active_for(["owner-1", "owner-2", "owner-3"])) == {"owner-1"}
    assert uow.commits == 2


def test_changes_end_nothing_they_do_not_mention() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola = recipients(uow, "Kari Nordmann", "Ola Nordmann")
    kari_kid, ola_kid = recipient_kid(kari.customer_number), recipient_kid(ola.customer_number)
    import_agreements(uow, reader(listed(3, kari_kid), listed(4, ola_kid)), a_file(), ON)

    result = import_agreements(
        uow, reader(AgreementChange(3, kari_kid, True, notify=False)), a_file(), date(2026, 4, 1)
    )

    assert (result.changed, result.ended) == (1, 0)
    assert set(uow.agreements.active_for(["owner-1", "owner-2"])) == {"owner-1", "owner-2"}


def test_a_full_list_mixed_with_changes_is_refused_by_the_first_change_and_changes_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola, per = recipients(uow, "Kari Nordmann", "Ola Nordmann", "Per Hansen")
    kari_kid, ola_kid, per_kid = (recipient_kid(r.customer_number) for r in (kari, ola, per))
    import_agreements(uow, reader(AgreementChange(3, per_kid, True, True)), a_file(), ON)
    before = dict(uow.agreements.rows)

    with pytest.raises(InvalidInput) as caught:
        import_agreements(
            uow,
            reader(
                listed(3, kari_kid),
                AgreementChange(4, ola_kid, True, notify=True),  # a new agreement in a full list
                AgreementChange(5, per_kid, False, notify=True),
            ),
            a_file(),
            date(2026, 4, 1),
        )

    assert [(v.field, v.description) for v in caught.value.violations] == [
        (
            "line 4",
            "a full agreements list (registration type 0) cannot carry changes (types 1 and 2): line 3 "
            "lists an agreement as active, this line changes or deletes one",
        )
    ]
    assert uow.agreements.rows == before
    assert uow.commits == 1


def test_a_change_before_a_listed_agreement_is_refused_by_its_own_line() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)

    with pytest.raises(InvalidInput) as caught:
        import_agreements(
            uow,
            reader(AgreementChange(3, kid, False, True), listed(7, kid)),
            a_file(),
            ON,
        )

    assert [v.field for v in caught.value.violations] == ["line 3"]
    assert (uow.agreements.rows, uow.commits) == ({}, 0)


RUN = "run-2026-03"
DUE = date(2026, 3, 31)
SENT_ON = date(2026, 3, 5)


def invoice(number: int, account_id: str, ore: int, kind: str = "invoice", due: date = DUE) -> Invoice:
    made = an_invoice(number, account_id, {"property_tax": ore}, issue_date=ON, due_date=due, kind=kind)
    return replace(made, run_id=RUN)


def billed_run(uow: FakeBillingUnitOfWork, *invoices: Invoice) -> None:
    """The run's documents issued and posted as a billing chunk does (a credit note set off at once)."""
    uow.runs.rows[RUN] = BillingRun(RUN, 2026, 3, ON, RunState.COMPLETED)
    issue(uow, invoices)


def pay(uow: FakeBillingUnitOfWork, number: int, account_id: str, ore: int) -> None:
    claim = document_claim(number)
    uow.ledger.post(
        [
            Entry(
                f"payment-{number}",
                EntryKind.PAYMENT,
                SENT_ON,
                (
                    Posting(LedgerAccount.BANK, Money(ore)),
                    Posting(LedgerAccount.RECEIVABLES, Money(-ore), account_id, claim, Component.PRINCIPAL),
                ),
                account_id,
            )
        ],
        FIXED_NOW,
    )


def with_agreements(uow: FakeBillingUnitOfWork) -> tuple[Account, Account, Account]:
    kari, ola, per = recipients(uow, "Kari Nordmann", "Ola Nordmann", "Per Hansen")
    import_agreements(
        uow,
        reader(
            AgreementChange(3, recipient_kid(kari.customer_number), True, notify=True),
            AgreementChange(4, recipient_kid(ola.customer_number), True, notify=False),
        ),
        a_file(),
        ON,
    )
    return kari, ola, per


def test_claims_are_for_what_is_open_on_the_invoices_of_recipients_with_an_agreement() -> None:
    uow = FakeBillingUnitOfWork()
    _, _, per = with_agreements(uow)
    billed_run(
        uow,
        invoice(11, "owner-1", 4_711_209),
        invoice(12, "owner-2", 224_150),
        invoice(13, "owner-3", 100_000),  # Per has no agreement: a paper invoice
        invoice(14, "owner-1", -557_578, kind=CREDIT_NOTE),  # set off against 11 ("Motregning 5 575,78")
    )

    claimed = direct_debit_claims(uow, RUN, SENT_ON)

    kid_11, kid_12 = uow.invoices.rows[11].kid, uow.invoices.rows[12].kid
    assert claimed == ClaimFile(
        claims=[
            DirectDebitClaim(
                kid=kid_11,
                amount=Money(4_153_631),  # 47 112,09 less the 5 575,78 set off
                due_date=DUE,
                payer_name="Kari Nordm",
                reference="Faktura 11",
                notify=True,
                text="Faktura 11 datert mandag 2. mars 2026\n"
                "Beløp 41 536,31 kr trekkes fra kontoen din tirsdag 31. mars 2026.\n"
                "Fakturaen er på 47 112,09 kr; 5 575,78 kr er allerede gjort opp.\n"
                f"KID {kid_11}",
                invoice_number=11,
            ),
            DirectDebitClaim(
                kid=kid_12,
                amount=Money(224_150),
                due_date=DUE,
                payer_name="Ola Nordma",
                reference="Faktura 12",
                notify=False,
                text="",
                invoice_number=12,
            ),
        ],
        paid=0,
        partly_settled=1,
        too_late=0,
        earliest_due_date=date(2026, 3, 9),
    )
    assert per.customer_number == 3


def test_an_invoice_with_nothing_open_is_left_out_and_counted() -> None:
    uow = FakeBillingUnitOfWork()
    with_agreements(uow)
    billed_run(uow, invoice(11, "owner-1", 448_000), invoice(12, "owner-2", 224_150))
    pay(uow, 12, "owner-2", 224_150)

    claimed = direct_debit_claims(uow, RUN, SENT_ON)

    assert [c.invoice_number for c in claimed.claims] == [11]
    assert (claimed.paid, claimed.partly_settled, claimed.too_late) == (1, 0, 0)


def test_a_claim_is_for_the_open_principal_after_every_known_payment_without_fees() -> None:
    uow = FakeBillingUnitOfWork()
    with_agreements(uow)
    billed_run(uow, invoice(11, "owner-1", 448_000))
    pay(uow, 11, "owner-1", 100_000)  # booked on SENT_ON
    claim = document_claim(11)
    later = SENT_ON + timedelta(days=30)
    uow.ledger.post(  # a reminder fee, and a payment booked after the file's day (known when it is written)
        [
            Entry(
                "fee-11",
                EntryKind.REMINDER_FEE,
                later,
                (
                    Posting(LedgerAccount.RECEIVABLES, Money(3_500), "owner-1", claim, Component.FEE),
                    Posting(LedgerAccount.FEE_INCOME, Money(-3_500)),
                ),
                "owner-1",
            ),
            Entry(
                "payment-11b",
                EntryKind.PAYMENT,
                later,
                (
                    Posting(LedgerAccount.BANK, Money(50_000)),
                    Posting(LedgerAccount.RECEIVABLES, Money(-50_000), "owner-1", claim, Component.PRINCIPAL),
                ),
                "owner-1",
            ),
        ],
        FIXED_NOW,
    )

    [claimed] = direct_debit_claims(uow, RUN, SENT_ON).claims

    assert claimed.amount == Money(298_000)  # 4 480,00 less the 1 500,00 paid; the fee is reminded
    assert "1 500,00 kr er allerede gjort opp" in claimed.text


def test_invoices_due_within_the_banks_notice_are_left_out_for_paper() -> None:
    uow = FakeBillingUnitOfWork()
    with_agreements(uow)
    billed_run(
        uow,
        invoice(11, "owner-1", 448_000, due=date(2026, 3, 9)),  # 4 days after: the earliest the bank takes
        invoice(12, "owner-2", 224_150, due=date(2026, 3, 8)),  # 3 days: too soon
        invoice(13, "owner-2", 100_000, due=date(2026, 3, 1)),  # past due already
    )

    claimed = direct_debit_claims(uow, RUN, SENT_ON)

    assert earliest_due_date(SENT_ON) == date(2026, 3, 9)
    assert [c.invoice_number for c in claimed.claims] == [11]
    assert (claimed.paid, claimed.too_late, claimed.earliest_due_date) == (0, 2, date(2026, 3, 9))


def test_claims_of_an_unknown_run_are_not_found() -> None:
    with pytest.raises(NotFound, match="run-1999-01"):
        direct_debit_claims(FakeBillingUnitOfWork(), "run-1999-01", SENT_ON)


def test_new_changed_unchanged_and_deleted_add_up_to_the_records() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola, per, liv, nils = recipients(
        uow, "Kari Nordmann", "Ola Nordmann", "Per Hansen", "Liv Berg", "Nils Dahl"
    )
    k, o, p, li, n = (recipient_kid(r.customer_number) for r in (kari, ola, per, liv, nils))
    first = [
        AgreementChange(3, k, True, True),
        AgreementChange(4, o, True, True),
        AgreementChange(5, p, True, True),
    ]
    import_agreements(uow, reader(*first, AgreementChange(6, li, False, True)), a_file(), ON)

    result = import_agreements(
        uow,
        reader(
            AgreementChange(3, k, True, False),  # changed: the notice only
            AgreementChange(4, o, True, True),  # unchanged
            AgreementChange(5, p, False, True),  # deleted by the payer
            AgreementChange(6, li, False, True),  # deleted already: unchanged
            AgreementChange(7, n, True, True),  # new
        ),
        a_file(),
        date(2026, 4, 1),
    )

    assert (result.added, result.changed, result.unchanged, result.deleted) == (1, 1, 2, 1)
    assert result.added + result.changed + result.unchanged + result.deleted == result.agreements == 5


def test_another_file_of_a_transmission_already_read_is_refused_and_changes_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    [kari] = recipients(uow, "Kari Nordmann")
    kid = recipient_kid(kari.customer_number)
    first = AgreementChange(3, kid, True, True, sent_on=date(2026, 3, 20), transmission="00008080/2000001")
    import_agreements(uow, reader(first), a_file(), ON)
    edited = replace(first, active=False, sent_on=date(2026, 3, 25))

    with pytest.raises(AlreadyExists, match="transmission 2000001 from data transmitter 00008080 was read"):
        import_agreements(uow, reader(edited), a_file(), date(2026, 3, 25))

    assert uow.agreements.get(kid) == Agreement(kid, "owner-1", True, True, ON, ON)


def test_a_deletion_of_an_agreement_never_registered_changes_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola = recipients(uow, "Kari Nordmann", "Ola Nordmann")
    kari_kid, ola_kid = recipient_kid(kari.customer_number), recipient_kid(ola.customer_number)
    import_agreements(uow, reader(AgreementChange(3, kari_kid, True, notify=True)), a_file(), ON)

    result = import_agreements(
        uow,
        reader(
            AgreementChange(3, kari_kid, False, notify=True),  # ends Kari's
            AgreementChange(4, ola_kid, False, notify=False),  # Ola never had one billing knew of
        ),
        a_file(),
        date(2026, 4, 1),
    )

    assert (result.agreements, result.added, result.changed, result.unchanged, result.deleted) == (
        2,
        0,
        0,
        1,
        1,
    )
    assert [e.kid for e in result.ended_agreements] == [kari_kid]
    assert uow.agreements.get(ola_kid) is None
    assert uow.agreements.get(kari_kid) == Agreement(
        kari_kid, "owner-1", False, True, date(2026, 4, 1), ON, EndedBy.PAYER
    )
