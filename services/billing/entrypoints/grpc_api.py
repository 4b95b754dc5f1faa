"""BillingService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

import grpc
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from sqlalchemy.orm import Session, sessionmaker

from services.billing.adapters.repository import BillingPropertyRepository
from services.billing.application.get_billing_property import get_billing_property
from services.platform.auth import Role
from services.platform.grpc_server import MethodRule, rule
from services.platform.settings import Settings

SERVICE_FULL_NAME = "propertytax.billing.v1.BillingService"

RULES: dict[str, MethodRule] = {
    "GetBillingProperty": rule(Role.BILLING_OFFICER, Role.READER, Role.SERVICE, changes_state=False),
}


class BillingServicer(billing_pb2_grpc.BillingServiceServicer):
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def GetBillingProperty(  # noqa: N802 (gRPC method name)
        self, request: billing_pb2.GetBillingPropertyRequest, context: grpc.ServicerContext
    ) -> billing_pb2.GetBillingPropertyResponse:
        with self._sessions() as session:
            found = get_billing_property(BillingPropertyRepository(session), request.property_id)
        return billing_pb2.GetBillingPropertyResponse(
            property=billing_pb2.BillingProperty(
                property_id=found.property_id,
                cadastral_id=found.cadastral_id,
                address=found.address,
                category=found.category,
                dwelling_units=found.dwelling_units,
                source_event_id=found.source_event_id,
            )
        )


def add_to_server(sessions: sessionmaker[Session], server: grpc.Server, settings: Settings) -> None:
    billing_pb2_grpc.add_BillingServiceServicer_to_server(BillingServicer(sessions), server)
