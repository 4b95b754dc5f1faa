"""AssessmentService's inspection-need and field-result RPCs (ListInspectionNeeds, ImportInspectionHistory,
RecordInspection): proto ⇄ command, nothing more. Mixed into the servicer in grpc_api.py, whose __init__
sets the attributes declared here."""

from __future__ import annotations

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import ImportFiles, UnitOfWorkFactory


class InspectionNeedRpcs:
    _uow: UnitOfWorkFactory
    _config: AssessmentConfig
    _files: ImportFiles
