"""What every `propertytax` command shares: where the service is, the token, printing answers."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf.json_format import MessageToDict

from services.client import Caller
from services.platform.grpc_status import field_violation_list
from services.platform.money import Money
from services.platform.numbers import NOK, Bounds, bounds, read_decimal, read_int, read_nok

DEFAULT_TARGETS = {
    "assessment": "127.0.0.1:50051",
    "billing": "127.0.0.1:50052",
    "appeals": "127.0.0.1:50053",
}


def print_json(message: Any) -> None:
    sys.stdout.write(
        json.dumps(MessageToDict(message, preserving_proto_field_name=True), indent=2, ensure_ascii=False)
        + "\n"
    )


# A refusal lists at most this many problems (an import with thousands of bad rows), then how many more.
MAX_PRINTED_PROBLEMS = 20
_MORE = re.compile(r"^… and (\d+) more")


def print_rpc_error(exc: grpc.RpcError, flags: dict[str, str] | None = None) -> int:
    """Writes a refusal to stderr: the code and message, then the first MAX_PRINTED_PROBLEMS field
    violations, each named by the command's flag where it has one (new_value → --new-value-nok), then
    "… and N more problems" (counting those the service itself left unlisted). Returns the exit code 2."""
    flags = flags or {}
    sys.stderr.write(f"error: {exc.code().name}: {exc.details()}\n")  # type: ignore[attr-defined]
    problems: list[tuple[str, str]] = []
    more = 0
    for field, description in field_violation_list(exc):
        said = _MORE.match(description)
        if said:
            more += int(said.group(1))
        else:
            problems.append((field, description))
    more += max(len(problems) - MAX_PRINTED_PROBLEMS, 0)
    for field, description in problems[:MAX_PRINTED_PROBLEMS]:
        sys.stderr.write(f"  {flags.get(field, field)}: {description}\n")
    if more:
        sys.stderr.write(f"  … and {more} more problems\n")
    return 2


def caller_for(args: argparse.Namespace, service: str) -> Caller:
    target = (
        args.target or os.environ.get(f"PROPERTYTAX_{service.upper()}_TARGET") or DEFAULT_TARGETS[service]
    )
    token = args.token or os.environ.get("PROPERTYTAX_TOKEN")
    if not token:
        raise SystemExit(
            "no token: pass --token or set PROPERTYTAX_TOKEN "
            "(for local use: export PROPERTYTAX_TOKEN=$(propertytax token mint --role assessor))"
        )
    return Caller(target, token, timeout=args.timeout)


def add_remote_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="host:port of the service")
    parser.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    parser.add_argument("--timeout", type=float, default=30.0, help="deadline in seconds")


def follow(
    job: Any, refresh: Callable[[Any], Any], running: Callable[[Any], bool], progress: Callable[[Any], str]
) -> Any:
    """Polls a job once a second while it runs, showing its progress on one line of stderr."""
    while running(job):
        sys.stderr.write(f"\r  {progress(job)}")
        time.sleep(1)
        job = refresh(job)
    sys.stderr.write("\n")
    return job


def kroner(text: str) -> Money:
    """An argparse type: an amount in kroner as people write it, "7500000", "7 500 000,50" or
    "7500000.50", up to 100 billion; anything else is a usage error naming the flag, never a traceback."""
    try:
        return read_nok(text, NOK)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"an amount in kroner: {exc}") from None


def decimal_text(limits: Bounds, what: str) -> Callable[[str], str]:
    """An argparse type for a number sent as text (e.g. a meter reading): checked here against `limits`,
    so that a bad one is named by its argument, and sent as plain decimal text."""

    def read(text: str) -> str:
        try:
            return str(read_decimal(text, limits))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{what}: {exc}") from None

    return read


def whole(minimum: int, maximum: int, example: str) -> Callable[[str], int]:
    """An argparse type for a whole number from `minimum` to `maximum` (a year, a month, a page size)."""
    limits = bounds(minimum, maximum, 0, example)

    def read(text: str) -> int:
        try:
            return read_int(text, limits)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return read


year_arg = whole(1900, 2200, "2024")
month_arg = whole(1, 12, "5")
page_size_arg = whole(0, 1000, "50")
document_number_arg = whole(1, 10**15, "1001")  # invoice numbers and the like
