"""Objections refuse what a new-user trial found accepted (issue 16): a registration dated before the
invoice, "--disputed 0" taken as "all", a second objection while one is active; a settlement before the
hold names the request's field (settled_on → --on)."""

from __future__ import annotations

from datetime import date

import pytest

from services.billing.application.collection_holds import (
    appeal_registered,
    register_objection,
    settle_objection,
)
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.money import Money
from tests.collection_scene import DUE, ISSUED, issue, recipient
from tests.fakes.billing import FakeBillingUnitOfWork

pytestmark = pytest.mark.unit


def scene() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 27, [("p1", "property_tax", "1000"), ("p1", "waste", "400")])
    return uow


def test_an_objection_dated_before_the_invoice_is_refused() -> None:
    uow = scene()
    with pytest.raises(InvalidInput) as early:
        register_objection(uow, 27, disputed=None, reason="Feil", on=date(2025, 6, 1))
    assert [(v.field, v.description) for v in early.value.violations] == [
        (
            "registered_on",
            f"2025-06-01 is before invoice 27 was issued ({ISSUED.isoformat()}): an objection to it is "
            "registered on or after that day",
        )
    ]
    assert not uow.collection.holds
    assert register_objection(uow, 27, disputed=None, reason="Feil", on=ISSUED).from_date == ISSUED


def test_a_disputed_amount_of_0_is_refused_not_taken_as_all() -> None:
    uow = scene()
    with pytest.raises(InvalidInput) as zero:
        register_objection(uow, 27, disputed=Money(0), reason="Feil", on=DUE)
    assert [(v.field, v.description) for v in zero.value.violations] == [
        ("disputed", "is 0,00 kr: must be above 0 kr (leave it out to dispute all that is open)")
    ]
    assert not uow.collection.holds


def test_a_second_objection_while_one_is_active_is_refused_naming_the_active_hold() -> None:
    uow = scene()
    first = register_objection(uow, 27, disputed=Money.of(400), reason="Renovasjon ikke levert", on=DUE)

    with pytest.raises(FailedPrecondition) as twice:
        register_objection(uow, 27, disputed=None, reason="Feil", on=DUE)

    assert str(twice.value) == (
        f"invoice 27 has an active objection already: hold {first.hold_id} from {DUE.isoformat()} on "
        f"400,00 kr (Renovasjon ikke levert); settle it first (objections settle {first.hold_id} --on DATE) "
        "and register the new one"
    )
    assert list(uow.collection.holds) == [first.hold_id]
    settle_objection(uow, first.hold_id, date(2025, 12, 1))
    again = register_objection(uow, 27, disputed=None, reason="Feil", on=date(2025, 12, 1))
    assert again.hold_id != first.hold_id


def test_an_appeal_hold_on_the_invoice_does_not_stop_an_objection() -> None:
    uow = scene()
    [appeal] = appeal_registered(uow, "case-1", "p1", ISSUED.year, "Klage", DUE)
    assert appeal.document_number == 27
    assert register_objection(uow, 27, disputed=Money.of(400), reason="Renovasjon", on=DUE).disputed == (
        Money.of(400)
    )


def test_a_settlement_before_the_hold_began_names_settled_on() -> None:
    uow = scene()
    hold = register_objection(uow, 27, disputed=None, reason="Feil", on=DUE)
    with pytest.raises(InvalidInput) as early:
        settle_objection(uow, hold.hold_id, date(2025, 11, 1))
    assert [(v.field, v.description) for v in early.value.violations] == [
        ("settled_on", f"2025-11-01 is before the hold began ({DUE.isoformat()})")
    ]
