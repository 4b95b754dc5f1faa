"""What an agreements import answers: the gRPC response counts the agreements a full list ended, and the
CLI says so in a sentence."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from propertytax.billing.v1 import collection_pb2
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.avtalegiro import AgreementChange, recipient_kid
from services.billing.entrypoints.grpc_collection import CollectionServicer, _page
from services.cli import billing_collection_view as view
from services.platform.errors import InvalidInput
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.unit_of_work import FIXED_NOW


def test_agreements_a_full_list_ended_are_told_in_a_sentence() -> None:
    answer = collection_pb2.ImportAvtaleGiroAgreementsResponse(
        records=16, active=16, missing_from_full_list=3
    )

    assert view.agreements_sentences(answer) == ["3 agreements ended: missing from the bank's full list"]
    assert view.agreements_sentences(
        collection_pb2.ImportAvtaleGiroAgreementsResponse(records=1, active=1, missing_from_full_list=1)
    ) == ["1 agreement ended: missing from the bank's full list"]


def test_changes_that_end_nothing_add_no_sentence_and_each_ended_agreement_is_named() -> None:
    answer = collection_pb2.ImportAvtaleGiroAgreementsResponse(records=2, active=2)
    assert view.agreements_sentences(answer) == []
    ended = collection_pb2.ImportAvtaleGiroAgreementsResponse(
        records=2,
        active=1,
        deleted_by_payers=1,
        missing_from_full_list=1,
        ended_agreements=[
            collection_pb2.EndedAvtaleGiroAgreement(customer_number=2, kid="26"),
            collection_pb2.EndedAvtaleGiroAgreement(customer_number=3, kid="34", missing_from_full_list=True),
        ],
    )
    assert view.agreements_sentences(ended) == [
        "1 agreement ended: missing from the bank's full list",
        "Ended: customer 2 (KID 26), deleted by the payer; invoices no longer go by AvtaleGiro",
        "Ended: customer 3 (KID 34), missing from the bank's full list; invoices no longer go by AvtaleGiro",
    ]


def test_the_grpc_answer_carries_the_agreements_a_full_list_ended() -> None:
    uow = FakeBillingUnitOfWork()
    kari, ola = (_recipient(uow, account_id) for account_id in ("owner-1", "owner-2"))
    kari_kid, ola_kid = recipient_kid(kari.customer_number), recipient_kid(ola.customer_number)
    files = {
        b"changes": [AgreementChange(3, kari_kid, True, True), AgreementChange(4, ola_kid, True, False)],
        b"full list": [AgreementChange(3, kari_kid, True, True, complete_list=True)],
    }
    servicer = CollectionServicer()
    servicer._wiring = SimpleNamespace(uow=lambda: uow, read_agreements=files.__getitem__)  # type: ignore[assignment]

    answers = [
        servicer.ImportAvtaleGiroAgreements(  # type: ignore[no-untyped-call]
            collection_pb2.ImportAvtaleGiroAgreementsRequest(content=content, received_on="2026-03-02"), None
        )
        for content in (b"changes", b"full list")
    ]

    assert [(a.records, a.deleted_by_payers, a.missing_from_full_list) for a in answers] == [
        (2, 0, 0),
        (1, 0, 1),
    ]
    [ended] = answers[1].ended_agreements
    assert (ended.customer_number, ended.kid, ended.missing_from_full_list) == (
        ola.customer_number,
        ola_kid,
        True,
    )


def _recipient(uow: FakeBillingUnitOfWork, account_id: str) -> Account:
    account = Account(
        account_id, RecipientKind.PERSON, account_id, "", "Storgata 1", "0155", "OSLO", Channel.PRINT
    )
    uow.accounts.add(account, FIXED_NOW)
    return uow.accounts.rows[account_id]  # with the customer number it was given


@pytest.mark.parametrize("token", ["abc", "-5"])
def test_a_page_token_that_is_not_one_is_refused_saying_what_to_give(token: str) -> None:
    assert _page(0, "") == (0, 100) and _page(5, "10") == (10, 5)
    with pytest.raises(InvalidInput) as refused:
        _page(0, token)
    [violation] = refused.value.violations
    assert violation.field == "page_token" and f"{token!r} is not a page token" in violation.description
