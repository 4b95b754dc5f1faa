"""AssessmentService's RatioStudy RPC: proto ⇄ query, nothing more. Mixed into the servicer in
grpc_api.py, whose __init__ sets the attributes declared here."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from propertytax.assessment.v1 import ratio_study_pb2
from services.assessment.application.ports import ImportFiles, QualityReports, RatioStatistics
from services.assessment.application.quality_report import RatioStudyReport, ReportSource
from services.assessment.application.ratio_study import ratio_study
from services.assessment.domain.ratio_study import (
    DEFAULT_STANDARDS,
    GroupStudy,
    Interval,
    PropertyClass,
    RatioStandards,
)
from services.platform.clock import oslo_today
from services.platform.errors import InvalidInput

MAX_BOOTSTRAP = 10_000


class RatioStudyRpcs:
    _files: ImportFiles
    _ratio_statistics: RatioStatistics
    _quality_reports: QualityReports

    def RatioStudy(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        standards = standards_from_request(request)
        report_day = report_date(request.report_date)
        sales = self._files.ratio_sales(request.content, request.group_by)
        try:
            unsold = self._files.unsold_properties(request.unsold, request.group_by) if request.unsold else []
        except InvalidInput as bad:
            raise bad.prefixed("unsold.") from None
        try:
            zones = self._files.calibration_zones(request.zones) if request.zones else []
        except InvalidInput as bad:
            raise bad.prefixed("zones.") from None
        study = ratio_study(sales, request.group_by.strip(), standards, self._ratio_statistics, unsold)
        report = b""
        if request.report:
            source = ReportSource(request.sales_name or "salgsfil", report_day, request.zones_name or "soner")
            report = self._quality_reports.ratio_study(RatioStudyReport(source, study, sales, zones))
        return ratio_study_pb2.RatioStudyResponse(
            groups=[group_to_proto(g) for g in study.groups],
            overall=group_to_proto(study.overall),
            property_class=standards.property_class.value,
            cod_max=standards.cod_limit,
            group_by=study.group_by,
            report=report,
        )


def report_date(text: str) -> date:
    """The report's business date as the request gives it; by default today's date in Oslo."""
    if not text.strip():
        return oslo_today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.single("report_date", "a date as YYYY-MM-DD") from None


def standards_from_request(request: ratio_study_pb2.RatioStudyRequest) -> RatioStandards:
    try:
        kind = PropertyClass(request.property_class or PropertyClass.RESIDENTIAL.value)
    except ValueError:
        choices = ", ".join(c.value for c in PropertyClass)
        raise InvalidInput.single("property_class", f"must be one of: {choices}") from None
    if not 0 <= request.bootstrap <= MAX_BOOTSTRAP:
        raise InvalidInput.single("bootstrap", f"must be between 1 and {MAX_BOOTSTRAP:,} (0: the default)")
    return replace(
        DEFAULT_STANDARDS, property_class=kind, bootstrap=request.bootstrap or DEFAULT_STANDARDS.bootstrap
    )


def _interval(interval: Interval) -> ratio_study_pb2.RatioInterval:
    return ratio_study_pb2.RatioInterval(low=interval.low, high=interval.high)


def group_to_proto(study: GroupStudy) -> ratio_study_pb2.RatioGroup:
    message = ratio_study_pb2.RatioGroup(
        group=study.group,
        sales=study.sales,
        trimmed_lines=list(study.trimmed_lines),
        notes=list(study.notes),
        low_cod=study.low_cod,
    )
    change = study.value_change
    if change is not None:
        message.value_change.CopyFrom(
            ratio_study_pb2.RatioValueChange(
                sold=change.sold,
                unsold=change.unsold,
                sold_median_change=change.sold_median_change,
                unsold_median_change=change.unsold_median_change,
                flagged=change.flagged,
            )
        )
    figures, verdict = study.figures, study.verdict
    if figures is None or verdict is None:
        return message
    message.computed = True
    message.n = figures.n
    message.median_ratio = figures.median_ratio
    message.cod = figures.cod
    message.prd = figures.prd
    message.prb = figures.prb
    message.median_ratio_ci.CopyFrom(_interval(figures.median_ratio_ci))
    message.cod_ci.CopyFrom(_interval(figures.cod_ci))
    message.prd_ci.CopyFrom(_interval(figures.prd_ci))
    message.prb_ci.CopyFrom(_interval(figures.prb_ci))
    message.median_ratio_met = verdict.median_ratio
    message.cod_met = verdict.cod
    message.prd_met = verdict.prd
    message.prb_met = verdict.prb
    message.passed = verdict.passed
    message.ratios_bunched = figures.ratios_bunched
    return message
