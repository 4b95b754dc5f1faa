"""The property register from the command line: register, read and change properties, propose a value,
and record their owners (one by one, or a whole owners file). Answers are for people by default
(services/cli/register_view.py) and in machine form with --json; refusals name the flags typed."""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from services.cli import register_view as view
from services.cli.common import (
    BadInput,
    add_remote_options,
    caller_for,
    dwelling_units_arg,
    kroner,
    latitude_arg,
    longitude_arg,
    naming_flags,
    read_input,
)
from services.cli.dates import day_arg
from services.cli.output import day, emit_json, nok, say, show_record, show_table, wants_json
from services.platform.shares import read_share

CATEGORIES = ["housing", "holiday_home", "commercial", "power", "undeveloped", "agriculture"]
CHANNELS = ["ehf", "efaktura", "print"]
INTERVALS = ["monthly", "bimonthly", "quarterly", "half_yearly", "yearly"]

_FACTS_FLAGS = {
    "property_id": "property_id",
    "facts.cadastral_id": "--cadastral-id",
    "facts.address": "--address",
    "facts.category": "--category",
    "facts.dwelling_units": "--units",
    "facts.location": "--lon/--lat",
    "facts.location.lon": "--lon",
    "facts.location.lat": "--lat",
}
_OWNER_FLAGS = {
    "property_id": "property_id",
    "effective_date": "--from",
    "owners": "--share",
    "owners[0].name": "--name",
    "owners[0].share_denominator": "--share",
    "owners[0].share": "--share",
    "owners[0].postal_address.address_lines": "--address",
    "owners[0].postal_address.postcode": "--postcode",
    "owners[0].postal_address.city": "--city",
    "owners[0].billing_channel": "--channel",
    "owners[0].invoice_interval": "--interval",
}


def _stub(args: argparse.Namespace) -> tuple[Any, assessment_pb2_grpc.AssessmentServiceStub]:
    caller = caller_for(args, "assessment")
    return caller, assessment_pb2_grpc.AssessmentServiceStub(caller.channel)


def _category(name: str) -> property_pb2.PropertyCategory.ValueType:
    return property_pb2.PropertyCategory.Value(f"PROPERTY_CATEGORY_{name.upper()}")


def _check_location(args: argparse.Namespace) -> None:
    if (args.lon is None) != (args.lat is None):
        raise BadInput("--lon and --lat: give both (WGS 84 degrees), or neither")


def _show_property(args: argparse.Namespace, answer: Any, title: str | None = None) -> None:
    show_record(args, answer, view.property_fields(answer.property), title)


@naming_flags(_FACTS_FLAGS)
def cmd_register_property(args: argparse.Namespace) -> int:
    _check_location(args)
    facts = assessment_pb2.PropertyFacts(
        cadastral_id=args.cadastral_id,
        address=args.address,
        category=_category(args.category),
        dwelling_units=args.units,
    )
    if args.lon is not None and args.lat is not None:
        facts.location.lon = args.lon
        facts.location.lat = args.lat
    caller, stub = _stub(args)
    answer = caller.call(stub.RegisterProperty, assessment_pb2.RegisterPropertyRequest(facts=facts))
    _show_property(args, answer, "Registered:")
    return 0


