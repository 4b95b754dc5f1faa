"""Appeals' domain events as the protobuf payloads its outbox publishes (the SQL unit of work maps them),
with the same field helpers the API answers with."""

from __future__ import annotations

from google.protobuf.message import Message

from propertytax.appeals.v1 import events_pb2
from services.appeals.domain.cases import (
    AppealClosed,
    AppealDecided,
    AppealRegistered,
    InspectionRequested,
)
from services.appeals.entrypoints.proto_mapping import day, enum_to_proto, money


def event_to_proto(event: object) -> tuple[str, Message]:
    """Appeals' domain events; the key is the case id (the aggregate)."""
    if isinstance(event, AppealRegistered):
        case = event.case
        return case.case_id, events_pb2.AppealRegistered(
            case_id=case.case_id,
            property_id=case.property_id,
            tax_year=case.tax_year,
            received_on=day(case.complaint.received_on),
            deadline=day(case.deadline.deadline),
            late=case.late,
            tax_base_version=case.notice.tax_base_version,
            disputed_valuation_version=case.notice.valuation_version,
            outside_committees=case.complaint.wholly_outside_committees,
        )
    if isinstance(event, AppealDecided):
        case, decision = event.case, event.decision
        # Assessment reads case_id, property_id, tax_year, new_value (present only when the value
        # changes) and reasons, and turns a new value into TaxBaseCorrected.
        return case.case_id, events_pb2.AppealDecided(
            case_id=case.case_id,
            property_id=case.property_id,
            tax_year=case.tax_year,
            new_value=money(decision.new_value),
            decided_on=day(decision.decided_on),
            reasons=decision.reasons,
            instance=enum_to_proto(decision.instance),
            outcome=enum_to_proto(decision.outcome),
        )
    if isinstance(event, AppealClosed):
        case = event.case
        return case.case_id, events_pb2.AppealClosed(
            case_id=case.case_id,
            property_id=case.property_id,
            tax_year=case.tax_year,
            outcome=enum_to_proto(case.outcome),
            closed_on=day(case.closed_on),
        )
    if isinstance(event, InspectionRequested):
        # Assessment queues it as an inspection need of the property, ordered by needed_by.
        return event.case_id, events_pb2.InspectionRequested(
            case_id=event.case_id,
            property_id=event.property_id,
            tax_year=event.tax_year,
            requested_on=day(event.requested_on),
            note=event.note,
            needed_by=day(event.needed_by),
        )
    raise TypeError(f"no event mapping for {type(event).__name__}")
