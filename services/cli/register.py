"""The property register from the command line: register, read and change properties, and their owners."""

from __future__ import annotations

import argparse
from typing import Any

import grpc

from services.cli.common import (
    BadInput,
    add_remote_options,
    caller_for,
    dwelling_units_arg,
    latitude_arg,
    longitude_arg,
    print_json,
    print_rpc_error,
)


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


def cmd_import_owners(args: argparse.Namespace) -> int:
    raise BadInput("import owners: being built in this session")


def add_commands(assessment: Any) -> None:
    """Adds the register's commands to the `assessment` sub-parser group."""
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
    get = assessment.add_parser("get-property", help="read one property")
    get.add_argument("property_id")
    add_remote_options(get)
    get.set_defaults(func=cmd_get_property)
