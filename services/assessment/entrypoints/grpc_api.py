"""AssessmentService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

import grpc
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from sqlalchemy.orm import Session, sessionmaker

from services.assessment.adapters.proto_mapping import (
    category_from_proto,
    location_from_proto,
    property_to_proto,
)
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.get_property import get_property
from services.assessment.application.register_property import RegisterProperty, register_property
from services.platform.auth import Role
from services.platform.grpc_server import MethodRule, rule

SERVICE_FULL_NAME = "propertytax.assessment.v1.AssessmentService"

RULES: dict[str, MethodRule] = {
    "RegisterProperty": rule(Role.ASSESSOR, changes_state=True),
    "GetProperty": rule(
        Role.ASSESSOR,
        Role.READER,
        Role.SERVICE,
        Role.BILLING_OFFICER,
        Role.SECRETARIAT,
        changes_state=False,
    ),
}


class AssessmentServicer(assessment_pb2_grpc.AssessmentServiceServicer):
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def _uow(self) -> SqlAssessmentUnitOfWork:
        return SqlAssessmentUnitOfWork(self._sessions)

    def RegisterProperty(  # noqa: N802 (gRPC method name)
        self, request: assessment_pb2.RegisterPropertyRequest, context: grpc.ServicerContext
    ) -> assessment_pb2.RegisterPropertyResponse:
        prop = register_property(
            self._uow(),
            RegisterProperty(
                cadastral_id=request.cadastral_id,
                address=request.address,
                category=category_from_proto(request.category),
                dwelling_units=request.dwelling_units,
                location=location_from_proto(request.location, request.HasField("location")),
            ),
        )
        return assessment_pb2.RegisterPropertyResponse(property=property_to_proto(prop))

    def GetProperty(  # noqa: N802
        self, request: assessment_pb2.GetPropertyRequest, context: grpc.ServicerContext
    ) -> assessment_pb2.GetPropertyResponse:
        prop = get_property(self._uow(), request.property_id)
        return assessment_pb2.GetPropertyResponse(property=property_to_proto(prop))


def add_to_server(sessions: sessionmaker[Session], server: grpc.Server) -> None:
    assessment_pb2_grpc.add_AssessmentServiceServicer_to_server(AssessmentServicer(sessions), server)
