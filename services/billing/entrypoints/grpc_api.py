"""BillingService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

import grpc
from sqlalchemy.orm import Session, sessionmaker

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from propertytax.platform.v1 import money_pb2
from services.billing.adapters.repository import BillingPropertyRepository, PropertyTaxRepository
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
            taxes = PropertyTaxRepository(session).current_for(request.property_id)
        return billing_pb2.GetBillingPropertyResponse(
            property=billing_pb2.BillingProperty(
                property_id=found.property_id,
                cadastral_id=found.cadastral_id,
                address=found.address,
                category=found.category,
                dwelling_units=found.dwelling_units,
                source_event_id=found.source_event_id,
                property_taxes=[
                    billing_pb2.YearlyPropertyTax(
                        tax_year=t.tax_year,
                        version=t.version,
                        status=t.status,
                        annual_tax=money_pb2.Money(ore=t.tax.ore),
                        tax_base=money_pb2.Money(ore=t.tax_base.ore),
                        terms=t.terms,
                    )
                    for t in taxes
                ],
            )
        )


def add_to_server(sessions: sessionmaker[Session], server: grpc.Server, settings: Settings) -> None:
    billing_pb2_grpc.add_BillingServiceServicer_to_server(BillingServicer(sessions), server)
