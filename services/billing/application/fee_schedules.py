"""Commands: store the year's fee schedule, read it; set a property's own fee facts and meter readings.
What the schedule says is checked before anything is stored (every broken rule named)."""

from __future__ import annotations

from decimal import Decimal

from services.billing.application.ports import BillingUnitOfWork, OwnFacts, ScheduleReader, StoredSchedule
from services.platform.errors import InvalidInput, NotFound, Violations
from services.platform.identity import check_free_text
from services.platform.numbers import METER_M3, read_decimal
from services.platform.yaml_input import MAX_DOCUMENT_CHARS


def put_fee_schedule(uow: BillingUnitOfWork, document: str, read_schedule: ScheduleReader) -> StoredSchedule:
    if not document.strip():
        raise InvalidInput.single("document", "is required: the schedule as YAML")
    schedule = read_schedule(document)  # bounded (size, depth, values) before it is parsed
    problems = Violations()
    check_free_text(
        problems, "document", document, MAX_DOCUMENT_CHARS
    )  # its texts reach invoices and the store as written
    problems.raise_if_any()
    with uow:
        at = uow.now()
        version = uow.fee_schedules.add(schedule.year, document, at)
        uow.commit()
    return StoredSchedule(schedule.year, version, document, at)


def get_fee_schedule(uow: BillingUnitOfWork, year: int) -> StoredSchedule:
    if not 1900 <= year <= 2200:
        raise InvalidInput.single("year", "must be a year")
    with uow:
        found = uow.fee_schedules.current(year)
    if found is None:
        raise NotFound(f"no fee schedule for {year}")
    return found


def _known_property(uow: BillingUnitOfWork, property_id: str) -> None:
    if not property_id:
        raise InvalidInput.single("property_id", "is required")
    if not uow.fee_facts.is_known(property_id):
        raise NotFound(f"billing does not know property {property_id}")


def set_fee_facts(uow: BillingUnitOfWork, property_id: str, facts: OwnFacts) -> OwnFacts:
    if not 0 <= facts.chimneys <= 1000:
        raise InvalidInput.single("chimneys", "must be 0-1000")
    with uow:
        _known_property(uow, property_id)
        uow.fee_facts.set_own(property_id, facts, uow.now())
        uow.commit()
    return facts


def record_meter_reading(uow: BillingUnitOfWork, property_id: str, year: int, m3: str) -> Decimal:
    problems = Violations()
    if not 1900 <= year <= 2200:
        problems.add("year", "must be a year")
    consumption = Decimal(0)
    try:
        consumption = read_decimal(m3, METER_M3)
    except ValueError as exc:
        problems.add("m3", f"a year's consumption in m³: {exc}")
    problems.raise_if_any()
    with uow:
        _known_property(uow, property_id)
        uow.fee_facts.record_meter_reading(property_id, year, consumption, uow.now())
        uow.commit()
    return consumption
