"""Assessment's handlers on the in-memory unit of work (tests/fakes/assessment.py), without a database: the
levy step, recording an ownership change, registering a property and correcting a tax base — what each
stores, the events it records, and that a refusal records nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import pytest

from devstack.synthetic_register import OSLO_2024_DECISION
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.correct_tax_base import correct_tax_base
from services.assessment.application.levy import levy_chunk, start_levy
from services.assessment.application.ports import AssessmentUnitOfWork, IdentityVault
from services.assessment.application.record_ownership_change import record_ownership_change
from services.assessment.application.register_property import register_property, update_property
from services.assessment.application.set_decision import set_decision
from services.assessment.domain.decision import TaxYearDecision
from services.assessment.domain.levy import LevyJob, LevyJobState, TaxBaseCorrected, TaxBaseDetermined
from services.assessment.domain.ownership import NewOwner, OwnerKind, OwnershipChanged
from services.assessment.domain.property import (
    CadastralId,
    Floor,
    Property,
    PropertyCategory,
    PropertyFacts,
    PropertyRegistered,
)
from services.assessment.domain.tax import TaxStatus
from services.assessment.domain.valuation import Valuation, ValuationRoute
from services.platform.errors import AlreadyExists, FailedPrecondition, InvalidInput, NotFound
from services.platform.money import Money
from tests.fakes.assessment import FakeAssessmentUnitOfWork, FakeIdentityVault

pytestmark = pytest.mark.unit

CONFIG = AssessmentConfig(load_legal_limits(), load_standard_rates())
LEVIED_ON = date(2024, 2, 20)
PERSON = "31129956715"  # a valid national identity number (check digits)
COMPANY = "974760673"  # a valid organisation number

Event = TypeVar("Event")


def _recorded(uow: FakeAssessmentUnitOfWork, kind: type[Event]) -> list[Event]:
    """The committed events of one kind, in the order they were recorded."""
    return [event for event in uow.events if isinstance(event, kind)]


def _property(property_id: str, category: PropertyCategory = PropertyCategory.HOUSING) -> Property:
    return Property(
        property_id=property_id,
        cadastral_id=CadastralId.parse(property_id),
        address=f"Eksempelveien {property_id[-5:]}",
        category=category,
        dwelling_units=1,
        location=None,
        floors=(Floor(1, Decimal(90)),),
        plot_m2=Decimal(200),
    )


def _adopted(property_id: str, value: Money) -> Valuation:
    return Valuation(
        valuation_id=f"v-{property_id}",
        property_id=property_id,
        version=1,
        route=ValuationRoute.HOUSING_VALUE,
        value=value,
        trace=(),
        reason="",
        adopted=True,
    )


def _register(uow: FakeAssessmentUnitOfWork, *valued: tuple[str, Money | None]) -> None:
    """Properties in the register, each with an adopted value (None: not valued)."""
    for property_id, value in valued:
        uow.properties.add(_property(property_id), uow.now())
        if value is not None:
            uow.valuations.add_many(
                [_adopted(property_id, value)], uow.now(), adoption_reference="sak 1/2024"
            )


def _started(uow: FakeAssessmentUnitOfWork) -> tuple[LevyJob, TaxYearDecision]:
    decision = set_decision(uow, OSLO_2024_DECISION, CONFIG)
    return start_levy(uow, 2024, CONFIG, LEVIED_ON, LEVIED_ON), decision


def test_the_fakes_are_what_the_handlers_ask_for() -> None:
    uow: AssessmentUnitOfWork = FakeAssessmentUnitOfWork()
    vault: IdentityVault = FakeIdentityVault()
    assert vault.reveal(vault.seal(PERSON)) == PERSON
    with uow:
        assert uow.properties.count() == 0


# The levy step ------------------------------------------------------------------------------------


def test_a_levy_chunk_taxes_the_next_properties_and_records_each_tax_base_dated_by_the_levy() -> None:
    uow = FakeAssessmentUnitOfWork()
    _register(
        uow,
        ("0301-10/1/0/0", Money.of(8_000_000)),
        ("0301-10/2/0/0", None),
        ("0301-10/3/0/0", Money.of(4_000_000)),
    )
    job, decision = _started(uow)
    assert (job.state, job.total, job.cursor, job.levied_on) == (LevyJobState.RUNNING, 3, "", LEVIED_ON)

    job = levy_chunk(uow, job.job_id, decision, CONFIG, 2)

    first = uow.tax_bases.current("0301-10/1/0/0", 2024)
    unvalued = uow.tax_bases.current("0301-10/2/0/0", 2024)
    assert first is not None and unvalued is not None
    # (8,000,000 × 0.7 − 4,700,000) × 2.8 ‰ = 2,520 kr, paid in the decision's 4 terms.
    assert (first.base.status, first.base.tax, first.version, first.terms) == (
        TaxStatus.TAXED,
        Money.of(2520),
        1,
        4,
    )
    assert (unvalued.base.status, unvalued.base.tax) == (TaxStatus.NOT_VALUED, Money(0))
    assert unvalued.reason.startswith("not valued: ")
    assert uow.tax_bases.current("0301-10/3/0/0", 2024) is None  # the next chunk's
    assert [(e.levied, e.levied_on) for e in _recorded(uow, TaxBaseDetermined)] == [
        (first, LEVIED_ON),
        (unvalued, LEVIED_ON),
    ]
    stored = uow.levy_jobs.get(job.job_id)
    assert stored == job
    assert (job.cursor, job.processed, job.taxed, job.not_valued, job.total_tax) == (
        "0301-10/2/0/0",
        2,
        1,
        1,
        Money.of(2520),
    )


def test_the_levy_completes_after_its_last_chunk_with_counts_that_add_up() -> None:
    uow = FakeAssessmentUnitOfWork()
    _register(uow, ("0301-10/1/0/0", Money.of(8_000_000)), ("0301-10/2/0/0", Money.of(6_725_000)))
    job, decision = _started(uow)
    while job.state == LevyJobState.RUNNING:
        job = levy_chunk(uow, job.job_id, decision, CONFIG, 1)
    assert job.state == LevyJobState.COMPLETED
    assert uow.levy_jobs.jobs[job.job_id].state == LevyJobState.COMPLETED
    assert (job.processed, job.total, job.taxed, job.total_tax) == (2, 2, 1, Money.of(2520))
    # (6,725,000 × 0.7 − 4,700,000) × 2.8 ‰ = 21 kr: below the minimum amount of 50 kr.
    assert [e.levied.base.status for e in _recorded(uow, TaxBaseDetermined)] == [
        TaxStatus.TAXED,
        TaxStatus.BELOW_MINIMUM,
    ]
    with pytest.raises(FailedPrecondition, match="complete"):
        start_levy(uow, 2024, CONFIG, LEVIED_ON, LEVIED_ON)


def test_a_chunk_run_again_after_a_crash_levies_no_property_twice() -> None:
    uow = FakeAssessmentUnitOfWork()
    _register(uow, ("0301-10/1/0/0", Money.of(8_000_000)), ("0301-10/2/0/0", Money.of(9_000_000)))
    job, decision = _started(uow)
    levy_chunk(uow, job.job_id, decision, CONFIG, 1)
    # The crash: the tax base was written, the cursor was not.
    uow.levy_jobs.jobs[job.job_id] = replace(uow.levy_jobs.jobs[job.job_id], cursor="", processed=0)
    events_before = len(uow.events)

    job = levy_chunk(uow, job.job_id, decision, CONFIG, 2)

    assert [t.base.property_id for t, _ in uow.tax_bases.rows] == ["0301-10/1/0/0", "0301-10/2/0/0"]
    again = _recorded(uow, TaxBaseDetermined)[events_before:]
    assert [e.levied.base.property_id for e in again] == ["0301-10/2/0/0"]
    assert job.cursor == "0301-10/2/0/0"


def test_a_levy_is_refused_without_a_decision_or_dated_in_the_future_and_nothing_is_started() -> None:
    uow = FakeAssessmentUnitOfWork()
    _register(uow, ("0301-10/1/0/0", Money.of(8_000_000)))
    with pytest.raises(NotFound, match="no tax-year decision for 2024"):
        start_levy(uow, 2024, CONFIG, LEVIED_ON, LEVIED_ON)
    set_decision(uow, OSLO_2024_DECISION, CONFIG)
    with pytest.raises(InvalidInput) as refused:
        start_levy(uow, 2024, CONFIG, date(2024, 2, 21), LEVIED_ON)
    assert refused.value.violations[0].field == "levied_on"
    assert uow.levy_jobs.jobs == {}
    assert uow.events == []


def test_a_decision_cannot_change_once_its_levy_has_started() -> None:
    uow = FakeAssessmentUnitOfWork()
    _register(uow, ("0301-10/1/0/0", Money.of(8_000_000)))
    _started(uow)
    with pytest.raises(FailedPrecondition, match="has started"):
        set_decision(uow, OSLO_2024_DECISION.replace("housing: 2.8", "housing: 3.0", 1), CONFIG)
    assert uow.decisions.documents[2024] == OSLO_2024_DECISION


# Recording an ownership change --------------------------------------------------------------------


def _owners(*owners: tuple[OwnerKind, str, str, Fraction]) -> list[NewOwner]:
    return [NewOwner(kind, number, name, share) for kind, number, name, share in owners]


def test_an_ownership_change_stores_the_shares_and_records_them_by_reference_only() -> None:
    uow, vault = FakeAssessmentUnitOfWork(), FakeIdentityVault()
    _register(uow, ("0301-10/1/0/0", None))
    new_owners = _owners(
        (OwnerKind.PERSON, PERSON, "Kari Nordmann", Fraction(1, 3)),
        (OwnerKind.ORGANISATION, COMPANY, "Eiendom AS", Fraction(2, 3)),
    )

    event = record_ownership_change(uow, vault, "0301-10/1/0/0", date(2024, 3, 1), new_owners)

    assert uow.events == [event]
    assert isinstance(event, OwnershipChanged)
    assert (event.property_id, event.effective_date) == ("0301-10/1/0/0", date(2024, 3, 1))
    person, company = event.owners
    assert (person.owner_ref, person.kind, person.name, person.share) == (
        vault.reference("person", PERSON),
        OwnerKind.PERSON,
        "Kari Nordmann",
        Fraction(1, 3),
    )
    assert person.organisation_number == ""
    assert company.organisation_number == COMPANY  # public register data
    assert PERSON not in repr(event)
    current = uow.ownerships.current("0301-10/1/0/0")
    # The register keeps the owner (its organisation number sealed with the rest), shown by name.
    assert [(s.owner_ref, s.name, s.share, since) for s, since, _ in current] == [
        (company.owner_ref, "Eiendom AS", Fraction(2, 3), date(2024, 3, 1)),
        (person.owner_ref, "Kari Nordmann", Fraction(1, 3), date(2024, 3, 1)),
    ]
    assert sorted(vault.reveal(sealed) for _, _, sealed in current) == sorted([PERSON, COMPANY])
    assert all(PERSON not in sealed for _, _, sealed in current)


def test_a_later_change_ends_the_current_owners_on_its_day() -> None:
    uow, vault = FakeAssessmentUnitOfWork(), FakeIdentityVault()
    _register(uow, ("0301-10/1/0/0", None))
    record_ownership_change(
        uow,
        vault,
        "0301-10/1/0/0",
        date(2024, 3, 1),
        _owners((OwnerKind.PERSON, PERSON, "Kari", Fraction(1))),
    )
    record_ownership_change(
        uow,
        vault,
        "0301-10/1/0/0",
        date(2024, 9, 1),
        _owners((OwnerKind.ORGANISATION, COMPANY, "AS", Fraction(1))),
    )
    person, company = vault.reference("person", PERSON), vault.reference("organisation", COMPANY)
    assert uow.ownerships.periods == [
        ("0301-10/1/0/0", person, date(2024, 3, 1), date(2024, 9, 1), Fraction(1)),
        ("0301-10/1/0/0", company, date(2024, 9, 1), None, Fraction(1)),
    ]
    assert [e.effective_date for e in _recorded(uow, OwnershipChanged)] == [
        date(2024, 3, 1),
        date(2024, 9, 1),
    ]


def test_an_ownership_change_is_refused_and_records_nothing_when_it_cannot_be() -> None:
    uow, vault = FakeAssessmentUnitOfWork(), FakeIdentityVault()
    _register(uow, ("0301-10/1/0/0", None))
    whole = _owners((OwnerKind.PERSON, PERSON, "Kari", Fraction(1)))
    with pytest.raises(NotFound, match="no property 0301-99/1/0/0"):
        record_ownership_change(uow, vault, "0301-99/1/0/0", date(2024, 3, 1), whole)
    with pytest.raises(InvalidInput) as refused:
        record_ownership_change(
            uow,
            vault,
            "0301-10/1/0/0",
            date(2024, 3, 1),
            _owners((OwnerKind.PERSON, PERSON, "Kari", Fraction(3, 4))),
        )
    assert [v.description for v in refused.value.violations] == ["the shares must add up to exactly 1"]
    assert uow.events == [] and uow.ownerships.periods == [] and uow.ownerships.owners == {}

    record_ownership_change(uow, vault, "0301-10/1/0/0", date(2024, 3, 1), whole)
    stored = list(uow.ownerships.periods)
    with pytest.raises(FailedPrecondition, match="own it from 2024-03-01; a change must come later"):
        record_ownership_change(uow, vault, "0301-10/1/0/0", date(2024, 3, 1), whole)
    assert uow.ownerships.periods == stored
    assert len(uow.events) == 1


# Registering a property -----------------------------------------------------------------------------


FACTS = PropertyFacts(
    cadastral_id="0301-10/7/0/0",
    address="Eksempelveien 7",
    category=PropertyCategory.HOUSING,
    dwelling_units=1,
    floors=(Floor(1, Decimal(90)),),
    plot_m2=Decimal(200),
)


def test_a_registered_property_is_stored_valued_by_the_standard_rates_and_announced() -> None:
    uow = FakeAssessmentUnitOfWork()
    prop = register_property(uow, FACTS, CONFIG)
    assert uow.properties.get(prop.property_id) == prop
    assert (str(prop.cadastral_id), prop.address, prop.zone_id) == ("0301-10/7/0/0", "Eksempelveien 7", None)
    assert uow.events == [PropertyRegistered(prop)]
    (proposed,) = uow.valuations.rows
    assert (proposed.property_id, proposed.version, proposed.route, proposed.adopted) == (
        prop.property_id,
        1,
        ValuationRoute.STANDARD_RATE,
        False,
    )
    assert proposed.value.ore > 0
    assert uow.valuations.open_needs == {}


def test_a_property_already_registered_is_refused_and_nothing_is_recorded() -> None:
    uow = FakeAssessmentUnitOfWork()
    register_property(uow, FACTS, CONFIG)
    events, valuations = list(uow.events), list(uow.valuations.rows)
    with pytest.raises(AlreadyExists, match="0301-10/7/0/0 is already registered"):
        register_property(uow, replace(FACTS, address="Annen vei 1"), CONFIG)
    with pytest.raises(NotFound, match="no property p-unknown"):
        update_property(uow, "p-unknown", FACTS, CONFIG)
    assert uow.properties.count() == 1
    assert (uow.events, uow.valuations.rows) == (events, valuations)


# Correcting a tax base ----------------------------------------------------------------------------


def _levied(uow: FakeAssessmentUnitOfWork) -> None:
    _register(uow, ("0301-10/1/0/0", Money.of(8_000_000)))
    job, decision = _started(uow)
    while job.state == LevyJobState.RUNNING:
        job = levy_chunk(uow, job.job_id, decision, CONFIG, 10)


def test_a_correction_replaces_the_tax_base_and_records_both_versions_on_its_date() -> None:
    uow = FakeAssessmentUnitOfWork()
    _levied(uow)
    previous = uow.tax_bases.current("0301-10/1/0/0", 2024)
    assert previous is not None
    corrected = correct_tax_base(
        uow,
        "0301-10/1/0/0",
        2024,
        Money.of(7_000_000),
        "Feil areal",
        CONFIG,
        corrected_on=date(2024, 5, 2),
        today=date(2024, 6, 1),
    )
    # (7,000,000 × 0.7 − 4,700,000) × 2.8 ‰ = 560 kr.
    assert (corrected.version, corrected.base.tax, corrected.reason) == (2, Money.of(560), "Feil areal")
    assert uow.tax_bases.current("0301-10/1/0/0", 2024) == corrected
    assert _recorded(uow, TaxBaseCorrected) == [
        TaxBaseCorrected(previous, corrected, "Feil areal", date(2024, 5, 2))
    ]
    newest = uow.valuations.for_property("0301-10/1/0/0")[0]
    assert (newest.version, newest.route, newest.value, newest.adopted) == (
        2,
        ValuationRoute.MANUAL,
        Money.of(7_000_000),
        True,
    )


def test_a_correction_dated_in_the_future_or_without_a_reason_changes_nothing() -> None:
    uow = FakeAssessmentUnitOfWork()
    _levied(uow)
    events, rows = list(uow.events), list(uow.tax_bases.rows)
    with pytest.raises(InvalidInput) as refused:
        correct_tax_base(
            uow,
            "0301-10/1/0/0",
            2024,
            Money.of(7_000_000),
            " ",
            CONFIG,
            corrected_on=date(2024, 7, 1),
            today=date(2024, 6, 1),
        )
    assert sorted(v.field for v in refused.value.violations) == ["corrected_on", "reason"]
    assert (uow.events, uow.tax_bases.rows) == (events, rows)
