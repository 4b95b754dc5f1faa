"""Appeals' Kafka consumer: assessment's bills (TaxBaseDetermined, TaxBaseCorrected) give the complaint
deadlines the disputed value and the levy's date; billing's InvoiceIssued says when the bill that carried a
year's tax went out; InspectionCompleted completes a requested re-inspection. Event → handler, nothing more.

The dispatch of a bill (eigedomsskattelova § 19) is the issue date of the first invoice that carried the
property's tax for the year (InvoiceIssued.property_taxes). Until billing has issued one, a levy's bill goes
by the bills' dispatch day recorded in the year's calendar, and else by the levy's business date
(TaxBaseDetermined.levied_on; the envelope's occurred_at only for events written before it was carried),
never by the day an event happened to be written or read. A corrected bill is dated on its correction's
business date (TaxBaseCorrected.corrected_on: the day given with a § 17 correction, or the committee's
decision; occurred_at only for events written before it was carried), and gets its own six weeks from it.

Why not billing's correction document: the corrected tax reaches the taxpayer with billing's next
supplementary invoice or credit note, but billing's events do not say which version of a tax they carry
(InvoiceIssued.property_taxes names property and year only, CreditNoteIssued names properties and years
apart), so appeals cannot tell the document that carried the corrected tax from a term invoice of the
original one. Until they do, the corrected bill counts from the correction's date. Billing's document
follows it with the next run, so this deadline can be some days earlier than one counted from the
document; a complaint late only by that difference is a case for admitting it (forvaltningsloven § 31).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date

from sqlalchemy.orm import Session

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import tax_pb2
from propertytax.billing.v1 import events_pb2 as billing_events
from services.appeals.application.case_flow import inspection_completed
from services.appeals.application.ports import AppealsUnitOfWork
from services.appeals.application.tax_notices import record_first_invoices, record_tax_notices
from services.appeals.domain.deadlines import TaxNotice
from services.platform.clock import oslo_date
from services.platform.events import ReceivedEvent
from services.platform.messaging.inbox_processor import BatchHandler, EventHandler
from services.platform.money import Money

ACTOR = "assessment"  # who the history names for steps that events take

# A unit of work inside the consumer's transaction, which commits with the event's inbox row.
JoiningUnitOfWork = Callable[[Session], AppealsUnitOfWork]


def _notice(base: tax_pb2.TaxBase, event: ReceivedEvent, *, from_levy: bool, dated: str = "") -> TaxNotice:
    """`dated` is the business date the event carries (the levy's, the correction's), YYYY-MM-DD; without
    one, the day the event was written (Europe/Oslo)."""
    if not base.property_id or base.tax_year <= 0 or base.version <= 0:
        raise ValueError("tax base without property_id, tax_year or version")
    return TaxNotice(
        property_id=base.property_id,
        tax_year=base.tax_year,
        tax_base_version=base.version,
        valuation_version=base.valuation_version,
        value=Money(base.value.ore),
        dispatched_on=(
            date.fromisoformat(dated)
            if dated
            else oslo_date(event.envelope.occurred_at.ToDatetime(tzinfo=UTC))
        ),
        from_levy=from_levy,
    )


def handlers(joining: JoiningUnitOfWork) -> dict[str, EventHandler]:
    """Event type → handler, each working in the consumer's transaction through `joining`."""

    def on_tax_base_determined(session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.TaxBaseDetermined)
        notice = _notice(payload.tax_base, event, from_levy=True, dated=payload.levied_on)
        record_tax_notices(joining(session), [(notice, event.event_id)])

    def on_tax_base_corrected(session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.TaxBaseCorrected)
        # A corrected bill gets its own six weeks (DOMAIN.md § 2), from the correction's business date.
        notice = _notice(payload.current, event, from_levy=False, dated=payload.corrected_on)
        record_tax_notices(joining(session), [(notice, event.event_id)])

    def on_invoice_issued(session: Session, event: ReceivedEvent) -> None:
        """An invoice carrying property taxes: the first one per property and year dates that year's bill."""
        payload = event.payload
        assert isinstance(payload, billing_events.InvoiceIssued)
        taxes = [(t.property_id, t.tax_year) for t in payload.property_taxes]
        if not taxes:
            return  # fees only
        if any(not pid or year <= 0 for pid, year in taxes):
            raise ValueError("InvoiceIssued names a property tax without property_id or tax_year")
        record_first_invoices(joining(session), date.fromisoformat(payload.issue_date), taxes, event.event_id)

    def on_inspection_completed(session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.InspectionCompleted)
        if not payload.property_id:
            raise ValueError("InspectionCompleted without property_id")
        inspection_completed(
            joining(session),
            payload.property_id,
            payload.appeal_case_id,
            payload.findings,
            date.fromisoformat(payload.inspected_on),
            ACTOR,
        )

    return {
        assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: on_tax_base_determined,
        assessment_events.TaxBaseCorrected.DESCRIPTOR.full_name: on_tax_base_corrected,
        assessment_events.InspectionCompleted.DESCRIPTOR.full_name: on_inspection_completed,
        billing_events.InvoiceIssued.DESCRIPTOR.full_name: on_invoice_issued,
    }


def batch_handlers(joining: JoiningUnitOfWork) -> dict[str, BatchHandler]:
    """Event types whose consecutive events are handled many at a time."""

    def on_tax_bases_determined(session: Session, events: list[ReceivedEvent]) -> None:
        """The levy's events many at a time: 240,000 bills in a few queries per poll."""
        notices = []
        for event in events:
            payload = event.payload
            assert isinstance(payload, assessment_events.TaxBaseDetermined)
            notices.append(
                (_notice(payload.tax_base, event, from_levy=True, dated=payload.levied_on), event.event_id)
            )
        record_tax_notices(joining(session), notices)

    return {assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: on_tax_bases_determined}
