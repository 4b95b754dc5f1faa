"""How the assessment service is put together: the one place that chooses the adapters (SQL, files,
Fernet, documents) and hands them to the entry points."""

from __future__ import annotations

from pathlib import Path

import grpc
from sqlalchemy.orm import Session, sessionmaker

from services.assessment.adapters.calibration_fit import LeastSquaresCalibrator
from services.assessment.adapters.config_files import (
    load_calibration_settings,
    load_inspection_settings,
    load_legal_limits,
    load_municipality,
    load_standard_rates,
)
from services.assessment.adapters.identity_vault import IdentityVault
from services.assessment.adapters.import_files import ImportFileReaders
from services.assessment.adapters.inspection_documents import InspectionDocumentWriter
from services.assessment.adapters.orm import platform_tables
from services.assessment.adapters.quality_report_pdf import MatplotlibQualityReports
from services.assessment.adapters.ratio_statistics import AssesspyStatistics
from services.assessment.adapters.route_planner import VroomRoutePlanner
from services.assessment.adapters.tax_list_documents import TaxListDocumentWriter
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application import export_tax_list as tax_lists
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.entrypoints import event_handlers, grpc_api
from services.platform.messaging.inbox_processor import EventHandler
from services.platform.runtime import BackgroundTask
from services.platform.service_builder import ConsumerSpec, ServiceSpec
from services.platform.settings import Settings

TAX_LIST_DOCUMENTS = TaxListDocumentWriter()


def build_config(settings: Settings) -> AssessmentConfig:
    return AssessmentConfig(
        limits=load_legal_limits(settings.legal_limits_file),
        rates=load_standard_rates(settings.standard_rates_file),
        inspections=load_inspection_settings(),
    )


def _add_servicer(
    sessions: sessionmaker[Session], server: grpc.Server, settings: Settings
) -> list[BackgroundTask]:
    wiring = grpc_api.Wiring(
        uow=lambda: SqlAssessmentUnitOfWork(sessions),
        config=build_config(settings),
        vault=IdentityVault(settings.pii_key.get_secret_value()),
        files=ImportFileReaders(),
        tax_lists=TAX_LIST_DOCUMENTS,
        planner=VroomRoutePlanner(),
        inspection_documents=InspectionDocumentWriter(load_municipality()),
        ratio_statistics=AssesspyStatistics(),
        calibrator=LeastSquaresCalibrator(),
        calibration=load_calibration_settings(),
        quality_reports=MatplotlibQualityReports(),
    )
    return grpc_api.add_to_server(server, wiring, settings)


def _joining(session: Session) -> AssessmentUnitOfWork:
    return SqlAssessmentUnitOfWork.in_transaction_of(session)


def consumer_handlers(config: AssessmentConfig) -> dict[str, EventHandler]:
    """The event handlers, each working in the consumer's own transaction."""
    return event_handlers.handlers(config, _joining)


def export_tax_list(uow: AssessmentUnitOfWork, year: int, exempt: bool, pdf: bool) -> bytes:
    """ExportTaxList's handler with the documents the servicer is given."""
    return tax_lists.export_tax_list(uow, year, exempt, pdf, TAX_LIST_DOCUMENTS)


SPEC = ServiceSpec(
    name="assessment",
    service_full_name=grpc_api.SERVICE_FULL_NAME,
    tables=platform_tables,
    migrations_dir=Path(__file__).parent / "adapters" / "migrations",
    rules=grpc_api.RULES,
    add_servicer=_add_servicer,
    produces_events=True,
    consumer=ConsumerSpec(
        topics=["propertytax.appeals.v1"],
        handlers=lambda settings: consumer_handlers(build_config(settings)),
    ),
)
