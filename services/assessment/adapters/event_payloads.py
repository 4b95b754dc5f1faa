"""Assessment's domain events as the protobuf payloads its outbox publishes (the SQL unit of work maps
them), built from the same messages the API answers with. Owners' identities never appear here."""

from __future__ import annotations

from google.protobuf.message import Message

from propertytax.assessment.v1 import events_pb2
from services.assessment.domain.field_results import InspectionCompleted
from services.assessment.domain.inspection_planning import (
    InspectionCancelled,
    InspectionScheduled,
    InspectionsPlanned,
)
from services.assessment.domain.levy import TaxBaseCorrected, TaxBaseDetermined
from services.assessment.domain.ownership import OwnershipChanged
from services.assessment.domain.property import PropertyChanged, PropertyRegistered
from services.assessment.entrypoints.proto_mapping import (
    owner_share_to_proto,
    property_to_proto,
    tax_base_to_proto,
)


def event_to_proto(event: object) -> tuple[str, Message]:
    """A domain event as (subject, protobuf payload)."""
    if isinstance(event, PropertyRegistered):
        return event.property.property_id, events_pb2.PropertyRegistered(
            property=property_to_proto(event.property)
        )
    if isinstance(event, PropertyChanged):
        return event.property.property_id, events_pb2.PropertyChanged(
            property=property_to_proto(event.property)
        )
    if isinstance(event, OwnershipChanged):
        return event.property_id, events_pb2.OwnershipChanged(
            property_id=event.property_id,
            effective_date=event.effective_date.isoformat(),
            owners=[owner_share_to_proto(s, event.effective_date) for s in event.owners],
        )
    if isinstance(event, TaxBaseDetermined):
        return event.levied.base.property_id, events_pb2.TaxBaseDetermined(
            tax_base=tax_base_to_proto(event.levied, with_trace=False),
            levied_on=event.levied_on.isoformat(),
        )
    if isinstance(event, TaxBaseCorrected):
        return event.current.base.property_id, events_pb2.TaxBaseCorrected(
            previous=tax_base_to_proto(event.previous, with_trace=False),
            current=tax_base_to_proto(event.current, with_trace=False),
            reason=event.reason,
            appeal_case_id=event.appeal_case_id,
            corrected_on=event.corrected_on.isoformat(),
        )
    if isinstance(event, InspectionCompleted):
        return event.property_id, events_pb2.InspectionCompleted(
            property_id=event.property_id,
            inspected_on=event.inspected_on.isoformat(),
            findings=event.findings,
            appeal_case_id=event.appeal_case_id,
            valuation_id=event.valuation_id,
        )
    if isinstance(event, InspectionsPlanned):
        plan = event.plan
        return plan.plan_id, events_pb2.InspectionsPlanned(
            plan_id=plan.plan_id,
            version=plan.version,
            first_day=plan.first_day.isoformat(),
            last_day=plan.last_day.isoformat(),
            visits=sum(len(route.stops) for route in plan.solution.days),
            unplanned=len(plan.solution.unplanned),
            made_on=plan.made_on.isoformat(),
        )
    if isinstance(event, InspectionScheduled):
        notice = event.notice
        return notice.property_id, events_pb2.InspectionScheduled(
            notice_id=notice.notice_id,
            property_id=notice.property_id,
            day=notice.day.isoformat(),
            window_start=notice.window.start.isoformat(timespec="minutes"),
            window_end=notice.window.end.isoformat(timespec="minutes"),
            plan_id=notice.plan_id,
            plan_version=notice.plan_version,
            replaces=notice.replaces,
            issued_on=notice.issued_on.isoformat(),
        )
    if isinstance(event, InspectionCancelled):
        letter = event.cancellation  # the recipient's name and address stay out
        return letter.property_id, events_pb2.InspectionCancelled(
            notice_id=letter.notice_id,
            property_id=letter.property_id,
            replaces=letter.replaces,
            plan_id=letter.plan_id,
            plan_version=letter.plan_version,
            issued_on=letter.issued_on.isoformat(),
        )
    raise TypeError(f"no event mapping for {type(event).__name__}")
