"""AssessmentService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

import grpc

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.correct_tax_base import correct_tax_base
from services.assessment.application.export_tax_list import export_tax_list
from services.assessment.application.get_property import find_properties, get_property
from services.assessment.application.import_housing_values import import_housing_values
from services.assessment.application.import_owners import import_owners
from services.assessment.application.import_properties import import_properties
from services.assessment.application.import_zones import import_zones
from services.assessment.application.levy import get_levy_job, get_year_levy_job, levy_runner, start_levy
from services.assessment.application.ports import (
    GEOJSON,
    GPKG,
    Calibrator,
    GeoFormat,
    IdentityVault,
    ImportFiles,
    InspectionDocuments,
    QualityReports,
    RatioStatistics,
    RoutePlanner,
    TaxListDocuments,
    UnitOfWorkFactory,
)
from services.assessment.application.propose_manual_valuation import propose_manual_valuation
from services.assessment.application.record_ownership_change import record_ownership_change
from services.assessment.application.register_property import register_property, update_property
from services.assessment.application.set_decision import set_decision
from services.assessment.application.simulate import simulate
from services.assessment.application.valuing import list_valuation_needs
from services.assessment.domain.calibration import CalibrationSettings
from services.assessment.domain.levy import LevyJob, LevyJobState
from services.assessment.domain.ownership import NewOwner, OwnerKind, OwnerShare
from services.assessment.domain.property import PropertyCategory
from services.assessment.domain.simulation import Summary
from services.assessment.domain.tax import TaxStatus
from services.assessment.domain.valuation import ValuationNeed
from services.assessment.entrypoints.grpc_calibration import CalibrationRpcs
from services.assessment.entrypoints.grpc_inspection_needs import InspectionNeedRpcs
from services.assessment.entrypoints.grpc_inspection_plans import InspectionPlanRpcs
from services.assessment.entrypoints.grpc_ratio_study import RatioStudyRpcs
from services.assessment.entrypoints.proto_mapping import (
    STATUS_TO_PROTO,
    category_from_proto,
    category_to_proto,
    delivery_from_proto,
    facts_from_proto,
    masked,
    money,
    money_from_proto,
    owner_kind_from_proto,
    owner_share_to_proto,
    property_to_proto,
    tax_base_to_proto,
    valuation_to_proto,
)
from services.platform.auth import Role
from services.platform.clock import oslo_today
from services.platform.errors import InvalidInput, Violations
from services.platform.grpc_server import MethodRule, rule
from services.platform.job_runner import JobRunner
from services.platform.money import Money
from services.platform.runtime import BackgroundTask
from services.platform.settings import Settings

SERVICE_FULL_NAME = "propertytax.assessment.v1.AssessmentService"
_READERS = (Role.ASSESSOR, Role.READER, Role.SERVICE, Role.BILLING_OFFICER, Role.SECRETARIAT)

RULES: dict[str, MethodRule] = {
    "RegisterProperty": rule(Role.ASSESSOR, changes_state=True),
    "RecordOwnershipChange": rule(Role.ASSESSOR, changes_state=True),
    "UpdateProperty": rule(Role.ASSESSOR, changes_state=True),
    "GetProperty": rule(*_READERS, changes_state=False),
    "FindProperties": rule(*_READERS, changes_state=False),
    "ImportProperties": rule(Role.ASSESSOR, changes_state=True),
    "ImportHousingValues": rule(Role.ASSESSOR, changes_state=True),
    "ImportOwners": rule(Role.ASSESSOR, changes_state=True),
    "ImportZones": rule(Role.ASSESSOR, changes_state=True),
    "AdoptValuations": rule(Role.ASSESSOR, changes_state=True),
    "ProposeManualValuation": rule(Role.ASSESSOR, changes_state=True),
    "SetTaxYearDecision": rule(Role.ASSESSOR, changes_state=True),
    "StartLevy": rule(Role.ASSESSOR, changes_state=True),
    "GetLevyJob": rule(*_READERS, changes_state=False),
    "SimulateTaxYear": rule(Role.ASSESSOR, Role.READER, changes_state=False),
    "CorrectTaxBase": rule(Role.ASSESSOR, changes_state=True),
    "ExportTaxList": rule(*_READERS, changes_state=False),
    "ListValuationNeeds": rule(*_READERS, changes_state=False),
    "ListInspectionNeeds": rule(*_READERS, changes_state=False),
    "ImportInspectionHistory": rule(Role.ASSESSOR, changes_state=True),
    "RequestVisit": rule(Role.ASSESSOR, changes_state=True),
    "PlanInspections": rule(Role.ASSESSOR, changes_state=True),
    "GetInspectionPlan": rule(*_READERS, changes_state=False),
    "ListInspectionPlans": rule(*_READERS, changes_state=False),
    "ReplanInspections": rule(Role.ASSESSOR, changes_state=True),
    "GetInspectionDocuments": rule(*_READERS, changes_state=False),
    "RecordInspection": rule(Role.ASSESSOR, changes_state=True),
    "RatioStudy": rule(Role.ASSESSOR, Role.READER, changes_state=False),
    "Calibrate": rule(Role.ASSESSOR, Role.READER, changes_state=False),
}

_JOB_STATE = {
    LevyJobState.RUNNING: assessment_pb2.LEVY_JOB_STATE_RUNNING,
    LevyJobState.COMPLETED: assessment_pb2.LEVY_JOB_STATE_COMPLETED,
    LevyJobState.FAILED: assessment_pb2.LEVY_JOB_STATE_FAILED,
}
_EXPORT_CHUNK = 256 * 1024
_GEO_FORMATS: dict[int, GeoFormat] = {
    assessment_pb2.IMPORT_FORMAT_GEOJSON: GEOJSON,
    assessment_pb2.IMPORT_FORMAT_GPKG: GPKG,
}


def _job(job: LevyJob) -> assessment_pb2.LevyJob:
    return assessment_pb2.LevyJob(
        job_id=job.job_id,
        tax_year=job.tax_year,
        state=_JOB_STATE[job.state],
        processed=job.processed,
        total=job.total,
        taxed=job.taxed,
        exempt=job.exempt,
        not_valued=job.not_valued,
        total_tax=money(job.total_tax),
        error=job.error,
        levied_on=job.levied_on.isoformat() if job.levied_on else "",
    )


def _optional_day(text: str, field: str) -> date | None:
    """A business date given in a request, or None when none is given."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.single(field, "a date as YYYY-MM-DD") from None