@naming_flags({"property_id": "property_id"})
def cmd_get_property(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(stub.GetProperty, assessment_pb2.GetPropertyRequest(property_id=args.property_id))
    show_record(
        args,
        answer,
        view.property_fields(answer.property, answer),
    )
    return 0


@naming_flags(_FACTS_FLAGS)
def cmd_update_property(args: argparse.Namespace) -> int:
    """UpdateProperty replaces every fact: the property is read first, and only the flags given change."""
    _check_location(args)
    changes = [args.address, args.category, args.units, args.lon, args.cadastral_id]
    if all(value is None for value in changes):
        raise BadInput(
            "nothing to change: give at least one of --address, --category, --units, --lon/--lat, "
            "--cadastral-id"
        )
    caller, stub = _stub(args)
    current = caller.call(
        stub.GetProperty, assessment_pb2.GetPropertyRequest(property_id=args.property_id)
    ).property
    facts = assessment_pb2.PropertyFacts(
        cadastral_id=current.cadastral_id if args.cadastral_id is None else args.cadastral_id,
        address=current.address if args.address is None else args.address,
        category=current.category if args.category is None else _category(args.category),
        dwelling_units=current.dwelling_units if args.units is None else args.units,
        floors=current.floors,
        plot_m2=current.plot_m2,
        build_year=current.build_year,
        exemption_code=current.exemption_code,
    )
    if args.lon is not None and args.lat is not None:
        facts.location.lon = args.lon
        facts.location.lat = args.lat
    elif current.HasField("location"):
        facts.location.CopyFrom(current.location)
    answer = caller.call(
        stub.UpdateProperty, assessment_pb2.UpdatePropertyRequest(property_id=args.property_id, facts=facts)
    )
    _show_property(args, answer, "Updated:")
    return 0


@naming_flags({"property_id": "property_id", "value": "--value-nok", "reason": "--reason"})
def cmd_propose_value(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = assessment_pb2.ProposeManualValuationRequest(property_id=args.property_id, reason=args.reason)
    request.value.ore = args.value_nok.ore
    valuation = caller.call(stub.ProposeManualValuation, request).valuation
    show_record(
        args,
        valuation,
        [
            ("Property id", valuation.property_id),
            ("Value", nok(valuation.value)),
            ("Version", str(valuation.version)),
            ("Reason", valuation.reason),
            ("State", "adopted" if valuation.adopted else "proposed (adopt it with `assessment adopt`)"),
        ],
        "Proposed a valuation:",
    )
    return 0


def _share_arg(text: str) -> Fraction:
    try:
        return read_share(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@naming_flags(_OWNER_FLAGS)
def cmd_ownership_record(args: argparse.Namespace) -> int:
    if (args.national_id is None) == (args.organisation_number is None):
        raise BadInput("give the owner's --national-id or --organisation-number (one of them)")
    person = args.national_id is not None
    identity_flag = "--national-id" if person else "--organisation-number"
    args.extra_flags = {"owners[0].identity_number": identity_flag}
    owner = assessment_pb2.NewOwner(
        kind=property_pb2.OWNER_KIND_PERSON if person else property_pb2.OWNER_KIND_ORGANISATION,
        identity_number="".join((args.national_id or args.organisation_number).split()),
        name=args.name,
        share_numerator=args.share.numerator,
        share_denominator=args.share.denominator,
        postal_address=property_pb2.PostalAddress(
            address_lines=[args.address], postcode=args.postcode, city=args.city
        ),
        billing_channel=args.channel or "",
        invoice_interval=args.interval or "",
    )
    caller, stub = _stub(args)
    answer = caller.call(
        stub.RecordOwnershipChange,
        assessment_pb2.RecordOwnershipChangeRequest(
            property_id=args.property_id, effective_date=args.from_date, owners=[owner]
        ),
    )
    show_table(
        args,
        answer,
        view.OWNER_COLUMNS,
        view.owner_rows(answer.owners),
        empty="",
        title=f"Owners of {args.property_id} from {day(args.from_date)}:",
    )
    return 0


@naming_flags({"property_id": "property_id"})
def cmd_ownership_show(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(stub.GetProperty, assessment_pb2.GetPropertyRequest(property_id=args.property_id))
    owners = assessment_pb2.RecordOwnershipChangeResponse(owners=answer.owners)  # no identity numbers
    show_table(
        args,
        owners,
        view.OWNER_COLUMNS,
        view.owner_rows(answer.owners),
        empty=f"No owners of {args.property_id} are recorded.",
        title=f"Owners of {args.property_id}:",
    )
    return 0


def cmd_import_owners(args: argparse.Namespace) -> int:
    """`assessment import owners FILE`, dispatched from services/cli/assessment.py's `import` (whose
    wrapper prints a refusal once, naming the file)."""
    from services.cli.assessment import _waiting  # the import command's spinner for long calls

    content = read_input(args.file, "file")
    caller, stub = _stub(args)
    with _waiting(f"Recording owners from {args.file}", content.count(b"\n") > 2000):
        answer = caller.call(stub.ImportOwners, assessment_pb2.ImportOwnersRequest(content=content))
    if wants_json(args):
        emit_json(answer)
    else:
        say(view.owners_imported(answer))
    return 0


def add_commands(assessment: Any) -> None:
    """Adds the register's commands to the `assessment` sub-parser group."""
    register = assessment.add_parser("register-property", help="add a property to the register")
    register.add_argument("--cadastral-id", required=True, help="kommunenr-gnr/bnr/fnr/snr")
    register.add_argument("--address", required=True)
    register.add_argument("--category", required=True, choices=CATEGORIES)
    register.add_argument("--units", type=dwelling_units_arg, default=1, help="dwelling units")
    register.add_argument("--lon", type=longitude_arg, help="WGS 84 longitude, e.g. 10.7522 (with --lat)")
    register.add_argument("--lat", type=latitude_arg, help="WGS 84 latitude, e.g. 59.9139 (with --lon)")
    add_remote_options(register)
    register.set_defaults(func=cmd_register_property)

    get = assessment.add_parser("get-property", help="read one property: facts, owners, valuation, tax")
    get.add_argument("property_id")
    add_remote_options(get)
    get.set_defaults(func=cmd_get_property)

    update = assessment.add_parser(
        "update-property", help="change a property's facts (only those given; the rest stay as they are)"
    )
    update.add_argument("property_id")
    update.add_argument("--address")
    update.add_argument("--category", choices=CATEGORIES)
    update.add_argument("--units", type=dwelling_units_arg, help="dwelling units")
    update.add_argument("--lon", type=longitude_arg, help="WGS 84 longitude (with --lat)")
    update.add_argument("--lat", type=latitude_arg, help="WGS 84 latitude (with --lon)")
    update.add_argument("--cadastral-id", help="kommunenr-gnr/bnr/fnr/snr")
    add_remote_options(update)
    update.set_defaults(func=cmd_update_property)

    propose = assessment.add_parser(
        "propose-value", help="propose a manual valuation of a property (adopted later with `adopt`)"
    )
    propose.add_argument("property_id")
    propose.add_argument("--value-nok", type=kroner, required=True, help="the value in kroner, e.g. 7500000")
    propose.add_argument("--reason", required=True, help="why this value (kept with the valuation)")
    add_remote_options(propose)
    propose.set_defaults(func=cmd_propose_value)

    ownership = assessment.add_parser("ownership", help="a property's owners: record a change, show them")
    actions = ownership.add_subparsers(dest="action", required=True, metavar="{record,show}")
    record = actions.add_parser(
        "record",
        help="record that one new owner owns a property from a date",
        description="Records one ownership change with ONE new owner, who takes over the whole property "
        "from --from. For several co-owners (shares such as 1/2 + 1/2) put them in an owners file "
        "and use `propertytax assessment import owners FILE`.",
    )
    record.add_argument("property_id")
    record.add_argument(
        "--from",
        dest="from_date",
        metavar="DATE",
        type=day_arg,
        required=True,
        help="first day, 2024-05-15 or 15.05.2024",
    )
    record.add_argument("--name", required=True, help="the owner's name")
    record.add_argument(
        "--national-id", metavar="NUMBER", help="a person's national identity or D-number (stored sealed)"
    )
    record.add_argument("--organisation-number", metavar="NUMBER", help="an organisation's number (9 digits)")
    record.add_argument(
        "--share",
        type=_share_arg,
        default=Fraction(1),
        help="the owner's share, 1 (default) for the whole property; co-owners: use `import owners`",
    )
    record.add_argument("--address", required=True, help='postal address, e.g. "Storgata 1"')
    record.add_argument("--postcode", required=True, help="four digits, e.g. 0155")
    record.add_argument("--city", required=True, help="post town, e.g. Oslo")
    record.add_argument(
        "--channel",
        choices=CHANNELS,
        help="how invoices reach the owner (default: print for persons, ehf for organisations)",
    )
    record.add_argument(
        "--interval", choices=INTERVALS, help="how often the owner is invoiced (default: quarterly)"
    )
    add_remote_options(record)
    record.set_defaults(func=cmd_ownership_record)
    show = actions.add_parser("show", help="a property's current owners (never their identity numbers)")
    show.add_argument("property_id")
    add_remote_options(show)
    show.set_defaults(func=cmd_ownership_show)
