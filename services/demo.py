"""The demo scenario, run against a started stack: what `make demo` shows."""

from __future__ import annotations

import sys
import time

import grpc

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.client import Caller
from services.platform.auth import Role, TokenAuthority
from services.platform.grpc_status import field_violations
from services.platform.settings import Settings
from services.stack import Stack

DEMO_PROPERTIES = [
    ("0301-208/1/0/0", "Karl Johans gate 22, 0159 Oslo", property_pb2.PROPERTY_CATEGORY_HOUSING, 1),
    ("0301-73/146/0/0", "Thorvald Meyers gate 40, 0555 Oslo", property_pb2.PROPERTY_CATEGORY_HOUSING, 6),
    ("0301-209/88/0/0", "Storgata 1, 0155 Oslo", property_pb2.PROPERTY_CATEGORY_COMMERCIAL, 0),
]


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def wait_for_billing(billing: Caller, property_id: str, timeout: float = 60.0) -> billing_pb2.BillingProperty:
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = billing.call(
                stub.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=property_id)
            )
            record: billing_pb2.BillingProperty = response.property
            return record
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def run_demo(stack: Stack) -> int:
    authority = TokenAuthority(Settings().auth_secret.get_secret_value())
    assessor = Caller(stack.target("assessment"), authority.mint("demo-assessor", [Role.ASSESSOR]))
    billing = Caller(stack.target("billing"), authority.mint("demo-billing", [Role.BILLING_OFFICER]))
    assessment_stub = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    _say("\n== Demo: properties registered in assessment reach billing over Kafka ==")
    for cadastral_id, address, category, units in DEMO_PROPERTIES:
        started = time.monotonic()
        registered = assessor.call(
            assessment_stub.RegisterProperty,
            assessment_pb2.RegisterPropertyRequest(
                facts=assessment_pb2.PropertyFacts(
                    cadastral_id=cadastral_id, address=address, category=category, dwelling_units=units
                )
            ),
        ).property
        record = wait_for_billing(billing, registered.property_id)
        elapsed_ms = (time.monotonic() - started) * 1000
        _say(
            f"  {registered.cadastral_id:<16} {registered.address:<38} → billing record "
            f"({record.category}, {record.dwelling_units} units) after {elapsed_ms:.0f} ms, "
            f"from event {record.source_event_id}"
        )
    try:
        assessor.call(
            assessment_stub.RegisterProperty,
            assessment_pb2.RegisterPropertyRequest(
                facts=assessment_pb2.PropertyFacts(cadastral_id="Oslo 208/1", address="")
            ),
        )
        _say("  ERROR: bad input was accepted")
        return 1
    except grpc.RpcError as exc:
        violations = field_violations(exc)
        _say(
            f"  bad input refused with {exc.code().name}: "
            + "; ".join(f"{field}: {text}" for field, text in sorted(violations.items()))
        )
    assessor.close()
    billing.close()
    _say(
        f"== Summary: {len(DEMO_PROPERTIES)} properties crossed from assessment to billing via Kafka "
        f"({stack.kafka_bootstrap}); services stop now ==\n"
    )
    return 0