def _required_year(year: int, field: str = "tax_year") -> int:
    if not 1900 <= year <= 2200:
        raise InvalidInput.single(field, "must be a year, e.g. 2024")
    return year


@dataclass(frozen=True)
class Wiring:
    """What the servicer works with, given by the composition root (service.py)."""

    uow: UnitOfWorkFactory
    config: AssessmentConfig
    vault: IdentityVault
    files: ImportFiles
    tax_lists: TaxListDocuments
    planner: RoutePlanner
    inspection_documents: InspectionDocuments
    ratio_statistics: RatioStatistics
    calibrator: Calibrator
    calibration: CalibrationSettings
    quality_reports: QualityReports


class AssessmentServicer(
    InspectionNeedRpcs,
    InspectionPlanRpcs,
    RatioStudyRpcs,
    CalibrationRpcs,
    assessment_pb2_grpc.AssessmentServiceServicer,
):
    def __init__(self, wiring: Wiring, levy: JobRunner) -> None:
        self._uow = wiring.uow
        self._config = wiring.config
        self._levy = levy
        self._vault = wiring.vault
        self._files = wiring.files
        self._tax_lists = wiring.tax_lists
        self._planner = wiring.planner
        self._inspection_documents = wiring.inspection_documents
        self._ratio_statistics = wiring.ratio_statistics
        self._calibrator = wiring.calibrator
        self._calibration = wiring.calibration
        self._quality_reports = wiring.quality_reports

    def RegisterProperty(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        try:
            facts = facts_from_proto(request.facts)
            prop = register_property(self._uow(), facts, self._config)
        except InvalidInput as bad:
            raise bad.prefixed("facts.") from None
        return assessment_pb2.RegisterPropertyResponse(property=property_to_proto(prop))

    def UpdateProperty(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        try:
            facts = facts_from_proto(request.facts)
            prop = update_property(self._uow(), request.property_id, facts, self._config)
        except InvalidInput as bad:
            raise InvalidInput(
                [
                    v if v.field == "property_id" else type(v)("facts." + v.field, v.description)
                    for v in bad.violations
                ]
            ) from None
        return assessment_pb2.UpdatePropertyResponse(property=property_to_proto(prop))

    def GetProperty(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        view = get_property(self._uow(), request.property_id)
        return assessment_pb2.GetPropertyResponse(
            property=property_to_proto(view.property),
            valuations=[valuation_to_proto(v) for v in view.valuations],
            tax_bases=[tax_base_to_proto(t) for t in view.tax_bases],
            owners=[self._owner_to_proto(share, since, sealed) for share, since, sealed in view.owners],
            masked_identity_numbers=[masked(self._vault.reveal(sealed)) for _, _, sealed in view.owners],
        )

    def _owner_to_proto(self, share: OwnerShare, since: date, sealed: str) -> property_pb2.OwnerShare:
        """An owner as the register shows it: an organisation with its (public) organisation number."""
        if share.kind == OwnerKind.ORGANISATION:
            share = replace(share, organisation_number=self._vault.reveal(sealed))
        return owner_share_to_proto(share, since)

    def ImportOwners(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        result = import_owners(self._uow(), self._vault, self._files.owners(request.content))
        return assessment_pb2.ImportOwnersResponse(
            rows=result.rows,
            changes=result.changes,
            properties=result.properties,
            owners=result.owners,
            unchanged=result.unchanged,
        )

    def RecordOwnershipChange(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        problems = Violations()
        effective = date.min
        try:
            effective = date.fromisoformat(request.effective_date)
        except ValueError:
            problems.add("effective_date", "a date as YYYY-MM-DD")
        new_owners = []
        for index, owner in enumerate(request.owners):
            share = Fraction(0)
            if owner.share_denominator <= 0:
                problems.add(f"owners[{index}].share_denominator", "must be at least 1")
            else:
                share = Fraction(owner.share_numerator, owner.share_denominator)
            delivery = delivery_from_proto(
                owner.postal_address if owner.HasField("postal_address") else None,
                owner.billing_channel,
                owner.invoice_interval,
            )
            new_owners.append(
                NewOwner(
                    owner_kind_from_proto(owner.kind),
                    owner.identity_number.strip(),
                    owner.name,
                    share,
                    delivery,
                )
            )
        if not request.property_id:
            problems.add("property_id", "is required")
        problems.raise_if_any()
        event = record_ownership_change(self._uow(), self._vault, request.property_id, effective, new_owners)
        return assessment_pb2.RecordOwnershipChangeResponse(
            owners=[owner_share_to_proto(s, event.effective_date) for s in event.owners]
        )

    def FindProperties(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        found, token = find_properties(
            self._uow(),
            request.text,
            request.zone_id,
            category_from_proto(request.category),
            request.page_size,
            request.page_token,
        )
        return assessment_pb2.FindPropertiesResponse(
            properties=[property_to_proto(p) for p in found], next_page_token=token
        )

    def ImportProperties(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        year = request.housing_value_year or oslo_today().year
        if request.format == assessment_pb2.IMPORT_FORMAT_CSV:
            rows, unit = self._files.properties_csv(request.content), "line"
        elif request.format in _GEO_FORMATS:
            rows, unit = self._files.properties_geo(request.content, _GEO_FORMATS[request.format]), "feature"
        else:
            raise InvalidInput.single("format", "choose CSV, GEOJSON or GPKG")
        result = import_properties(
            self._uow(), rows, _required_year(year, "housing_value_year"), self._config, unit, self._vault
        )
        return assessment_pb2.ImportPropertiesResponse(
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            valuations_proposed=result.valuations_proposed,
            not_valued=[_need(need, line) for line, need in result.not_valued],
            ownership_changes=result.ownership_changes,
        )

    def ImportHousingValues(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        rows = self._files.housing_values(request.content, request.year or oslo_today().year)
        result = import_housing_values(self._uow(), rows, self._config)
        return assessment_pb2.ImportHousingValuesResponse(
            rows=result.rows,
            properties_valued=result.properties_valued,
            not_valued=[_need(need, line) for line, need in result.not_valued],
        )

    def ImportZones(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if request.format not in _GEO_FORMATS:
            raise InvalidInput.single("format", "zones are polygons: choose GEOJSON or GPKG")
        zones = self._files.zones(
            request.content,
            request.id_property or "zone_id",
            request.name_property or "name",
            request.factor_property or "factor",
            _GEO_FORMATS[request.format],
        )
        result = import_zones(self._uow(), zones, self._config, request.allow_uncovered)
        return assessment_pb2.ImportZonesResponse(
            zones=result.zones,
            properties_in_zones=result.properties_in_zones,
            properties_outside=result.properties_outside,
        )

    def ProposeManualValuation(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if not request.HasField("value"):
            raise InvalidInput.single("value", "is required")
        valuation = propose_manual_valuation(
            self._uow(), request.property_id, money_from_proto(request.value, "value"), request.reason
        )
        return assessment_pb2.ProposeManualValuationResponse(valuation=valuation_to_proto(valuation))

    def AdoptValuations(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        adopted = adopt_valuations(self._uow(), list(request.property_ids), request.adoption_reference)
        return assessment_pb2.AdoptValuationsResponse(adopted=adopted)

    def SetTaxYearDecision(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        decision = set_decision(self._uow(), request.decision_yaml, self._config)
        return assessment_pb2.SetTaxYearDecisionResponse(year=decision.year)

    def StartLevy(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        levied_on = _optional_day(request.levied_on, "levied_on")
        job = start_levy(self._uow(), request.tax_year, self._config, levied_on, oslo_today())
        self._levy.submit(job.job_id)
        return assessment_pb2.StartLevyResponse(job=_job(job))

    def GetLevyJob(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if request.job_id and request.tax_year:
            raise InvalidInput.single("tax_year", "give either job_id or tax_year, not both")
        if request.tax_year:
            job = get_year_levy_job(self._uow(), _required_year(request.tax_year))
        elif request.job_id:
            job = get_levy_job(self._uow(), request.job_id)
        else:
            raise InvalidInput.single("job_id", "is required (or tax_year)")
        return assessment_pb2.GetLevyJobResponse(job=_job(job))

    def SimulateTaxYear(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if not request.decision_yaml.strip():
            raise InvalidInput.single("decision_yaml", "is required")
        result = simulate(self._uow(), request.decision_yaml, self._config)
        response = _report(result.decision.year, result.summary, result.current)
        if request.include_properties:
            response.property_taxes.extend(
                assessment_pb2.PropertyTax(
                    property_id=b.property_id,
                    tax_base=money(b.tax_base),
                    tax=money(b.tax),
                    status=STATUS_TO_PROTO[b.status],
                )
                for b in result.bases
            )
        return response

    def CorrectTaxBase(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if not request.HasField("value"):
            raise InvalidInput.single("value", "is required")
        corrected = correct_tax_base(
            self._uow(),
            request.property_id,
            _required_year(request.tax_year),
            money_from_proto(request.value, "value"),
            request.reason,
            self._config,
            corrected_on=_optional_day(request.corrected_on, "corrected_on"),
            today=oslo_today(),
        )
        return assessment_pb2.CorrectTaxBaseResponse(tax_base=tax_base_to_proto(corrected))

    def ExportTaxList(self, request, context) -> Iterator[assessment_pb2.ExportTaxListResponse]:  # type: ignore[no-untyped-def]  # noqa: N802
        if request.list not in (assessment_pb2.TAX_LIST_PUBLIC, assessment_pb2.TAX_LIST_EXEMPT):
            raise InvalidInput.single("list", "choose PUBLIC or EXEMPT")
        if request.format not in (assessment_pb2.DOCUMENT_FORMAT_CSV, assessment_pb2.DOCUMENT_FORMAT_PDF):
            raise InvalidInput.single("format", "choose CSV or PDF")
        document = export_tax_list(
            self._uow(),
            request.tax_year,
            exempt=request.list == assessment_pb2.TAX_LIST_EXEMPT,
            pdf=request.format == assessment_pb2.DOCUMENT_FORMAT_PDF,
            documents=self._tax_lists,
        )
        for start in range(0, max(len(document), 1), _EXPORT_CHUNK):
            yield assessment_pb2.ExportTaxListResponse(chunk=document[start : start + _EXPORT_CHUNK])

    def ListValuationNeeds(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        needs, token = list_valuation_needs(self._uow(), request.page_size, request.page_token)
        return assessment_pb2.ListValuationNeedsResponse(
            needs=[_need(n) for n in needs], next_page_token=token
        )


def _need(need: ValuationNeed, line: int = 0) -> assessment_pb2.ValuationNeed:
    return assessment_pb2.ValuationNeed(
        property_id=need.property_id, reason=need.reason.value, detail=need.detail, line=line
    )


def _report(year: int, summary: Summary, current: Summary | None) -> assessment_pb2.SimulateTaxYearResponse:
    categories = []
    for name, item in sorted(summary.by_category.items()):
        current_item = current.by_category.get(name) if current else None
        categories.append(
            assessment_pb2.CategoryRevenue(
                category=category_to_proto(PropertyCategory(name)),
                properties=item.properties,
                taxed=item.paying,  # the properties that pay more than 0 kr
                revenue=money(item.revenue),
                not_valued=item.not_valued,
                current_revenue=money(current_item.revenue if current_item else Money(0)),
            )
        )
    status = summary.by_status
    return assessment_pb2.SimulateTaxYearResponse(
        year=year,
        total_revenue=money(summary.total),
        current_total_revenue=money(current.total if current else Money(0)),
        has_current=current is not None,
        categories=categories,
        bands=[
            assessment_pb2.TaxBand(lower_nok=b.lower_nok, upper_nok=b.upper_nok or 0, properties=b.properties)
            for b in summary.bands()
        ],
        properties=summary.properties,
        taxed=status.get(TaxStatus.TAXED, 0),
        exempt=status.get(TaxStatus.EXEMPT, 0),
        not_valued=status.get(TaxStatus.NOT_VALUED, 0),
        out_of_scope=status.get(TaxStatus.OUT_OF_SCOPE, 0),
        below_minimum=status.get(TaxStatus.BELOW_MINIMUM, 0),
        paying=summary.paying,
    )


def add_to_server(server: grpc.Server, wiring: Wiring, settings: Settings) -> list[BackgroundTask]:
    """The servicer on `server`; returns the levy's background runner for the service to start."""
    levy = levy_runner(wiring.uow, wiring.config, settings.levy_chunk_size, settings.levy_chunk_pause_seconds)
    assessment_pb2_grpc.add_AssessmentServiceServicer_to_server(AssessmentServicer(wiring, levy), server)
    return [levy]


__all__ = ["RULES", "SERVICE_FULL_NAME", "Wiring", "add_to_server"]
