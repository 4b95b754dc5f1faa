"""AvtaleGiro agreements in SQL, on SQLite and PostgreSQL: a real agreements file (Nets' sample with our
recipients' KIDs) imported through the unit of work, changes upserted, the active agreement per recipient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.billing.adapters.account_repository import AccountRepository
from services.billing.adapters.avtalegiro_file import read_agreements
from services.billing.adapters.orm import avtalegiro_agreements
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.avtalegiro import import_agreements
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.avtalegiro import Agreement, AgreementChange, EndedBy, recipient_kid
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.errors import InvalidInput
from services.platform.migrations import upgrade_to_head

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
AGREEMENTS = Path(__file__).resolve().parents[1] / "data" / "payments" / "netsgiro_avtalegiro_agreements.txt"


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    sessions = session_factory(engine)
    yield lambda: SqlBillingUnitOfWork(sessions)
    engine.dispose()


def _recipients(make: UowFactory, count: int) -> dict[str, int]:
    """count recipients acc-1 … acc-N; their customer numbers by account id."""
    uow = make()
    with uow:
        accounts = AccountRepository(uow.session)
        numbers = {
            f"acc-{i}": accounts.add(
                Account(
                    f"acc-{i}",
                    RecipientKind.PERSON,
                    f"Person {i}",
                    "",
                    "Storgata 1",
                    "0155",
                    "OSLO",
                    Channel.PRINT,
                ),
                AT,
            )
            for i in range(1, count + 1)
        }
        uow.commit()
    return numbers


def _agreements_file(kids: list[str], registration_type: str = "1") -> bytes:
    """Nets' agreements sample with its first len(kids) agreements' KIDs replaced by ours (right-aligned
    in columns 17–41, as Nets writes them), each of `registration_type` (column 16: "0" makes the file a
    full list of active agreements; the sample's own are "1", new or changed)."""
    lines = AGREEMENTS.read_text(encoding="iso-8859-1").splitlines()
    for index, kid in enumerate(kids):
        line = lines[2 + index]
        lines[2 + index] = line[:15] + registration_type + f"{kid:>25}" + line[41:]
    return ("\n".join(lines) + "\n").encode("iso-8859-1")


def test_an_agreements_file_is_imported_and_its_recipients_agreements_found(make: UowFactory) -> None:
    numbers = _recipients(make, 16)
    kids = {account: recipient_kid(number) for account, number in numbers.items()}

    result = import_agreements(
        make(), read_agreements, _agreements_file(list(kids.values())), date(2026, 3, 2)
    )

    assert (result.agreements, result.active, result.deleted) == (16, 16, 0)
    uow = make()
    with uow:
        found = uow.agreements.active_for(["acc-1", "acc-2", "acc-99"])
        assert found == {
            "acc-1": Agreement(kids["acc-1"], "acc-1", True, True, date(2026, 3, 2), date(2026, 3, 2)),
            "acc-2": Agreement(
                kids["acc-2"], "acc-2", True, False, date(2026, 3, 2), date(2026, 3, 2)
            ),  # N in the sample
        }
        assert uow.agreements.get(kids["acc-16"]) == Agreement(
            kids["acc-16"], "acc-16", True, False, date(2026, 3, 2), date(2026, 3, 2)
        )
        assert uow.agreements.get(recipient_kid(4242)) is None


def test_the_same_file_again_is_all_unchanged_and_keeps_the_day_each_became_active(make: UowFactory) -> None:
    numbers = _recipients(make, 16)
    content = _agreements_file([recipient_kid(number) for number in numbers.values()])
    first = import_agreements(make(), read_agreements, content, date(2026, 3, 2))

    again = import_agreements(make(), read_agreements, content, date(2026, 4, 1))

    assert (first.added, first.changed, first.unchanged) == (16, 0, 0)
    assert (again.agreements, again.added, again.changed, again.unchanged) == (16, 0, 0, 16)
    kid_1, kid_2 = recipient_kid(numbers["acc-1"]), recipient_kid(numbers["acc-2"])
    uow = make()
    with uow:
        assert uow.agreements.get_many([kid_1, kid_2, recipient_kid(4242)]) == {
            kid_1: Agreement(kid_1, "acc-1", True, True, date(2026, 3, 2), date(2026, 3, 2)),
            kid_2: Agreement(kid_2, "acc-2", True, False, date(2026, 3, 2), date(2026, 3, 2)),
        }
        assert uow.agreements.get_many([]) == {}


def test_a_later_change_overwrites_and_a_deleted_agreement_is_not_active(make: UowFactory) -> None:
    numbers = _recipients(make, 2)
    kid_1, kid_2 = recipient_kid(numbers["acc-1"]), recipient_kid(numbers["acc-2"])
    uow = make()
    with uow:
        accounts = {kid_1: "acc-1", kid_2: "acc-2"}
        uow.agreements.apply(
            [AgreementChange(3, kid_1, True, True), AgreementChange(4, kid_2, True, True)],
            accounts,
            date(2026, 3, 2),
            AT,
        )
        uow.commit()
    uow = make()
    with uow:
        # the same KID twice in one file: its last change holds
        uow.agreements.apply(
            [AgreementChange(3, kid_1, True, False), AgreementChange(9, kid_1, False, False)],
            {kid_1: "acc-1"},
            date(2026, 4, 1),
            AT,
        )
        uow.commit()
    uow = make()
    with uow:
        assert uow.agreements.get(kid_1) == Agreement(
            kid_1, "acc-1", False, False, date(2026, 4, 1), date(2026, 3, 2), EndedBy.PAYER
        )
        assert set(uow.agreements.active_for(["acc-1", "acc-2"])) == {"acc-2"}
        assert uow.session.scalar(select(func.count()).select_from(avtalegiro_agreements)) == 2


def test_a_change_of_the_notice_alone_keeps_the_day_the_agreement_became_active(make: UowFactory) -> None:
    numbers = _recipients(make, 2)
    kid_1, kid_2 = recipient_kid(numbers["acc-1"]), recipient_kid(numbers["acc-2"])
    accounts = {kid_1: "acc-1", kid_2: "acc-2"}
    for changes, on in (
        ([AgreementChange(3, kid_1, True, True), AgreementChange(4, kid_2, True, True)], date(2026, 3, 2)),
        ([AgreementChange(3, kid_1, True, False), AgreementChange(4, kid_2, False, True)], date(2026, 4, 1)),
    ):
        uow = make()
        with uow:
            uow.agreements.apply(changes, accounts, on, AT)
            uow.commit()
    uow = make()
    with uow:
        assert uow.agreements.get_many([kid_1, kid_2]) == {
            kid_1: Agreement(kid_1, "acc-1", True, False, date(2026, 3, 2), date(2026, 3, 2)),
            kid_2: Agreement(kid_2, "acc-2", False, True, date(2026, 4, 1), date(2026, 3, 2), EndedBy.PAYER),
        }


def test_an_unknown_kid_refuses_the_whole_file(make: UowFactory) -> None:
    numbers = _recipients(make, 1)
    kids = [recipient_kid(numbers["acc-1"]), recipient_kid(4242)]

    with pytest.raises(InvalidInput) as caught:
        import_agreements(make(), read_agreements, _agreements_file(kids), date(2026, 3, 2))

    assert caught.value.violations[0].field == "line 4"
    uow = make()
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(avtalegiro_agreements)) == 0


