"""The `propertytax` command line: thin calls onto the services' gRPC APIs, plus local tooling."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta

import grpc

from services import cli_admin, cli_appeals, cli_assessment, cli_billing
from services.cli_common import (
    DEFAULT_TARGETS,
    EXIT_BAD_INPUT,
    BadInput,
    add_remote_options,
    caller_for,
    dwelling_units_arg,
    hours_arg,
    latitude_arg,
    longitude_arg,
    print_json,
    print_rpc_error,
)
from services.platform.auth import Role, TokenAuthority
from services.platform.settings import Settings


def cmd_token_mint(args: argparse.Namespace) -> int:
    settings = Settings()
    authority = TokenAuthority(settings.auth_secret.get_secret_value(), settings.auth_issuer)
    sys.stdout.write(authority.mint(args.subject, args.role, timedelta(hours=args.hours)) + "\n")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from importlib import import_module

    from services.platform.service_builder import serve

    serve(import_module(f"services.{args.service}.service").SPEC)
    return 0


def cmd_register_property(args: argparse.Namespace) -> int:
    from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2

    caller = caller_for(args, "assessment")
    facts = assessment_pb2.PropertyFacts(
        cadastral_id=args.cadastral_id,
        address=args.address,
        category=property_pb2.PropertyCategory.Value(f"PROPERTY_CATEGORY_{args.category.upper()}"),
        dwelling_units=args.units,
    )
    if (args.lon is None) != (args.lat is None):
        raise BadInput("--lon and --lat: give both (WGS 84 degrees), or neither")
    if args.lon is not None and args.lat is not None:
        facts.location.lon = args.lon
        facts.location.lat = args.lat
    request = assessment_pb2.RegisterPropertyRequest(facts=facts)
    stub = assessment_pb2_grpc.AssessmentServiceStub(caller.channel)
    try:
        print_json(caller.call(stub.RegisterProperty, request))
    except grpc.RpcError as exc:
        return print_rpc_error(exc, _REGISTER_FLAGS)
    return 0


_REGISTER_FLAGS = {
    "facts.cadastral_id": "--cadastral-id",
    "facts.address": "--address",
    "facts.category": "--category",
    "facts.dwelling_units": "--units",
    "facts.location": "--lon/--lat",
    "facts.location.lon": "--lon",
    "facts.location.lat": "--lat",
}


def cmd_get_property(args: argparse.Namespace) -> int:
    from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc

    caller = caller_for(args, "assessment")
    stub = assessment_pb2_grpc.AssessmentServiceStub(caller.channel)
    print_json(caller.call(stub.GetProperty, assessment_pb2.GetPropertyRequest(property_id=args.property_id)))
    return 0


def cmd_billing_property(args: argparse.Namespace) -> int:
    from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc

    caller = caller_for(args, "billing")
    stub = billing_pb2_grpc.BillingServiceStub(caller.channel)
    print_json(
        caller.call(
            stub.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=args.property_id)
        )
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="propertytax", description=__doc__)
    areas = parser.add_subparsers(dest="area", required=True)

    token = areas.add_parser("token", help="bearer tokens for local use").add_subparsers(
        dest="action", required=True
    )
    mint = token.add_parser("mint", help="print a token signed with PROPERTYTAX_AUTH_SECRET")
    mint.add_argument("--subject", default=os.environ.get("USER", "local-user"))
    mint.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    mint.add_argument("--hours", type=hours_arg, default=8.0)
    mint.set_defaults(func=cmd_token_mint)

    serve = areas.add_parser("serve", help="run one service in the foreground")
    serve.add_argument("service", choices=sorted(DEFAULT_TARGETS))
    serve.set_defaults(func=cmd_serve)

    assessment = areas.add_parser("assessment", help="the property register").add_subparsers(
        dest="action", required=True
    )
    register = assessment.add_parser("register-property", help="add a property to the register")
    register.add_argument("--cadastral-id", required=True, help="kommunenr-gnr/bnr/fnr/snr")
    register.add_argument("--address", required=True)
    register.add_argument(
        "--category",
        required=True,
        choices=["housing", "holiday_home", "commercial", "power", "undeveloped", "agriculture"],
    )
    register.add_argument("--units", type=dwelling_units_arg, default=1, help="dwelling units")
    register.add_argument("--lon", type=longitude_arg, help="WGS 84 longitude, e.g. 10.7522 (with --lat)")
    register.add_argument("--lat", type=latitude_arg, help="WGS 84 latitude, e.g. 59.9139 (with --lon)")
    add_remote_options(register)
    register.set_defaults(func=cmd_register_property)
    cli_assessment.add_commands(assessment)
    get = assessment.add_parser("get-property", help="read one property")
    get.add_argument("property_id")
    add_remote_options(get)
    get.set_defaults(func=cmd_get_property)

    billing = areas.add_parser("billing", help="accounts, charges and invoices").add_subparsers(
        dest="action", required=True
    )
    cli_billing.add_commands(billing)
    billing_get = billing.add_parser("get-property", help="billing's record of a property")
    billing_get.add_argument("property_id")
    add_remote_options(billing_get)
    billing_get.set_defaults(func=cmd_billing_property)

    appeals = areas.add_parser("appeals", help="complaints and committees").add_subparsers(
        dest="action", required=True
    )
    cli_appeals.add_commands(appeals)

    admin = areas.add_parser("admin", help="operators' tools that talk to Kafka directly").add_subparsers(
        dest="action", required=True
    )
    cli_admin.add_commands(admin)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except grpc.RpcError as exc:
        return print_rpc_error(exc)
    except BadInput as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    raise SystemExit(main())
