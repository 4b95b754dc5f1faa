"""AssessmentService's planning RPCs (RequestVisit, PlanInspections, GetInspectionPlan, ReplanInspections,
GetInspectionDocuments): proto ⇄ command, nothing more. Mixed into the servicer in grpc_api.py, whose
__init__ sets the attributes declared here."""

from __future__ import annotations

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import (
    ImportFiles,
    InspectionDocuments,
    RoutePlanner,
    UnitOfWorkFactory,
)


class InspectionPlanRpcs:
    _uow: UnitOfWorkFactory
    _config: AssessmentConfig
    _files: ImportFiles
    _planner: RoutePlanner
    _inspection_documents: InspectionDocuments
