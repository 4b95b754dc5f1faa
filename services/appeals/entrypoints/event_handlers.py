"""Appeals' Kafka consumer: assessment's bills (TaxBaseDetermined, TaxBaseCorrected) give the complaint
deadlines their dispatch date; InspectionCompleted completes a requested re-inspection. Event → handler,
nothing more.

The dispatch date of a bill is the day assessment announced the tax base (the envelope's occurred_at in
Europe/Oslo): the levy writes the tax list and the bills together. When the levy's bills went out later,
the secretariat records that day in the year's calendar, which then counts for the levy's bills levied
before it; a bill levied after it (a property added later in the year) keeps its own day.
"""

from __future__ import annotations

from datetime import UTC, date

from sqlalchemy.orm import Session

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import tax_pb2
from services.appeals.adapters.unit_of_work import SqlAppealsUnitOfWork
from services.appeals.application.case_flow import inspection_completed
from services.appeals.application.tax_notices import record_tax_notices
from services.appeals.domain.deadlines import TaxNotice
from services.platform.clock import oslo_date
from services.platform.events import ReceivedEvent
from services.platform.messaging.inbox_processor import BatchHandler, EventHandler
from services.platform.money import Money

ACTOR = "assessment"  # who the history names for steps that events take


def _notice(base: tax_pb2.TaxBase, event: ReceivedEvent, *, from_levy: bool) -> TaxNotice:
    if not base.property_id or base.tax_year <= 0 or base.version <= 0:
        raise ValueError("tax base without property_id, tax_year or version")
    return TaxNotice(
        property_id=base.property_id,
        tax_year=base.tax_year,
        tax_base_version=base.version,
        valuation_version=base.valuation_version,
        value=Money(base.value.ore),
        dispatched_on=oslo_date(event.envelope.occurred_at.ToDatetime(tzinfo=UTC)),
        from_levy=from_levy,
    )


def _uow(session: Session) -> SqlAppealsUnitOfWork:
    """The handlers work inside the consumer's transaction, which commits with the event's inbox row."""
    return SqlAppealsUnitOfWork(_no_sessions).joining(session)


def _no_sessions() -> Session:
    raise RuntimeError("a joined unit of work opens no sessions of its own")


def on_tax_base_determined(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.TaxBaseDetermined)
    record_tax_notices(_uow(session), [(_notice(payload.tax_base, event, from_levy=True), event.event_id)])


def on_tax_bases_determined(session: Session, events: list[ReceivedEvent]) -> None:
    """The levy's events many at a time: 240,000 bills in a few queries per poll."""
    notices = []
    for event in events:
        payload = event.payload
        assert isinstance(payload, assessment_events.TaxBaseDetermined)
        notices.append((_notice(payload.tax_base, event, from_levy=True), event.event_id))
    record_tax_notices(_uow(session), notices)


def on_tax_base_corrected(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.TaxBaseCorrected)
    # A corrected bill gets its own six weeks (DOMAIN.md § 2).
    record_tax_notices(_uow(session), [(_notice(payload.current, event, from_levy=False), event.event_id)])


def on_inspection_completed(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.InspectionCompleted)
    if not payload.property_id:
        raise ValueError("InspectionCompleted without property_id")
    inspection_completed(
        _uow(session),
        payload.property_id,
        payload.appeal_case_id,
        payload.findings,
        date.fromisoformat(payload.inspected_on),
        ACTOR,
    )


HANDLERS: dict[str, EventHandler] = {
    assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: on_tax_base_determined,
    assessment_events.TaxBaseCorrected.DESCRIPTOR.full_name: on_tax_base_corrected,
    assessment_events.InspectionCompleted.DESCRIPTOR.full_name: on_inspection_completed,
}
BATCH_HANDLERS: dict[str, BatchHandler] = {
    assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: on_tax_bases_determined,
}
