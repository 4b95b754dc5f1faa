"""Assessment's Kafka consumer: a committee decision with a new value → corrected tax base; an appeal case's
request for a re-inspection → an inspection need."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date

from sqlalchemy.orm import Session

from propertytax.appeals.v1 import events_pb2 as appeals_events
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.correct_tax_base import correct_tax_base
from services.assessment.application.inspection_needs import queue_appeal
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.valuation import ValuationRoute
from services.platform.clock import oslo_date
from services.platform.events import ReceivedEvent
from services.platform.messaging.inbox_processor import EventHandler
from services.platform.money import Money

# A unit of work inside the consumer's transaction (its session): the consumer commits it with the inbox row.
JoiningUnitOfWork = Callable[[Session], AssessmentUnitOfWork]


def handlers(config: AssessmentConfig, joining: JoiningUnitOfWork) -> dict[str, EventHandler]:
    def on_appeal_decided(session: Session, event: ReceivedEvent) -> None:
        decided = event.payload
        assert isinstance(decided, appeals_events.AppealDecided)
        if not decided.HasField("new_value"):
            return  # the value stands: nothing to correct
        correct_tax_base(
            joining(session),
            decided.property_id,
            decided.tax_year,
            Money(decided.new_value.ore),
            decided.reasons or f"decision in appeal case {decided.case_id}",
            config,
            route=ValuationRoute.APPEAL,
            appeal_case_id=decided.case_id,
            # Corrected on the day of the decision (events before it was carried: the day written).
            corrected_on=(
                date.fromisoformat(decided.decided_on)
                if decided.decided_on
                else oslo_date(event.envelope.occurred_at.ToDatetime(tzinfo=UTC))
            ),
        )

    def on_inspection_requested(session: Session, event: ReceivedEvent) -> None:
        """An appeal case asks for a re-inspection: queued as the case's need (again: the same need). A
        property the register does not know is queued all the same, never refused: the case needs its
        answer. A request without case, property or readable dates is malformed (dead-lettered)."""
        requested = event.payload
        assert isinstance(requested, appeals_events.InspectionRequested)
        if not requested.case_id or not requested.property_id or not requested.requested_on:
            raise ValueError("InspectionRequested without case_id, property_id or requested_on")
        queue_appeal(
            joining(session),
            requested.case_id,
            requested.property_id,
            date.fromisoformat(requested.requested_on),
            date.fromisoformat(requested.needed_by) if requested.needed_by else None,
            requested.note,
        )

    return {
        appeals_events.AppealDecided.DESCRIPTOR.full_name: on_appeal_decided,
        appeals_events.InspectionRequested.DESCRIPTOR.full_name: on_inspection_requested,
    }
