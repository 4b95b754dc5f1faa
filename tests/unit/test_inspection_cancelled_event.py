"""The InspectionCancelled domain event as the outbox publishes it (adapters/event_payloads.py): the
letter's ids, the plan version and the day, never the recipient's name or address."""

from __future__ import annotations

import pytest

from propertytax.assessment.v1 import events_pb2
from services.assessment.adapters.event_payloads import event_to_proto
from services.assessment.domain.inspection_planning import InspectionCancelled
from tests.unit.test_inspection_documents_cancellation import CANCELLATION

pytestmark = pytest.mark.unit


def test_a_cancellation_is_published_without_personal_data() -> None:
    key, message = event_to_proto(InspectionCancelled(CANCELLATION))
    assert key == CANCELLATION.property_id and isinstance(message, events_pb2.InspectionCancelled)
    assert (message.notice_id, message.property_id, message.replaces) == (
        CANCELLATION.notice_id,
        CANCELLATION.property_id,
        CANCELLATION.replaces,
    )
    assert (message.plan_id, message.plan_version, message.issued_on) == (
        CANCELLATION.plan_id,
        2,
        "2024-05-03",
    )
    published = message.SerializeToString()
    for personal in (CANCELLATION.recipient_name, *CANCELLATION.recipient_lines):
        assert personal.encode() not in published
