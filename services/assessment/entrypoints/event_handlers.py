"""Assessment's Kafka consumer: a committee decision with a new value → corrected tax base."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date

from sqlalchemy.orm import Session

from propertytax.appeals.v1 import events_pb2 as appeals_events
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.correct_tax_base import correct_tax_base
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

    return {appeals_events.AppealDecided.DESCRIPTOR.full_name: on_appeal_decided}
