"""AssessmentService's inspection-need and field-result RPCs (ListInspectionNeeds, ImportInspectionHistory,
RecordInspection): proto ⇄ command, nothing more. Mixed into the servicer in grpc_api.py, whose __init__
sets the attributes declared here. A business date not given is today in Oslo, read here and handed on."""

from __future__ import annotations

from decimal import Decimal

from propertytax.assessment.v1 import inspections_pb2
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_inspection_history import import_inspection_history
from services.assessment.application.inspection_needs import list_inspection_needs
from services.assessment.application.ports import ImportFiles, UnitOfWorkFactory
from services.assessment.application.record_inspection import record_inspection
from services.assessment.domain.field_results import INSPECTION_FACTOR, FieldResult
from services.assessment.domain.inspection_needs import InspectionNeed
from services.assessment.domain.property import BRA_M2, PLOT_M2, Floor
from services.assessment.entrypoints.proto_mapping import valuation_to_proto
from services.platform.clock import oslo_today
from services.platform.dates import request_day
from services.platform.errors import Violations
from services.platform.numbers import Bounds, read_decimal


class InspectionNeedRpcs:
    _uow: UnitOfWorkFactory
    _config: AssessmentConfig
    _files: ImportFiles

    def ListInspectionNeeds(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        problems = Violations()
        on = request_day(request.on, "on", problems) or oslo_today()
        problems.raise_if_any()
        page = list_inspection_needs(self._uow(), on, request.reason, request.page_size, request.page_token)
        return inspections_pb2.ListInspectionNeedsResponse(
            needs=[need_to_proto(n) for n in page.needs],
            next_page_token=page.next_page_token,
            total=page.total,
            by_reason=[
                inspections_pb2.ReasonCount(reason=reason.value, count=count)
                for reason, count in page.by_reason
            ],
        )

    def ImportInspectionHistory(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        rows = self._files.inspection_history(request.content)
        done = import_inspection_history(self._uow(), rows, oslo_today())
        return inspections_pb2.ImportInspectionHistoryResponse(
            rows=done.rows, inspections=done.inspections, changes=done.changes
        )

    def RecordInspection(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        result = field_result_from_proto(request)
        recorded = record_inspection(self._uow(), self._config, result, oslo_today())
        return inspections_pb2.RecordInspectionResponse(
            valuation=valuation_to_proto(recorded.valuation),
            appeal_case_id=",".join(recorded.appeal_case_ids),
            warnings=list(recorded.warnings),
        )


def need_to_proto(need: InspectionNeed) -> inspections_pb2.InspectionNeed:
    return inspections_pb2.InspectionNeed(
        property_id=need.property_id,
        reason=need.reason.value,
        detail=need.detail,
        priority=need.priority,
        since=need.since.isoformat(),
        needed_by=need.needed_by.isoformat() if need.needed_by else "",
        appeal_case_id=need.appeal_case_id,
        address=need.address,
        status=need.status.value,
    )


def field_result_from_proto(request: inspections_pb2.RecordInspectionRequest) -> FieldResult:
    """The request's field results; InvalidInput naming every field that is no date or number (the
    domain checks the rest)."""
    problems = Violations()
    inspected_on = request_day(request.inspected_on, "inspected_on", problems)
    if not request.inspected_on.strip():
        problems.add("inspected_on", "is required (YYYY-MM-DD)")
    floors = tuple(
        Floor(
            f.level, _number(f.bra_m2, f"floors[{i}].bra_m2", BRA_M2, problems, required=True) or Decimal(0)
        )
        for i, f in enumerate(request.floors)
    )
    plot = _number(request.plot_m2, "plot_m2", PLOT_M2, problems)
    inner = _number(request.inner_factor, "inner_factor", INSPECTION_FACTOR, problems)
    outer = _number(request.outer_factor, "outer_factor", INSPECTION_FACTOR, problems)
    problems.raise_if_any()
    assert inspected_on is not None
    return FieldResult(
        property_id=request.property_id,
        inspected_on=inspected_on,
        assessor_id=request.assessor_id,
        floors=floors,
        plot_m2=plot,
        inner_factor=Decimal(1) if inner is None else inner,
        inner_reason=request.inner_reason,
        outer_factor=Decimal(1) if outer is None else outer,
        outer_reason=request.outer_reason,
        notes=request.notes,
        photo_refs=tuple(request.photo_refs),
    )


def _number(
    text: str, field: str, limits: Bounds, problems: Violations, required: bool = False
) -> Decimal | None:
    if not text.strip():
        if required:
            problems.add(field, f"is required: {limits.describe()}")
        return None
    try:
        return read_decimal(text, limits)
    except ValueError as exc:
        problems.add(field, str(exc))
        return None