def test_the_active_agreements_not_in_a_set_of_kids_are_found_in_one_query(make: UowFactory) -> None:
    numbers = _recipients(make, 3)
    kid_1, kid_2, kid_3 = (recipient_kid(numbers[f"acc-{i}"]) for i in (1, 2, 3))
    uow = make()
    with uow:
        uow.agreements.apply(
            [
                AgreementChange(3, kid_1, True, True),
                AgreementChange(4, kid_2, True, False),
                AgreementChange(5, kid_3, False, True),  # deleted: never among the active ones
            ],
            {kid_1: "acc-1", kid_2: "acc-2", kid_3: "acc-3"},
            date(2026, 3, 2),
            AT,
        )
        uow.commit()
    uow = make()
    with uow:
        agreement_1 = Agreement(kid_1, "acc-1", True, True, date(2026, 3, 2), date(2026, 3, 2))
        agreement_2 = Agreement(kid_2, "acc-2", True, False, date(2026, 3, 2), date(2026, 3, 2))
        assert uow.agreements.active_not_in([kid_1, recipient_kid(4242)]) == [agreement_2]
        assert uow.agreements.active_not_in([kid_1, kid_2, kid_3]) == []
        assert sorted(uow.agreements.active_not_in([]), key=lambda a: a.kid) == sorted(
            [agreement_1, agreement_2], key=lambda a: a.kid
        )


def test_a_full_list_ends_the_active_agreement_it_leaves_out(make: UowFactory) -> None:
    numbers = _recipients(make, 17)
    kids = {account: recipient_kid(number) for account, number in numbers.items()}
    uow = make()
    with uow:
        uow.agreements.apply(
            [AgreementChange(3, kids["acc-17"], True, True)], {kids["acc-17"]: "acc-17"}, date(2026, 3, 2), AT
        )
        uow.commit()
    listed = [kids[f"acc-{i}"] for i in range(1, 17)]

    result = import_agreements(
        make(), read_agreements, _agreements_file(listed, registration_type="0"), date(2026, 4, 1)
    )

    assert (result.agreements, result.active, result.deleted, result.added, result.ended) == (
        16,
        16,
        0,
        16,
        1,
    )
    uow = make()
    with uow:
        assert uow.agreements.get(kids["acc-17"]) == Agreement(
            kids["acc-17"], "acc-17", False, True, date(2026, 4, 1), date(2026, 3, 2), EndedBy.FULL_LIST
        )
        assert set(uow.agreements.active_for(list(numbers))) == {f"acc-{i}" for i in range(1, 17)}
        assert uow.agreements.active_not_in(listed) == []


def test_a_full_list_carrying_a_change_is_refused_and_ends_nothing(make: UowFactory) -> None:
    numbers = _recipients(make, 17)
    kids = [recipient_kid(number) for number in numbers.values()]
    uow = make()
    with uow:
        uow.agreements.apply(
            [AgreementChange(3, kids[16], True, True)], {kids[16]: "acc-17"}, date(2026, 3, 2), AT
        )
        uow.commit()
    lines = _agreements_file(kids[:16], registration_type="0").decode("iso-8859-1").splitlines()
    lines[6] = lines[6][:15] + "2" + lines[6][16:]  # line 7 deletes an agreement

    with pytest.raises(InvalidInput) as caught:
        import_agreements(
            make(), read_agreements, ("\n".join(lines) + "\n").encode("iso-8859-1"), date(2026, 4, 1)
        )

    assert [v.field for v in caught.value.violations] == ["line 7"]
    uow = make()
    with uow:
        assert uow.agreements.active_not_in([]) == [
            Agreement(kids[16], "acc-17", True, True, date(2026, 3, 2), date(2026, 3, 2))
        ]
