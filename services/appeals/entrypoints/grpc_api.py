"""AppealsService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

import grpc
from sqlalchemy.orm import Session, sessionmaker

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from services.appeals.adapters.repository import AppealCaseRepository
from services.appeals.application.list_appeal_cases import list_appeal_cases
from services.appeals.domain.appeal_case import AppealCaseState
from services.platform.auth import Role
from services.platform.grpc_server import MethodRule, rule
from services.platform.settings import Settings

SERVICE_FULL_NAME = "propertytax.appeals.v1.AppealsService"

RULES: dict[str, MethodRule] = {
    "ListAppealCases": rule(Role.SECRETARIAT, Role.READER, changes_state=False),
}

_STATE_TO_PROTO = {AppealCaseState.REGISTERED: appeals_pb2.APPEAL_CASE_STATE_REGISTERED}


class AppealsServicer(appeals_pb2_grpc.AppealsServiceServicer):
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def ListAppealCases(  # noqa: N802 (gRPC method name)
        self, request: appeals_pb2.ListAppealCasesRequest, context: grpc.ServicerContext
    ) -> appeals_pb2.ListAppealCasesResponse:
        with self._sessions() as session:
            cases, next_token = list_appeal_cases(
                AppealCaseRepository(session), request.page_size, request.page_token
            )
        return appeals_pb2.ListAppealCasesResponse(
            cases=[
                appeals_pb2.AppealCase(
                    case_id=c.case_id,
                    property_id=c.property_id,
                    tax_year=c.tax_year,
                    state=_STATE_TO_PROTO[c.state],
                )
                for c in cases
            ],
            next_page_token=next_token,
        )


def add_to_server(sessions: sessionmaker[Session], server: grpc.Server, settings: Settings) -> None:
    appeals_pb2_grpc.add_AppealsServiceServicer_to_server(AppealsServicer(sessions), server)
